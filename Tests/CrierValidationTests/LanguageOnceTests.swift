import CrierValidation
import Testing

/// `xml:lang` is checked once per element, however deep it sits.
@Suite struct LanguageOnceTests {
    func count(_ document: String) -> Int {
        FeedValidator.validate(bytes: Array(document.utf8)).diagnostics.filter { $0.rule == "InvalidLanguage" }.count
    }

    @Test func aBadLanguageOnAnRSSItemChildIsReportedOnce() {
        let rss = """
            <rss version="2.0"><channel><title>t</title><link>https://example.com/</link><description>d</description>
            <item><title xml:lang="not a tag">x</title><guid isPermaLink="false">a</guid></item></channel></rss>
            """
        #expect(count(rss) == 1)
    }

    @Test func aBadLanguageOnAnAtomAuthorNameIsReportedOnceInEntriesAndInTheFeed() {
        func atom(feedAuthor: String, entryAuthor: String) -> String {
            """
            <feed xmlns="http://www.w3.org/2005/Atom"><title>t</title><id>urn:x:1</id><updated>2024-01-01T00:00:00Z</updated>
            <author><name\(feedAuthor)>A</name></author>
            <entry><title>e</title><id>urn:x:2</id><updated>2024-01-01T00:00:00Z</updated><author><name\(entryAuthor)>B</name></author></entry></feed>
            """
        }
        #expect(count(atom(feedAuthor: "", entryAuthor: " xml:lang=\"not a tag\"")) == 1)
        #expect(count(atom(feedAuthor: " xml:lang=\"not a tag\"", entryAuthor: "")) == 1)
        #expect(count(atom(feedAuthor: "", entryAuthor: "")) == 0)
    }
}
