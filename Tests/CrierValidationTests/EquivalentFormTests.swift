import CrierValidation
import Foundation
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

    // MARK: Entity references directly inside <feed>, <rss> and <channel> (XML 1.0 §4.4.2)

    /// The rules of each way the document reaches the validator (parsed whole, streamed
    /// from memory, streamed from a file): one list per way.
    func rulesEveryWay(_ document: String) throws -> [[String]] {
        try PositionTests.reports(document).map { $0.diagnostics.filter { $0.severity != .info }.map(\.rule).sorted() }
    }

    /// An Atom feed with `body` after its metadata and an internal subset declaring
    /// `entities`; in no namespace unless `namespace`.
    func atomWithEntities(_ entities: String, _ body: String, namespace: Bool = true) -> String {
        """
        <?xml version="1.0" encoding="utf-8"?>
        <!DOCTYPE feed [\(entities)]>
        <feed\(namespace ? " xmlns=\"http://www.w3.org/2005/Atom\"" : "")>
          <title>Notes</title>
          <id>tag:example.org,2024:feed</id>
          <updated>2024-05-01T12:00:00Z</updated>
          <author><name>Ann</name></author>
          <link rel="self" href="https://example.org/feed.xml"/>
          \(body)
        </feed>
        """
    }

    /// An RSS 2.0 feed whose `<rss>` holds `body` (its channel, or a reference to one),
    /// with an internal subset declaring `entities`.
    func rssWithEntities(_ entities: String, _ body: String) -> String {
        """
        <?xml version="1.0" encoding="utf-8"?>
        <!DOCTYPE rss [\(entities)]>
        <rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom">
          \(body)
        </rss>
        """
    }

    /// A channel with `body` after its description, and then a self link unless not `selfLink`.
    static func channel(_ body: String, selfLink: Bool = true) -> String {
        """
        <channel>
            <link>https://example.org/</link>
            <description>Short notes</description>
            \(body)
            \(selfLink ? "<atom:link rel=\"self\" type=\"application/rss+xml\" href=\"https://example.org/feed.rss\"/>" : "")
          </channel>
        """
    }

    static let entry = "<entry><id>tag:example.org,2024:1</id><title>T</title><updated>May 1st</updated><link href='https://example.org/1'/></entry>"

    /// Found by metamorphic testing: the walk streamed the children of the top-level
    /// containers and passed over entity references among them, so what an entity held
    /// there was never seen by the rules (a channel title given by an entity was missing).
    @Test func anEntityDirectlyInsideAContainerCountsAsItsReplacementText() throws {
        let title = "<!ENTITY t \"<title>Notes</title>\">"
        let literalRSS = rssWithEntities(title, Self.channel("<title>Notes</title>"))
        #expect(try rulesEveryWay(literalRSS) == [[], [], []])
        #expect(try rulesEveryWay(rssWithEntities(title, Self.channel("&t;"))) == [[], [], []])
        // The whole channel from an entity, directly inside <rss>.
        let written = Self.channel("<title>Notes</title><pubDate>May 1st</pubDate>", selfLink: false)
        let channel = "<!ENTITY c \"\(written)\">"
        let literalChannel = try rulesEveryWay(rssWithEntities(channel, written))
        #expect(literalChannel.allSatisfy { $0 == ["InvalidRFC2822Date", "MissingAtomSelfLink"] })
        #expect(try rulesEveryWay(rssWithEntities(channel, "&c;")) == literalChannel)

        // Text directly inside <feed>, and an entry, from entities.
        let text = "<!ENTITY s \"stray text\">"
        let literalText = try rulesEveryWay(atomWithEntities(text, "stray text"))
        #expect(literalText.allSatisfy { $0 == ["UnexpectedText"] })
        #expect(try rulesEveryWay(atomWithEntities(text, "&s;")) == literalText)
        // (In a feed in no namespace: an entity's elements are in none either.)
        let entry = "<!ENTITY e \"\(Self.entry)\">"
        let literalEntry = try rulesEveryWay(atomWithEntities(entry, Self.entry, namespace: false))
        #expect(literalEntry.allSatisfy { $0.contains("InvalidRFC3339Date") })
        #expect(try rulesEveryWay(atomWithEntities(entry, "&e;", namespace: false)) == literalEntry)
        // An entity within an entity; text and an element in one entity.
        let nested = "<!ENTITY s \"stray text\"><!ENTITY n \"&s;\"><!ENTITY m \"&s;\(Self.entry)\">"
        #expect(try rulesEveryWay(atomWithEntities(nested, "&n;")) == literalText)
        #expect(try rulesEveryWay(atomWithEntities(nested, "&m;", namespace: false))
                    == rulesEveryWay(atomWithEntities(nested, "stray text" + Self.entry, namespace: false)))
        // Text around a reference is one piece of text, as it is written out.
        #expect(try rulesEveryWay(atomWithEntities(text, "before &s; after")) == literalText)
        #expect(try rulesEveryWay(atomWithEntities(text, "&s;<!-- c -->&s;")) == rulesEveryWay(atomWithEntities(text, "x<!-- c -->y")))
        #expect(try rulesEveryWay(atomWithEntities(text, "&s;<!-- c -->&s;")).allSatisfy { $0 == ["UnexpectedText", "UnexpectedText"] })
    }

    /// Text from an entity has no place of its own in the document: it is placed at the
    /// reference, as the other findings about entity references are.
    @Test func textFromAnEntityDirectlyInsideAContainerIsPlacedAtTheReference() throws {
        let xml = atomWithEntities("<!ENTITY s \"\nstray\ntext\">", "\n  &s;\n")
        let expected = try PositionTests.at("&s;", in: xml)
        for report in try PositionTests.reports(xml) {
            #expect(PositionTests.positions("UnexpectedText", report) == [expected])
        }
    }

    /// The references directly inside a container obey the rules of those inside an
    /// entry: an external entity is not loaded, and internal ones expand within the budget.
    @Test func anEntityDirectlyInsideAContainerKeepsTheEntityRules() throws {
        let external = atomWithEntities("<!ENTITY x SYSTEM \"file:///etc/hostname\">", "&x;")
        for report in try PositionTests.reports(external) {
            #expect(report.diagnostics.map(\.rule) == ["ExternalEntity"])
            #expect(PositionTests.positions("ExternalEntity", report) == [try PositionTests.at("&x;", in: external)])
        }
        let large = "<!ENTITY a \"\(String(repeating: "x", count: 60_000))\">"
        let bomb = atomWithEntities(large, String(repeating: "&a;", count: 40))
        for report in try PositionTests.reports(bomb) {
            #expect(PositionTests.positions("ValidatorLimit", report) == [try PositionTests.at("<feed ", in: bomb)])
            #expect(report.diagnostics.filter { $0.rule == "UnexpectedText" }.count == 1)
        }
    }

    /// Found while fixing the above: libxml2 parses an entity's text on its own, where the
    /// namespaces declared in the document are not found, so every element an entity held
    /// was in no namespace (an Atom entry was no Atom entry, an atom:link no Atom link),
    /// wherever the reference was. Written out, its elements are in the namespaces in scope
    /// at the reference, and so they are now.
    @Test func anEntitysElementsAreInTheNamespacesInScopeAtTheReference() throws {
        // An entry directly inside a feed in the Atom namespace.
        let entry = "<!ENTITY e \"\(Self.entry)\">"
        let literalEntry = try rulesEveryWay(atomWithEntities(entry, Self.entry))
        #expect(literalEntry.allSatisfy { $0 == ["InvalidRFC3339Date"] })
        #expect(try rulesEveryWay(atomWithEntities(entry, "&e;")) == literalEntry)
        // Elements of an entry, and a prefixed element, from an entity inside the entry; a
        // declaration made inside the entity's text holds there.
        let parts = "<updated>May 1st</updated><x:y xmlns:x='urn:other'><x:z/><w/></x:y><a:link rel='sidebar' href='https://example.org/s'/>"
        let partsEntity = "<!ENTITY p \"\(parts)\">"
        let literalParts = try rulesEveryWay(atomWithEntities(partsEntity, Self.entry.replacingOccurrences(of: "<updated>May 1st</updated>", with: parts))
            .replacingOccurrences(of: "<feed ", with: "<feed xmlns:a=\"http://www.w3.org/2005/Atom\" "))
        #expect(literalParts.allSatisfy { $0.contains("InvalidRFC3339Date") && $0.contains("UnregisteredAtomLinkRel") })
        #expect(try rulesEveryWay(atomWithEntities(partsEntity, Self.entry.replacingOccurrences(of: "<updated>May 1st</updated>", with: "&p;"))
            .replacingOccurrences(of: "<feed ", with: "<feed xmlns:a=\"http://www.w3.org/2005/Atom\" ")) == literalParts)
        // A channel with its atom:link from an entity, directly inside <rss>.
        let written = Self.channel("<title>Notes</title><pubDate>May 1st</pubDate>")
        let channel = "<!ENTITY c \"\(written.replacingOccurrences(of: "\"", with: "'"))\">"
        let literalChannel = try rulesEveryWay(rssWithEntities(channel, written))
        #expect(literalChannel.allSatisfy { $0 == ["InvalidRFC2822Date"] })
        #expect(try rulesEveryWay(rssWithEntities(channel, "&c;")) == literalChannel)
    }

    // MARK: xml:id (xml:id 1.0)

    /// Found by metamorphic testing: libxml2 reports an `xml:id` value that is not an
    /// NCName, or a value used twice, as a validity error, which the reader took for the
    /// document not being well formed (a `SAXError`). The W3C validator does not check
    /// `xml:id`: its value is that of any other attribute, whatever it is.
    @Test func anXMLIDValueIsNotAWellFormednessMatter() throws {
        let plain = try rulesEveryWay(atomWithEntities("", Self.entry))
        #expect(plain.allSatisfy { $0 == ["InvalidRFC3339Date"] })
        let entities = "<!ENTITY bad \"1feed\"><!ENTITY good \"feed1\">"
        for id in ["root", "1feed", "&bad;", "&good;", "a b", ""] {
            let document = atomWithEntities(entities, Self.entry).replacingOccurrences(of: "<feed ", with: "<feed xml:id=\"\(id)\" ")
            #expect(try rulesEveryWay(document) == plain, "xml:id=\"\(id)\"")
        }
        let twice = atomWithEntities("", Self.entry.replacingOccurrences(of: "<entry>", with: "<entry xml:id='e1'>")
                                       + Self.entry.replacingOccurrences(of: "<entry>", with: "<entry xml:id='e1'>")
                                         .replacingOccurrences(of: ",2024:1", with: ",2024:2"))
        #expect(try rulesEveryWay(twice) == rulesEveryWay(twice.replacingOccurrences(of: "xml:id='e1'", with: "")))
        // A document that is not well formed still is not.
        let broken = atomWithEntities("", Self.entry).replacingOccurrences(of: "<feed ", with: "<feed xml:id=\"1feed\" a='1' a='2' ")
        #expect(try rulesEveryWay(broken).allSatisfy { $0.contains("SAXError") })
    }
}
