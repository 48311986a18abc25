import Foundation
import Testing
import CrierXML
@testable import CrierValidation
#if canImport(Glibc)
import Glibc
#endif

/// A diagnostic about an element points at that element's start tag: the line and column
/// of its `<`, also when the whole feed is one line (as minified feeds are) and when the
/// tag spans lines. The expected positions are found in the test's own text.
@Suite struct PositionTests {
    static let atom = #"xmlns="http://www.w3.org/2005/Atom""#
    static let head = #"<id>https://e.org/</id><title>F</title><updated>2024-01-01T00:00:00Z</updated><author><name>N</name></author><link rel="self" href="https://e.org/f"/>"#

    static func entry(_ n: Int, updated: String = "2024-01-01T00:00:00Z", title: String = "T") -> String {
        #"<entry><id>https://e.org/\#(n)</id><title>\#(title)</title><updated>\#(updated)</updated><link href="https://e.org/\#(n)"/></entry>"#
    }

    /// 1-based (line, column in characters) of the first `marker` in `text`.
    static func position(of marker: String, in text: String) throws -> (line: Int, column: Int) {
        let range = try #require(text.range(of: marker))
        let before = text[..<range.lowerBound]
        let line = before.reduce(1) { $1 == "\n" ? $0 + 1 : $0 }
        let lineStart = before.lastIndex(of: "\n").map { before.index(after: $0) } ?? before.startIndex
        return (line, text.unicodeScalars[lineStart..<range.lowerBound].count + 1)
    }

    static func dateErrors(_ report: ValidationReport) -> [String] {
        report.diagnostics.filter { $0.rule == "InvalidRFC3339Date" }.map { "\($0.line):\($0.column)" }
    }

    /// Every way a document reaches the validator: parsed whole, streamed from memory, and
    /// streamed from a file (read again from disk for the positions).
    static func reports(_ xml: String) throws -> [ValidationReport] {
        let bytes = Array(xml.utf8)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("crier-positions-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("feed.xml")
        try Data(bytes).write(to: file)
        return [
            FeedValidator.validate(bytes: bytes, fileName: "feed.xml", options: ValidationOptions(), sniffing: 4096, walking: true),
            FeedValidator.validate(bytes: bytes, fileName: "feed.xml", options: ValidationOptions(), sniffing: 4096, walking: false),
            try FeedValidator.validate(filePath: file.path),
        ]
    }

    @Test func aFeedOnOneLinePointsAtEachEntrysOwnTag() throws {
        // Start tags hidden in a comment and in CDATA must not be counted as elements.
        let xml = #"<?xml version="1.0" encoding="utf-8"?><feed \#(Self.atom)>\#(Self.head)"#
            + #"<!-- an <entry> in a comment, <updated> too -->"#
            + Self.entry(1) + Self.entry(2, updated: "bad date two")
            + Self.entry(3, title: "<![CDATA[<entry><updated>x</updated></entry>]]>")
            + Self.entry(4, updated: "bad date four") + "</feed>"
        let expected = try ["<updated>bad date two", "<updated>bad date four"].map {
            let p = try Self.position(of: $0, in: xml)
            return "\(p.line):\(p.column)"
        }
        #expect(expected.allSatisfy { $0.hasPrefix("1:") })
        for report in try Self.reports(xml) {
            #expect(Self.dateErrors(report) == expected)
            // Sorted by position: the second entry's finding comes before the fourth's.
            #expect(report.diagnostics.map(\.column) == report.diagnostics.map(\.column).sorted())
        }
    }

    /// `line:column` of each diagnostic of `rule` the validator gives `text`.
    static func places(of rule: String, in text: String) -> [String] {
        FeedValidator.validate(bytes: Array(text.utf8), fileName: "feed.xml").diagnostics.filter { $0.rule == rule }.map { "\($0.line):\($0.column)" }
    }

    /// `line:column` of the first of each of `markers` in `text`.
    static func places(ofMarkers markers: [String], in text: String) throws -> [String] {
        try markers.map { try position(of: $0, in: text) }.map { "\($0.line):\($0.column)" }
    }

    /// libxml2 notices an undefined entity past its `;`, and an undeclared prefix past the
    /// tag: the diagnostics point at the `&` and at the prefixed name.
    @Test func undefinedEntitiesAndUndeclaredPrefixesArePlacedWhereTheyAreWritten() throws {
        let entity = "<?xml version=\"1.0\"?>\n<feed \(PositionTests.atom)>\(PositionTests.head)\n  <title>a &amp;b &nbsp; c</title></feed>\n"
        #expect(PositionTests.places(of: "SAXError", in: entity) == (try PositionTests.places(ofMarkers: ["&nbsp;"], in: entity)))

        let attribute = "<?xml version=\"1.0\"?>\n<feed \(PositionTests.atom)>\(PositionTests.head)\n  <link rel=\"alternate\" href=\"https://e.org/a&nbsp;b\"/></feed>\n"
        #expect(PositionTests.places(of: "SAXError", in: attribute) == (try PositionTests.places(ofMarkers: ["&nbsp;"], in: attribute)))

        let prefixes = "<?xml version=\"1.0\"?>\n<feed \(PositionTests.atom)>\(PositionTests.head)\n  <x:foo>bar</x:foo>   <link y:href=\"q\" href=\"https://e.org/\"/></feed>\n"
        #expect(PositionTests.places(of: "UndeclaredPrefix", in: prefixes) == (try PositionTests.places(ofMarkers: ["<x:foo", "y:href"], in: prefixes)))
    }

    /// References libxml2 leaves unexpanded (an external entity, or one the external DTD
    /// may declare) are placed at their `&`, not at the start of their line.
    @Test func unexpandedEntityReferencesArePlacedAtTheirAmpersand() throws {
        let external = "<?xml version=\"1.0\"?>\n<!DOCTYPE feed [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>\n<feed \(PositionTests.atom)>\(PositionTests.head)\n  <title>a &e; b</title></feed>\n"
        #expect(PositionTests.places(of: "ExternalEntity", in: external) == (try PositionTests.places(ofMarkers: ["&e;"], in: external)))

        let undeclared = "<?xml version=\"1.0\"?>\n<!DOCTYPE rss SYSTEM \"http://example.com/x.dtd\">\n<rss version=\"2.0\"><channel><title>a &foo; b</title><link>http://e.org/</link><description>d</description></channel></rss>\n"
        #expect(PositionTests.places(of: "UndefinedNamedEntity", in: undeclared) == (try PositionTests.places(ofMarkers: ["&foo;"], in: undeclared)))
    }

    @Test func aStartTagSpanningLinesIsPlacedWhereItStarts() throws {
        let xml = "<feed \(Self.atom)>\n\(Self.head)\n<entry><id>https://e.org/1</id><title>T</title><updated\n    class=\"x\"\n  >not a date</updated><link href=\"https://e.org/1\"/></entry>\n</feed>\n"
        let start = try Self.position(of: "<updated\n", in: xml)
        #expect(start.line == 3)
        for report in try Self.reports(xml) {
            #expect(Self.dateErrors(report) == ["\(start.line):\(start.column)"])
        }
    }

    @Test func columnsCountCharactersNotBytes() throws {
        let xml = "<feed \(Self.atom)>\(Self.head)" + Self.entry(1, updated: "nope", title: "Café ☕ 日本語") + "</feed>"
        let p = try Self.position(of: "<updated>nope", in: xml)
        let bytesBefore = xml.utf8.distance(from: xml.utf8.startIndex, to: try #require(xml.range(of: "<updated>nope")).lowerBound)
        #expect(p.column < bytesBefore + 1)
        for report in try Self.reports(xml) {
            #expect(Self.dateErrors(report) == ["1:\(p.column)"])
        }
    }

    @Test func anInternalSubsetAndEntityElementsDoNotShiftLaterTags() throws {
        // The subset holds `>`, `]` and a quote inside a comment; the entity expands to an
        // element that has no start tag of its own in the text.
        let xml = """
            <?xml version="1.0"?>
            <!DOCTYPE feed [<!-- it's got > and ] inside --><!ENTITY e "<em>x</em>"><?pi a > b ?>]>
            <feed \(Self.atom)>\(Self.head)\(Self.entry(1, title: "&e;"))\(Self.entry(2, title: "&e; &e;"))\(Self.entry(3, updated: "late"))</feed>
            """
        let p = try Self.position(of: "<updated>late", in: xml)
        for report in try Self.reports(xml) {
            #expect(Self.dateErrors(report) == ["\(p.line):\(p.column)"])
        }
    }

    /// A file over the whole-document limit is streamed from disk and read again from
    /// disk for the positions; a pipe's are found in the bytes it kept.
    @Test func streamedFilesAndPipesAreScannedToo() throws {
        let padding = String(repeating: "x", count: XMLStreamReader.wholeDocumentLimit + 1)
        let large = "<feed \(Self.atom)>\(Self.head)" + Self.entry(1, title: padding) + Self.entry(2, updated: "late") + "</feed>"
        let p = try Self.position(of: "<updated>late", in: large)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("crier-positions-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("large.xml")
        try Data(large.utf8).write(to: file)
        #expect(Self.dateErrors(try FeedValidator.validate(filePath: file.path)) == ["1:\(p.column)"])

        let small = "<feed \(Self.atom)>\(Self.head)" + Self.entry(1) + Self.entry(2, updated: "late") + "</feed>"
        let q = try Self.position(of: "<updated>late", in: small)
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        let writer = fds[1]
        Thread.detachNewThread {
            _ = small.withCString { write(writer, $0, strlen($0)) }
            close(writer)
        }
        let report = try FeedValidator.validate(filePath: "/dev/fd/\(fds[0])")
        close(fds[0])
        #expect(Self.dateErrors(report) == ["1:\(q.column)"])
    }

    /// An RSS feed of items on lines of their own, `title` given as raw bytes (in the
    /// encoding declared), the third item's date broken.
    static func rss(encoding: String, title: [UInt8], oneLine: Bool = false) -> [UInt8] {
        let end = oneLine ? "" : "\n"
        var bytes = Array("<?xml version=\"1.0\" encoding=\"\(encoding)\"?>\(end)<rss version=\"2.0\"><channel><title>C</title><link>https://e.org/</link><description>d</description>\(end)".utf8)
        for n in 1...4 {
            bytes += Array("<item><title><![CDATA[".utf8) + title + Array("]]></title><guid>https://e.org/\(n)</guid><pubDate>".utf8)
            bytes += Array((n == 3 ? "bad-3" : "Wed, 01 May 2024 12:00:00 +0000").utf8) + Array("</pubDate></item>\(end)".utf8)
        }
        return bytes + Array("</channel></rss>\(end)".utf8)
    }

    static func dates(_ report: ValidationReport) -> [String] {
        report.diagnostics.filter { $0.rule == "InvalidRFC2822Date" }.map { "\($0.line):\($0.column)" }
    }

    /// A single-byte encoding is counted a byte a character: cp1252's curly quotes and
    /// dashes (0x91-0x97) and Latin-1's » (0xBB) look like UTF-8 continuation bytes.
    @Test func singleByteEncodingsCountEveryByteAsACharacter() throws {
        let title: [UInt8] = Array("It".utf8) + [0x92] + Array("s ".utf8) + [0x93] + Array("new".utf8) + [0x94, 0x20, 0x97, 0x20, 0xBB]
        for encoding in ["windows-1252", "ISO-8859-1"] {
            let bytes = Self.rss(encoding: encoding, title: title, oneLine: true)
            let marker = Array("<pubDate>bad-3".utf8)
            let at = try #require((0...(bytes.count - marker.count)).first { bytes[$0..<($0 + marker.count)].elementsEqual(marker) })
            let report = FeedValidator.validate(bytes: bytes, fileName: "feed.xml")
            #expect(Self.dates(report) == ["1:\(at + 1)"], "\(encoding)")
        }
    }

    /// In Shift_JIS, ゾ is 0x83 0x5D: its second byte reads as `]`, so `ゾ]><b>` inside CDATA
    /// would end the section early and count a `<b>` that is no element. Such a document is
    /// not scanned: each finding stays on the line libxml2 gave.
    @Test func multibyteEncodingsAreLeftToLibxml2sLines() throws {
        let title: [UInt8] = [0x83, 0x5D] + Array("]><b>".utf8)
        let bytes = Self.rss(encoding: "Shift_JIS", title: title)
        let report = FeedValidator.validate(bytes: bytes, fileName: "feed.xml")
        let lines = Self.dates(report).map { $0.split(separator: ":")[0] }
        // Line 1 the declaration, 2 the channel, 3-6 the items.
        #expect(lines == ["5"], "\(report.diagnostics)")
    }

    /// Names are compared whole, however long.
    @Test func longNamesAreComparedWhole() throws {
        let name = String(repeating: "x", count: 300)
        let item = "<item><title>t</title><guid>https://e.org/1</guid><\(name)>v</\(name)></item>"
        let xml = "<rss version=\"2.0\"><channel><title>C</title><link>https://e.org/</link><description>d</description>\(item)\(item)</channel></rss>"
        let report = FeedValidator.validate(bytes: Array(xml.utf8), fileName: "feed.xml")
        let columns = report.diagnostics.filter { $0.message.contains("xxx") }.map(\.column)
        let first = try Self.position(of: "<\(name)>", in: xml).column
        let second = try Self.position(of: "<\(name)>", in: String(xml.dropFirst(first))).column + first
        #expect(columns == [first, second], "\(report.diagnostics)")
    }

    /// A pipe keeps only its first bytes: a tag beyond them gets no column rather than the
    /// column of an earlier tag of the same name.
    @Test func aTagBeyondTheKeptTextGetsNoColumn() throws {
        let xml = "<feed \(Self.atom)>\(Self.head)" + Self.entry(1) + Self.entry(2, updated: "late") + "</feed>"
        let bytes = Array(xml.utf8)
        let report = FeedValidator.validate(bytes: bytes, fileName: "feed.xml")
        let late = try #require(report.diagnostics.first { $0.rule == "InvalidRFC3339Date" })
        // The same findings, the text cut before the second entry.
        let sink = DiagnosticSink()
        let reader = try XMLStreamReader(bytes: bytes)
        _ = FeedValidator.validateXML(reader, sink: sink)
        let cut = try #require(xml.range(of: "<entry><id>https://e.org/2")).lowerBound
        let kept = Array(xml[..<cut].utf8)
        let resolved = ColumnResolver.resolve(sink.entries, lines: LineSource(bytes: kept))
        let unplaced = try #require(resolved.first { $0.rule == "InvalidRFC3339Date" })
        #expect(late.column > 1 && unplaced.line == 1 && unplaced.column == 0)
    }

    /// The same element twice on one line is two elements: the content module's
    /// `<content:encoded>` repeated, and Google Base's eleventh `<g:image_link>` reported once.
    @Test func identicalElementsOnOneLineAreStillTwo() throws {
        let channel = "<title>C</title><link>https://e.org/</link><description>d</description>"
        let twice = "<rss version=\"2.0\" xmlns:content=\"http://purl.org/rss/1.0/modules/content/\"><channel>\(channel)<item><title>t</title><guid>https://e.org/1</guid><content:encoded>x</content:encoded><content:encoded>x</content:encoded></item></channel></rss>"
        let report = FeedValidator.validate(bytes: Array(twice.utf8), fileName: "feed.xml")
        let duplicate = report.diagnostics.filter { $0.rule == "DuplicateElement" }
        let one = "<content:encoded>x</content:encoded>"
        #expect(duplicate.map(\.column) == [try Self.position(of: one + one, in: twice).column + one.count])
        let images = (0..<12).map { "<g:image_link>https://e.org/\($0).jpg</g:image_link>" }.joined()
        let base = "<rss version=\"2.0\" xmlns:g=\"http://base.google.com/ns/1.0\"><channel>\(channel)<item><title>t</title><guid>https://e.org/1</guid>\(images)</item></channel></rss>"
        let tooMany = FeedValidator.validate(bytes: Array(base.utf8), fileName: "feed.xml").diagnostics.filter { $0.rule == "TooMany" }
        #expect(tooMany.count == 1)
    }

    /// The scanner reads a file in pieces: any split of the text finds the same tags.
    @Test func theScannerFindsTheSameTagsHoweverTheTextIsSplit() throws {
        let xml = Array(#"""
            <?xml version="1.0"?><!DOCTYPE r [<!ENTITY x "<b>]>">]><r a='>' b="]]>"><!-- <c> --><?p <d>?><e/><![CDATA[<f>]]></g><h
            k="v">é<i>
            </i></h></r>
            """#.utf8)
        let all = Set(0..<6)
        var whole = StartTagScanner(wanted: all)
        _ = xml.withUnsafeBufferPointer { whole.scan($0) }
        let names = (0..<5).map { whole.found[$0].map { String(decoding: $0.name, as: UTF8.self) } }
        #expect(names == ["r", "e", "h", "i", nil])
        #expect(whole.found[2].map { [$0.line, $0.column] } == [1, 117])
        #expect(whole.found[3].map { [$0.line, $0.column] } == [2, 8])
        // A byte order mark, read a byte at a time, is still no character of line 1.
        var marked = StartTagScanner(wanted: [0])
        for byte in [0xEF, 0xBB, 0xBF] + Array("<r/>".utf8) {
            _ = [byte].withUnsafeBufferPointer { marked.scan($0) }
        }
        #expect(marked.found[0].map { [$0.line, $0.column] } == [1, 1])
        for size in [1, 2, 3, 7, 64] {
            var pieces = StartTagScanner(wanted: all)
            for start in stride(from: 0, to: xml.count, by: size) {
                let piece = Array(xml[start..<min(xml.count, start + size)])
                guard piece.withUnsafeBufferPointer({ pieces.scan($0) }) else { break }
            }
            #expect(pieces.found == whole.found, "pieces of \(size) bytes")
        }
    }
}

/// Findings about markup other than an element's start tag point at that markup: text
/// where it should not be, the document type declaration, a tag or entity reference where
/// a limit was reached.
extension PositionTests {
    static func positions(_ rule: String, _ report: ValidationReport) -> [String] {
        report.diagnostics.filter { $0.rule == rule }.map { "\($0.line):\($0.column)" }
    }

    static func at(_ marker: String, in text: String) throws -> String {
        let p = try position(of: marker, in: text)
        return "\(p.line):\(p.column)"
    }

    @Test func textDirectlyInAFeedIsPlacedWhereItStarts() throws {
        let atom = "<feed \(Self.atom)><title>T</title>stray<id>https://e.org/</id><updated>2024-01-01T00:00:00Z</updated>"
            + "<author><name>N</name></author><link rel=\"self\" href=\"https://e.org/f\"/>  \n  \u{A0}tail</feed>"
        for report in try Self.reports(atom) {
            #expect(Self.positions("UnexpectedText", report) == [try Self.at("stray", in: atom), try Self.at("tail", in: atom)])
        }
        // Pieces split where libxml2 splits them: at the comment, not at the reference or
        // the CDATA section; the first piece starts with a reference, the last with `]`.
        let rss = """
            <rss version="2.0"><channel><title>C</title>&amp; one<link>https://e.org/</link>
              <!-- t -->  two <description>d</description><![CDATA[ ]]>x &amp;<![CDATA[y]]>three<!-- u -->
                <![CDATA[]]><![CDATA[]]]]>four</channel></rss>
            """
        let expected = try ["&amp; one", "two ", "x &amp;", "]]]]>four"].map { try Self.at($0, in: rss) }
        for report in try Self.reports(rss) {
            #expect(Self.positions("UnexpectedText", report) == expected, "\(report.diagnostics)")
        }
    }

    @Test func aTagWithTooManyAttributesIsPlacedAtItsTag() throws {
        let attributes = (0..<300).map { "a\($0)=\"v\"" }.joined(separator: " ")
        let xml = "<?xml version=\"1.0\"?>\n<feed \(Self.atom)>\n\(Self.head)\n  <entry \(attributes)><id>x</id></entry>\n</feed>\n"
        for report in try Self.reports(xml) {
            #expect(Self.positions("ValidatorLimit", report) == [try Self.at("<entry ", in: xml)])
        }
    }

    /// libxml2 parses an entity's text on its own, numbering its lines from 1: a problem
    /// found there is placed at the reference in the document.
    @Test func aProblemInsideAnEntityIsPlacedAtItsReference() throws {
        var laughs = "<?xml version=\"1.0\"?>\n<!DOCTYPE feed [\n<!ENTITY l0 \"ha\">\n"
        for i in 1...9 { laughs += "<!ENTITY l\(i) \"" + String(repeating: "&l\(i - 1);", count: 10) + "\">\n" }
        laughs += "]>\n<feed \(Self.atom)>\(Self.head)<entry><id>x</id><title>T</title><summary>ha &l9;</summary></entry></feed>\n"
        for report in try Self.reports(laughs) {
            #expect(Self.positions("ValidatorLimit", report) == [try Self.at("&l9;</summary>", in: laughs)])
        }
        let unbalanced = "<?xml version=\"1.0\"?>\n<!DOCTYPE feed [<!ENTITY e \"<b>\">]>\n<feed \(Self.atom)>\n  <title>a &e; b</title>\n</feed>\n"
        for report in try Self.reports(unbalanced) {
            #expect(Self.positions("SAXError", report) == [try Self.at("&e;", in: unbalanced)])
        }
    }

    @Test func entitiesPastTheBudgetArePlacedAtTheirElement() throws {
        let entity = String(repeating: "x", count: 60_000)
        let xml = "<?xml version=\"1.0\"?>\n<!DOCTYPE feed [<!ENTITY a \"\(entity)\">]>\n<feed \(Self.atom)>\(Self.head)"
            + "<entry><id>x</id><title>T</title><summary>\(String(repeating: "&a;", count: 40))</summary></entry></feed>\n"
        for report in try Self.reports(xml) {
            #expect(Self.positions("ValidatorLimit", report) == [try Self.at("<summary>", in: xml)])
        }
    }

    @Test func doctypeFindingsArePlacedAtTheDeclaration() throws {
        let xml = """
            <?xml version="1.0"?>
            <!-- <!DOCTYPE in a comment> -->

              <!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" "http://my.netscape.com/publish/formats/rss-0.91.dtd">
            <rss version="2.0"><channel><title>T</title><link>https://e.org/</link><description>d</description></channel></rss>
            """
        let expected = try Self.at("<!DOCTYPE rss", in: xml)
        #expect(expected == "4:3")
        for report in try Self.reports(xml) {
            #expect(Self.positions("DeprecatedDTD", report) == [expected])
            #expect(Self.positions("InvalidDoctype", report) == [expected])
        }
    }

    /// Pieces of text, CDATA sections and the document type are found the same however
    /// the text is split.
    @Test func theScannerFindsOtherMarkupHoweverTheTextIsSplit() throws {
        let xml = Array(#"""
            <?xml version="1.0"?><!DOCTYPE r [<!ENTITY x "<b>]>">]><r a='>'> é<!-- c --> &#32;
             &lt;<e/>z<![CDATA[]]]]><f>&x;<![CDATA[q]]></f>w</r>
            """#.utf8)
        typealias Piece = StartTagScanner.TextPiece
        let texts: Set<Piece> = [Piece(element: 0, index: 0), Piece(element: 0, index: 1), Piece(element: 0, index: 2),
                                 Piece(element: 0, index: 3), Piece(element: 2, index: 0)]
        var whole = StartTagScanner(wanted: [], texts: texts, cdataSections: [0, 1], documentType: true)
        _ = xml.withUnsafeBufferPointer { whole.scan($0) }
        func at(_ piece: Piece) -> [Int]? { whole.texts[piece].map { [$0.position.line, $0.position.column] } }
        #expect(at(Piece(element: 0, index: 0)) == [1, 66])  // é
        #expect(at(Piece(element: 0, index: 1)) == [2, 2])   // &lt; (the &#32; is white space)
        #expect(at(Piece(element: 0, index: 2)) == [2, 10])  // z
        #expect(whole.texts[Piece(element: 0, index: 2)]?.character == "z")
        #expect(at(Piece(element: 0, index: 3)) == [2, 48])  // w
        #expect(at(Piece(element: 2, index: 0)) == [2, 40])  // q: the reference is no piece
        #expect(whole.cdataSections[0] == StartTagScanner.Position(line: 2, column: 11))
        #expect(whole.documentType == StartTagScanner.Position(line: 1, column: 22))
        for size in [1, 2, 3, 7, 64] {
            var pieces = StartTagScanner(wanted: [], texts: texts, cdataSections: [0, 1], documentType: true)
            for start in stride(from: 0, to: xml.count, by: size) {
                let piece = Array(xml[start..<min(xml.count, start + size)])
                guard piece.withUnsafeBufferPointer({ pieces.scan($0) }) else { break }
            }
            #expect(pieces.texts == whole.texts && pieces.cdataSections == whole.cdataSections && pieces.documentType == whole.documentType,
                    "pieces of \(size) bytes")
        }
    }
}
