import Foundation

/// Formats dates for feeds from broken-down UTC time: no `DateFormatter` (slow, and not
/// safe to share across threads), and the same instant always gives the same text.
public enum FeedDates {
    private static let weekdays = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// RFC 3339 in UTC to the second: `2024-03-05T14:30:00Z` (Atom, JSON Feed).
    public static func rfc3339(_ date: Date) -> String {
        let t = brokenDown(date)
        return "\(pad(t.year, 4))-\(pad(t.month, 2))-\(pad(t.day, 2))T\(pad(t.hour, 2)):\(pad(t.minute, 2)):\(pad(t.second, 2))Z"
    }

    /// RFC 822 (with four-digit year, as RFC 1123 and the RSS profile ask) in UTC:
    /// `Tue, 05 Mar 2024 14:30:00 +0000` (RSS 2.0).
    public static func rfc822(_ date: Date) -> String {
        let t = brokenDown(date)
        return "\(weekdays[t.weekday]), \(pad(t.day, 2)) \(months[t.month - 1]) \(pad(t.year, 4)) \(pad(t.hour, 2)):\(pad(t.minute, 2)):\(pad(t.second, 2)) +0000"
    }

    /// The calendar date in UTC, `2024-03-05`, as tag URIs use it.
    public static func day(_ date: Date) -> String {
        let t = brokenDown(date)
        return "\(pad(t.year, 4))-\(pad(t.month, 2))-\(pad(t.day, 2))"
    }

    struct BrokenDown { var year, month, day, hour, minute, second, weekday: Int }

    /// Broken-down UTC time from the instant, through the same calendar arithmetic the
    /// loader uses to read dates (`civilFromDays`), so no C library time zone state is
    /// involved.
    static func brokenDown(_ date: Date) -> BrokenDown {
        let seconds = Int(date.timeIntervalSince1970.rounded(.down))
        var days = seconds / 86_400
        var rest = seconds % 86_400
        if rest < 0 { rest += 86_400; days -= 1 }
        let weekday = ((days % 7) + 11) % 7 // 1970-01-01 was a Thursday (4)
        let (year, month, day) = civilFromDays(days)
        return BrokenDown(year: year, month: month, day: day, hour: rest / 3600,
                          minute: (rest % 3600) / 60, second: rest % 60, weekday: weekday)
    }

    private static func pad(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }
}
