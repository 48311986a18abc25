import Foundation

/// A date or date-time as written in front matter or a config file, before a time zone
/// is applied: `2024-03-05`, `2024-03-05 14:30`, `2024-03-05 14:30:00 +0100`,
/// `2024-03-05T14:30:00.25+01:00`, `2024-03-05T14:30:00Z`, YAML's `2001-12-14 21:59:43.10 -5`.
///
/// Parsed by hand: `DateFormatter` is slow and not safe to share across threads.
struct DateTimeValue: Sendable, Equatable {
    var year: Int
    var month: Int
    var day: Int
    var hour = 0
    var minute = 0
    var second = 0
    var nanosecond = 0
    /// Whether a time of day was written.
    var hasTime = false
    /// Offset from UTC in seconds, when the text names one.
    var utcOffset: Int?

    /// The moment this value names; a value without an offset is read in `zone`.
    func date(in zone: TimeZone) -> Date {
        let days = daysFromCivil(year: year, month: month, day: day)
        // A fraction kept below 0.999 s: a `Date` is a `Double`, whose steps near 2024 are
        // 0.24 µs (56 µs near 9999), so `59.9999999` would become the next minute, or the
        // next year on 31 December. Feeds write whole seconds; the fraction only orders.
        let fraction = Double(min(nanosecond, 999_000_000)) / 1e9
        let local = days * 86_400 + hour * 3_600 + minute * 60 + second
        if let utcOffset { return Date(timeIntervalSince1970: Double(local - utcOffset) + fraction) }
        // The zone's offsets a day before and after the wall-clock time (transitions are
        // months apart): the time read with each, kept when the zone agrees at that moment.
        func offset(_ utc: Int) -> Int { zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(utc))) }
        let before = offset(local - 86_400 - offset(local)), after = offset(local + 86_400 - offset(local))
        let readings = Set([local - before, local - after]).filter { $0 + offset($0) == local }
        // A time that happens twice (clocks set back) is the later one, as Ruby, and so
        // Jekyll, reads it; one the clocks jumped over (2018-11-04 00:00 in São Paulo)
        // moves forward by the jump, read with the offset before it, so it keeps its day.
        let utc = readings.max() ?? local - before
        return Date(timeIntervalSince1970: Double(utc) + fraction)
    }

    /// Parses `text` (surrounding spaces allowed); `nil` when it is not a date form Crier knows.
    static func parse<S: StringProtocol>(_ text: S) -> DateTimeValue? {
        var scanner = ByteScanner(Array(text.utf8))
        scanner.skipSpaces()
        guard let year = scanner.digits(min: 4, max: 4), scanner.take(UInt8(ascii: "-")),
              let month = scanner.digits(min: 1, max: 2), scanner.take(UInt8(ascii: "-")),
              let day = scanner.digits(min: 1, max: 2) else { return nil }
        guard (1...12).contains(month), day >= 1, day <= daysIn(month: month, year: year) else { return nil }
        var value = DateTimeValue(year: year, month: month, day: day)
        let beforeTime = scanner.index
        if scanner.take(UInt8(ascii: "T")) || scanner.take(UInt8(ascii: "t")) || scanner.skipSpaces() > 0 {
            if let hour = scanner.digits(min: 1, max: 2), scanner.take(UInt8(ascii: ":")),
               let minute = scanner.digits(min: 2, max: 2) {
                guard hour <= 23, minute <= 59 else { return nil }
                value.hasTime = true
                value.hour = hour
                value.minute = minute
                if scanner.take(UInt8(ascii: ":")) {
                    guard let second = scanner.digits(min: 2, max: 2), second <= 60 else { return nil }
                    value.second = min(second, 59)
                    let point = scanner.take(UInt8(ascii: "."))
                    if point || scanner.take(UInt8(ascii: ",")) {
                        let start = scanner.index
                        var nanos = 0
                        var scale = 100_000_000
                        while let d = scanner.digit() {
                            nanos += d * scale
                            scale /= 10
                        }
                        // `20:00:00.` is a YAML 1.1 timestamp (Ruby's, so Jekyll's, fraction is
                        // `\.[0-9]*`); a comma needs a digit after it.
                        guard scanner.index > start || point else { return nil }
                        value.nanosecond = nanos
                    }
                }
                scanner.skipSpaces()
                if !scanner.atEnd {
                    guard let offset = scanner.zoneOffset() else { return nil }
                    value.utcOffset = offset
                }
            } else {
                scanner.index = beforeTime
            }
        }
        scanner.skipSpaces()
        return scanner.atEnd ? value : nil
    }
}

/// The moments a feed can carry. Feeds write dates in UTC with a four-digit year
/// (RFC 3339 for Atom and JSON Feed, RFC 822 for RSS), and the validator, as the W3C's
/// does, takes the years 0001 to 9999 only (there is no year 0 in its calendar): so
/// `0000-01-01`, and `0001-01-01` in a zone east of UTC, make a feed no reader is given.
enum FeedDateRange {
    /// 0001-01-01T00:00:00Z.
    static let earliest = Date(timeIntervalSince1970: Double(daysFromCivil(year: 1, month: 1, day: 1)) * 86_400)
    /// 0000-01-01T00:00:00Z.
    private static let yearZero = Date(timeIntervalSince1970: Double(daysFromCivil(year: 0, month: 1, day: 1)) * 86_400)
    /// 10000-01-01T00:00:00Z, the first moment past the range.
    static let end = Date(timeIntervalSince1970: Double(daysFromCivil(year: 10_000, month: 1, day: 1)) * 86_400)

    /// Why `date` cannot be written in a feed, to follow the name of what holds it
    /// ("`date: 0000-01-01` is 0000-01-01T00:00:00Z in UTC, before ..."); `nil` when it can.
    static func problem(_ date: Date) -> String? {
        if date < earliest {
            // A year before 0 (0000-01-01 at +23:59) has no four-digit form to show.
            let shown = date < yearZero ? "" : "\(FeedDates.rfc3339(date)) in UTC, "
            return "is \(shown)before 0001-01-01T00:00:00Z, the earliest date a feed can hold (feeds write dates in UTC, in the years 0001 to 9999)"
        }
        if date >= end {
            return "is \(FeedDates.rfc3339(date)) in UTC, after 9999-12-31T23:59:59Z, the latest date a feed can hold (feeds write dates in UTC, in the years 0001 to 9999)"
        }
        return nil
    }
}

/// Broken-down wall-clock time of a moment in a zone (for permalinks).
struct CivilTime: Sendable, Equatable {
    var year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int
    /// Day of the year, 1-based.
    var dayOfYear: Int
    /// 0 = Sunday ... 6 = Saturday.
    var weekday: Int

    init(_ date: Date, in zone: TimeZone) {
        let offset = zone.secondsFromGMT(for: date)
        let seconds = Int(floor(date.timeIntervalSince1970)) + offset
        let days = Int(floor(Double(seconds) / 86_400))
        let rest = seconds - days * 86_400
        (year, month, day) = civilFromDays(days)
        hour = rest / 3_600
        minute = rest % 3_600 / 60
        second = rest % 60
        dayOfYear = days - daysFromCivil(year: year, month: 1, day: 1) + 1
        // 1970-01-01 was a Thursday.
        weekday = ((days % 7) + 11) % 7
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
    let y = month <= 2 ? year - 1 : year
    let era = (y >= 0 ? y : y - 399) / 400
    let yoe = y - era * 400
    let mp = (month + 9) % 12
    let doy = (153 * mp + 2) / 5 + day - 1
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
    return era * 146_097 + doe - 719_468
}

func civilFromDays(_ days: Int) -> (Int, Int, Int) {
    let z = days + 719_468
    let era = (z >= 0 ? z : z - 146_096) / 146_097
    let doe = z - era * 146_097
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
    let mp = (5 * doy + 2) / 153
    let day = doy - (153 * mp + 2) / 5 + 1
    let month = mp < 10 ? mp + 3 : mp - 9
    return (month <= 2 ? yoe + era * 400 + 1 : yoe + era * 400, month, day)
}

func daysIn(month: Int, year: Int) -> Int {
    switch month {
    case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
    case 4, 6, 9, 11: return 30
    default: return 31
    }
}

/// A cursor over ASCII bytes for the hand-written parsers.
struct ByteScanner {
    let bytes: [UInt8]
    var index = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var atEnd: Bool { index >= bytes.count }
    var peek: UInt8? { index < bytes.count ? bytes[index] : nil }

    mutating func take(_ byte: UInt8) -> Bool {
        guard peek == byte else { return false }
        index += 1
        return true
    }

    @discardableResult
    mutating func skipSpaces() -> Int {
        let start = index
        while let b = peek, b == 0x20 || b == 0x09 { index += 1 }
        return index - start
    }

    mutating func digit() -> Int? {
        guard let b = peek, b >= 0x30, b <= 0x39 else { return nil }
        index += 1
        return Int(b - 0x30)
    }

    mutating func digits(min: Int, max: Int) -> Int? {
        let start = index
        var value = 0
        while index - start < max, let d = digit() { value = value * 10 + d }
        if index - start < min {
            index = start
            return nil
        }
        return value
    }

    /// `Z`, `UTC`, `GMT`, `+01:00`, `+0100`, `+01`, `-5`: seconds east of UTC.
    mutating func zoneOffset() -> Int? {
        if take(UInt8(ascii: "Z")) || take(UInt8(ascii: "z")) { return 0 }
        let rest = String(decoding: bytes[index...], as: UTF8.self)
        if rest == "UTC" || rest == "GMT" {
            index = bytes.count
            return 0
        }
        let sign: Int
        if take(UInt8(ascii: "+")) { sign = 1 } else if take(UInt8(ascii: "-")) { sign = -1 } else { return nil }
        guard let hours = digits(min: 1, max: 2), hours <= 23 else { return nil }
        var minutes = 0
        let hadColon = take(UInt8(ascii: ":"))
        if let m = digits(min: 2, max: 2) {
            guard m <= 59 else { return nil }
            minutes = m
        } else if hadColon {
            return nil
        }
        return sign * (hours * 3_600 + minutes * 60)
    }
}
