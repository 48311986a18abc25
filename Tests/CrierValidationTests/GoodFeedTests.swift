import Testing
import CrierValidation

/// Feeds shaped like the ones `crier build` writes must pass with no errors and no
/// warnings: the build refuses to write anything that does not.
@Suite struct GoodFeedTests {
    @Test func atomFeedIsClean() throws {
        let report = try Fixtures.validate("valid/atom.xml")
        #expect(report.format == .atom)
        #expect(report.diagnostics.isEmpty, "\(report.problems)")
    }

    @Test func rssFeedWithExtensionsIsClean() throws {
        // atom:link rel=self, content:encoded, dc:creator, guid isPermaLink="false" with a
        // tag: URI, RFC 822 dates with +0000.
        let report = try Fixtures.validate("valid/rss.xml")
        #expect(report.format == .rss20)
        #expect(report.diagnostics.isEmpty, "\(report.problems)")
    }

    @Test func jsonFeedIsClean() {
        let json = """
        {
          "version": "https://jsonfeed.org/version/1.1",
          "title": "Example feed",
          "home_page_url": "https://example.com/",
          "feed_url": "https://example.com/feed.json",
          "authors": [{"name": "Ed Example", "url": "https://example.com/about"}],
          "language": "en",
          "items": [
            {"id": "tag:example.com,2024:post-1", "url": "https://example.com/posts/1", "title": "First",
             "content_html": "<p>Hello</p>", "date_published": "2024-05-01T12:00:00Z", "tags": ["swift"]}
          ]
        }
        """
        let report = FeedValidator.validate(bytes: Array(json.utf8), fileName: "feed.json")
        #expect(report.format == .jsonFeed)
        #expect(report.diagnostics.isEmpty, "\(report.problems)")
    }

    @Test func atomEntryDocumentIsRecognised() {
        let xml = """
        <?xml version="1.0" encoding="utf-8"?>
        <entry xmlns="http://www.w3.org/2005/Atom">
          <title>One</title><id>tag:example.com,2024:1</id><updated>2024-05-01T12:00:00Z</updated>
          <author><name>Ed</name></author><content>Hi</content>
        </entry>
        """
        let report = FeedValidator.validate(bytes: Array(xml.utf8))
        #expect(report.format == .atomEntry)
        #expect(report.problems.isEmpty, "\(report.problems)")
    }

    @Test func olderRSSVersionsAreNamed() {
        let rss091 = #"<rss version="0.91"><channel><title>t</title><link>https://example.com/</link><description>d</description><language>en</language><atom:link xmlns:atom="http://www.w3.org/2005/Atom" rel="self" href="https://example.com/f"/></channel></rss>"#
        #expect(FeedValidator.validate(bytes: Array(rss091.utf8)).format == .rss09x)
        let rss10 = """
        <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/">
        <channel rdf:about="https://example.com/"><title>t</title><link>https://example.com/</link><description>d</description></channel>
        <item rdf:about="https://example.com/1"><title>One</title><link>https://example.com/1</link></item>
        </rdf:RDF>
        """
        let report = FeedValidator.validate(bytes: Array(rss10.utf8))
        #expect(report.format == .rss10)
        #expect(!report.hasErrors, "\(report.problems)")
    }

    /// The build validates feeds in parallel: each run keeps its own parser and diagnostics.
    @Test func parallelRunsKeepTheirOwnDiagnostics() async throws {
        let cases = Array(RuleCase.all.prefix(24))
        let expected = try cases.map { try Fixtures.validate($0.invalid).diagnostics }
        let documents = try cases.map { try Fixtures.bytes($0.invalid) }
        let results = await withTaskGroup(of: (Int, [Diagnostic]).self) { group in
            for round in 0..<4 {
                for (index, bytes) in documents.enumerated() {
                    group.addTask { (index, FeedValidator.validate(bytes: bytes, fileName: cases[index].invalid).diagnostics) }
                }
                _ = round
            }
            var all: [(Int, [Diagnostic])] = []
            for await result in group { all.append(result) }
            return all
        }
        #expect(results.count == documents.count * 4)
        for (index, diagnostics) in results {
            #expect(diagnostics == expected[index], "\(cases[index].invalid)")
        }
    }

    @Test func unknownExtensionsAreAllowed() {
        let xml = """
        <rss version="2.0" xmlns:x="https://example.com/ns/x" xmlns:atom="http://www.w3.org/2005/Atom">
        <channel><title>t</title><link>https://example.com/</link><description>d</description>
        <atom:link rel="self" href="https://example.com/f"/><x:anything a="b"><x:more/></x:anything>
        <item><title>i</title><guid isPermaLink="false">1a</guid><x:rating>5</x:rating></item></channel></rss>
        """
        let report = FeedValidator.validate(bytes: Array(xml.utf8))
        #expect(report.problems.isEmpty, "\(report.problems)")
    }
}
