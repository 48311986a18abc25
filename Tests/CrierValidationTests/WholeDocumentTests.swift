import Foundation
import Testing
import CrierXML
@testable import CrierValidation

/// A small document in memory is walked after a whole parse (`XMLStreamReader.walkingWholeDocument`);
/// its report must be the streaming reader's. `validate(filePath:)` reads a small file whole
/// and takes the same path.
@Suite struct WholeDocumentTests {
    static let atom = #"xmlns="http://www.w3.org/2005/Atom""#
    static let entry = #"<entry><id>tag:example.org,2024:a</id><title>T</title><updated>2024-01-01T00:00:00Z</updated><author><name>N</name></author><content type="html">&lt;p&gt;x&lt;/p&gt;</content></entry>"#
    static let head = #"<id>https://e.org/</id><title>F</title><updated>2024-01-01T00:00:00Z</updated><link rel="self" href="https://e.org/f"/>"#
    static let item = #"<item><title>t</title><link>https://e.org/1</link><guid>https://e.org/1</guid><description>&lt;p&gt;d&lt;/p&gt;</description></item>"#
    static let channel = #"<title>C</title><link>https://e.org/</link><description>d</description>"#

    static let documents: [String] = [
        // The last entry or item ends its parent with no white space after it.
        "<feed \(atom)>\(head)\(entry)</feed>",
        "<feed \(atom)>\(head)\(entry)\(entry)<entry/></feed>",
        "<feed \(atom)></feed>",
        "<feed \(atom)/>",
        "<feed \(atom)>\(head)\n  stray\ntext\n\(entry)more</feed>",
        "<feed \(atom)>\(head)<!-- c --><?pi x?>\(entry)<![CDATA[cd]]></feed>",
        "<foo>text<bar/>more</foo>",
        entry.replacingOccurrences(of: "<entry>", with: "<entry \(atom)>"),
        "<?xml version=\"1.0\"?>\n<!DOCTYPE feed [<!ENTITY e \"ent\">]>\n<feed \(atom)>\(head)<entry><title>&e;</title></entry></feed>",
        "<feed \(atom)>\(head)\(entry)<entry>&amp;&#160;</entry>&#160;</feed>",
        "<rss version=\"2.0\"><channel>\(channel)\(item)\(item)</channel></rss>",
        "<rss version=\"2.0\"><channel></channel></rss>",
        "<rss version=\"2.0\"><channel/></rss>",
        "<rss version=\"2.0\"><channel>\(channel)\ntext\n\(item)</channel>tail</rss>",
        "<rss version=\"2.0\"><channel>\(channel)<item/></channel><channel>\(channel)</channel></rss>",
        "<rss version=\"2.0\"><channel>\(channel)\(item)",
        "<rss version=\"2.0\" xmlns:x=\"relative\"><channel>\(channel)\(item)</channel></rss>",
        "<rss version=\"2.0\"><channel>\(channel)<dc:creator>x</dc:creator></channel></rss>",
    ]

    @Test(arguments: documents)
    func reportMatchesTheStreamingReader(_ xml: String) throws {
        let bytes = Array(xml.utf8)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("whole-\(UUID().uuidString).xml").path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let streamed = FeedValidator.validate(bytes: bytes, fileName: "feed.xml", options: ValidationOptions(), sniffing: 4096, walking: false)
        let walked = FeedValidator.validate(bytes: bytes, fileName: "feed.xml")
        #expect(walked.diagnostics == streamed.diagnostics)
        #expect(walked.format == streamed.format)
        let file = try FeedValidator.validate(filePath: path, displayName: "feed.xml")
        #expect(file.diagnostics == streamed.diagnostics)
        #expect(file.format == streamed.format)
    }

    @Test func onlyDocumentsTheParserAcceptsSilentlyAreWalked() {
        #expect(XMLStreamReader.walkingWholeDocument(Array("<feed \(Self.atom)>\(Self.head)\(Self.entry)</feed>".utf8)) != nil)
        #expect(XMLStreamReader.walkingWholeDocument(Array("<a><b></a>".utf8)) == nil)
        #expect(XMLStreamReader.walkingWholeDocument(Array("<a><dc:b/></a>".utf8)) == nil)
        #expect(XMLStreamReader.walkingWholeDocument(Array("<!DOCTYPE a><a/>".utf8)) == nil)
        #expect(XMLStreamReader.walkingWholeDocument(Array((String(repeating: "\n", count: 70_000) + "<a/>").utf8)) == nil)
        #expect(XMLStreamReader.walkingWholeDocument([]) == nil)
    }

    @Test func skipStopsAtTheParentsEndAfterTheLastChild() throws {
        let xml = "<a><b><x/></b><c>t</c></a>"
        for reader in [try XMLStreamReader(bytes: Array(xml.utf8)), try #require(XMLStreamReader.walkingWholeDocument(Array(xml.utf8)))] {
            var seen: [String] = []
            var more = try reader.read()
            while more {
                if reader.kind == .element && reader.depth == 1 {
                    seen.append("child \(try reader.expand().name)")
                    more = try reader.skip()
                } else {
                    seen.append("\(reader.kind) \(reader.depth) \(reader.localName)")
                    more = try reader.read()
                }
            }
            #expect(seen == ["element 0 a", "child b", "child c", "endElement 0 a"])
        }
    }
}

/// `XMLCharacters.isBlank` settles most text on its first bytes; it must say what
/// `string.trimmingWhitespace().isEmpty` says, as the validator said before it.
@Suite struct BlankTextTests {
    @Test func isBlankAgreesWithTrimming() {
        let pieces = ["", " ", "\t", "\n", "\r\n", "\r", "\u{0B}", "\u{0C}", "a", "<", "\u{A0}", "\u{2028}", "\u{3000}", "\u{85}",
                      "\u{301}", "é", "e\u{301}", "\u{200B}", "\u{FEFF}", "\0"]
        for first in pieces {
            for second in pieces {
                for third in pieces {
                    let text = first + second + third
                    for padding in [0, 300] {
                        // Padded, the text copied out of libxml2 is long enough to be kept
                        // as bytes (`XMLCharacters(String)` keeps a string whatever its length).
                        let padded = String(repeating: " ", count: padding) + text
                        let characters = XMLCharacters(padded)
                        #expect(characters.isBlank == padded.trimmingWhitespace().isEmpty, "\(padded.debugDescription)")
                        // And as text copied out of libxml2 (unless XML forbids a character).
                        if let root = try? XMLDocument(parsing: Array("<r>\(padded)</r>".utf8)).root {
                            #expect(root.ownTextIsBlank == root.text.trimmingWhitespace().isEmpty, "\(padded.debugDescription)")
                        }
                        // Split by child elements, the own text is judged joined: a combining
                        // mark after an element joins the white space before it.
                        let split = String(repeating: " ", count: padding) + first + "<b/>" + second + "<b/>" + third
                        if let root = try? XMLDocument(parsing: Array("<r>\(split)</r>".utf8)).root {
                            #expect(root.ownTextIsBlank == root.ownText.trimmingWhitespace().isEmpty, "\(split.debugDescription)")
                        }
                    }
                }
            }
        }
    }
}
