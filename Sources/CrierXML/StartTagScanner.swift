/// Finds start tags by their place among a document's start tags, in its text: the line
/// and column of each tag's `<`, whatever else shares its line (a feed written on one
/// line) and however many lines the tag spans.
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

    /// The wanted tags found, by ordinal.
    package private(set) var found: [Int: Tag] = [:]
    /// Start tags met so far: the next one's ordinal.
    package private(set) var passed = 0
    /// The document is in an encoding the scanner does not read.
    package private(set) var gaveUp = false
    private let wanted: Set<Int>
    private let last: Int

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

    /// A scanner for the start tags with these ordinals (`XMLElement.ordinal`).
    package init(wanted: Set<Int>) {
        self.wanted = wanted
        self.last = wanted.max() ?? -1
    }

    /// Whether every wanted tag has been passed.
    package var isDone: Bool { passed > last && current == nil }

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

    private mutating func step(_ byte: UInt8) {
        switch lexer.step(byte) {
        case .none:
            break
        case .markupOpened:
            tagLine = line
            // A byte order mark is no character of the first line.
            tagColumn = column + 1 - (line == 1 && orderMark == 3 ? 1 : 0)
        case .startTagOpened:
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
        case .instructionCharacter:
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
}
