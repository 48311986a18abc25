import Foundation

/// A TOML syntax error, at a 1-based line of the text parsed.
struct TOMLError: Error, Sendable, Equatable, CustomStringConvertible {
    var line: Int
    var message: String
    var description: String { "line \(line): \(message)" }
}

/// A small TOML 1.0 parser, enough for front matter and Hugo configurations: `key = value`
/// with bare, quoted and dotted keys; basic, literal and multi-line strings; integers
/// (decimal, hex, octal, binary, `_` separators); floats (`inf`, `nan`); booleans;
/// offset and local date-times and dates; arrays (across lines, with comments); inline
/// tables; `[table]` and `[[array of tables]]` headers; comments.
///
/// Written here because TOMLKit's C++ dependency is not available on the build machines.
enum TOML {
    static func parse(_ text: String) throws(TOMLError) -> ConfigTable {
        var parser = TOMLParser(bytes: Array(text.utf8))
        return try parser.parseDocument()
    }
}

/// Tables being built: a reference type so a header can keep pointing at a nested table.
private final class TableBuilder {
    enum Entry {
        case value(ConfigValue)
        case table(TableBuilder)
        case tableArray(TableArray)
    }

    /// The tables of an array of tables, added to in place: adding the n-th table of a
    /// value array held in `entries` copied the n - 1 before it (a front matter of
    /// thousands of `[[x]]` headers took minutes).
    final class TableArray {
        var tables: [TableBuilder]
        init(_ tables: [TableBuilder]) { self.tables = tables }
    }

    var order: [String] = []
    var entries: [String: Entry] = [:]
    var lines: [String: Int] = [:]
    /// Defined by a `[header]` or by dotted keys (may not be defined again by a header).
    var definedByHeader = false
    var definedByDottedKey = false
    /// Inline tables are closed: nothing may be added to them later.
    var isInline = false

    func set(_ key: String, _ entry: Entry, line: Int) {
        if entries[key] == nil { order.append(key) }
        entries[key] = entry
        lines[key] = line
    }

    func build() -> ConfigTable {
        var table = ConfigTable()
        for key in order {
            switch entries[key]! {
            case .value(let v): table[key] = v
            case .table(let t): table[key] = .table(t.build())
            case .tableArray(let array): table[key] = .array(array.tables.map { .table($0.build()) })
            }
        }
        table.lines = lines
        return table
    }
}

private struct TOMLParser {
    let bytes: [UInt8]
    var i = 0
    var line = 1
    /// Tables and arrays open around the value being read (header and dotted keys count).
    var depth = 0
    /// Deeper text is an error rather than a stack overflow: the parser, `build()` and the
    /// values' own release all recurse. libyaml stops YAML at the same depth.
    static let maxDepth = 1_000

    init(bytes: [UInt8]) { self.bytes = bytes }

    mutating func nest(_ levels: Int) throws(TOMLError) {
        depth += levels
        guard depth <= Self.maxDepth else { throw fail("tables and arrays nested more than \(Self.maxDepth) deep") }
    }

    var peek: UInt8? { i < bytes.count ? bytes[i] : nil }
    func peek(_ offset: Int) -> UInt8? { i + offset < bytes.count ? bytes[i + offset] : nil }

    func fail(_ message: String) -> TOMLError { TOMLError(line: line, message: message) }

    mutating func advance() {
        if bytes[i] == 0x0A { line += 1 }
        i += 1
    }

    mutating func skipSpaces() {
        while let b = peek, b == 0x20 || b == 0x09 { i += 1 }
    }

    mutating func skipComment() throws(TOMLError) {
        guard peek == UInt8(ascii: "#") else { return }
        while let b = peek, b != 0x0A {
            if b < 0x20 && b != 0x09 { throw fail("control character in a comment") }
            i += 1
        }
    }

    /// Skips spaces, comments and newlines (inside arrays and between statements).
    mutating func skipBlank() throws(TOMLError) {
        while true {
            skipSpaces()
            try skipComment()
            if peek == 0x0A { advance() } else if peek == 0x0D, peek(1) == 0x0A { i += 1 } else { return }
        }
    }

    /// After a statement: spaces, an optional comment, then a newline or the end.
    mutating func endOfLine() throws(TOMLError) {
        skipSpaces()
        try skipComment()
        if peek == 0x0D, peek(1) == 0x0A { i += 1 }
        guard let b = peek else { return }
        guard b == 0x0A else { throw fail("expected the end of the line, found \(describe(b))") }
        advance()
    }

    func describe(_ b: UInt8) -> String {
        b >= 0x20 && b < 0x7F ? "'\(Character(Unicode.Scalar(b)))'" : String(format: b)
    }

    mutating func parseDocument() throws(TOMLError) -> ConfigTable {
        let root = TableBuilder()
        var current = root
        // Tables created implicitly as parents of a header (`[a.b]` makes `a`).
        while true {
            try skipBlank()
            guard let b = peek else { break }
            if b == UInt8(ascii: "[") {
                let headerLine = line
                if peek(1) == UInt8(ascii: "[") {
                    i += 2
                    skipSpaces()
                    let path = try parseKeyPath()
                    depth = 0
                    try nest(path.count)
                    skipSpaces()
                    guard peek == UInt8(ascii: "]"), peek(1) == UInt8(ascii: "]") else { throw fail("expected ']]' to close the array-of-tables header") }
                    i += 2
                    current = try appendTableArray(root, path, line: headerLine)
                } else {
                    i += 1
                    skipSpaces()
                    let path = try parseKeyPath()
                    depth = 0
                    try nest(path.count)
                    skipSpaces()
                    guard peek == UInt8(ascii: "]") else { throw fail("expected ']' to close the table header") }
                    i += 1
                    current = try defineTable(root, path, line: headerLine)
                }
                try endOfLine()
            } else {
                try parseKeyValue(into: current)
                try endOfLine()
            }
        }
        return root.build()
    }

    mutating func parseKeyValue(into table: TableBuilder) throws(TOMLError) {
        let keyLine = line
        let path = try parseKeyPath()
        try nest(path.count - 1)
        defer { depth -= path.count - 1 }
        skipSpaces()
        guard peek == UInt8(ascii: "=") else { throw fail("expected '=' after the key '\(path.joined(separator: "."))'") }
        i += 1
        skipSpaces()
        let value = try parseValue()
        var target = table
        for part in path.dropLast() {
            switch target.entries[part] {
            case nil:
                let child = TableBuilder()
                child.definedByDottedKey = true
                target.set(part, .table(child), line: keyLine)
                target = child
            case .table(let child)?:
                guard !child.isInline, !child.definedByHeader || child === table else {
                    throw TOMLError(line: keyLine, message: "cannot add keys to the table '\(part)' here")
                }
                target = child
            default:
                throw TOMLError(line: keyLine, message: "the key '\(part)' is already a value, not a table")
            }
        }
        let last = path[path.count - 1]
        guard target.entries[last] == nil else {
            throw TOMLError(line: keyLine, message: "the key '\(path.joined(separator: "."))' is defined twice")
        }
        switch value {
        case .table(let inline): target.set(last, .table(inline), line: keyLine)
        case .plain(let v): target.set(last, .value(v), line: keyLine)
        }
    }

    /// Walks (creating) the parents of a header, then the header's table itself.
    mutating func defineTable(_ root: TableBuilder, _ path: [String], line headerLine: Int) throws(TOMLError) -> TableBuilder {
        let parent = try walk(root, path.dropLast(), line: headerLine)
        let last = path[path.count - 1]
        switch parent.entries[last] {
        case nil:
            let table = TableBuilder()
            table.definedByHeader = true
            parent.set(last, .table(table), line: headerLine)
            return table
        case .table(let table)?:
            guard !table.definedByHeader, !table.definedByDottedKey, !table.isInline else {
                throw TOMLError(line: headerLine, message: "the table '\(path.joined(separator: "."))' is defined twice")
            }
            table.definedByHeader = true
            return table
        default:
            throw TOMLError(line: headerLine, message: "the key '\(path.joined(separator: "."))' is already a value, not a table")
        }
    }

    mutating func appendTableArray(_ root: TableBuilder, _ path: [String], line headerLine: Int) throws(TOMLError) -> TableBuilder {
        let parent = try walk(root, path.dropLast(), line: headerLine)
        let last = path[path.count - 1]
        let table = TableBuilder()
        table.definedByHeader = true
        switch parent.entries[last] {
        case nil:
            parent.set(last, .tableArray(TableBuilder.TableArray([table])), line: headerLine)
        case .tableArray(let array)?:
            array.tables.append(table)
        default:
            throw TOMLError(line: headerLine, message: "the key '\(path.joined(separator: "."))' is not an array of tables")
        }
        return table
    }

    /// Follows a header's parent keys, creating implicit tables; an array of tables
    /// stands for its last table.
    func walk(_ root: TableBuilder, _ path: ArraySlice<String>, line headerLine: Int) throws(TOMLError) -> TableBuilder {
        var target = root
        for part in path {
            switch target.entries[part] {
            case nil:
                let child = TableBuilder()
                target.set(part, .table(child), line: headerLine)
                target = child
            case .table(let child)?:
                guard !child.isInline else { throw TOMLError(line: headerLine, message: "cannot extend the inline table '\(part)'") }
                target = child
            case .tableArray(let array)?:
                target = array.tables[array.tables.count - 1]
            case .value?:
                throw TOMLError(line: headerLine, message: "the key '\(part)' is already a value, not a table")
            }
        }
        return target
    }

    mutating func parseKeyPath() throws(TOMLError) -> [String] {
        var parts: [String] = []
        while true {
            skipSpaces()
            parts.append(try parseKey())
            skipSpaces()
            guard peek == UInt8(ascii: ".") else { return parts }
            i += 1
        }
    }

    mutating func parseKey() throws(TOMLError) -> String {
        guard let b = peek else { throw fail("expected a key, found the end of the text") }
        if b == UInt8(ascii: "\"") {
            i += 1
            return try parseBasicString()
        }
        if b == UInt8(ascii: "'") {
            i += 1
            return try parseLiteralString()
        }
        let start = i
        while let c = peek, isBareKeyByte(c) { i += 1 }
        guard i > start else { throw fail("expected a key, found \(describe(b))") }
        return String(decoding: bytes[start..<i], as: UTF8.self)
    }

    func isBareKeyByte(_ c: UInt8) -> Bool {
        (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || c == UInt8(ascii: "_") || c == UInt8(ascii: "-")
    }

    enum Parsed {
        case plain(ConfigValue)
        case table(TableBuilder)
    }

    mutating func parseValue() throws(TOMLError) -> Parsed {
        guard let b = peek else { throw fail("expected a value, found the end of the text") }
        switch b {
        case UInt8(ascii: "\""):
            if peek(1) == UInt8(ascii: "\""), peek(2) == UInt8(ascii: "\"") {
                i += 3
                return .plain(.string(try parseMultilineBasicString()))
            }
            i += 1
            return .plain(.string(try parseBasicString()))
        case UInt8(ascii: "'"):
            if peek(1) == UInt8(ascii: "'"), peek(2) == UInt8(ascii: "'") {
                i += 3
                return .plain(.string(try parseMultilineLiteralString()))
            }
            i += 1
            return .plain(.string(try parseLiteralString()))
        case UInt8(ascii: "["):
            i += 1
            return .plain(try parseArray())
        case UInt8(ascii: "{"):
            i += 1
            return .table(try parseInlineTable())
        default:
            return .plain(try parseScalar())
        }
    }

    mutating func plainValue() throws(TOMLError) -> ConfigValue {
        switch try parseValue() {
        case .plain(let v): return v
        case .table(let t): return .table(t.build())
        }
    }

    mutating func parseArray() throws(TOMLError) -> ConfigValue {
        try nest(1)
        defer { depth -= 1 }
        var items: [ConfigValue] = []
        while true {
            try skipBlank()
            guard let b = peek else { throw fail("unterminated array") }
            if b == UInt8(ascii: "]") {
                i += 1
                return .array(items)
            }
            items.append(try plainValue())
            try skipBlank()
            if peek == UInt8(ascii: ",") {
                i += 1
            } else if peek == UInt8(ascii: "]") {
                continue
            } else {
                throw fail(peek.map { "expected ',' or ']' in an array, found \(describe($0))" } ?? "unterminated array")
            }
        }
    }

    mutating func parseInlineTable() throws(TOMLError) -> TableBuilder {
        try nest(1)
        defer { depth -= 1 }
        let table = TableBuilder()
        skipSpaces()
        if peek == UInt8(ascii: "}") {
            i += 1
            table.isInline = true
            return table
        }
        while true {
            // TOML 1.0 keeps inline tables on one line; newlines are accepted here anyway.
            try skipBlank()
            try parseKeyValue(into: table)
            try skipBlank()
            guard let b = peek else { throw fail("unterminated inline table") }
            if b == UInt8(ascii: ",") {
                i += 1
                continue
            }
            guard b == UInt8(ascii: "}") else { throw fail("expected ',' or '}' in an inline table, found \(describe(b))") }
            i += 1
            table.isInline = true
            return table
        }
    }

    mutating func parseBasicString() throws(TOMLError) -> String {
        var out: [UInt8] = []
        while true {
            guard let b = peek else { throw fail("unterminated string") }
            if b == 0x0A { throw fail("unterminated string (a newline in a one-line string)") }
            i += 1
            if b == UInt8(ascii: "\"") { return String(decoding: out, as: UTF8.self) }
            if b == UInt8(ascii: "\\") {
                try parseEscape(into: &out)
            } else {
                if b < 0x20 && b != 0x09 || b == 0x7F { throw fail("control character in a string") }
                out.append(b)
            }
        }
    }

    mutating func parseEscape(into out: inout [UInt8]) throws(TOMLError) {
        guard let e = peek else { throw fail("unterminated escape") }
        i += 1
        switch e {
        case UInt8(ascii: "b"): out.append(0x08)
        case UInt8(ascii: "t"): out.append(0x09)
        case UInt8(ascii: "n"): out.append(0x0A)
        case UInt8(ascii: "f"): out.append(0x0C)
        case UInt8(ascii: "r"): out.append(0x0D)
        case UInt8(ascii: "e"): out.append(0x1B)
        case UInt8(ascii: "\""): out.append(UInt8(ascii: "\""))
        case UInt8(ascii: "\\"): out.append(UInt8(ascii: "\\"))
        case UInt8(ascii: "u"), UInt8(ascii: "U"):
            let count = e == UInt8(ascii: "u") ? 4 : 8
            var value: UInt32 = 0
            for _ in 0..<count {
                guard let h = peek, let digit = hexValue(h) else { throw fail("invalid \\\(Character(Unicode.Scalar(e))) escape") }
                value = value * 16 + UInt32(digit)
                i += 1
            }
            guard let scalar = Unicode.Scalar(value) else { throw fail("\\\(Character(Unicode.Scalar(e))) escape is not a Unicode scalar value") }
            out.append(contentsOf: Array(String(Character(scalar)).utf8))
        default:
            throw fail("invalid escape sequence '\\\(Character(Unicode.Scalar(e)))'")
        }
    }

    func hexValue(_ h: UInt8) -> Int? {
        switch h {
        case 0x30...0x39: return Int(h - 0x30)
        case 0x41...0x46: return Int(h - 0x41 + 10)
        case 0x61...0x66: return Int(h - 0x61 + 10)
        default: return nil
        }
    }

    mutating func parseMultilineBasicString() throws(TOMLError) -> String {
        var out: [UInt8] = []
        if peek == 0x0A { advance() } else if peek == 0x0D, peek(1) == 0x0A { i += 1; advance() }
        while true {
            guard let b = peek else { throw fail("unterminated multi-line string") }
            if b == UInt8(ascii: "\""), peek(1) == UInt8(ascii: "\""), peek(2) == UInt8(ascii: "\"") {
                i += 3
                // Up to two quotes right before the closing delimiter belong to the string.
                var extra = 0
                while extra < 2, peek == UInt8(ascii: "\"") { i += 1; extra += 1 }
                out.append(contentsOf: Array(repeating: UInt8(ascii: "\""), count: extra))
                return String(decoding: out, as: UTF8.self)
            }
            if b == UInt8(ascii: "\\") {
                i += 1
                // A line-ending backslash trims the newline and the whitespace after it.
                var j = i
                while j < bytes.count, bytes[j] == 0x20 || bytes[j] == 0x09 { j += 1 }
                if j < bytes.count, bytes[j] == 0x0A || (bytes[j] == 0x0D && j + 1 < bytes.count && bytes[j + 1] == 0x0A) {
                    i = j
                    while let c = peek, c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D { advance() }
                    continue
                }
                try parseEscape(into: &out)
                continue
            }
            if b < 0x20 && b != 0x09 && b != 0x0A && b != 0x0D { throw fail("control character in a string") }
            out.append(b)
            advance()
        }
    }

    mutating func parseLiteralString() throws(TOMLError) -> String {
        let start = i
        while true {
            guard let b = peek, b != 0x0A else { throw fail("unterminated literal string") }
            if b == UInt8(ascii: "'") {
                let s = String(decoding: bytes[start..<i], as: UTF8.self)
                i += 1
                return s
            }
            i += 1
        }
    }

    mutating func parseMultilineLiteralString() throws(TOMLError) -> String {
        if peek == 0x0A { advance() } else if peek == 0x0D, peek(1) == 0x0A { i += 1; advance() }
        let start = i
        while true {
            guard let b = peek else { throw fail("unterminated multi-line literal string") }
            if b == UInt8(ascii: "'"), peek(1) == UInt8(ascii: "'"), peek(2) == UInt8(ascii: "'") {
                var end = i
                i += 3
                var extra = 0
                while extra < 2, peek == UInt8(ascii: "'") { i += 1; extra += 1 }
                end += extra
                return String(decoding: bytes[start..<end], as: UTF8.self)
            }
            advance()
        }
    }

    /// Numbers, booleans and dates: the token runs to a delimiter.
    mutating func parseScalar() throws(TOMLError) -> ConfigValue {
        let start = i
        while let b = peek, !isDelimiter(b) {
            // A date and time may be separated by one space: `1979-05-27 07:32:00Z`.
            i += 1
            if peek == 0x20, i - start == 10, let next = peek(1), next >= 0x30, next <= 0x39,
               bytes[start + 4] == UInt8(ascii: "-") {
                i += 1
            }
        }
        let token = String(decoding: bytes[start..<i], as: UTF8.self)
        guard !token.isEmpty else { throw fail(peek.map { "expected a value, found \(describe($0))" } ?? "expected a value") }
        switch token {
        case "true": return .bool(true)
        case "false": return .bool(false)
        case "inf", "+inf": return .float(.infinity)
        case "-inf": return .float(-.infinity)
        case "nan", "+nan", "-nan": return .float(.nan)
        default: break
        }
        if token.count >= 10, token.utf8.dropFirst(4).first == UInt8(ascii: "-") {
            guard let date = DateTimeValue.parse(token) else { throw fail("invalid date '\(token)'") }
            return .dateTime(date)
        }
        if token.count >= 5, token.utf8.dropFirst(2).first == UInt8(ascii: ":") {
            // A local time of day: kept as written; nothing in a post uses one.
            return .string(token)
        }
        if let int = parseInteger(token) { return .integer(int) }
        if let float = parseFloat(token) { return .float(float) }
        throw fail("invalid value '\(token)' (strings need quotes)")
    }

    func isDelimiter(_ b: UInt8) -> Bool {
        b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D || b == UInt8(ascii: ",") || b == UInt8(ascii: "]")
            || b == UInt8(ascii: "}") || b == UInt8(ascii: "#")
    }

    func underscoresValid(_ digits: Substring) -> Bool {
        !digits.isEmpty && !digits.hasPrefix("_") && !digits.hasSuffix("_") && !digits.contains("__")
    }

    func parseInteger(_ token: String) -> Int? {
        var body = Substring(token)
        var negative = false
        if body.hasPrefix("+") || body.hasPrefix("-") {
            negative = body.hasPrefix("-")
            body = body.dropFirst()
        }
        for (prefix, radix) in [("0x", 16), ("0o", 8), ("0b", 2)] where body.hasPrefix(prefix) {
            guard token.first != "+" && token.first != "-" else { return nil }
            let digits = body.dropFirst(2)
            guard underscoresValid(digits) else { return nil }
            return Int(digits.replacingOccurrences(of: "_", with: ""), radix: radix)
        }
        guard underscoresValid(body), body.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == "_") }) else { return nil }
        let digits = body.replacingOccurrences(of: "_", with: "")
        if digits.count > 1 && digits.hasPrefix("0") { return nil }
        guard let magnitude = Int(digits) else { return nil }
        return negative ? -magnitude : magnitude
    }

    func parseFloat(_ token: String) -> Double? {
        var body = Substring(token)
        if body.hasPrefix("+") || body.hasPrefix("-") { body = body.dropFirst() }
        guard let first = body.first, first.isASCII, first.isNumber else { return nil }
        guard body.allSatisfy({ $0.isASCII && ($0.isNumber || "_.eE+-".contains($0)) }) else { return nil }
        // A float has a fraction or an exponent, and no leading zero in its integer part.
        guard body.contains(where: { ".eE".contains($0) }) else { return nil }
        let integerPart = body.prefix(while: { $0.isNumber || $0 == "_" })
        if integerPart.count > 1 && integerPart.hasPrefix("0") { return nil }
        // A dot needs a digit on each side.
        let chars = Array(body)
        for (k, c) in chars.enumerated() where c == "." {
            guard k > 0, k + 1 < chars.count, chars[k - 1].isNumber, chars[k + 1].isNumber else { return nil }
        }
        if body.contains("__") || body.hasSuffix("_") { return nil }
        return Double(token.replacingOccurrences(of: "_", with: ""))
    }
}

private extension String {
    init(format byte: UInt8) {
        let hex = Array("0123456789ABCDEF")
        self = "byte 0x" + String(hex[Int(byte >> 4)]) + String(hex[Int(byte & 0xF)])
    }
}
