import CrierXML
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
    /// A UTF-16 document is handed over as UTF-8, so that its lines and columns are
    /// found as in any other: they count characters, not bytes.
    func pieces(_ body: (UnsafeBufferPointer<UInt8>) -> Bool) {
        var utf16: UTF16Pieces?
        var first = true
        func hand(_ piece: UnsafeBufferPointer<UInt8>) -> Bool {
            if first {
                first = false
                utf16 = UTF16Pieces(head: piece)
            }
            guard var transcoder = utf16 else { return body(piece) }
            let utf8 = transcoder.utf8(piece)
            utf16 = transcoder
            return utf8.withUnsafeBufferPointer(body)
        }
        if let bytes {
            _ = bytes.withUnsafeBufferPointer(hand)
        } else if let path {
            let fd = open(path, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else { return }
            defer { close(fd) }
            var chunk = [UInt8](repeating: 0, count: 1 << 16)
            while true {
                let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { return }
                let more = chunk.withUnsafeBufferPointer { hand(UnsafeBufferPointer(rebasing: $0[..<n])) }
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
    /// ordinals (`XMLElement.ordinal`) and the other markup asked for, stopping once all
    /// of it has been passed.
    func scan(startTags ordinals: Set<Int>, texts: Set<StartTagScanner.TextPiece> = [], cdataSections: Set<Int> = [],
              markups: Set<Int> = [], documentType: Bool = false) -> StartTagScanner {
        var scanner = StartTagScanner(wanted: ordinals, texts: texts, cdataSections: cdataSections, markups: markups,
                                      documentType: documentType)
        if !scanner.isDone { pieces { scanner.scan($0) } }
        return scanner
    }
}

/// UTF-16 text turned into UTF-8 a piece at a time (a code unit or surrogate pair cut
/// between two pieces is kept for the next), recognised as libxml2 recognises it: by its
/// byte order mark, or, without one, by `<?` in UTF-16. The XML declaration's `encoding`
/// is blanked out (spaces, as many as its characters), as the text handed over is UTF-8
/// now and is read as such only if it does not say otherwise.
struct UTF16Pieces {
    private let bigEndian: Bool
    /// Bytes of the previous piece that did not make a whole character.
    private var carry: [UInt8] = []
    private var atStart = true

    /// The transcoder for a document that starts with `head`, or `nil` when it is not
    /// UTF-16.
    init?(head: UnsafeBufferPointer<UInt8>) {
        guard head.count >= 2 else { return nil }
        switch (head[0], head[1]) {
        case (0xFF, 0xFE) where !(head.count >= 4 && head[2] == 0 && head[3] == 0):  // not UTF-32LE
            bigEndian = false
        case (0xFE, 0xFF):
            bigEndian = true
        case (0x3C, 0x00) where head.count >= 4 && head[2] == 0x3F && head[3] == 0x00:
            bigEndian = false
        case (0x00, 0x3C) where head.count >= 4 && head[2] == 0x00 && head[3] == 0x3F:
            bigEndian = true
        default:
            return nil
        }
    }

    /// The UTF-8 of `piece`, the next bytes of the document, as far as they make whole
    /// characters; a unit that is no character becomes U+FFFD, as one character.
    mutating func utf8(_ piece: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        let bytes = carry + piece
        var units: [UInt16] = []
        units.reserveCapacity(bytes.count / 2)
        var i = 0
        while i + 1 < bytes.count {
            let (high, low) = bigEndian ? (bytes[i], bytes[i + 1]) : (bytes[i + 1], bytes[i])
            units.append(UInt16(high) << 8 | UInt16(low))
            i += 2
        }
        var end = i
        if let last = units.last, UTF16.isLeadSurrogate(last) {
            units.removeLast()
            end -= 2
        }
        carry = Array(bytes[end...])
        var result: [UInt8] = []
        result.reserveCapacity(units.count)
        _ = transcode(units.makeIterator(), from: UTF16.self, to: UTF8.self, stoppingOnError: false) { result.append($0) }
        if atStart && !result.isEmpty {
            atStart = false
            UTF16Pieces.blankEncoding(in: &result)
        }
        return result
    }

    /// Replaces `encoding="..."` in the XML declaration at the start of `text` (after a
    /// byte order mark) with as many spaces.
    static func blankEncoding(in text: inout [UInt8]) {
        var start = text.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        guard text[start...].starts(with: Array("<?xml".utf8)) else { return }
        start += 5
        guard let end = text[start...].firstIndex(of: UInt8(ascii: ">")) else { return }
        let key = Array("encoding".utf8)
        guard let at = (start..<end).first(where: { text[$0...].starts(with: key) }) else { return }
        var i = at + key.count
        while i < end, [0x20, 0x09, 0x0A, 0x0D, UInt8(ascii: "=")].contains(text[i]) { i += 1 }
        guard i < end, text[i] == UInt8(ascii: "\"") || text[i] == UInt8(ascii: "'"),
              let close = text[(i + 1)..<end].firstIndex(of: text[i]) else { return }
        for j in at...close where text[j] != 0x0A && text[j] != 0x0D { text[j] = 0x20 }
    }
}

/// Fills in the positions of diagnostics from the start tags they point at.
enum ColumnResolver {
    static func resolve(_ entries: [DiagnosticSink.Entry], lines source: LineSource) -> [Diagnostic] {
        // The element's own start tag, found by its ordinal, gives line and column: when
        // its name is the element's, and it ends on the line libxml2 gave (which libxml2
        // stores exactly below 65,535). Other markup is found by its place.
        var ordinals: Set<Int> = [], texts: Set<StartTagScanner.TextPiece> = [], sections: Set<Int> = [], markups: Set<Int> = []
        var documentType = false
        for entry in entries {
            switch entry.place {
            case .startTag?: if let ordinal = entry.ordinal { ordinals.insert(ordinal) }
            case .text(let piece, _)?: texts.insert(piece)
            case .cdataSection(let section)?: sections.insert(section)
            case .markup(let markup)?: markups.insert(markup)
            case .documentType?: documentType = true
            case .entityReference?, .before?: break
            case nil:
                if entry.diagnostic.column == 0 && entry.diagnostic.line > 0, let ordinal = entry.ordinal { ordinals.insert(ordinal) }
            }
        }
        let scanner = source.scan(startTags: ordinals, texts: texts, cdataSections: sections, markups: markups, documentType: documentType)
        var diagnostics = entries.map(\.diagnostic)
        var open: [Int] = []
        var references: [Int] = []
        func place(_ index: Int, at position: StartTagScanner.Position?) {
            if let position, !scanner.gaveUp {
                diagnostics[index].line = position.line
                diagnostics[index].column = position.column
            } else if diagnostics[index].line > 0 {
                open.append(index)
            }
        }
        for (index, entry) in entries.enumerated() {
            switch entry.place {
            case .startTag?:
                var position: StartTagScanner.Position?
                if let ordinal = entry.ordinal, let tag = scanner.found[ordinal], entry.anchor.map(tag.isNamed) ?? true {
                    position = StartTagScanner.Position(line: tag.line, column: tag.column)
                }
                place(index, at: position)
            case .text(let piece, let first)?:
                // The first character checks that libxml2 split the text as the scanner did.
                let start = scanner.texts[piece]
                place(index, at: start.flatMap { first == nil || $0.character == nil || $0.character == first ? $0.position : nil })
            case .cdataSection(let section)?:
                place(index, at: scanner.cdataSections[section])
            case .markup(let markup)?:
                place(index, at: scanner.markups[markup])
            case .documentType?:
                place(index, at: scanner.documentType)
            case .entityReference?:
                if entry.diagnostic.line > 0 && entry.diagnostic.column > 0 { references.append(index) }
            case .before?:
                if entry.diagnostic.line > 0 { references.append(index) }
            case nil:
                guard entry.diagnostic.column == 0 && entry.diagnostic.line > 0 else { continue }
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
        }
        // Otherwise the first `<qname` on libxml2's line.
        let lines = source.lines(Set((open + references).map { entries[$0].diagnostic.line }))
        for index in open {
            guard let text = lines[diagnostics[index].line] else { continue }
            diagnostics[index].column = column(in: text, anchor: entries[index].anchor)
        }
        // An entity reference ends just before the column libxml2 gave: its `&`. Other
        // markup libxml2 noticed only past: its text, the last before that column.
        // With no column from libxml2, the first such text on the line, else (as for any
        // diagnostic with a line alone) its first character that is not blank.
        for index in references {
            guard let text = lines[diagnostics[index].line] else { continue }
            let needle: String
            if case .before(let markup)? = entries[index].place { needle = markup } else { needle = "&" }
            if diagnostics[index].column == 0 {
                diagnostics[index].column = text.firstRange(of: needle).map { text.unicodeScalars.distance(from: text.unicodeScalars.startIndex, to: $0.lowerBound) + 1 }
                    ?? column(in: text, anchor: nil)
            } else if let found = column(in: text, last: needle, before: diagnostics[index].column) {
                diagnostics[index].column = found
            }
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

    /// 1-based column of the last `text` that starts before `column` on the line, if any.
    static func column(in line: String, last text: String, before column: Int) -> Int? {
        let before = String(String.UnicodeScalarView(line.unicodeScalars.prefix(max(0, column - 1))))
        guard let found = before.ranges(of: text).last else { return nil }
        return before.unicodeScalars.distance(from: before.unicodeScalars.startIndex, to: found.lowerBound) + 1
    }
}
