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

    /// Where the start tags with these ordinals (`XMLElement.ordinal`) are, read in one
    /// pass that stops after the last of them.
    func startTags(_ ordinals: Set<Int>) -> [Int: StartTagScanner.Tag] {
        guard !ordinals.isEmpty else { return [:] }
        var scanner = StartTagScanner(wanted: ordinals)
        pieces { scanner.scan($0) }
        return scanner.found
    }
}

/// Finds start tags by their place among a document's start tags, in its UTF-8 text:
/// the line and column of each tag's `<`, whatever else shares its line (a feed written on
/// one line) and however many lines the tag spans.
///
/// A lexical pass, for documents libxml2 parsed: it steps over comments, CDATA sections,
/// processing instructions, end tags, the document type declaration (its internal subset
/// included) and quoted attribute values, which is all it takes to tell start tags apart
/// in well-formed XML. The caller checks each tag's name against the element's, and falls
/// back to the line libxml2 gave when they differ (a UTF-16 document, say).
struct StartTagScanner {
    /// A start tag: where its `<` is (1-based line; column in characters, 1-based) and
    /// its qualified name as written (UTF-8, at most 256 bytes kept).
    struct Tag: Equatable {
        var line: Int
        var column: Int
        var name: [UInt8]
    }

    private(set) var found: [Int: Tag] = [:]
    private let wanted: Set<Int>
    private let last: Int

    private enum State {
        case text, open, bang, bangDash, comment, cdata, processingInstruction, endTag, tagName, tag
        case doctype, doctypeComment, doctypeInstruction
    }
    private var state = State.text
    /// Start tags met so far: the next one's ordinal.
    private var tags = 0
    private var line = 1
    /// Characters before the current byte on its line.
    private var column = 0
    /// The last four bytes, the newest lowest.
    private var window: UInt32 = 0
    /// Bytes since the current comment, CDATA section or instruction opened.
    private var run = 0
    private var quote: UInt8 = 0
    private var depth = 0
    private var started = false
    /// The tag being read, when it is wanted.
    private var current: (ordinal: Int, tag: Tag)?
    private var tagLine = 0
    private var tagColumn = 0

    init(wanted: Set<Int>) {
        self.wanted = wanted
        self.last = wanted.max() ?? -1
    }

    /// Whether every wanted tag has been passed.
    var isDone: Bool { tags > last && current == nil }

    /// Reads the next piece of the document; `false` once nothing more is needed (or the
    /// text is not UTF-8 or ASCII-compatible: UTF-16 is left alone).
    mutating func scan(_ piece: UnsafeBufferPointer<UInt8>) -> Bool {
        var start = 0
        if !started {
            started = true
            if piece.count >= 2 && (piece[0] == 0 || piece[1] == 0 || (piece[0] == 0xFE && piece[1] == 0xFF) || (piece[0] == 0xFF && piece[1] == 0xFE)) {
                return false
            }
            // A byte order mark is no character of the first line.
            if piece.count >= 3 && piece[0] == 0xEF && piece[1] == 0xBB && piece[2] == 0xBF { start = 3 }
        }
        for index in start..<piece.count {
            step(piece[index])
            if isDone { return false }
        }
        return true
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

    private mutating func step(_ byte: UInt8) {
        window = window << 8 | UInt32(byte)
        typealias S = StartTagScanner
        switch state {
        case .text:
            if byte == S.lt {
                state = .open
                tagLine = line
                tagColumn = column + 1
            }
        case .open:
            switch byte {
            case S.slash: state = .endTag
            case S.question: state = .processingInstruction; run = 0
            case S.bang: state = .bang
            case _ where S.endsName(byte) || byte == S.lt: state = .text
            default:
                if wanted.contains(tags) { current = (tags, Tag(line: tagLine, column: tagColumn, name: [byte])) }
                tags += 1
                state = .tagName
            }
        case .bang:
            switch byte {
            case S.dash: state = .bangDash
            case S.openBracket: state = .cdata; run = 0
            case S.gt: state = .text
            default: state = .doctype; quote = 0; depth = 0
            }
        case .bangDash:
            if byte == S.dash {
                state = .comment
                run = 0
            } else {
                state = .doctype
                quote = 0
                depth = 0
            }
        case .comment:
            run += 1
            if byte == S.gt && run >= 3 && preceded(by: S.dash, S.dash) { state = .text }
        case .cdata:
            // `CDATA[` (6 bytes), the content, then `]]>`.
            run += 1
            if byte == S.gt && run >= 9 && preceded(by: S.closeBracket, S.closeBracket) { state = .text }
        case .processingInstruction:
            run += 1
            if byte == S.gt && run >= 2 && UInt8(truncatingIfNeeded: window >> 8) == S.question { state = .text }
        case .endTag:
            if byte == S.gt { state = .text }
        case .tagName:
            if S.endsName(byte) {
                finishTag()
                state = byte == S.gt ? .text : .tag
                quote = 0
            } else if current != nil && current!.tag.name.count < 256 {
                current!.tag.name.append(byte)
            }
        case .tag:
            if quote != 0 {
                if byte == quote { quote = 0 }
            } else if byte == S.doubleQuote || byte == S.singleQuote {
                quote = byte
            } else if byte == S.gt {
                state = .text
            }
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
            } else if window == 0x3C21_2D2D {  // "<!--"
                state = .doctypeComment
                run = 0
            } else if byte == S.question && UInt8(truncatingIfNeeded: window >> 8) == S.lt {
                state = .doctypeInstruction
                run = 0
            }
        case .doctypeComment:
            run += 1
            if byte == S.gt && run >= 3 && preceded(by: S.dash, S.dash) { state = .doctype }
        case .doctypeInstruction:
            run += 1
            if byte == S.gt && run >= 2 && UInt8(truncatingIfNeeded: window >> 8) == S.question { state = .doctype }
        }
        if byte == 0x0A {
            line += 1
            column = 0
        } else if byte & 0xC0 != 0x80 {
            column += 1
        }
    }

    private mutating func finishTag() {
        guard let current else { return }
        found[current.ordinal] = current.tag
        self.current = nil
    }
}

/// Fills in the positions of diagnostics from the start tags they point at.
enum ColumnResolver {
    static func resolve(_ entries: [DiagnosticSink.Entry], lines source: LineSource) -> [Diagnostic] {
        // The element's own start tag, found by its ordinal, gives line and column.
        let tags = source.startTags(Set(entries.compactMap { $0.diagnostic.column == 0 && $0.diagnostic.line > 0 ? $0.ordinal : nil }))
        var diagnostics = entries.map(\.diagnostic)
        var open: [Int] = []
        for (index, entry) in entries.enumerated() where entry.diagnostic.column == 0 && entry.diagnostic.line > 0 {
            if let ordinal = entry.ordinal, let tag = tags[ordinal], let anchor = entry.anchor, tag.name.elementsEqual(anchor.utf8) {
                diagnostics[index].line = tag.line
                diagnostics[index].column = tag.column
            } else {
                open.append(index)
            }
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

    /// 1-based column (in characters) of `<anchor` on the line, else of its first
    /// non-blank character.
    static func column(in line: String, anchor: String?) -> Int {
        if let anchor, let range = line.firstRange(of: "<" + anchor) {
            return line.distance(from: line.startIndex, to: range.lowerBound) + 1
        }
        if let first = line.firstIndex(where: { !$0.isWhitespace }) {
            return line.distance(from: line.startIndex, to: first) + 1
        }
        return 1
    }
}
