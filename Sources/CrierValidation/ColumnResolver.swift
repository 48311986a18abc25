#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where the text of a document's lines can be found again after streaming: libxml2 keeps
/// only line numbers on nodes, so columns are found afterwards from the lines that have
/// diagnostics.
struct LineSource {
    var bytes: [UInt8]?
    var path: String?

    init(bytes: [UInt8]) { self.bytes = bytes }
    init(path: String) { self.path = path }

    /// The text of the requested 1-based lines (each cut at 64 KiB), read in one pass.
    func lines(_ wanted: Set<Int>) -> [Int: String] {
        guard !wanted.isEmpty, let last = wanted.max() else { return [:] }
        var result: [Int: String] = [:]
        var current: [UInt8] = []
        var line = 1
        func consume(_ byte: UInt8) -> Bool {
            if byte == 10 {
                if wanted.contains(line) { result[line] = String(decoding: current, as: UTF8.self) }
                current.removeAll(keepingCapacity: true)
                line += 1
                return line <= last
            }
            if wanted.contains(line) && current.count < 65_536 { current.append(byte) }
            return true
        }
        if let bytes {
            for byte in bytes where !consume(byte) { return result }
        } else if let path {
            let fd = open(path, O_RDONLY)
            guard fd >= 0 else { return [:] }
            defer { close(fd) }
            var chunk = [UInt8](repeating: 0, count: 1 << 16)
            reading: while true {
                let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                if n <= 0 { break }
                for i in 0..<n where !consume(chunk[i]) { break reading }
            }
        }
        if wanted.contains(line) && result[line] == nil { result[line] = String(decoding: current, as: UTF8.self) }
        return result
    }
}

/// Fills in the columns of diagnostics from the start tags they point at.
enum ColumnResolver {
    static func resolve(_ entries: [DiagnosticSink.Entry], lines source: LineSource) -> [Diagnostic] {
        let wanted = Set(entries.filter { $0.diagnostic.column == 0 && $0.diagnostic.line > 0 }.map(\.diagnostic.line))
        let lines = source.lines(wanted)
        var diagnostics = entries.map { entry -> Diagnostic in
            var d = entry.diagnostic
            guard d.column == 0, d.line > 0, let text = lines[d.line] else { return d }
            d.column = column(in: text, anchor: entry.anchor)
            return d
        }
        // Document order; whole-document findings (line 0) first. The sort is stable.
        diagnostics = diagnostics.enumerated().sorted { a, b in
            (a.element.line, a.offset) < (b.element.line, b.offset)
        }.map(\.element)
        return diagnostics
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
