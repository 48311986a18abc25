import Testing
@testable import CrierXML

/// The lexer both markup passes share (`MarkupGuard`, `StartTagScanner`): start tags,
/// their names and attributes, told from everything that only looks like them.
@Suite struct MarkupLexerTests {
    /// Each start tag's name and attribute count, in order, as the lexer reads `text`.
    static func startTags(_ text: String) -> [String] {
        var lexer = MarkupLexer()
        var tags: [String] = []
        var name: [UInt8] = []
        var attributes = 0
        for byte in text.utf8 {
            switch lexer.step(byte) {
            case .startTagOpened: name = [byte]; attributes = 0
            case .nameCharacter: name.append(byte)
            case .attribute: attributes += 1
            case .startTagClosed: tags.append("\(String(decoding: name, as: UTF8.self)):\(attributes)")
            default: break
            }
        }
        return tags
    }

    @Test func startTagsAreToldFromWhatOnlyLooksLikeThem() {
        let text = #"""
            <?xml version="1.0"?><!DOCTYPE r [<!ENTITY x "<b c='1'>]>"><!-- <d e=1> --><?p <f g=1>?>]><r a='>' b="=]]>">\#
            <!-- <c k=2> --><?p <d=3>?><e/><![CDATA[<f m=4>]]></g><h
            k = "v">é<i/></h></r>
            """#
        #expect(Self.startTags(text) == ["r:2", "e:0", "h:1", "i:0"])
    }

    @Test func markupEventsComeWhereTheScannersNeedThem() {
        var lexer = MarkupLexer()
        let events = "<?x a?><a>t</a".utf8.map { lexer.step($0) }
        #expect(events.first == .markupOpened)
        #expect(events.filter { $0 == .instructionCharacter }.count == 5)  // from `?` to `?`
        #expect(events[6] == .instructionClosed)
        #expect(events[7] == .markupOpened && events[8] == .startTagOpened && events[9] == .startTagClosed)
        #expect(lexer.isInText == false)
        _ = ">".utf8.map { lexer.step($0) }
        #expect(lexer.isInText)
    }
}
