import Testing
@testable import CrierXML

@Suite("XML writer text escaping")
struct XMLWriterTests {
    func document(_ body: (XMLWriter) throws -> Void) throws -> String {
        let w = try XMLWriter(indent: false)
        try body(w)
        return String(decoding: try w.finish(), as: UTF8.self)
    }

    @Test func textEscapesOnlyWhatXMLRequires() throws {
        // < & and carriage return; > only where it could close `]]>`; tab, newline, " and ' as written.
        let out = try document { try $0.element("p", "a<b>c&d\"e'f\rg\th\ni\u{7F}é 🦜 ]]> ]> ]]]> >") }
        #expect(out == "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<p>a&lt;b>c&amp;d\"e'f&#13;g\th\ni\u{7F}é 🦜 ]]&gt; ]> ]]]&gt; ></p>\n")
        // What came before a text is not known to it: a leading `>`, or `>` after one leading `]`, is escaped.
        let split = try document { w in
            try w.startElement("p")
            try w.text("x]]")
            try w.text(">y")
            try w.text("]")
            try w.text("]>")
            try w.endElement()
        }
        #expect(split == "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<p>x]]&gt;y]]&gt;</p>\n")
    }

    @Test func forbiddenCharactersAreCleanedFirst() throws {
        let out = try document { try $0.element("p", "form\u{0C}feed <x> \u{FFFE}end ]]>") }
        #expect(out == "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<p>formfeed &lt;x> end ]]&gt;</p>\n")
    }

    /// Texts of many sizes through one writer (its scratch memory grows on the way), with
    /// every kind of escape all through them.
    @Test func longTextsAreEscapedAsShortOnesAre() throws {
        let piece = "a<b>c&d\"e'f\rg\th\ni\u{7F}é 🦜 ]]> ]> ]]]> >"
        let escaped = "a&lt;b>c&amp;d\"e'f&#13;g\th\ni\u{7F}é 🦜 ]]&gt; ]> ]]]&gt; >"
        let counts = [1, 300, 2, 1_000]
        let out = try document { w in
            try w.startElement("a")
            for count in counts { try w.element("b", String(repeating: piece, count: count)) }
            try w.element("c", ">" + String(repeating: piece, count: 50))
            try w.element("d", "form\u{0C}feed" + String(repeating: piece, count: 50))
            try w.endElement()
        }
        let body = counts.map { "<b>" + String(repeating: escaped, count: $0) + "</b>" }.joined()
            + "<c>&gt;" + String(repeating: escaped, count: 50) + "</c><d>formfeed" + String(repeating: escaped, count: 50) + "</d>"
        #expect(out == "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<a>\(body)</a>\n")
    }

    /// A text of `XMLWriter.directWriteMinimum` bytes or more skips libxml2's buffer: in
    /// an indented document, and in a fragment, it comes out as the same text written in
    /// short pieces (each through libxml2) does, with the start tag closed before it and
    /// the indentation after it as libxml2 writes them.
    @Test(arguments: [false, true])
    func aLongTextWrittenStraightOutMatchesItWrittenInShortPieces(fragment: Bool) throws {
        let piece = "<p>a &amp; b, \"quoted\" é 🦜</p>\n"
        let long = String(repeating: piece, count: 3 * XMLWriter.directWriteMinimum / piece.utf8.count)
        #expect(long.utf8.count >= XMLWriter.directWriteMinimum)
        func write(inPieces: Bool) throws -> [UInt8] {
            let w = fragment ? try XMLWriter(fragmentAtDepth: 1) : try XMLWriter()
            try w.startElement("entry")
            try w.element("title", "t")
            try w.startElement("content", attributes: ["type": "html"])
            if inPieces {
                for _ in 0..<(long.utf8.count / piece.utf8.count) { try w.text(piece) }
            } else {
                try w.text(long)
            }
            try w.endElement()
            let before = try w.byteCount()
            try w.element("after", long)
            #expect(try w.byteCount() > before + long.utf8.count)
            try w.endElement()
            return fragment ? try w.finishFragment() : try w.finish()
        }
        let straight = try write(inPieces: false)
        let pieces = try write(inPieces: true)
        #expect(String(decoding: straight, as: UTF8.self) == String(decoding: pieces, as: UTF8.self))
        #expect(String(decoding: straight, as: UTF8.self).contains("<content type=\"html\">&lt;p>a &amp;amp; b"))
    }

    /// What `text(_:)` writes for a text with nothing to clean, byte by byte.
    static func reference(_ text: String) -> String {
        let bytes = Array(text.utf8)
        var out: [UInt8] = []
        for (i, byte) in bytes.enumerated() {
            switch byte {
            case UInt8(ascii: "<"): out += Array("&lt;".utf8)
            case UInt8(ascii: "&"): out += Array("&amp;".utf8)
            case 0x0D: out += Array("&#13;".utf8)
            case UInt8(ascii: ">") where i == 0 || (i == 1 && bytes[0] == UInt8(ascii: "]"))
                || (i >= 2 && bytes[i - 1] == UInt8(ascii: "]") && bytes[i - 2] == UInt8(ascii: "]")):
                out += Array("&gt;".utf8)
            default: out.append(byte)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Each character that needs a look, at every place in texts of many lengths: the
    /// writer skips plain bytes eight at a time, and must stop at each of these wherever
    /// it falls in a group of eight, and only there.
    @Test func everyEscapeIsFoundWhereverItFalls() throws {
        let specials = ["<", "&", "\r", "]]>", "]>", "\t", "\n", "é", "\u{FFFD}", "\u{FFEF}", "🦜", "\u{7F}", "]", ">"]
        var texts: [String] = []
        for special in specials {
            for before in 0..<18 {
                for after in [0, 1, 7, 8, 9, 17] {
                    texts.append(String(repeating: "x", count: before) + special + String(repeating: "y", count: after))
                    texts.append(String(repeating: "x", count: before) + special + "z" + special + String(repeating: "y", count: after))
                }
            }
        }
        let out = try document { w in
            try w.startElement("a")
            for text in texts { try w.element("b", text) }
            try w.endElement()
        }
        let body = texts.map { "<b>" + Self.reference($0) + "</b>" }.joined()
        #expect(out == "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<a>\(body)</a>\n")
        // A forbidden character anywhere is cleaned, as ever.
        for before in 0..<18 {
            let text = String(repeating: "x", count: before) + "\u{01}<" + String(repeating: "y", count: before)
            let one = try document { try $0.element("b", text) }
            #expect(one == "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<b>\(String(repeating: "x", count: before))&lt;\(String(repeating: "y", count: before))</b>\n")
        }
    }

    @Test func emptyAndPlainTextAndNesting() throws {
        let out = try document { w in
            try w.startElement("a")
            try w.element("b", "")
            try w.element("c", "plain")
            try w.text("tail & more")
            try w.endElement()
        }
        #expect(out == "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<a><b></b><c>plain</c>tail &amp; more</a>\n")
    }

    /// Writes `<b>` children with a little of everything in them: attributes, nesting,
    /// escaped text, an empty element.
    func child(_ index: Int, to w: XMLWriter) throws {
        try w.startElement("b", attributes: ["n": String(index)])
        try w.element("t", "text \(index) & <more>")
        try w.startElement("c")
        try w.emptyElement("e", attributes: ["k": "v"])
        try w.element("d", "deep")
        try w.endElement()
        try w.endElement()
    }

    @Test(arguments: [1, 2, 3])
    func fragmentsJoinedAreTheDocumentWrittenInOnePiece(depth: Int) throws {
        let whole = try XMLWriter()
        let parts = try XMLWriter()
        for w in [whole, parts] {
            for level in 0..<depth { try w.startElement("level\(level)") }
            try w.element("meta", "first sibling")
        }
        for index in 0..<3 { try child(index, to: whole) }
        let prefixCount = try parts.byteCount()
        for _ in 0..<depth {
            try whole.endElement()
            try parts.endElement()
        }
        let expected = try whole.finish()
        let frame = try parts.finish()
        var joined = Array(frame[..<prefixCount])
        for index in 0..<3 {
            let fragment = try XMLWriter(fragmentAtDepth: depth)
            try child(index, to: fragment)
            joined += try fragment.finishFragment()
        }
        joined += frame[prefixCount...]
        #expect(String(decoding: joined, as: UTF8.self) == String(decoding: expected, as: UTF8.self))
    }
}
