/// Small value syntaxes: media types, e-mail addresses, numbers, booleans.
enum OtherValues {
    /// RFC 2045 token characters (anything printable but tspecials and space).
    private static func isTokenChar(_ c: Character) -> Bool {
        guard c.isASCII, let v = c.asciiValue, v > 32, v < 127 else { return false }
        return !"()<>@,;:\\\"/[]?=".contains(c)
    }

    /// `type/subtype` with optional `; name=value` parameters (RFC 2045 §5.1).
    static func isMediaType(_ value: String) -> Bool {
        // Fast path for the common parameterless form, scanned as bytes.
        var slash = -1, count = 0, simple = true
        for (i, b) in value.utf8.enumerated() {
            count = i + 1
            if b == UInt8(ascii: "/") {
                if slash >= 0 { return false }
                slash = i
            } else if b <= 32 || b >= 127 || isSpecial[Int(b)] {
                simple = false
                break
            }
        }
        if simple { return slash > 0 && slash < count - 1 }
        return isMediaTypeWithParameters(value)
    }

    /// RFC 2045 tspecials (with `/` handled separately).
    private static let isSpecial: [Bool] = {
        var table = [Bool](repeating: false, count: 128)
        for c in "()<>@,;:\\\"[]?=".utf8 { table[Int(c)] = true }
        return table
    }()

    private static func isMediaTypeWithParameters(_ value: String) -> Bool {
        let parts = value.split(separator: ";", omittingEmptySubsequences: false)
        guard let main = parts.first else { return false }
        let typeParts = main.split(separator: "/", omittingEmptySubsequences: false)
        guard typeParts.count == 2, typeParts.allSatisfy({ !$0.isEmpty && $0.allSatisfy(isTokenChar) }) else { return false }
        for parameter in parts.dropFirst() {
            let trimmed = parameter.trimmingWhitespace()
            guard let eq = trimmed.firstIndex(of: "=") else { return false }
            let name = trimmed[..<eq], value = trimmed[trimmed.index(after: eq)...]
            guard !name.isEmpty, name.allSatisfy(isTokenChar) else { return false }
            if value.hasPrefix("\"") {
                guard value.count >= 2, value.hasSuffix("\"") else { return false }
            } else {
                guard !value.isEmpty, value.allSatisfy(isTokenChar) else { return false }
            }
        }
        return true
    }

    /// An RFC 2822 addr-spec as feeds use it: `local@domain.tld`.
    static func isEmail(_ value: String) -> Bool {
        guard let at = value.lastIndex(of: "@") else { return false }
        let local = value[..<at], domain = value[value.index(after: at)...]
        guard !local.isEmpty, local.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "_-+.'".contains($0)) }) else { return false }
        var host = Substring(domain)
        if host.hasPrefix("[") && host.hasSuffix("]") { host = host.dropFirst().dropLast() }
        let labels = host.split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 2, labels.allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") } }) else { return false }
        let tld = labels.last!
        return (tld.count >= 2 && tld.allSatisfy(\.isLetter)) || (tld.count <= 3 && tld.allSatisfy(\.isASCIIDigit))
    }

    /// RSS 2.0 people: `addr@example.com` or `addr@example.com (Real Name)`.
    static func isRSSContact(_ value: String) -> Bool {
        if value.lowercased().hasPrefix("mailto:") {
            // RFC 2368 mailto: URLs, percent-encoded.
            guard let decoded = percentDecoded(String(value.dropFirst(7))) else { return false }
            return isRSSContact(decoded)
        }
        let trimmed = value.trimmingWhitespace()
        if let open = trimmed.firstIndex(of: "("), trimmed.hasSuffix(")") {
            return isEmail(String(trimmed[..<open].trimmingWhitespace()))
        }
        if let open = trimmed.firstIndex(of: "<"), trimmed.hasSuffix(">") {
            return isEmail(String(trimmed[trimmed.index(after: open)..<trimmed.index(before: trimmed.endIndex)]))
        }
        return isEmail(String(trimmed))
    }

    /// `%XX` escapes decoded as UTF-8; `nil` when malformed.
    static func percentDecoded(_ value: String) -> String? {
        var bytes: [UInt8] = []
        var iterator = Array(value.utf8).makeIterator()
        while let b = iterator.next() {
            if b == 37 {
                guard let h = iterator.next(), let l = iterator.next(),
                      let v = UInt8(String(decoding: [h, l], as: UTF8.self), radix: 16) else { return nil }
                bytes.append(v)
            } else {
                bytes.append(b)
            }
        }
        return String(validating: bytes, as: UTF8.self)
    }

    /// A whole number as the W3C validator reads one, with Python's `int()`: optional white
    /// space around it, an optional `+` or `-`, then ASCII digits (leading zeros allowed,
    /// `-0` is 0). A number past `Int`'s range is clamped to `Int.min` or `Int.max`, so range
    /// checks still see it too small or too large. `nil` when `text` is not such a number.
    static func integerValue(_ text: some StringProtocol) -> Int? {
        var digits = Substring(text).trimmingWhitespace().utf8[...]
        let negative = digits.first == UInt8(ascii: "-")
        if negative || digits.first == UInt8(ascii: "+") { digits = digits.dropFirst() }
        guard !digits.isEmpty else { return nil }
        var value = 0
        var overflowed = false
        for byte in digits {
            guard byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") else { return nil }
            guard !overflowed else { continue }
            let (times10, o1) = value.multipliedReportingOverflow(by: 10)
            let (sum, o2) = times10.addingReportingOverflow(Int(byte - UInt8(ascii: "0")))
            if o1 || o2 { overflowed = true } else { value = sum }
        }
        if overflowed { return negative ? .min : .max }
        return negative ? -value : value
    }

    /// Whether `value` is a whole number (`integerValue`) of zero or more.
    static func isNonNegativeInteger(_ value: String) -> Bool {
        (integerValue(value) ?? -1) >= 0
    }

    /// Whether `value` is a whole number (`integerValue`) greater than zero.
    static func isPositiveInteger(_ value: String) -> Bool {
        (integerValue(value) ?? 0) > 0
    }

    /// Whether `value` is a whole number (`integerValue`), of any sign.
    static func isInteger(_ value: String) -> Bool {
        integerValue(value) != nil
    }

    static func isFloat(_ value: String) -> Bool {
        var v = Substring(value)
        if v.hasPrefix("-") || v.hasPrefix("+") { v = v.dropFirst() }
        let parts = v.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), parts.allSatisfy({ $0.allSatisfy(\.isASCIIDigit) }) else { return false }
        return parts.contains { !$0.isEmpty }
    }
}

extension String {
    /// The value without leading and trailing white space (`Character.isWhitespace`).
    func trimmingWhitespace() -> Substring { self[...].trimmingWhitespace() }
}

extension Substring {
    /// The value without leading and trailing white space (`Character.isWhitespace`).
    ///
    /// Judged on bytes when the first and last bytes that are not ASCII white space are
    /// ASCII themselves: ASCII white-space bytes are whole white-space characters (or CR LF,
    /// white space too), and an ASCII byte that is not white space starts a character that
    /// is not, and ends one. Otherwise character by character.
    func trimmingWhitespace() -> Substring {
        let bytes = utf8
        guard let start = bytes.firstIndex(where: { !isASCIIWhitespace($0) }) else { return Substring() }
        if bytes[start] < 0x80, let end = bytes.lastIndex(where: { !isASCIIWhitespace($0) }), bytes[end] < 0x80 {
            return self[start...end]
        }
        guard let first = firstIndex(where: { !$0.isWhitespace }), let last = lastIndex(where: { !$0.isWhitespace }) else { return Substring() }
        return self[first...last]
    }
}

/// Tab, line feed, vertical tab, form feed, carriage return, space: the ASCII characters
/// with Unicode's White_Space property.
func isASCIIWhitespace(_ byte: UInt8) -> Bool {
    byte == 0x20 || (byte >= 0x09 && byte <= 0x0D)
}
