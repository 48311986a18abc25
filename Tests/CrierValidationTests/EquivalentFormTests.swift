import CrierValidation
import Testing

/// Documents that differ only in a way XML or the feed's specification says means the same
/// get the same diagnostics.
@Suite struct EquivalentFormTests {
    /// The rule ids of the errors and warnings, sorted.
    func rules(_ document: String) -> [String] {
        FeedValidator.validate(bytes: Array(document.utf8)).diagnostics.filter { $0.severity != .info }.map(\.rule).sorted()
    }

    // MARK: Link relations (RFC 4287 §4.2.7.2)

    static let iana = "http://www.iana.org/assignments/relation/"

    /// An Atom feed whose links carry `rel` as given (`nil`: no `rel` attribute).
    func atom(self selfRel: String, alternate: String?, second: String? = nil, next: String? = nil, extra: String = "") -> String {
        func rel(_ value: String?) -> String { value.map { " rel=\"\($0)\"" } ?? "" }
        return """
            <?xml version="1.0" encoding="utf-8"?>
            <feed xmlns="http://www.w3.org/2005/Atom">
              <title>Notes</title>
              <id>tag:example.org,2024:feed</id>
              <updated>2024-05-01T12:00:00Z</updated>
              <author><name>Ann</name></author>
              <link rel="\(selfRel)" href="https://example.org/feed.xml"/>
              <link rel="last" href="https://example.org/feed.xml"/>
              \(next.map { "<link rel=\"\($0)\" href=\"https://example.org/feed2.xml\"/>" } ?? "")
              <entry>
                <title>First</title>
                <id>tag:example.org,2024:1</id>
                <updated>2024-05-01T12:00:00Z</updated>
                <link\(rel(alternate)) type="text/html" href="https://example.org/1"/>
                \(second.map { "<link rel=\"\($0)\" type=\"text/html\" href=\"https://example.org/one\"/>" } ?? "")
                \(extra)
              </entry>
            </feed>
            """
    }

    @Test func aRegisteredRelationWrittenAsItsIANAURIIsThatRelation() {
        // rel="alternate", no rel, and the registry's URI for alternate are one relation: an
        // entry with such a link needs no content, and two such links alike are duplicates.
        let plain = atom(self: "self", alternate: "alternate")
        #expect(rules(plain) == [])
        #expect(rules(atom(self: Self.iana + "self", alternate: nil)) == [])
        #expect(rules(atom(self: Self.iana + "self", alternate: Self.iana + "alternate")) == [])
        #expect(rules(atom(self: "self", alternate: "alternate", second: Self.iana + "alternate")) == ["DuplicateAtomLink"])
        // Paging past the end (the feed is its own last page) and paging links in an entry.
        #expect(rules(atom(self: Self.iana + "self", alternate: nil, next: Self.iana + "next")) == ["LinkPastEnd"])
        #expect(rules(atom(self: "self", alternate: nil, extra: "<link rel=\"\(Self.iana)next\" href=\"https://example.org/2\"/>"))
                    == ["FeedHistoryRelInEntry"])
    }

    @Test func anUnregisteredNameWrittenAsAnIANAURIIsStillUnregistered() {
        let plain = atom(self: "self", alternate: "alternate", extra: "<link rel=\"sidebar\" href=\"https://example.org/s\"/>")
        let uri = atom(self: "self", alternate: "alternate", extra: "<link rel=\"\(Self.iana)sidebar\" href=\"https://example.org/s\"/>")
        #expect(rules(plain) == ["UnregisteredAtomLinkRel"])
        #expect(rules(uri) == rules(plain))
    }

    @Test func anRSSChannelsSelfLinkMayBeWrittenAsTheIANAURI() {
        let rss = """
            <?xml version="1.0" encoding="utf-8"?>
            <rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom">
              <channel>
                <title>Notes</title>
                <link>https://example.org/</link>
                <description>Short notes</description>
                <atom:link rel="\(Self.iana)self" type="application/rss+xml" href="https://example.org/feed.rss"/>
              </channel>
            </rss>
            """
        #expect(rules(rss) == [])
    }

    // MARK: Encodings

    /// `text` in UTF-16 with a byte order mark, little- or big-endian.
    static func utf16(_ text: String, bigEndian: Bool) -> [UInt8] {
        let units = [UInt16(0xFEFF)] + Array(text.utf16)
        return units.flatMap { unit in
            bigEndian ? [UInt8(unit >> 8), UInt8(unit & 0xFF)] : [UInt8(unit & 0xFF), UInt8(unit >> 8)]
        }
    }

    /// (rule, line, column) of each error and warning.
    static func positions(_ bytes: [UInt8]) -> [String] {
        FeedValidator.validate(bytes: bytes).diagnostics.filter { $0.severity != .info }.map { "\($0.rule)@\($0.line):\($0.column)" }.sorted()
    }

    @Test func aDocumentInUTF16HasItsDiagnosticsWhereTheSameDocumentInUTF8HasThem() {
        func document(encoding: String) -> String {
            """
            <?xml version="1.0" encoding="\(encoding)"?>
            <feed xmlns="http://www.w3.org/2005/Atom">
              <title>Notes</title><id>tag:example.org,2024:feed</id>
              <updated>2024-05-01T12:00:00Z</updated>
              <author><name>Ann</name></author>
              <entry>
                <title>Clef \u{1D11E} and é</title> <updated>May 1st</updated>
                <id>tag:example.org,2024:1</id>
                    <link href="https://example.org/1"/><link href="https://example.org/one"/>
                <link rel="sidebar"
                      href="https://example.org/s"/>
              </entry>
            </feed>
            """
        }
        let utf8 = Self.positions(Array(document(encoding: "UTF-8").utf8))
        #expect(utf8 == ["DuplicateAtomLink@9:45", "InvalidRFC3339Date@7:33", "MissingSelf@2:1", "UnregisteredAtomLinkRel@10:5"])
        #expect(Self.positions(Self.utf16(document(encoding: "UTF-16"), bigEndian: false)) == utf8)
        #expect(Self.positions(Self.utf16(document(encoding: "UTF-16"), bigEndian: true)) == utf8)
    }
}
