import CrierXML
import Testing

@Suite("XML writer escaping, read back by libxml2")
struct XMLEscapingTests {
    /// Whatever the text, libxml2 reads back exactly what was written (cleaned), and the
    /// document stays well formed: strings built from the bytes escaping is about.
    @Test func escapedTextReadsBackExactly() throws {
        let pieces = ["]", "]]", ">", "<", "&", "\"", "'", "\r", "\r\n", "\n", "\t", "a", "é", "🦜", "&amp;", "\u{0C}", "\u{FFFF}"]
        var generator = SplitMix64(seed: 20261121)
        for _ in 0..<2_000 {
            let parts = (0..<Int.random(in: 1...3, using: &generator)).map { _ in
                (0..<Int.random(in: 0...8, using: &generator)).map { _ in pieces.randomElement(using: &generator)! }.joined()
            }
            let w = try XMLWriter(indent: false)
            try w.startElement("p")
            for part in parts { try w.text(part) }
            try w.endElement()
            let bytes = try w.finish()
            let parsed = try XMLDocument(parsing: bytes)
            #expect(parsed.root.text == XMLText.cleaned(parts.joined()), "\(parts)")
            #expect(!String(decoding: bytes, as: UTF8.self).contains("]]>"), "\(parts)")
        }
    }
}
