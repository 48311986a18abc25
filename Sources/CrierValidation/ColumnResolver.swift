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
