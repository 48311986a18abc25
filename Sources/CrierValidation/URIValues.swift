/// URI and IRI checks in the spirit of RFC 3986/3987 and the W3C validator's rules for
/// `tag:` (RFC 4151), `urn:` (RFC 2141) and `urn:uuid:` (RFC 4122) identifiers.
enum URIValues {
    enum Result: Equatable {
        case valid
        /// A character no URI may contain (space, `<`, `"`, ...).
        case invalidCharacter(Character)
        /// Malformed in another way (e.g. `http:` without `//host`).
        case invalid
        /// Relative where an absolute URI is required.
        case notAbsolute
        case invalidTag, invalidUUID, invalidURN
    }

    /// ASCII characters allowed in a URI reference (RFC 2396 unreserved, reserved, `%`, `#`).
    private static let allowed: [Bool] = {
        var table = [Bool](repeating: false, count: 128)
        for c in "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ;/?:@&=+$.-_!~*'()%,#[]".utf8 {
            table[Int(c)] = true
        }
        return table
    }()

    /// The scheme, lower-cased, if the value starts with one.
    static func scheme(of value: String) -> String? {
        var bytes: [UInt8] = []
        for b in value.utf8 {
            if b == UInt8(ascii: ":") {
                return bytes.isEmpty ? nil : String(decoding: bytes, as: UTF8.self)
            }
            let lower = b | 0x20
            let isLetter = lower >= UInt8(ascii: "a") && lower <= UInt8(ascii: "z")
            let isOther = (b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9")) || b == UInt8(ascii: "+") || b == UInt8(ascii: "-") || b == UInt8(ascii: ".")
            guard isLetter || (!bytes.isEmpty && isOther) else { return nil }
            bytes.append(isLetter ? lower : b)
        }
        return nil
    }

    /// Checks an IRI reference; `absolute` requires a scheme (as for `atom:id`, RSS `link`).
    /// Non-ASCII characters are allowed: they are what makes an IRI an IRI.
    static func check(_ value: String, absolute: Bool, iri: Bool = true) -> Result {
        let scheme = scheme(of: value)
        switch scheme {
        case "tag"?:
            return isTag(value) ? .valid : .invalidTag
        case "urn"?:
            let lower = value.lowercased()
            if lower.hasPrefix("urn:uuid:") { return isUUIDURN(value) ? .valid : .invalidUUID }
            return isURN(value) ? .valid : .invalidURN
        default:
            break
        }
        // One pass over the bytes: forbidden characters, non-ASCII, brackets. A stray `%`
        // (not followed by two hex digits) is tolerated, as the W3C validator does.
        var nonASCII = false, brackets = false
        for b in value.utf8 {
            if b >= 0x80 { nonASCII = true; continue }
            if !allowed[Int(b)] { return .invalidCharacter(Character(Unicode.Scalar(b))) }
            if b == UInt8(ascii: "[") || b == UInt8(ascii: "]") { brackets = true }
        }
        // Outside IRI contexts (RSS, most extensions) non-ASCII must be percent-encoded.
        if !iri && nonASCII { return .invalid }
        // `[` and `]` only in an IPv6 host.
        if brackets {
            guard let open = value.firstIndex(of: "["), let close = value.firstIndex(of: "]"), open < close,
                  value[value.index(after: open)..<close].allSatisfy({ $0.isHexDigit || $0 == ":" || $0 == "." }),
                  value.filter({ $0 == "[" || $0 == "]" }).count == 2 else { return .invalid }
        }
        if absolute && scheme == nil { return .notAbsolute }
        if absolute, let scheme, value.count == scheme.count + 1 { return .notAbsolute }
        if let scheme, ["http", "https", "ftp"].contains(scheme) {
            // These schemes need an authority: `http://host...`.
            let rest = value.dropFirst(scheme.count + 1)
            guard rest.hasPrefix("//"), let host = rest.dropFirst(2).first, host != "/" else { return .invalid }
        }
        return .valid
    }

    /// `%` must start a two-hex-digit escape.
    static func isPercentEncodingValid(_ value: String) -> Bool {
        let b = Array(value.utf8)
        var i = 0
        while i < b.count {
            if b[i] == 37 {
                guard i + 2 < b.count, isHex(b[i + 1]), isHex(b[i + 2]) else { return false }
                i += 3
            } else {
                i += 1
            }
        }
        return true
    }

    private static func isHex(_ c: UInt8) -> Bool { (c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102) }

    /// RFC 4151: `tag:authority,date:specific[#fragment]`, authority a lower-case domain
    /// name or e-mail address, date `YYYY[-MM[-DD]]`.
    static func isTag(_ value: String) -> Bool {
        guard value.hasPrefix("tag:") else { return false }
        let body = value.dropFirst(4)
        guard let comma = body.firstIndex(of: ",") else { return false }
        var authority = body[..<comma]
        if let at = authority.lastIndex(of: "@") {
            let user = authority[..<at]
            guard !user.isEmpty, user.utf8.allSatisfy({ isTagAuthorityByte($0) || $0 == UInt8(ascii: "_") }) else { return false }
            authority = authority[authority.index(after: at)...]
        }
        guard !authority.isEmpty, authority.utf8.allSatisfy(isTagAuthorityByte) else { return false }
        let afterComma = body[body.index(after: comma)...]
        guard let colon = afterComma.firstIndex(of: ":") else { return false }
        let date = afterComma[..<colon]
        let parts = date.split(separator: "-", omittingEmptySubsequences: false)
        // Byte counts equal character counts once every byte is an ASCII digit.
        guard (1...3).contains(parts.count), parts[0].utf8.count == 4, parts.dropFirst().allSatisfy({ $0.utf8.count == 2 }),
              parts.allSatisfy({ $0.utf8.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") } }) else { return false }
        let specific = afterComma[afterComma.index(after: colon)...]
        var sawHash = false
        for c in specific.unicodeScalars {
            if c == "#" {
                if sawHash { return false }
                sawHash = true
                continue
            }
            if c.isASCII && (!allowed[Int(c.value)] || c == "[" || c == "]") { return false }
        }
        return true
    }

    /// A lower-case ASCII letter, digit, `.` or `-`. Tested on bytes, this is the same as on
    /// characters: a character passes only if it is one such byte (CR LF and anything
    /// non-ASCII fail either way).
    private static func isTagAuthorityByte(_ b: UInt8) -> Bool {
        (b >= UInt8(ascii: "a") && b <= UInt8(ascii: "z")) || (b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9"))
            || b == UInt8(ascii: ".") || b == UInt8(ascii: "-")
    }

    static func isUUIDURN(_ value: String) -> Bool {
        let uuid = value.dropFirst(9)
        let groups = uuid.split(separator: "-", omittingEmptySubsequences: false)
        guard groups.map(\.count) == [8, 4, 4, 4, 12] else { return false }
        return groups.allSatisfy { $0.allSatisfy { $0.isHexDigit && $0.isASCII } }
    }

    /// RFC 2141: `urn:NID:NSS`, NID 2-32 letters, digits and hyphens.
    static func isURN(_ value: String) -> Bool {
        let parts = value.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3 else { return false }
        let nid = parts[1], nss = parts[2]
        guard (2...32).contains(nid.count), let first = nid.first, first.isASCII && (first.isLetter || first.isNumber),
              nid.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }) else { return false }
        guard !nss.isEmpty else { return false }
        for c in nss.unicodeScalars {
            guard c.isASCII, c.properties.isAlphabetic || ("0"..."9").contains(c) || "()+,-.:=@;$_!*'%/?#".unicodeScalars.contains(c) else { return false }
        }
        return isPercentEncodingValid(String(nss))
    }
}
