import Testing
@testable import CrierXML

@Suite("XML writer text escaping")
struct XMLWriterTests {
    func document(_ body: (XMLWriter) throws -> Void) throws -> String {
        let w = try XMLWriter(indent: false)
        try body(w)
        return String(decoding: try w.finish(), as: UTF8.self)
    }

    @Test func textIsEscapedAsLibxml2Does() throws {
        // xmlEncodeSpecialChars: < > & " and carriage return; tab, newline and ' as written.
        let out = try document { try $0.element("p", "a<b>c&d\"e'f\rg\th\ni\u{7F}é 🦜") }
        #expect(out == "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<p>a&lt;b&gt;c&amp;d&quot;e'f&#13;g\th\ni\u{7F}é 🦜</p>\n")
    }

    @Test func forbiddenCharactersAreCleanedFirst() throws {
        let out = try document { try $0.element("p", "form\u{0C}feed <x> \u{FFFE}end") }
        #expect(out == "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<p>formfeed &lt;x&gt; end</p>\n")
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
}
