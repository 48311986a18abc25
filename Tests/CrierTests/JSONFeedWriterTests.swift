@testable import Crier
import Foundation
import Testing

/// The hand-written JSON Feed writer against `JSONEncoder` writing the same feed
/// (`EncoderJSONFeedWriter`, the writer as it was): the same bytes, whatever the text.
@Suite struct JSONFeedWriterTests {
    let now = SamplePosts.date("2025-01-01T00:00:00Z")

    /// Every byte from 0 to 127 (the control characters XML forbids are cleaned out
    /// first, by both), quotes, backslashes and slashes, and text beyond ASCII.
    static let awkward = String(decoding: Array(0..<128), as: UTF8.self)
        + #" "quoted" \back\slash\ a/b </script> é 🦜 שלום "# + "\u{2028}\u{2029}\u{FEFF}\u{7F}\r\n\r"

    func expectSameBytes(_ feed: Feed, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let written = try JSONFeedWriter.write(feed)
        let encoded = try EncoderJSONFeedWriter.write(feed)
        // Compared as one answer: a failure printing every byte says no more.
        let same = written == encoded
        #expect(same, "\(String(decoding: written.prefix(400), as: UTF8.self)) against \(String(decoding: encoded.prefix(400), as: UTF8.self))",
                sourceLocation: sourceLocation)
        if !same, let first = written.indices.first(where: { $0 >= encoded.count || written[$0] != encoded[$0] }) {
            Issue.record("first difference at byte \(first): \(String(decoding: written[max(0, first - 40)..<min(written.count, first + 40)], as: UTF8.self))",
                         sourceLocation: sourceLocation)
        }
    }

    @Test func theSamplePostsAreWrittenAsJSONEncoderWritesThem() throws {
        try expectSameBytes(FeedBuilder(site: SamplePosts.site, now: now).feeds(from: SamplePosts.posts)[0].feed)
    }

    @Test func everyFieldAndEveryAwkwardCharacterAreWrittenAsJSONEncoderWritesThem() throws {
        let text = Self.awkward
        let people = [Person(name: "Ada " + text, email: "ada@example.org", uri: "/ada/" + text), Person(name: "Bo", email: "bo@example.org"),
                      Person(name: "Cy")]
        let full = Entry(id: "tag:example.org,2024:" + text, title: "Title " + text, url: "https://example.org/a?b=" + text,
                         published: Date(timeIntervalSince1970: 1_700_000_000), updated: Date(timeIntervalSince1970: 1_700_000_123.5),
                         authors: people, categories: [Category(term: "swift"), Category(term: text, scheme: "s")],
                         summaryHTML: "<p>Summary " + text + "</p>", contentHTML: "<p>Content " + text + "</p>",
                         enclosures: [Enclosure(url: "https://example.org/a.mp3?" + text, length: 12_345, type: "audio/mpeg"),
                                      Enclosure(url: "https://example.org/b.ogg", length: 0, type: "audio/ogg" + text)])
        let summaryOnly = Entry(id: "tag:example.org,2024:b", title: "", url: "https://example.org/b",
                                published: Date(timeIntervalSince1970: 0), updated: Date(timeIntervalSince1970: 0),
                                summaryHTML: "<p>Only a summary</p>")
        let bare = Entry(id: "tag:example.org,2024:c", title: "C", url: "https://example.org/c",
                         published: Date(timeIntervalSince1970: 1), updated: Date(timeIntervalSince1970: 2))
        var feed = Feed(id: "https://example.org/", title: "Feed " + text, subtitle: "Sub " + text, homeURL: "https://example.org/",
                        selfURLs: [.json: "https://example.org/feed.json?" + text], hubs: ["https://hub.example.org/" + text, "https://b.example.org/"],
                        language: "en-" + text, authors: people, updated: Date(timeIntervalSince1970: 1_700_000_000),
                        entries: [full, summaryOnly, bare])
        try expectSameBytes(feed)

        // Without any of the optional parts, and with no entries at all.
        feed.subtitle = nil
        feed.selfURLs = [:]
        feed.hubs = []
        feed.language = nil
        feed.authors = []
        try expectSameBytes(feed)
        feed.entries = []
        try expectSameBytes(feed)
    }

    @Test func eachCharacterIsEscapedAsJSONEncoderEscapesIt() throws {
        // The writer cleans text of what XML forbids first, so control characters other
        // than tab, line feed and carriage return only reach the escaping here.
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        for text in (0..<128).map({ String(UnicodeScalar(UInt8($0))) }) + [Self.awkward, "", "\u{10FFFF}\u{2028}é"] {
            var out = JSONOutput()
            out.string(text)
            let encoded = try encoder.encode([text])
            #expect(out.bytes == Array(encoded.dropFirst().dropLast()), "\(Array(text.utf8))")
        }
    }
}
