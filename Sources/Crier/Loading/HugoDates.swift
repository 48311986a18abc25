import Foundation

/// Date formats Hugo 0.111 reads in front matter (Go's `cast` and `htime`) that Crier's
/// own date reading does not: `1709632800` (a number: seconds since 1970),
/// `Tue, 05 Mar 2024 10:00:00 +0000` (RFC 1123 and RFC 822, with or without the day's
/// name, a zone name or an offset), `05 Mar 2024`, `2024-03-05 10:00:00 -0700 MST` (Go's
/// own way of writing a time) and `Tue Mar  5 10:00:00 MST 2024` (Unix `date`). A time
/// with no offset is in `zone`, the site's; a zone name other than `GMT`/`UTC`/`Z` is
/// UTC, as Go reads one it does not know.
enum HugoDates {
    static func parse(_ text: String, zone: TimeZone) -> Date? {
        let text = text.trimmingWhitespace
        // A number written plain in YAML (Crier's reader keeps it as text), as in TOML.
        if let seconds = Int(text) { return Date(timeIntervalSince1970: Double(seconds)) }
        for (pattern, fields) in patterns {
            guard let match = pattern.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) else { continue }
            func group(_ name: String) -> String? {
                guard let index = fields.firstIndex(of: name) else { return nil }
                let range = match.range(at: index + 1)
                return range.location == NSNotFound ? nil : Range(range, in: text).map { String(text[$0]) }
            }
            let month = group("monthNumber").flatMap(Int.init)
                ?? group("month").flatMap { name in months.firstIndex(of: name.lowercased()).map { $0 + 1 } }
            guard let day = group("day").flatMap(Int.init), let month, var year = group("year").flatMap(Int.init) else { return nil }
            if year < 100 { year += year < 69 ? 2000 : 1900 }
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = zone
            if let offset = group("offset") {
                let sign = offset.hasPrefix("-") ? -1 : 1
                let digits = offset.dropFirst()
                guard let hours = Int(digits.prefix(2)), let minutes = Int(digits.suffix(2)) else { return nil }
                calendar.timeZone = TimeZone(secondsFromGMT: sign * (hours * 3600 + minutes * 60)) ?? zone
            } else if group("zone") != nil {
                calendar.timeZone = TimeZone(identifier: "UTC")!
            }
            let components = DateComponents(year: year, month: month, day: day, hour: group("hour").flatMap(Int.init) ?? 0,
                                            minute: group("minute").flatMap(Int.init) ?? 0, second: group("second").flatMap(Int.init) ?? 0)
            guard components.isValidDate(in: calendar) else { return nil }
            return calendar.date(from: components)
        }
        return nil
    }

    private static let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]

    /// Each pattern with the names of its groups, in order.
    private static let patterns: [(NSRegularExpression, [String])] = [
        // RFC 1123 / 822, `02 Jan 2006`.
        (#"^(?:[A-Za-z]{3},?\s+)?(\d{1,2})\s+([A-Za-z]{3})\s+(\d{2}|\d{4})(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?)?(?:\s+(?:([+-]\d{4})|([A-Za-z]{1,5})))?$"#,
         ["day", "month", "year", "hour", "minute", "second", "offset", "zone"]),
        // Go's `2006-01-02 15:04:05.999999999 -0700 MST`.
        (#"^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.\d+)?\s*([+-]\d{4})\s+[A-Za-z]{1,5}$"#,
         ["year", "monthNumber", "day", "hour", "minute", "second", "offset"]),
        // Unix `date` and ANSI C: `Mon Jan _2 15:04:05 MST 2006`, `Mon Jan _2 15:04:05 2006`.
        (#"^[A-Za-z]{3}\s+([A-Za-z]{3})\s+(\d{1,2})\s+(\d{2}):(\d{2}):(\d{2})(?:\s+([A-Za-z]{1,5}))?\s+(\d{4})$"#,
         ["month", "day", "hour", "minute", "second", "zone", "year"]),
    ].map { (try! NSRegularExpression(pattern: $0.0), $0.1) }
}
