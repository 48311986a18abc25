/// The lexical structure of XML markup, read a character at a time: enough to tell start
/// tags, their names, their attributes and their ends from text, comments, CDATA
/// sections, processing instructions, end tags, the document type declaration (with the
/// comments and instructions of its internal subset) and quoted values. In XML text a
/// `<` always starts markup, so a well-formed document needs no more; on any other text
/// it still ends, and its events are only a guess.
///
/// Characters are given by their ASCII byte; a caller may give anything that is not
/// ASCII as any byte of 0x80 or more, as no markup character is one. It is the one
/// lexer of the two passes that read markup without libxml2: `MarkupGuard`, before
/// libxml2 sees the bytes, and `StartTagScanner`, over the text after the parse.
struct MarkupLexer {
    /// What a character meant to a caller.
    enum Event {
        /// Nothing of note.
        case none
        /// A `<` in text: markup starts here.
        case markupOpened
        /// The first character of a start tag's name: a start tag begins.
        case startTagOpened
        /// A further character of a start tag's name.
        case nameCharacter
        /// An `=` in a start tag outside its quoted values: one more attribute.
        case attribute
        /// The `>` that ends a start tag (`closedEmptyElement` tells whether it was `/>`).
        case startTagClosed
        /// The `/` of `</`: an end tag begins.
        case endTagOpened
        /// The `>` that ends an end tag.
        case endTagClosed
        /// The second `-` of `<!--`: a comment begins.
        case commentOpened
        /// The `[` of `<![`: a CDATA section begins.
        case cdataOpened
        /// A character of a CDATA section after its `<![CDATA[`, the `]]` of its end
        /// included (they are known to be the end only at the `>`).
        case cdataCharacter
        /// The `>` of `]]>`.
        case cdataClosed
        /// The first character after `<!` of a declaration (the `D` of `<!DOCTYPE`); the
        /// declarations of an internal subset are inside it and give none.
        case declarationOpened
        /// A character of a processing instruction, from the `?` after its `<` to the
        /// `?` before its `>`.
        case instructionCharacter
        /// The `>` that ends a processing instruction.
        case instructionClosed
    }

    private enum State {
        case text, open, bang, bangDash, comment, cdata, instruction, endTag, tagName, tag
        case declaration
    }
    private var state = State.text
    /// The quote of the value being read in a tag or the declaration, or 0.
    private var quote: UInt8 = 0
    /// Open `[` in the document type declaration.
    private var depth = 0
    /// Inside the document type declaration: its comments and instructions return to it.
    private var inDeclaration = false
    /// Characters since the current comment, CDATA section or instruction opened.
    private var run = 0
    /// The last four characters, the newest lowest.
    private var window: UInt32 = 0

    /// Whether the lexer is in text, where only a `<` means anything (a caller may skip
    /// to the next one).
    var isInText: Bool { state == .text }

    /// Whether the lexer is inside a CDATA section.
    var isInCDATA: Bool { state == .cdata }

    /// Whether the start tag that closed last was an empty-element tag (`<x/>`).
    private(set) var closedEmptyElement = false

    private static let lt = UInt8(ascii: "<"), gt = UInt8(ascii: ">"), slash = UInt8(ascii: "/"), bang = UInt8(ascii: "!")
    private static let question = UInt8(ascii: "?"), dash = UInt8(ascii: "-"), openBracket = UInt8(ascii: "[")
    private static let closeBracket = UInt8(ascii: "]"), doubleQuote = UInt8(ascii: "\""), singleQuote = UInt8(ascii: "'")
    private static let equals = UInt8(ascii: "=")

    /// Whether `character` ends a tag's name: white space, `/` or `>`.
    private static func endsName(_ character: UInt8) -> Bool {
        character == 0x20 || character == 0x09 || character == 0x0A || character == 0x0D || character == slash || character == gt
    }

    /// Whether the two characters before the newest are `first` then `second`.
    private func preceded(by first: UInt8, _ second: UInt8) -> Bool {
        UInt8(truncatingIfNeeded: window >> 16) == first && UInt8(truncatingIfNeeded: window >> 8) == second
    }

    /// Whether the character before the newest is `character`.
    private func preceded(by character: UInt8) -> Bool { UInt8(truncatingIfNeeded: window >> 8) == character }

    /// Reads the next character.
    @inline(__always)
    mutating func step(_ character: UInt8) -> Event {
        window = window << 8 | UInt32(character)
        typealias L = MarkupLexer
        switch state {
        case .text:
            guard character == L.lt else { return .none }
            state = .open
            return .markupOpened
        case .open:
            switch character {
            case L.slash:
                state = .endTag
                return .endTagOpened
            case L.question:
                state = .instruction
                run = 0
                return .instructionCharacter
            case L.bang: state = .bang
            case _ where L.endsName(character) || character == L.lt: state = .text
            default:
                state = .tagName
                return .startTagOpened
            }
        case .bang:
            switch character {
            case L.dash: state = .bangDash
            case L.openBracket:
                state = .cdata
                run = 0
                return .cdataOpened
            case L.gt: state = .text
            default:
                openDeclaration()
                return .declarationOpened
            }
        case .bangDash:
            if character == L.dash {
                state = .comment
                run = 0
                return .commentOpened
            } else {
                openDeclaration()
                return .declarationOpened
            }
        case .comment:
            run += 1
            if character == L.gt && run >= 3 && preceded(by: L.dash, L.dash) { state = inDeclaration ? .declaration : .text }
        case .cdata:
            // `CDATA[` (6 characters), the content, then `]]>`.
            run += 1
            if character == L.gt && run >= 9 && preceded(by: L.closeBracket, L.closeBracket) {
                state = .text
                return .cdataClosed
            }
            return run > 6 ? .cdataCharacter : .none
        case .instruction:
            run += 1
            guard character == L.gt && run >= 2 && preceded(by: L.question) else { return .instructionCharacter }
            state = inDeclaration ? .declaration : .text
            return .instructionClosed
        case .endTag:
            if character == L.gt {
                state = .text
                return .endTagClosed
            }
        case .tagName:
            guard L.endsName(character) else { return .nameCharacter }
            state = .tag
            quote = 0
            return inTag(character)
        case .tag:
            return inTag(character)
        case .declaration:
            if quote != 0 {
                if character == quote { quote = 0 }
            } else if character == L.doubleQuote || character == L.singleQuote {
                quote = character
            } else if character == L.openBracket {
                depth += 1
            } else if character == L.closeBracket {
                depth -= 1
            } else if character == L.gt && depth <= 0 {
                state = .text
                inDeclaration = false
            } else if window == 0x3C21_2D2D {  // "<!--" in the internal subset
                state = .comment
                run = 0
                return .commentOpened
            } else if character == L.question && preceded(by: L.lt) {  // "<?" in the internal subset
                state = .instruction
                run = 0
            }
        }
        return .none
    }

    private mutating func openDeclaration() {
        state = .declaration
        quote = 0
        depth = 0
        inDeclaration = true
    }

    /// A character after a start tag's name: attributes, quoted values, the closing `>`.
    @inline(__always)
    private mutating func inTag(_ character: UInt8) -> Event {
        typealias L = MarkupLexer
        if quote != 0 {
            if character == quote { quote = 0 }
        } else if character == L.doubleQuote || character == L.singleQuote {
            quote = character
        } else if character == L.equals {
            return .attribute
        } else if character == L.gt {
            state = .text
            closedEmptyElement = preceded(by: L.slash)
            return .startTagClosed
        }
        return .none
    }
}
