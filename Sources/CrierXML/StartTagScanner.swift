/// Finds markup by its place in a document, in its text: the line and column of each
/// wanted start tag's `<` (by its place among the document's start tags), whatever else
/// shares its line (a feed written on one line) and however many lines the tag spans; and
/// likewise of a CDATA section (by its place among the CDATA sections), of the document
/// type declaration, and of the first character that is not white space of a piece of
/// character data directly inside an element (by the element's ordinal and the piece's
/// place among the element's own pieces, as libxml2 splits them: at tags, comments,
/// processing instructions and references to entities other than the predefined ones).
///
/// A lexical pass (`MarkupLexer`) for documents libxml2 parsed. It reads UTF-8 (and
/// ASCII), and the single-byte encodings that extend ASCII (ISO-8859-*, windows-125*),
/// one character a byte; a document in any other encoding (UTF-16, Shift_JIS,
/// ISO-2022-JP, ...) it leaves alone, as their bytes can look like markup. The caller
/// checks each tag against the element libxml2 reported (its name, and the line its start
/// tag ends on) and falls back to that line when they differ.
package struct StartTagScanner {
    /// A start tag: where its `<` is (1-based line; column in characters, 1-based), the
    /// line of its closing `>`, and its qualified name as written (the first 256 bytes,
    /// and the whole name's length in bytes).
    package struct Tag: Equatable {
        package var line: Int
        package var column: Int
        package var endLine: Int
        package var name: [UInt8]
        package var nameLength: Int

        /// Whether the tag's name is `qualifiedName`.
        package func isNamed(_ qualifiedName: String) -> Bool {
            nameLength == qualifiedName.utf8.count && name.elementsEqual(qualifiedName.utf8.prefix(name.count))
        }
    }

    /// A place in the text: 1-based line, and column in characters.
    package struct Position: Hashable, Sendable {
        package var line: Int
        package var column: Int
        package init(line: Int, column: Int) {
            self.line = line
            self.column = column
        }
    }

    /// A piece of character data directly inside an element: the element's ordinal
    /// (`XMLElement.ordinal`), and how many pieces of its own character data (white space
    /// alone included) come before this one.
    package struct TextPiece: Hashable, Sendable {
        package var element: Int
        package var index: Int
        package init(element: Int, index: Int) {
            self.element = element
            self.index = index
        }
    }

    /// Where a wanted piece of character data first has a character that is not white
    /// space, and that character when it is written as itself (`nil` when it is written as
    /// a reference, or in a single-byte encoding beyond ASCII).
    package struct TextStart: Equatable, Sendable {
        package var position: Position
        package var character: Unicode.Scalar?
    }

    /// The wanted tags found, by ordinal.
    package private(set) var found: [Int: Tag] = [:]
    /// Start tags met so far: the next one's ordinal.
    package private(set) var passed = 0
    /// The document is in an encoding the scanner does not read.
    package private(set) var gaveUp = false
    /// The wanted pieces of character data found (those that are all white space are never
    /// found).
    package private(set) var texts: [TextPiece: TextStart] = [:]
    /// The wanted CDATA sections found, by their place among the document's (0 first).
    package private(set) var cdataSections: [Int: Position] = [:]
    /// The wanted markup found, by the place of its `<` among those in text (0 first).
    package private(set) var markups: [Int: Position] = [:]
    /// The document type declaration, when wanted and found.
    package private(set) var documentType: Position?
    private let wanted: Set<Int>
    private let last: Int
    private let wantedTexts: Set<TextPiece>
    private let wantedTextElements: Set<Int>
    private let wantedCDATA: Set<Int>
    private let lastCDATA: Int
    private let wantedMarkups: Set<Int>
    private let lastMarkup: Int
    private var wantsDocumentType: Bool
    /// Whether pieces of character data are wanted, so open elements are followed.
    private let tracksText: Bool

    private var lexer = MarkupLexer()
    private var line = 1
    /// Characters before the current byte on its line.
    private var column = 0
    /// Every byte is a character (a single-byte encoding), not only the first of a UTF-8 sequence.
    private var singleByte = false
    /// Bytes read so far, and the first two.
    private var offset = 0
    private var firstByte: UInt8 = 0
    /// How much of a UTF-8 byte order mark the text starts with (3: all of it).
    private var orderMark = 0
    /// The XML declaration, while it is read (it may name the encoding).
    private var declaration: [UInt8]?
    /// The tag being read, when it is wanted.
    private var current: (ordinal: Int, tag: Tag)?
    /// Where the last `<` is.
    private var tagLine = 0
    private var tagColumn = 0

    /// Elements open at the current byte: ordinal, pieces of character data so far, and
    /// whether the current byte is in one of them.
    private var open: [(ordinal: Int, pieces: Int, inPiece: Bool)] = []
    /// The wanted piece being read, until its first character that is not white space.
    private var text: TextPiece?
    /// CDATA sections, and `<` in text, met so far.
    private var cdataPassed = 0
    private var markupsPassed = 0
    /// A reference in character data, from its `&` (the first 32 bytes), and where it starts.
    private var reference: [UInt8]?
    private var referenceStart = Position(line: 0, column: 0)
    /// A UTF-8 character being read in character data: its bytes so far, how many it has,
    /// and where it starts.
    private var character: [UInt8] = []
    private var characterLength = 0
    private var characterStart = Position(line: 0, column: 0)
    /// The last two `]` in a CDATA section, when they are the last characters read: they
    /// may be its end rather than its content.
    private var brackets: [Position] = []

    /// A scanner for the start tags with these ordinals (`XMLElement.ordinal`), and for the
    /// pieces of character data, the CDATA sections and other markup (by place) and the
    /// document type declaration asked for.
    package init(wanted: Set<Int>, texts: Set<TextPiece> = [], cdataSections: Set<Int> = [], markups: Set<Int> = [],
                 documentType: Bool = false) {
        self.wantedMarkups = markups
        self.lastMarkup = markups.max() ?? -1
        self.wanted = wanted
        self.last = wanted.max() ?? -1
        self.wantedTexts = texts
        self.wantedTextElements = Set(texts.map(\.element))
        self.wantedCDATA = cdataSections
        self.lastCDATA = cdataSections.max() ?? -1
        self.wantsDocumentType = documentType
        self.tracksText = !texts.isEmpty
    }

    /// Whether everything wanted has been passed (a wanted piece of character data only
    /// once it is found).
    package var isDone: Bool {
        passed > last && current == nil && cdataPassed > lastCDATA && markupsPassed > lastMarkup && !wantsDocumentType
            && texts.count == wantedTexts.count
    }

    /// Reads the next piece of the document; `false` once nothing more is needed, or once
    /// it is clear the text is in an encoding the scanner does not read.
    package mutating func scan(_ piece: UnsafeBufferPointer<UInt8>) -> Bool {
        for byte in piece {
            if offset < 3 && !start(byte) {
                gaveUp = true
                return false
            }
            offset += 1
            step(byte)
            if gaveUp { return false }
            if isDone { return false }
        }
        return true
    }

    /// Looks at the first bytes: `false` for UTF-16 or UTF-32 (a zero byte or a UTF-16
    /// byte order mark among the first two); notes a UTF-8 byte order mark.
    private mutating func start(_ byte: UInt8) -> Bool {
        if offset == 0 { firstByte = byte }
        if offset == 1 && (firstByte == 0 || byte == 0 || (firstByte, byte) == (0xFE, 0xFF) || (firstByte, byte) == (0xFF, 0xFE)) {
            return false
        }
        if orderMark == offset && byte == [0xEF, 0xBB, 0xBF][offset] { orderMark += 1 }
        return true
    }

    /// Encodings whose every byte is a character and whose ASCII bytes mean ASCII.
    private static let singleByteEncodings = ["ISO-8859-", "ISO8859-", "ISO_8859-", "WINDOWS-125", "CP125", "LATIN", "KOI8-", "US-ASCII", "ASCII"]

    /// Reads the encoding the XML declaration names, if any: UTF-8 is read as such,
    /// single-byte encodings a byte a character, anything else not at all.
    private mutating func declared(_ text: [UInt8]) {
        let declaration = String(decoding: text, as: UTF8.self)
        guard let key = declaration.firstRange(of: "encoding") else { return }
        let rest = declaration[key.upperBound...].drop { $0 == " " || $0 == "=" || $0 == "\t" || $0 == "\n" || $0 == "\r" }
        guard let open = rest.first, open == "\"" || open == "'" else { return }
        let name = rest.dropFirst().prefix { $0 != open }.uppercased()
        if name == "UTF-8" || name == "UTF8" { return }
        if StartTagScanner.singleByteEncodings.contains(where: name.hasPrefix) {
            singleByte = true
        } else {
            gaveUp = true
        }
    }

    /// Where the current byte is.
    private var here: Position {
        // A byte order mark is no character of the first line.
        Position(line: line, column: column + 1 - (line == 1 && orderMark == 3 ? 1 : 0))
    }

    private mutating func step(_ byte: UInt8) {
        let inText = lexer.isInText
        let event = lexer.step(byte)
        if tracksText && !open.isEmpty {
            if inText && byte != 0x3C {
                characterData(byte, inCDATA: false)
            } else if event == .cdataCharacter {
                characterData(byte, inCDATA: true)
            }
        }
        switch event {
        case .none, .cdataCharacter:
            break
        case .markupOpened:
            tagLine = line
            // A byte order mark is no character of the first line.
            tagColumn = column + 1 - (line == 1 && orderMark == 3 ? 1 : 0)
            if wantedMarkups.contains(markupsPassed) { markups[markupsPassed] = Position(line: tagLine, column: tagColumn) }
            markupsPassed += 1
        case .startTagOpened:
            if tracksText { endPiece() }
            if wanted.contains(passed) {
                current = (passed, Tag(line: tagLine, column: tagColumn, endLine: tagLine, name: [byte], nameLength: 1))
            }
            passed += 1
        case .nameCharacter:
            if current != nil {
                current!.tag.nameLength += 1
                if current!.tag.name.count < 256 { current!.tag.name.append(byte) }
            }
        case .attribute:
            break
        case .startTagClosed:
            if let current {
                var tag = current.tag
                tag.endLine = line
                found[current.ordinal] = tag
                self.current = nil
            }
            if tracksText && !lexer.closedEmptyElement { open.append((passed - 1, 0, false)) }
            if wantsDocumentType && passed == 1 { wantsDocumentType = false }  // none before the root
        case .endTagOpened, .commentOpened:
            if tracksText { endPiece() }
        case .endTagClosed:
            if tracksText && !open.isEmpty { open.removeLast() }
        case .cdataOpened:
            if wantedCDATA.contains(cdataPassed) { cdataSections[cdataPassed] = Position(line: tagLine, column: tagColumn) }
            cdataPassed += 1
        case .cdataClosed:
            // The `]]` read as content were its end.
            brackets = []
        case .declarationOpened:
            if wantsDocumentType && passed == 0 {
                documentType = Position(line: tagLine, column: tagColumn)
                wantsDocumentType = false
            }
        case .instructionCharacter:
            if tracksText { endPiece() }
            if declaration != nil {
                if declaration!.count < 256 { declaration!.append(byte) }
            } else if offset == 2 + (orderMark == 3 ? 3 : 0) {
                // The `?` of `<?` at the very start (after a byte order mark): the XML
                // declaration, which comes first of all.
                declaration = []
            }
        case .instructionClosed:
            if let text = declaration {
                declaration = nil
                declared(text)
            }
        }
        if byte == 0x0A {
            line += 1
            column = 0
        } else if singleByte || byte & 0xC0 != 0x80 {
            column += 1
        }
    }

    /// A byte of character data directly inside the innermost open element: text outside
    /// markup (where a reference may start), or the content of a CDATA section.
    private mutating func characterData(_ byte: UInt8, inCDATA: Bool) {
        if reference != nil {
            reference!.append(byte)
            if byte == UInt8(ascii: ";") || reference!.count > 32 { endReference() }
            return
        }
        if !inCDATA && byte == UInt8(ascii: "&") {
            reference = []
            referenceStart = here
            return
        }
        if inCDATA && byte == UInt8(ascii: "]") {
            // Content, unless the section ends with it: told by the next character. (An
            // empty section is no character data at all for libxml2.)
            brackets.append(here)
            if brackets.count > 2 { bracketIsContent(brackets.removeFirst()) }
            return
        }
        if !brackets.isEmpty {
            for bracket in brackets { bracketIsContent(bracket) }
            brackets = []
        }
        startPiece()
        guard text != nil else { return }
        if byte < 0x80 || singleByte {
            if !isBlank(byte) { found(here, byte < 0x80 ? Unicode.Scalar(byte) : nil) }
            return
        }
        if byte & 0xC0 != 0x80 {
            character = [byte]
            characterLength = byte >= 0xF0 ? 4 : byte >= 0xE0 ? 3 : 2
            characterStart = here
        } else if !character.isEmpty {
            character.append(byte)
        }
        guard character.count == characterLength else { return }
        let scalar = String(decoding: character, as: UTF8.self).unicodeScalars.first
        character = []
        if let scalar, !scalar.properties.isWhitespace { found(characterStart, scalar) }
    }

    /// A `]` in a CDATA section turned out to be content.
    private mutating func bracketIsContent(_ position: Position) {
        startPiece()
        if text != nil { found(position, "]") }
    }

    /// Whether a byte of a single-byte encoding, or ASCII, is white space (no-break space
    /// among them, as `Character.isWhitespace` counts it).
    private func isBlank(_ byte: UInt8) -> Bool {
        byte == 0x20 || (byte >= 0x09 && byte <= 0x0D) || (singleByte && byte == 0xA0)
    }

    /// The reference just read: a character reference or a predefined entity is character
    /// data; any other entity ends the piece (libxml2 keeps the reference as a node of its own).
    private mutating func endReference() {
        guard let name = reference else { return }
        reference = nil
        if name.first == UInt8(ascii: "#") {
            let digits = name.dropFirst().dropLast()
            let value = digits.first == UInt8(ascii: "x")
                ? UInt32(String(decoding: digits.dropFirst(), as: UTF8.self), radix: 16)
                : UInt32(String(decoding: digits, as: UTF8.self))
            startPiece()
            if text != nil, let value, let scalar = Unicode.Scalar(value), !scalar.properties.isWhitespace {
                found(referenceStart, nil)
            }
            return
        }
        let predefined: [[UInt8]] = ["amp;", "lt;", "gt;", "quot;", "apos;"].map { Array($0.utf8) }
        if predefined.contains(name) {
            startPiece()
            if text != nil { found(referenceStart, nil) }
        } else {
            endPiece()
        }
    }

    /// Character data starts a piece unless one is under way.
    private mutating func startPiece() {
        guard let top = open.last, !top.inPiece else { return }
        open[open.count - 1].inPiece = true
        open[open.count - 1].pieces += 1
        if wantedTextElements.contains(top.ordinal) {
            let piece = TextPiece(element: top.ordinal, index: top.pieces)
            if wantedTexts.contains(piece) { text = piece }
        }
    }

    /// Markup that splits character data in libxml2's tree.
    private mutating func endPiece() {
        if reference != nil { endReference() }
        if !brackets.isEmpty { brackets = [] }
        text = nil
        if !character.isEmpty { character = [] }
        if !open.isEmpty { open[open.count - 1].inPiece = false }
    }

    private mutating func found(_ position: Position, _ scalar: Unicode.Scalar?) {
        guard let piece = text else { return }
        texts[piece] = TextStart(position: position, character: scalar)
        text = nil
    }
}
