/// Date syntaxes feeds use, checked by hand: these run once per entry, so they avoid
/// regular expressions and allocation.
enum DateValues {
    enum RFC822Result: Equatable { case valid, invalid, incorrectDayOfWeek, problematic }

    /// RFC 3339 §5.6 `date-time`, as Atom requires (RFC 4287 §3.3): upper-case `T` and `Z`,
    /// a numeric offset with a colon, a real calendar date.
    static func isRFC3339(_ value: String) -> Bool {
        var c = ByteCursor(value)
        guard let year = c.digits(4), c.take(45), let month = c.digits(2), c.take(45), let day = c.digits(2), c.take(84),
              let hour = c.digits(2), c.take(58), let minute = c.digits(2), c.take(58), let second = c.digits(2) else { return false }
        if c.take(46) {
            guard c.skipDigits() > 0 else { return false }
        }
        if c.take(90) {
        } else if c.take(43) || c.take(45) {
            guard let oh = c.digits(2), c.take(58), let om = c.digits(2), oh <= 23, om <= 59 else { return false }
        } else {
            return false
        }
        guard c.atEnd else { return false }
        return isCalendarDate(year: year, month: month, day: day) && hour <= 23 && minute <= 59 && second <= 60
    }

    /// W3C-DTF (the profile of ISO 8601 Dublin Core uses): `YYYY`, `YYYY-MM`, `YYYY-MM-DD`,
    /// or a date with `Thh:mm[:ss[.s]]` and a zone.
    static func isW3CDTF(_ value: String, zoneRequired: Bool = true) -> Bool {
        var c = ByteCursor(value)
        guard let year = c.digits(4) else { return false }
        if c.atEnd { return true }
        guard c.take(45), let month = c.digits(2), (1...12).contains(month) else { return false }
        if c.atEnd { return true }
        guard c.take(45), let day = c.digits(2), isCalendarDate(year: year, month: month, day: day) else { return false }
        if c.atEnd { return true }
        guard c.take(84), let hour = c.digits(2), hour <= 24, c.take(58), let minute = c.digits(2), minute <= 59 else { return false }
        if c.take(58) {
            guard let second = c.digits(2), second <= 60 else { return false }
            if c.take(46) { c.skipDigits() }
        }
        if c.take(90) { return c.atEnd }
        if c.atEnd { return !zoneRequired }
        guard c.take(43) || c.take(45) else { return false }
        guard let oh = c.digits(2), oh <= 23, c.take(58), let om = c.digits(2), om <= 59 else { return false }
        return c.atEnd
    }

    static func isCalendarDate(year: Int, month: Int, day: Int) -> Bool {
        guard (1...12).contains(month), day >= 1, year >= 1 else { return false }
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
        let lengths = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        return day <= lengths[month - 1]
    }

    /// Day of the week, 0 = Sunday (Zeller's congruence, proleptic Gregorian).
    static func dayOfWeek(year: Int, month: Int, day: Int) -> Int {
        var y = year, m = month
        if m < 3 { m += 12; y -= 1 }
        let k = y % 100, j = y / 100
        let h = (day + (13 * (m + 1)) / 5 + k + k / 4 + j / 4 + 5 * j) % 7
        return (h + 6) % 7
    }

    static let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    static let zones: Set<String> = ["UT", "GMT", "EST", "EDT", "CST", "CDT", "MST", "MDT", "PST", "PDT", "Z"]

    /// RFC 822 dates as RSS 2.0 uses them, judged as RFC 2822 §3.3 does: `valid` for the
    /// strict form (four-digit year, English capitalised names, numeric or named zone),
    /// `problematic` for what only the lenient RFC 822 grammar accepts (two-digit year,
    /// military zones, odd case, comments).
    static func rfc822(_ value: String) -> RFC822Result {
        if let common = commonRFC2822(value) { return common }
        if let strict = strictRFC2822(value) { return strict }
        return lenientRFC822(value) ? .problematic : .invalid
    }

    /// The form nearly every feed writes, `Wed, 01 May 2024 12:00:00 +0000` (two-digit
    /// day, four-digit year, seconds, numeric zone), judged as `strictRFC2822` judges it but
    /// a byte at a time: a feed has one such date per item. `nil` for any other form.
    static func commonRFC2822(_ value: String) -> RFC822Result? {
        var c = ByteCursor(value)
        guard let dow = c.name(among: dayBytes), c.take(44), c.take(32), let day = c.digits(2), c.take(32),
              let month = c.name(among: monthBytes), c.take(32), let year = c.digits(4), c.take(32),
              c.digits(2) != nil, c.take(58), c.digits(2) != nil, c.take(58), c.digits(2) != nil, c.take(32),
              c.take(43) || c.take(45), c.digits(4) != nil, c.atEnd else { return nil }
        guard isCalendarDate(year: year, month: month + 1, day: day) else { return .invalid }
        if year > 1900, dayOfWeek(year: year, month: month + 1, day: day) != dow { return .incorrectDayOfWeek }
        return .valid
    }

    private static let dayBytes = days.map { Array($0.utf8) }
    private static let monthBytes = months.map { Array($0.utf8) }

    static func strictRFC2822(_ value: String) -> RFC822Result? {
        // Tokens separated by spaces only (no tabs, as the strict grammar has ` +`).
        var rest = Substring(value)
        var dow: String?
        if rest.count >= 4, let comma = rest.firstIndex(of: ","), rest.distance(from: rest.startIndex, to: comma) == 3 {
            let name = String(rest[..<comma])
            guard days.contains(name) else { return nil }
            dow = name
            rest = rest[rest.index(after: comma)...].drop { $0 == " " }
        }
        let tokens = rest.split(separator: " ", omittingEmptySubsequences: true)
        guard tokens.count == 5, rest.first != " ", rest.last != " " else { return nil }
        guard (1...2).contains(tokens[0].count), tokens[0].allSatisfy(\.isASCIIDigit), let day = Int(tokens[0]) else { return nil }
        guard let monthIndex = months.firstIndex(of: String(tokens[1])) else { return nil }
        guard tokens[2].count == 4, tokens[2].allSatisfy(\.isASCIIDigit), let year = Int(tokens[2]) else { return nil }
        guard isTime(tokens[3]) else { return nil }
        let zone = tokens[4]
        if zone.first == "+" || zone.first == "-" {
            guard zone.count == 5, zone.dropFirst().allSatisfy(\.isASCIIDigit) else { return nil }
        } else if !zones.contains(String(zone)) {
            return nil
        }
        guard isCalendarDate(year: year, month: monthIndex + 1, day: day) else { return .invalid }
        if let dow, year > 1900, days[dayOfWeek(year: year, month: monthIndex + 1, day: day)] != dow {
            return .incorrectDayOfWeek
        }
        return .valid
    }

    private static func isTime(_ token: Substring) -> Bool {
        let parts = token.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2 || parts.count == 3 else { return false }
        return parts.allSatisfy { $0.count == 2 && $0.allSatisfy(\.isASCIIDigit) }
    }

    private static func lenientRFC822(_ value: String) -> Bool {
        // Drop quoted pairs and (comments), as RFC 822 allows them anywhere.
        var text = ""
        var depth = 0
        var escaped = false
        for c in value {
            if escaped { escaped = false; continue }
            if c == "\\" { escaped = true; continue }
            if c == "(" { depth += 1; text.append(" "); continue }
            if c == ")" && depth > 0 { depth -= 1; continue }
            if depth == 0 { text.append(c) }
        }
        var rest = Substring(text.lowercased()).drop { $0.isWhitespace }
        let lowerDays = days.map { $0.lowercased() }
        if rest.count >= 3, lowerDays.contains(String(rest.prefix(3))) {
            let after = rest.dropFirst(3).drop { $0.isWhitespace }
            guard after.first == "," else { return false }
            rest = after.dropFirst().drop { $0.isWhitespace }
        }
        let tokens = rest.split(whereSeparator: \.isWhitespace)
        guard tokens.count == 4 || tokens.count == 5 else { return false }
        guard (1...2).contains(tokens[0].count), tokens[0].allSatisfy(\.isASCIIDigit) else { return false }
        guard months.map({ $0.lowercased() }).contains(String(tokens[1])) else { return false }
        guard (tokens[2].count == 2 || tokens[2].count == 4), tokens[2].allSatisfy(\.isASCIIDigit) else { return false }
        guard isTime(tokens[3]) else { return false }
        if tokens.count == 5 {
            let zone = tokens[4]
            if zone.first == "+" || zone.first == "-" {
                return zone.count == 5 && zone.dropFirst().allSatisfy(\.isASCIIDigit)
            }
            if zones.contains(zone.uppercased()) { return true }
            return zone.count == 1 && zone != "j" && zone.first!.isLetter
        }
        return true
    }
}

/// Reads ASCII date syntax a byte at a time.
private struct ByteCursor {
    private let bytes: [UInt8]
    private var index = 0

    init(_ value: String) { bytes = Array(value.utf8) }

    var atEnd: Bool { index == bytes.count }

    /// `n` decimal digits as a number, consumed; `nil` (nothing consumed) otherwise.
    mutating func digits(_ n: Int) -> Int? {
        guard index + n <= bytes.count else { return nil }
        var value = 0
        for k in index..<(index + n) {
            guard bytes[k] >= 48 && bytes[k] <= 57 else { return nil }
            value = value * 10 + Int(bytes[k] - 48)
        }
        index += n
        return value
    }

    /// Consumes `byte` if it comes next.
    mutating func take(_ byte: UInt8) -> Bool {
        guard index < bytes.count, bytes[index] == byte else { return false }
        index += 1
        return true
    }

    /// The index in `names` of the name that comes next (compared byte for byte),
    /// consumed; `nil` (nothing consumed) when none does.
    mutating func name(among names: [[UInt8]]) -> Int? {
        for (k, name) in names.enumerated() where index + name.count <= bytes.count
            && bytes[index..<(index + name.count)].elementsEqual(name) {
            index += name.count
            return k
        }
        return nil
    }

    /// Consumes a run of digits; returns how many.
    @discardableResult
    mutating func skipDigits() -> Int {
        let start = index
        while index < bytes.count, bytes[index] >= 48 && bytes[index] <= 57 { index += 1 }
        return index - start
    }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}
