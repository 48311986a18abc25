#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where the text of a document can be read again after streaming: libxml2 keeps only
/// line numbers on nodes, so positions are found afterwards from the text.
struct LineSource {
    var bytes: [UInt8]?
    var path: String?

    init(bytes: [UInt8]) { self.bytes = bytes }
    init(path: String) { self.path = path }

    /// Hands the document to `body` a piece at a time, from the start, until `body`
    /// returns `false` or the text ends; the file is read in 64 KiB pieces, never whole.
    func pieces(_ body: (UnsafeBufferPointer<UInt8>) -> Bool) {
        if let bytes {
            _ = bytes.withUnsafeBufferPointer(body)
        } else if let path {
            let fd = open(path, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else { return }
            defer { close(fd) }
            var chunk = [UInt8](repeating: 0, count: 1 << 16)
            while true {
                let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { return }
                let more = chunk.withUnsafeBufferPointer { body(UnsafeBufferPointer(rebasing: $0[..<n])) }
                if !more { return }
            }
        }
    }

    /// The text of the requested 1-based lines (each cut at 64 KiB), read in one pass.
    func lines(_ wanted: Set<Int>) -> [Int: String] {
        guard !wanted.isEmpty, let last = wanted.max() else { return [:] }
        var result: [Int: String] = [:]
        var current: [UInt8] = []
        var line = 1
        pieces { piece in
            for byte in piece {
                if byte == 10 {
                    if wanted.contains(line) { result[line] = String(decoding: current, as: UTF8.self) }
                    current.removeAll(keepingCapacity: true)
                    line += 1
                    if line > last { return false }
                } else if wanted.contains(line) && current.count < 65_536 {
                    current.append(byte)
                }
            }
            return true
        }
        if wanted.contains(line) && result[line] == nil { result[line] = String(decoding: current, as: UTF8.self) }
        return result
    }

    /// The scanner after a pass over the text that finds the start tags with these
    /// ordinals (`XMLElement.ordinal`), stopping after the last of them.
    func startTags(_ ordinals: Set<Int>) -> StartTagScanner {
        var scanner = StartTagScanner(wanted: ordinals)
        if !ordinals.isEmpty { pieces { scanner.scan($0) } }
        return scanner
    }
}

/// Finds start tags by their place among a document's start tags, in its text: the line
/// and column of each tag's `<`, whatever else shares its line (a feed written on one
/// line) and however many lines the tag spans.
///
/// A lexical pass, for documents libxml2 parsed: it steps over comments, CDATA sections,
/// processing instructions, end tags, the document type declaration (its internal subset
/// included) and quoted attribute values, which is all it takes to tell start tags apart
/// in well-formed XML. It reads UTF-8 (and ASCII), and the single-byte encodings that
/// extend ASCII (ISO-8859-*, windows-125*), one character a byte; a document in any other
/// encoding (UTF-16, Shift_JIS, ISO-2022-JP, ...) it leaves alone, as their bytes can look
/// like markup. The caller checks each tag against the element libxml2 reported (its name,
/// and the line its start tag ends on) and falls back to that line when they differ.
struct StartTagScanner {
    /// A start tag: where its `<` is (1-based line; column in characters, 1-based), the
    /// line of its closing `>`, and its qualified name as written (the first 256 bytes,
    /// and the whole name's length in bytes).
    struct Tag: Equatable {
        var line: Int
        var column: Int
        var endLine: Int
        var name: [UInt8]
        var nameLength: Int

        /// Whether the tag's name is `qualifiedName`.
        func isNamed(_ qualifiedName: String) -> Bool {
            nameLength == qualifiedName.utf8.count && name.elementsEqual(qualifiedName.utf8.prefix(name.count))
        }
    }

    private(set) var found: [Int: Tag] = [:]
    /// Start tags met so far: the next one's ordinal.
    private(set) var passed = 0
    /// The document is in an encoding the scanner does not read.
    private(set) var gaveUp = false
    private let wanted: Set<Int>
    private let last: Int

    private enum State {
        case text, open, bang, bangDash, comment, cdata, processingInstruction, endTag, tagName, tag
        case doctype
    }
    private var state = State.text
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
    /// The last four bytes, the newest lowest.
    private var window: UInt32 = 0
    /// Bytes since the current comment, CDATA section or instruction opened.
    private var run = 0
    private var quote: UInt8 = 0
    private var depth = 0
    /// Inside the document type declaration: its comments and instructions return to it.
    private var inSubset = false
    /// The tag being read, when it is wanted.
    private var current: (ordinal: Int, tag: Tag)?
    private var tagLine = 0
    private var tagColumn = 0

    init(wanted: Set<Int>) {
        self.wanted = wanted
        self.last = wanted.max() ?? -1
    }

    /// Whether every wanted tag has been passed.
    var isDone: Bool { passed > last && current == nil }

    /// Reads the next piece of the document; `false` once nothing more is needed, or once
    /// it is clear the text is in an encoding the scanner does not read.
    mutating func scan(_ piece: UnsafeBufferPointer<UInt8>) -> Bool {
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

    private static let lt = UInt8(ascii: "<"), gt = UInt8(ascii: ">"), slash = UInt8(ascii: "/"), bang = UInt8(ascii: "!")
    private static let question = UInt8(ascii: "?"), dash = UInt8(ascii: "-"), openBracket = UInt8(ascii: "[")
    private static let closeBracket = UInt8(ascii: "]"), doubleQuote = UInt8(ascii: "\""), singleQuote = UInt8(ascii: "'")

    /// Whether `byte` ends a tag's name: white space, `/` or `>`.
    private static func endsName(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D || byte == slash || byte == gt
    }

    /// Whether the two bytes before the newest are `first` then `second`.
    private func preceded(by first: UInt8, _ second: UInt8) -> Bool {
        UInt8(truncatingIfNeeded: window >> 16) == first && UInt8(truncatingIfNeeded: window >> 8) == second
    }

    /// Whether the byte before the newest is `byte`.
    private func preceded(by byte: UInt8) -> Bool { UInt8(truncatingIfNeeded: window >> 8) == byte }

    private mutating func step(_ byte: UInt8) {
        window = window << 8 | UInt32(byte)
        typealias S = StartTagScanner
        switch state {
        case .text:
            if byte == S.lt {
                state = .open
                tagLine = line
                // A byte order mark is no character of the first line.
                tagColumn = column + 1 - (line == 1 && orderMark == 3 ? 1 : 0)
            }
        case .open:
            switch byte {
            case S.slash: state = .endTag
            case S.question:
                state = .processingInstruction
                run = 0
                // The XML declaration comes first of all (after a byte order mark).
                if offset == 2 + (orderMark == 3 ? 3 : 0) { declaration = [] }
            case S.bang: state = .bang
            case _ where S.endsName(byte) || byte == S.lt: state = .text
            default:
                if wanted.contains(passed) {
                    current = (passed, Tag(line: tagLine, column: tagColumn, endLine: tagLine, name: [byte], nameLength: 1))
                }
                passed += 1
                state = .tagName
            }
        case .bang:
            switch byte {
            case S.dash: state = .bangDash
            case S.openBracket: state = .cdata; run = 0
            case S.gt: state = .text
            default: state = .doctype; quote = 0; depth = 0; inSubset = true
            }
        case .bangDash:
            if byte == S.dash {
                state = .comment
                run = 0
            } else {
                state = .doctype
                quote = 0
                depth = 0
                inSubset = true
            }
        case .comment:
            run += 1
            if byte == S.gt && run >= 3 && preceded(by: S.dash, S.dash) { state = inSubset ? .doctype : .text }
        case .cdata:
            // `CDATA[` (6 bytes), the content, then `]]>`.
            run += 1
            if byte == S.gt && run >= 9 && preceded(by: S.closeBracket, S.closeBracket) { state = .text }
        case .processingInstruction:
            run += 1
            if byte == S.gt && run >= 2 && preceded(by: S.question) {
                state = inSubset ? .doctype : .text
                if let text = declaration {
                    declaration = nil
                    declared(text)
                }
            } else if declaration != nil && declaration!.count < 256 {
                declaration!.append(byte)
            }
        case .endTag:
            if byte == S.gt { state = .text }
        case .tagName:
            if S.endsName(byte) {
                state = .tag
                quote = 0
                step(inTag: byte)
            } else if current != nil {
                current!.tag.nameLength += 1
                if current!.tag.name.count < 256 { current!.tag.name.append(byte) }
            }
        case .tag:
            step(inTag: byte)
        case .doctype:
            if quote != 0 {
                if byte == quote { quote = 0 }
            } else if byte == S.doubleQuote || byte == S.singleQuote {
                quote = byte
            } else if byte == S.openBracket {
                depth += 1
            } else if byte == S.closeBracket {
                depth -= 1
            } else if byte == S.gt && depth <= 0 {
                state = .text
                inSubset = false
            } else if window == 0x3C21_2D2D {  // "<!--"
                state = .comment
                run = 0
            } else if byte == S.question && preceded(by: S.lt) {
                state = .processingInstruction
                run = 0
            }
        }
        if byte == 0x0A {
            line += 1
            column = 0
        } else if singleByte || byte & 0xC0 != 0x80 {
            column += 1
        }
    }

    /// A byte after a start tag's name: attributes, quoted values, and the closing `>`.
    private mutating func step(inTag byte: UInt8) {
        typealias S = StartTagScanner
        if quote != 0 {
            if byte == quote { quote = 0 }
        } else if byte == S.doubleQuote || byte == S.singleQuote {
            quote = byte
        } else if byte == S.gt {
            state = .text
            if let current {
                var tag = current.tag
                tag.endLine = line
                found[current.ordinal] = tag
                self.current = nil
            }
        }
    }
}

/// Fills in the positions of diagnostics from the start tags they point at.
enum ColumnResolver {
    static func resolve(_ entries: [DiagnosticSink.Entry], lines source: LineSource) -> [Diagnostic] {
        // The element's own start tag, found by its ordinal, gives line and column: when
        // its name is the element's, and it ends on the line libxml2 gave (which libxml2
        // stores exactly below 65,535).
        let scanner = source.startTags(Set(entries.compactMap { $0.diagnostic.column == 0 && $0.diagnostic.line > 0 ? $0.ordinal : nil }))
        var diagnostics = entries.map(\.diagnostic)
        var open: [Int] = []
        for (index, entry) in entries.enumerated() where entry.diagnostic.column == 0 && entry.diagnostic.line > 0 {
            guard let ordinal = entry.ordinal, let anchor = entry.anchor, !scanner.gaveUp else {
                open.append(index)
                continue
            }
            if let tag = scanner.found[ordinal], tag.isNamed(anchor), entry.diagnostic.line >= 65_535 || tag.endLine == entry.diagnostic.line {
                diagnostics[index].line = tag.line
                diagnostics[index].column = tag.column
            } else if ordinal < scanner.passed {
                // Another tag where this one should be: the text is not as parsed.
                open.append(index)
            }
            // Otherwise the text ended before the tag (a pipe's kept start): no column,
            // rather than a guess at another tag of the same name.
        }
        // Otherwise the first `<qname` on libxml2's line.
        let lines = source.lines(Set(open.map { entries[$0].diagnostic.line }))
        for index in open {
            guard let text = lines[diagnostics[index].line] else { continue }
            diagnostics[index].column = column(in: text, anchor: entries[index].anchor)
        }
        // Document order; whole-document findings (line 0) first. The sort is stable.
        return diagnostics.enumerated().sorted { a, b in
            (a.element.line, a.element.column, a.offset) < (b.element.line, b.element.column, b.offset)
        }.map(\.element)
    }

    /// 1-based column (in Unicode scalars, as the scanner counts) of `<anchor` on the
    /// line, else of its first non-blank character.
    static func column(in line: String, anchor: String?) -> Int {
        let scalars = line.unicodeScalars
        if let anchor, let range = line.firstRange(of: "<" + anchor) {
            return scalars.distance(from: scalars.startIndex, to: range.lowerBound) + 1
        }
        if let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }) {
            return scalars.distance(from: scalars.startIndex, to: first) + 1
        }
        return 1
    }
}
