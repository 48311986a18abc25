@testable import Crier
import Testing

@Suite("Loading: text search without Foundation")
struct TextSearchTests {
    @Test func findsTheFirstOccurrence() {
        let text = "a {{ x }} b {{ y }}"
        let range = TextSearch.firstRange(of: "{{", in: text)
        #expect(range.map { text.utf8.distance(from: text.startIndex, to: $0.lowerBound) } == 2)
        #expect(TextSearch.firstRange(of: "}}", in: Substring(text).dropFirst(9)).map { String(text[$0.lowerBound...]) } == "}}")
        #expect(TextSearch.firstRange(of: "%}", in: text) == nil)
        #expect(TextSearch.firstRange(of: "", in: text) == nil)
        #expect(TextSearch.contains("]:", in: "[a]: https://example.org/"))
        #expect(!TextSearch.contains("]:", in: "no references"))
    }

    @Test func matchesOnlyWholeCharacters() {
        // `{` followed by a combining mark is another character, as with Foundation.
        #expect(TextSearch.firstRange(of: "{", in: "x{\u{301} y") == nil)
        let text = "x{\u{301} é {"
        let range = TextSearch.firstRange(of: "{", in: text)
        #expect(range.map { String(text[$0.lowerBound...]) } == "{")
        #expect(TextSearch.firstRange(of: "<!--more-->", in: "café <!--more--> rest").map { String("café <!--more--> rest"[$0]) } == "<!--more-->")
    }

    @Test func agreesWithFoundationOnSeparators() {
        let body = "\n\nFirst paragraph, naïve café.\n\nSecond.\n"
        #expect(PostRules.firstBlock(of: body, separator: "\n\n") == "First paragraph, naïve café.")
        #expect(PostRules.firstBlock(of: "no separator", separator: "\n\n") == "no separator")
    }

    @Test(arguments: ["", "no line feed", "one\ntwo", "\n", "crlf\r\nthen lf\n", "only\r\ncrlf", "é\u{301}\nx", "\r\n\n"])
    func findsTheLineFeedThatFirstIndexFinds(text: String) {
        #expect(TextSearch.firstLineFeed(in: Substring(text)) == text.firstIndex(of: "\n"))
        let bytes = ArraySlice(Array(text.utf8))
        #expect(TextSearch.contains(byte: 0x0D, in: bytes) == bytes.contains(0x0D))
    }
}
