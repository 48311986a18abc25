/// A JSON value with the position it was read from, so diagnostics can point at it.
struct JSONNode {
    enum Value {
        case object([(key: String, node: JSONNode)])
        case array([JSONNode])
        case string(String)
        /// A long string, kept as where it is written in the document and decoded only
        /// when asked for (`string`): most long strings are content, only ever checked for
        /// being strings, and a copy of each held the document's size a second time.
        case longString(JSONSpan)
        case number(String)
        case bool(Bool)
        case null
    }

    var value: Value
    var line: Int
    var column: Int

    subscript(key: String) -> JSONNode? {
        if case .object(let members) = value { return members.first { $0.key == key }?.node }
        return nil
    }

    var string: String? {
        switch value {
        case .string(let s): s
        case .longString(let span): span.decoded
        default: nil
        }
    }
    /// Whether the value is a string (without making it).
    var isString: Bool {
        switch value {
        case .string, .longString: true
        default: false
        }
    }
    var array: [JSONNode]? { if case .array(let a) = value { a } else { nil } }
    var isObject: Bool { if case .object = value { true } else { false } }
    var keys: [String] { if case .object(let m) = value { m.map(\.key) } else { [] } }

    var typeName: String {
        switch value {
        case .object: "an object"
        case .array: "an array"
        case .string, .longString: "a string"
        case .number: "a number"
        case .bool: "a boolean"
        case .null: "null"
        }
    }
}

/// A string as written in a JSON document, between its quotes, already checked: its
/// escapes are decoded when `decoded` is asked for.
struct JSONSpan {
    /// The whole document (shared, not copied).
    let bytes: [UInt8]
    let range: Range<Int>

    var decoded: String {
        var parser = JSONParser(bytes)
        parser.skip(to: range.lowerBound - 1)
        // Checked when it was first read: it reads the same again.
        return (try? parser.string()) ?? ""
    }
}

/// A strict RFC 8259 parser that keeps line and column of every value, with a nesting
/// limit so hostile input cannot exhaust the stack.
struct JSONParser {
    struct Failure: Error {
        var message: String
        var line: Int
        var column: Int
    }

    static let maxDepth = 256

    private let bytes: [UInt8]
    private var index = 0
    private var line = 1
    private var lineStart = 0
    /// Characters (UTF-8 sequences) from `lineStart` up to the byte offset `counted`: the
    /// columns of the values on a line are counted once, however long the line.
    private var counted = 0
    private var characters = 0

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
        // Skip a UTF-8 byte order mark.
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { index = 3; lineStart = 3 }
    }

    static func parse(_ bytes: [UInt8]) throws(Failure) -> JSONNode {
        var parser = JSONParser(bytes)
        let node = try parser.value(depth: 0)
        parser.skipWhitespace()
        if parser.index < bytes.count { throw parser.failure("unexpected text after the JSON value") }
        return node
    }

    /// The 1-based column of `index`, in characters as the XML diagnostics count them.
    private mutating func column() -> Int {
        if counted < lineStart || counted > index {
            counted = lineStart
            characters = 0
        }
        while counted < index {
            if bytes[counted] & 0xC0 != 0x80 { characters += 1 }
            counted += 1
        }
        return characters + 1
    }

    private func failure(_ message: String) -> Failure {
        var at = self
        return Failure(message: message, line: line, column: at.column())
    }

    private mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0D: index += 1
            case 0x0A: index += 1; line += 1; lineStart = index
            default: return
            }
        }
    }

    private mutating func value(depth: Int) throws(Failure) -> JSONNode {
        skipWhitespace()
        guard depth < JSONParser.maxDepth else { throw failure("nesting deeper than \(JSONParser.maxDepth) levels") }
        guard index < bytes.count else { throw failure("unexpected end of input") }
        let (l, c) = (line, column())
        switch bytes[index] {
        case UInt8(ascii: "{"):
            index += 1
            var members: [(key: String, node: JSONNode)] = []
            skipWhitespace()
            if index < bytes.count && bytes[index] == UInt8(ascii: "}") { index += 1; return JSONNode(value: .object(members), line: l, column: c) }
            while true {
                skipWhitespace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw failure("expected a member name in quotes") }
                let key = try string()
                skipWhitespace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw failure("expected ':' after a member name") }
                index += 1
                members.append((key, try value(depth: depth + 1)))
                skipWhitespace()
                guard index < bytes.count else { throw failure("unexpected end of input in an object") }
                if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
                if bytes[index] == UInt8(ascii: "}") { index += 1; break }
                throw failure("expected ',' or '}' in an object")
            }
            return JSONNode(value: .object(members), line: l, column: c)
        case UInt8(ascii: "["):
            index += 1
            var elements: [JSONNode] = []
            skipWhitespace()
            if index < bytes.count && bytes[index] == UInt8(ascii: "]") { index += 1; return JSONNode(value: .array(elements), line: l, column: c) }
            while true {
                elements.append(try value(depth: depth + 1))
                skipWhitespace()
                guard index < bytes.count else { throw failure("unexpected end of input in an array") }
                if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
                if bytes[index] == UInt8(ascii: "]") { index += 1; break }
                throw failure("expected ',' or ']' in an array")
            }
            return JSONNode(value: .array(elements), line: l, column: c)
        case UInt8(ascii: "\""):
            let start = index
            try checkString()
            // Short strings are made at once (their bytes are read twice, which costs
            // less than a span's reference to the document).
            if index - start < JSONParser.longString { index = start; return JSONNode(value: .string(try string()), line: l, column: c) }
            return JSONNode(value: .longString(JSONSpan(bytes: bytes, range: (start + 1)..<(index - 1))), line: l, column: c)
        case UInt8(ascii: "t"):
            try literal("true")
            return JSONNode(value: .bool(true), line: l, column: c)
        case UInt8(ascii: "f"):
            try literal("false")
            return JSONNode(value: .bool(false), line: l, column: c)
        case UInt8(ascii: "n"):
            try literal("null")
            return JSONNode(value: .null, line: l, column: c)
        default:
            return JSONNode(value: .number(try number()), line: l, column: c)
        }
    }

    private mutating func literal(_ word: String) throws(Failure) {
        let w = Array(word.utf8)
        guard index + w.count <= bytes.count, Array(bytes[index..<(index + w.count)]) == w else { throw failure("invalid literal") }
        index += w.count
    }

    private mutating func number() throws(Failure) -> String {
        let start = index
        if index < bytes.count && bytes[index] == UInt8(ascii: "-") { index += 1 }
        func digits() -> Int {
            let s = index
            while index < bytes.count, bytes[index] >= 48, bytes[index] <= 57 { index += 1 }
            return index - s
        }
        let intDigits = digits()
        guard intDigits > 0 else { throw failure("unexpected character") }
        if intDigits > 1 && bytes[index - intDigits] == 48 { throw failure("numbers cannot have leading zeros") }
        if index < bytes.count && bytes[index] == UInt8(ascii: ".") {
            index += 1
            guard digits() > 0 else { throw failure("expected digits after '.'") }
        }
        if index < bytes.count && (bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E")) {
            index += 1
            if index < bytes.count && (bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-")) { index += 1 }
            guard digits() > 0 else { throw failure("expected digits in the exponent") }
        }
        return String(decoding: bytes[start..<index], as: UTF8.self)
    }

    /// Strings at least this long, quotes included, are kept as spans.
    static let longString = 4096

    /// Moves to `offset` (a span's opening quote).
    fileprivate mutating func skip(to offset: Int) { index = offset }

    /// Checks the string at `index` and moves past it, as `string()` does, without making
    /// its value.
    private mutating func checkString() throws(Failure) {
        index += 1 // opening quote
        let start = index
        var ascii = true
        while true {
            // Past the bytes that stand for themselves at once: most of a long string.
            let (next, plain) = JSONParser.plainRun(in: bytes, from: index)
            index = next
            ascii = ascii && plain
            guard index < bytes.count else { throw failure("unterminated string") }
            let b = bytes[index]
            if b == UInt8(ascii: "\"") { index += 1; break }
            if b < 0x20 { throw failure("control character in a string (escape it)") }
            index += 1
            guard b == UInt8(ascii: "\\") else { continue }
            guard index < bytes.count else { throw failure("unterminated escape") }
            let e = bytes[index]
            index += 1
            switch e {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"), UInt8(ascii: "n"),
                 UInt8(ascii: "r"), UInt8(ascii: "t"):
                break
            case UInt8(ascii: "u"):
                let code = try hex4()
                if (0xD800...0xDBFF).contains(code) {
                    guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") else { throw failure("unpaired surrogate") }
                    index += 2
                    let low = try hex4()
                    guard (0xDC00...0xDFFF).contains(low) else { throw failure("unpaired surrogate") }
                } else if (0xDC00...0xDFFF).contains(code) {
                    throw failure("unpaired surrogate")
                }
            default:
                throw failure("invalid escape")
            }
        }
        guard !ascii else { return }
        // Escapes are ASCII: the text as written is valid UTF-8 where the decoded one is.
        // Checked at once; where it is not, read again to find the first bad byte.
        if String(validating: bytes[start..<(index - 1)], as: UTF8.self) != nil { return }
        var iterator = bytes[start..<(index - 1)].makeIterator()
        var decoder = Unicode.UTF8()
        var at = start
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar): at += UTF8.width(scalar)
            case .emptyInput: return
            case .error:
                index = at
                throw failure("invalid UTF-8 in a string")
            }
        }
    }

    /// Where the run of bytes from `start` that a string holds as they are (none of `"`,
    /// `\\` or a control character) ends, and whether they are all ASCII.
    private static func plainRun(in bytes: [UInt8], from start: Int) -> (end: Int, ascii: Bool) {
        bytes.withUnsafeBufferPointer { buffer in
            var at = start
            var high: UInt8 = 0
            while at < buffer.count {
                let b = buffer[at]
                if b == UInt8(ascii: "\"") || b == UInt8(ascii: "\\") || b < 0x20 { break }
                high |= b
                at += 1
            }
            return (at, high < 0x80)
        }
    }

    /// A string's value. Its UTF-8 is gathered in one buffer, escapes encoded into it, and
    /// checked once at the end: appending decoded pieces to a `String` copied it at each
    /// escape, which made a long string rich in escapes (HTML content) quadratic.
    fileprivate mutating func string() throws(Failure) -> String {
        index += 1 // opening quote
        let start = index
        var utf8: [UInt8] = []
        while true {
            guard index < bytes.count else { throw failure("unterminated string") }
            let b = bytes[index]
            if b == UInt8(ascii: "\"") { index += 1; break }
            if b < 0x20 { throw failure("control character in a string (escape it)") }
            if b != UInt8(ascii: "\\") { utf8.append(b); index += 1; continue }
            index += 1
            guard index < bytes.count else { throw failure("unterminated escape") }
            let e = bytes[index]
            index += 1
            switch e {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): utf8.append(e)
            case UInt8(ascii: "b"): utf8.append(0x08)
            case UInt8(ascii: "f"): utf8.append(0x0C)
            case UInt8(ascii: "n"): utf8.append(0x0A)
            case UInt8(ascii: "r"): utf8.append(0x0D)
            case UInt8(ascii: "t"): utf8.append(0x09)
            case UInt8(ascii: "u"):
                var code = try hex4()
                if (0xD800...0xDBFF).contains(code) {
                    guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") else { throw failure("unpaired surrogate") }
                    index += 2
                    let low = try hex4()
                    guard (0xDC00...0xDFFF).contains(low) else { throw failure("unpaired surrogate") }
                    code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                }
                guard let scalar = Unicode.Scalar(code) else { throw failure("unpaired surrogate") }
                UTF8.encode(scalar) { utf8.append($0) }
            default:
                throw failure("invalid escape")
            }
        }
        guard let string = String(validating: utf8, as: UTF8.self) else {
            // Pointed at the first bad byte: escapes are ASCII, so the text as written
            // goes wrong where the decoded one does.
            var bytes = self.bytes[start..<index].makeIterator()
            var decoder = Unicode.UTF8()
            var at = start
            decoding: while true {
                switch decoder.decode(&bytes) {
                case .scalarValue(let scalar): at += UTF8.width(scalar)
                case .emptyInput, .error: break decoding
                }
            }
            index = at
            throw failure("invalid UTF-8 in a string")
        }
        return string
    }

    private mutating func hex4() throws(Failure) -> UInt32 {
        guard index + 4 <= bytes.count else { throw failure("short \\u escape") }
        var v: UInt32 = 0
        for _ in 0..<4 {
            let c = bytes[index]
            let d: UInt32
            switch c {
            case 48...57: d = UInt32(c - 48)
            case 65...70: d = UInt32(c - 55)
            case 97...102: d = UInt32(c - 87)
            default: throw failure("invalid \\u escape")
            }
            v = v * 16 + d
            index += 1
        }
        return v
    }
}
