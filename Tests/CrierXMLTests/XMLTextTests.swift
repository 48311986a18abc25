import Testing
@testable import CrierXML

@Suite("XML text cleaning")
struct XMLTextTests {
    @Test func cleanTextIsReturnedAsIs() {
        for text in ["", "plain", "tab\tnewline\ncr\r", "é 🦜 \u{D7FF} \u{E000} \u{FFFD} \u{10FFFF}", "\u{EFBF}"] {
            #expect(XMLText.isAllClean(text))
            #expect(XMLText.cleaned(text) == text)
        }
    }

    @Test func forbiddenCharactersAreRemoved() {
        #expect(!XMLText.isAllClean("a\u{0C}b"))
        #expect(XMLText.cleaned("form\u{0C}feed escape\u{1B} nul\u{0} end") == "formfeed escape nul end")
        #expect(XMLText.cleaned("x\u{FFFE}y\u{FFFF}z\u{FFFD}") == "xyz\u{FFFD}")
        #expect(XMLText.cleaned("\u{7F} delete stays") == "\u{7F} delete stays")
    }
}
