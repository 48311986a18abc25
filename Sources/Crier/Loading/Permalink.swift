import CrierXML
import Foundation

/// Permalink patterns (Jekyll's `/:year/:month/:day/:title:output_ext`, Hugo's
/// `[permalinks]`) and the slugs that fill them.
enum Permalink {
    /// Jekyll's built-in permalink styles; anything else is a pattern.
    static func jekyllPattern(_ style: String) -> String {
        switch style {
        case "date": return "/:categories/:year/:month/:day/:title:output_ext"
        case "pretty": return "/:categories/:year/:month/:day/:title/"
        case "ordinal": return "/:categories/:year/:y_day/:title:output_ext"
        case "weekdate": return "/:categories/:year/W:week/:short_day/:title:output_ext"
        case "none": return "/:categories/:title:output_ext"
        default: return style
        }
    }

    /// Replaces each `:name` placeholder that `value` knows; unknown ones stay as written.
    /// The result starts with `/` and has no empty segments (an empty `:categories`).
    /// Values are asked for by name, so a post works out only what its pattern uses.
    static func expand(_ pattern: String, value: (String) -> String?) -> String {
        expandASCII(pattern, value: value) ?? expandByCharacter(pattern, value: value)
    }

    /// `expand`, character by character: any pattern.
    static func expandByCharacter(_ pattern: String, value: (String) -> String?) -> String {
        var out = ""
        var index = pattern.startIndex
        while index < pattern.endIndex {
            let c = pattern[index]
            if c == ":" {
                var end = pattern.index(after: index)
                while end < pattern.endIndex, pattern[end].isASCII, pattern[end].isLetter || pattern[end] == "_" {
                    end = pattern.index(after: end)
                }
                let name = String(pattern[pattern.index(after: index)..<end])
                if let value = value(name) {
                    out += value
                    index = end
                    continue
                }
            }
            out.append(c)
            index = pattern.index(after: index)
        }
        return normalisedPath(out)
    }

    /// `expand` for an ASCII pattern (every pattern in practice), on its bytes rather than
    /// its `Character`s: in ASCII text each byte is a whole character (but `"\r\n"`,
    /// which is neither `:` nor a letter, so it splits nothing either way). `nil` for a
    /// pattern with any other character, which `expand` reads character by character.
    static func expandASCII(_ pattern: String, value: (String) -> String?) -> String? {
        var pattern = pattern
        return pattern.withUTF8 { bytes -> String? in
            guard bytes.isAllASCII else { return nil }
            func isNameByte(_ byte: UInt8) -> Bool {
                (byte | 0x20) >= UInt8(ascii: "a") && (byte | 0x20) <= UInt8(ascii: "z") || byte == UInt8(ascii: "_")
            }
            var out = ""
            // The start of the bytes not yet copied to `out`.
            var copied = 0
            var index = 0
            while index < bytes.count {
                guard bytes[index] == UInt8(ascii: ":") else {
                    index += 1
                    continue
                }
                var end = index + 1
                while end < bytes.count, isNameByte(bytes[end]) { end += 1 }
                let name = String(decoding: UnsafeBufferPointer(rebasing: bytes[(index + 1)..<end]), as: UTF8.self)
                if let value = value(name) {
                    out += String(decoding: UnsafeBufferPointer(rebasing: bytes[copied..<index]), as: UTF8.self)
                    out += value
                    copied = end
                    index = end
                } else {
                    index += 1
                }
            }
            out += String(decoding: UnsafeBufferPointer(rebasing: bytes[copied...]), as: UTF8.self)
            return normalisedPath(out)
        }
    }

    /// A path with a leading `/`, no repeated `/`.
    static func normalisedPath(_ path: String) -> String {
        var path = path
        // In ASCII text a `/` byte is always a `/` character: runs of them fold on the bytes.
        let folded = path.withUTF8 { bytes -> String? in
            guard bytes.isAllASCII else { return nil }
            var out: [UInt8] = [UInt8(ascii: "/")]
            out.reserveCapacity(bytes.count + 1)
            for byte in bytes where !(byte == UInt8(ascii: "/") && out[out.count - 1] == UInt8(ascii: "/")) {
                out.append(byte)
            }
            return String(decoding: out, as: UTF8.self)
        }
        return folded ?? normalisedPathByCharacter(path)
    }

    /// `normalisedPath`, character by character: any path.
    static func normalisedPathByCharacter(_ path: String) -> String {
        var out = "/"
        // Whether `out` ends with a `/` character: each `ch` appended is a whole character
        // of `path`, after the same character (or a `/` for a dropped `/`) as there.
        var endsWithSlash = true
        for ch in path where !(ch == "/" && endsWithSlash) {
            out.append(ch)
            endsWithSlash = ch == "/"
        }
        return out
    }

    /// The absolute URL of `path` (site-relative, or already absolute) under `baseURL`,
    /// with characters a URL may not hold percent-encoded.
    static func absoluteURL(baseURL: String, path: String) -> String {
        if HTMLFragment.hasScheme(path) { return path }
        var base = baseURL
        if !base.hasSuffix("/") { base += "/" }
        let trimmed = path.drop(while: { $0 == "/" })
        return base + percentEncodePath(String(trimmed))
    }

    static let pathBytes = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~/!$&'()*+,;=:@%#?".utf8)
    /// `pathBytes` as a table indexed by byte, looked up without hashing.
    static let pathByteTable: [Bool] = (0...255).map { pathBytes.contains(UInt8($0)) }
    static let hexDigits = Array("0123456789ABCDEF".utf8)

    static func percentEncodePath(_ path: String) -> String {
        let allowed = pathByteTable
        let hex = hexDigits
        var out: [UInt8] = []
        out.reserveCapacity(path.utf8.count)
        for b in path.utf8 {
            if allowed[Int(b)] {
                out.append(b)
            } else {
                out.append(UInt8(ascii: "%"))
                out.append(hex[Int(b >> 4)])
                out.append(hex[Int(b & 0xF)])
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// `value` with each `%`, `#` and `?` percent-encoded: `absoluteURL` leaves those as
    /// written (a pattern may hold an escape, a query or a fragment on purpose), so a
    /// placeholder's value, which is a file name or a category, is escaped before it is
    /// put in the pattern.
    static func escapingDelimiters(_ value: String) -> String {
        guard value.utf8.contains(where: { $0 == UInt8(ascii: "%") || $0 == UInt8(ascii: "#") || $0 == UInt8(ascii: "?") }) else {
            return value
        }
        var out = ""
        out.reserveCapacity(value.utf8.count + 6)
        for scalar in value.unicodeScalars {
            switch scalar {
            case "%": out += "%25"
            case "#": out += "%23"
            case "?": out += "%3F"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    static let prettySlugPunctuation = Set<Character>("._~!$&'()+,;=@")

    /// Jekyll's `slugify`: `default` mode keeps letters and digits, `pretty` also keeps
    /// `._~!$&'()+,;=@`; every other run of characters becomes one `-`.
    static func jekyllSlug(_ text: String, pretty: Bool, cased: Bool) -> String {
        jekyllSlugASCII(text, pretty: pretty, cased: cased) ?? jekyllSlugByCharacter(text, pretty: pretty, cased: cased)
    }

    /// `jekyllSlug`, character by character: any text.
    static func jekyllSlugByCharacter(_ text: String, pretty: Bool, cased: Bool) -> String {
        let keep = prettySlugPunctuation
        var out = ""
        var pendingDash = false
        for ch in text {
            if ch.isLetter || ch.isNumber || (pretty && keep.contains(ch)) {
                if pendingDash, !out.isEmpty { out.append("-") }
                pendingDash = false
                out.append(ch)
            } else {
                pendingDash = true
            }
        }
        return cased ? out : out.lowercased()
    }

    /// `prettySlugPunctuation` as bytes.
    private static let prettySlugPunctuationBytes = Array("._~!$&'()+,;=@".utf8)

    /// `jekyllSlug` for ASCII text (nearly every title and file name), on its bytes: an
    /// ASCII character is a letter or a number exactly when it is `A`–`Z`, `a`–`z` or
    /// `0`–`9`, and `"\r\n"`, the one ASCII character of two bytes, is neither, nor
    /// punctuation, as its bytes are not. `nil` for other text.
    static func jekyllSlugASCII(_ text: String, pretty: Bool, cased: Bool) -> String? {
        var text = text
        return text.withUTF8 { bytes -> String? in
            guard bytes.isAllASCII else { return nil }
            var out: [UInt8] = []
            out.reserveCapacity(bytes.count)
            var pendingDash = false
            for byte in bytes {
                let lower = byte | 0x20
                let isLetter = lower >= UInt8(ascii: "a") && lower <= UInt8(ascii: "z")
                let isDigit = byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
                if isLetter || isDigit || (pretty && prettySlugPunctuationBytes.contains(byte)) {
                    if pendingDash, !out.isEmpty { out.append(UInt8(ascii: "-")) }
                    pendingDash = false
                    out.append(isLetter && !cased ? lower : byte)
                } else {
                    pendingDash = true
                }
            }
            return String(decoding: out, as: UTF8.self)
        }
    }

    /// Hugo's `urlize` for paths, as Hugo 0.111 makes a page's path (`UnicodeSanitize`,
    /// lower-cased): letters, digits, `.`, `/`, `_`, `~`, `@` and `-` are kept, any other
    /// character is left out; white space between kept characters becomes one `-`, and
    /// none is added next to a `-` written (`a - b` → `a-b`, `a -- b` → `a--b`). A `+` is
    /// read as a space, as Hugo's permalinks unescape it to one (`C++ and C#` →
    /// `c-and-c`).
    static func hugoPath(_ text: String) -> String {
        var out = ""
        var pendingDash = false
        var afterDash = false
        // White space around the text is trimmed first; a `+` at its end still makes a `-`
        // (`Learning C++` → `learning-c-`, as Hugo writes the page).
        for ch in text.trimmingWhitespace.lowercased() {
            if ch.isLetter || ch.isNumber || ch == "." || ch == "/" || ch == "_" || ch == "~" || ch == "@" || ch == "-" {
                afterDash = ch == "-"
                if pendingDash, !afterDash { out.append("-") }
                pendingDash = false
                out.append(ch)
            } else if !out.isEmpty, !afterDash, ch.isWhitespace || ch == "+" {
                pendingDash = true
            }
        }
        if pendingDash { out.append("-") }
        return out
    }

    /// Jekyll's title for a post without one: `my-first-post` → `My First Post`.
    static func titleFromSlug(_ slug: String) -> String {
        slug.split(separator: "-").map { word in word.prefix(1).uppercased() + word.dropFirst() }.joined(separator: " ")
    }

    static let monthNames = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]
    static let dayNames = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]

    /// The date placeholder `name` shared by Jekyll and Hugo, from the post's wall-clock
    /// time; `nil` when `name` is not one.
    static func dateValue(_ name: String, _ t: CivilTime) -> String? {
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        func three(_ n: Int) -> String { n < 10 ? "00\(n)" : n < 100 ? "0\(n)" : "\(n)" }
        switch name {
        case "year": return String(t.year)
        case "short_year": return two(t.year % 100)
        case "month": return two(t.month)
        case "i_month": return String(t.month)
        case "short_month": return String(monthNames[t.month - 1].prefix(3))
        case "long_month": return monthNames[t.month - 1]
        case "day": return two(t.day)
        case "i_day": return String(t.day)
        case "y_day": return three(t.dayOfYear)
        case "w_year": return String(isoWeek(t).year)
        case "week": return two(isoWeek(t).week)
        case "w_day": return String(isoWeekday(t))
        case "short_day": return String(dayNames[t.weekday].prefix(3))
        case "long_day": return dayNames[t.weekday]
        case "hour": return two(t.hour)
        case "minute": return two(t.minute)
        case "second": return two(t.second)
        // Hugo's names.
        case "monthname": return monthNames[t.month - 1].lowercased()
        case "weekday": return String(t.weekday)
        case "weekdayname": return dayNames[t.weekday].lowercased()
        case "yearday": return String(t.dayOfYear)
        default: return nil
        }
    }

    /// 1 = Monday ... 7 = Sunday.
    static func isoWeekday(_ t: CivilTime) -> Int { t.weekday == 0 ? 7 : t.weekday }

    /// ISO 8601 week and its year: the week with the year's first Thursday is week 1.
    static func isoWeek(_ t: CivilTime) -> (week: Int, year: Int) {
        let isoWeekday = isoWeekday(t)
        var week = (t.dayOfYear - isoWeekday + 10) / 7
        var weekYear = t.year
        if week < 1 {
            weekYear -= 1
            let dec31 = CivilTime(Date(timeIntervalSince1970: Double(daysFromCivil(year: weekYear, month: 12, day: 31) * 86_400)), in: TimeZone(identifier: "UTC")!)
            week = (dec31.dayOfYear - Self.isoWeekday(dec31) + 10) / 7
        } else if week == 53 {
            let daysInYear = daysIn(month: 2, year: t.year) == 29 ? 366 : 365
            if daysInYear - t.dayOfYear < 4 - isoWeekday {
                week = 1
                weekYear += 1
            }
        }
        return (week, weekYear)
    }
}
