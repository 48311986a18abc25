import Foundation
import Testing
import CrierXML

/// Long text is kept as bytes (`XMLCharacters`); what it reads back as must be what a
/// `String` made at once would be, however the text is split and merged.
@Suite struct XMLCharactersTests {
    /// Text of every length around the threshold, ASCII or not, as one text node or split
    /// by comments, entity references and CDATA sections, reads back whole.
    @Test func longAndShortTextReadsBackTheSame() throws {
        for length in [0, 1, 15, 16, 200, 255, 256, 257, 300, 5000] {
            for unit in ["a", "é", " ", "\u{1F600}x"] {
                let text = String(repeating: unit, count: length)
                let escaped = text.replacingOccurrences(of: "x", with: "&#x78;")
                let documents = [
                    "<r>\(text)</r>",
                    "<r>\(text)<!-- c -->\(text)</r>",
                    "<!DOCTYPE r [<!ENTITY e \"\(text)\">]><r>\(text)&e;<![CDATA[\(text)]]>\(escaped)</r>",
                ]
                let expected = [text, text + text, text + text + text + text]
                for (document, whole) in zip(documents, expected) {
                    let root = try XMLDocument(parsing: Array(document.utf8)).root
                    #expect(root.text == whole, "length \(length) of \(unit.debugDescription) in \(document.prefix(40))")
                    // Adjacent text is merged into one child (an empty CDATA section is one too).
                    #expect(root.children.count <= 1)
                    if case .text(let t)? = root.children.first {
                        #expect(t.utf8Count == whole.utf8.count)
                        #expect(t.withUTF8 { Array($0) } == Array(whole.utf8))
                        #expect(t == XMLCharacters(whole))
                    }
                }
            }
        }
    }

    /// Text split into thousands of pieces by comments is merged into one child that holds
    /// every piece in order (merged in place: see `XMLCharacters.append`).
    @Test func textInManyPiecesIsMergedWhole() throws {
        let pieces = (0..<20_000).map { "\($0 % 10)é" }
        let root = try XMLDocument(parsing: Array(("<r>" + pieces.joined(separator: "<!---->") + "</r>").utf8)).root
        #expect(root.children.count == 1)
        #expect(root.text == pieces.joined())
    }

    /// Equality is `String` equality: canonically equivalent text is equal, whether it is
    /// kept as a string or as bytes.
    @Test func equalityIsStringEquality() throws {
        let composed = String(repeating: "\u{E9}", count: 300)
        let decomposed = String(repeating: "e\u{301}", count: 300)
        let a = try XMLDocument(parsing: Array("<r>\(composed)</r>".utf8)).root
        let b = try XMLDocument(parsing: Array("<r>\(decomposed)</r>".utf8)).root
        #expect(a == b)
        #expect(composed == decomposed)
    }
}
