import Foundation

/// Formats dates for feeds from broken-down UTC time: no `DateFormatter` (slow, and not
/// safe to share across threads), and the same instant always gives the same text.
public enum FeedDates {
    private static let weekdays = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// RFC 3339 in UTC to the second: `2024-03-05T14:30:00Z` (Atom, JSON Feed).
    public static func rfc3339(_ date: Date) -> String {
        let t = brokenDown(date)
        guard (0...9999).contains(t.year) else {
            return "\(pad(t.year, 4))-\(pad(t.month, 2))-\(pad(t.day, 2))T\(pad(t.hour, 2)):\(pad(t.minute, 2)):\(pad(t.second, 2))Z"
        }
        return text(20) { b in
            putDate(t, at: 0, in: b)
            b[10] = UInt8(ascii: "T")
            putTime(t, at: 11, in: b)
            b[19] = UInt8(ascii: "Z")
        }
    }

    /// RFC 822 (with four-digit year, as RFC 1123 and the RSS profile ask) in UTC:
    /// `Tue, 05 Mar 2024 14:30:00 +0000` (RSS 2.0).
    public static func rfc822(_ date: Date) -> String {
        let t = brokenDown(date)
        guard (0...9999).contains(t.year) else {
            return "\(weekdays[t.weekday]), \(pad(t.day, 2)) \(months[t.month - 1]) \(pad(t.year, 4)) \(pad(t.hour, 2)):\(pad(t.minute, 2)):\(pad(t.second, 2)) +0000"
        }
        return text(31) { b in
            for (i, byte) in weekdays[t.weekday].utf8.enumerated() { b[i] = byte }
            b[3] = UInt8(ascii: ",")
            b[4] = space
            put(t.day, 2, at: 5, in: b)
            b[7] = space
            for (i, byte) in months[t.month - 1].utf8.enumerated() { b[8 + i] = byte }
            b[11] = space
            put(t.year, 4, at: 12, in: b)
            b[16] = space
            putTime(t, at: 17, in: b)
            for (i, byte) in " +0000".utf8.enumerated() { b[25 + i] = byte }
        }
    }

    /// The calendar date in UTC, `2024-03-05`, as tag URIs use it.
    public static func day(_ date: Date) -> String {
        let t = brokenDown(date)
        guard (0...9999).contains(t.year) else { return "\(pad(t.year, 4))-\(pad(t.month, 2))-\(pad(t.day, 2))" }
        return text(10) { b in putDate(t, at: 0, in: b) }
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

    private static let dash = UInt8(ascii: "-"), colon = UInt8(ascii: ":"), space = UInt8(ascii: " ")

    /// ASCII text of exactly `count` bytes, every one of them set by `fill`: one
    /// allocation, where interpolating padded numbers takes one per piece. (Years 0 to
    /// 9999 take this way; others the general one.)
    private static func text(_ count: Int, _ fill: (UnsafeMutableBufferPointer<UInt8>) -> Void) -> String {
        String(unsafeUninitializedCapacity: count) { buffer in
            fill(buffer)
            return count
        }
    }

    /// `YYYY-MM-DD` (10 bytes) at `offset`.
    private static func putDate(_ t: BrokenDown, at offset: Int, in buffer: UnsafeMutableBufferPointer<UInt8>) {
        put(t.year, 4, at: offset, in: buffer)
        buffer[offset + 4] = dash
        put(t.month, 2, at: offset + 5, in: buffer)
        buffer[offset + 7] = dash
        put(t.day, 2, at: offset + 8, in: buffer)
    }

    /// `HH:MM:SS` (8 bytes) at `offset`.
    private static func putTime(_ t: BrokenDown, at offset: Int, in buffer: UnsafeMutableBufferPointer<UInt8>) {
        put(t.hour, 2, at: offset, in: buffer)
        buffer[offset + 2] = colon
        put(t.minute, 2, at: offset + 3, in: buffer)
        buffer[offset + 5] = colon
        put(t.second, 2, at: offset + 6, in: buffer)
    }

    /// `value` (from 0 to below 10^`width`) in `width` decimal digits, zero-padded, at `offset`.
    private static func put(_ value: Int, _ width: Int, at offset: Int, in buffer: UnsafeMutableBufferPointer<UInt8>) {
        var value = value
        for i in (0..<width).reversed() {
            buffer[offset + i] = UInt8(ascii: "0") + UInt8(value % 10)
            value /= 10
        }
    }

    private static func pad(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }
}
