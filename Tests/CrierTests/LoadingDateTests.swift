import Foundation
import Testing
@testable import Crier

@Suite("Dates as people write them")
struct LoadingDateTests {
    let berlin = TimeZone(identifier: "Europe/Berlin")!

    @Test(arguments: [
        ("2024-03-05", utcDate(2024, 3, 4, 23)),
        ("2024-3-5", utcDate(2024, 3, 4, 23)),
        ("2024-03-05 14:30", utcDate(2024, 3, 5, 13, 30)),
        ("2024-03-05 14:30:00", utcDate(2024, 3, 5, 13, 30)),
        ("2024-03-05 14:30:00 +0100", utcDate(2024, 3, 5, 13, 30)),
        ("2024-03-05 14:30:00 -05:00", utcDate(2024, 3, 5, 19, 30)),
        ("2024-03-05T14:30:00Z", utcDate(2024, 3, 5, 14, 30)),
        ("2024-03-05t14:30:00z", utcDate(2024, 3, 5, 14, 30)),
        ("2024-03-05T14:30:00+01:00", utcDate(2024, 3, 5, 13, 30)),
        ("2024-03-05T14:30:00.5+01:00", utcDate(2024, 3, 5, 13, 30).addingTimeInterval(0.5)),
        ("2001-12-14 21:59:43.10 -5", utcDate(2001, 12, 15, 2, 59, 43).addingTimeInterval(0.1)),
        ("2024-03-05 14:30:00 UTC", utcDate(2024, 3, 5, 14, 30)),
        ("  2024-07-01 12:00  ", utcDate(2024, 7, 1, 10)),
    ])
    func acceptedFormsResolveInTheSiteZone(text: String, expected: Date) throws {
        let value = try #require(DateTimeValue.parse(text))
        #expect(abs(value.date(in: berlin).timeIntervalSince(expected)) < 0.000_5)
    }

    @Test(arguments: ["March 5, 2024", "2024-02-30", "2024-03-05 25:00", "2024-03-05T14:30:00+0100x", "05.03.2024", "2024-03-05 14:30 Europe/Berlin", ""])
    func unknownFormsAreRejected(text: String) {
        #expect(DateTimeValue.parse(text) == nil)
    }

    /// A fraction a hair below the next second stays in its own second (a `Date`'s
    /// `Double` rounded `.9999999` up: a post of 31 December was published on 1 January,
    /// and one at the last second of 9999 was refused as year 10000).
    @Test func aFractionJustBelowTheNextSecondStaysInItsSecond() throws {
        for (text, expected) in [("2024-12-31T23:59:59.9999999Z", "2024-12-31T23:59:59Z"),
                                 ("9999-12-31T23:59:59.999999999Z", "9999-12-31T23:59:59Z"),
                                 ("2024-03-05T14:30:00.5+01:00", "2024-03-05T13:30:00Z")] {
            let value = try #require(DateTimeValue.parse(text))
            #expect(FeedDates.rfc3339(value.date(in: berlin)) == expected, "\(text)")
        }
    }

    @Test func wallClockTimesInADaylightSavingGapMoveForward() {
        // 2024-03-31 02:30 does not exist in Berlin (clocks jump from 02:00 to 03:00).
        let value = DateTimeValue.parse("2024-03-31 02:30")!
        #expect(value.date(in: berlin) == utcDate(2024, 3, 31, 1, 30), "03:30 in Berlin")
        // In São Paulo the clocks jumped from 2018-11-04 00:00 to 01:00: a post dated that
        // day (midnight) stays on it, at 01:00, as in Jekyll (it went to 23:00 the day before).
        let saoPaulo = TimeZone(identifier: "America/Sao_Paulo")!
        let midnight = DateTimeValue.parse("2018-11-04")!.date(in: saoPaulo)
        #expect(midnight == utcDate(2018, 11, 4, 3), "\(midnight)")
        #expect(CivilTime(midnight, in: saoPaulo).day == 4)
        // Times next to a jump, which exist, are kept: 01:30 in Berlin is before it, 03:30 after.
        #expect(DateTimeValue.parse("2024-03-31 01:30")!.date(in: berlin) == utcDate(2024, 3, 31, 0, 30))
        #expect(DateTimeValue.parse("2024-03-31 03:30")!.date(in: berlin) == utcDate(2024, 3, 31, 1, 30))
        // A time that happens twice (clocks set back) is the later one, in every zone, as
        // Jekyll reads it (checked with jekyll-feed: 01:30 in New York that day is 06:30Z).
        #expect(DateTimeValue.parse("2024-10-27 02:30")!.date(in: berlin) == utcDate(2024, 10, 27, 1, 30))
        let newYork = TimeZone(identifier: "America/New_York")!
        #expect(DateTimeValue.parse("2024-11-03 01:30")!.date(in: newYork) == utcDate(2024, 11, 3, 6, 30))
        let london = TimeZone(identifier: "Europe/London")!
        #expect(DateTimeValue.parse("2024-10-27 01:30")!.date(in: london) == utcDate(2024, 10, 27, 1, 30))
    }

    @Test func civilTimeBreaksDownInAZone() {
        let t = CivilTime(utcDate(2024, 12, 31, 23, 30), in: berlin)
        let parts: [Int] = [t.year, t.month, t.day, t.hour, t.minute, t.dayOfYear, t.weekday]
        #expect(parts == [2025, 1, 1, 0, 30, 1, 3])
    }

    @Test func permalinkDatePlaceholdersIncludeISOWeeks() {
        // 2021-01-01 is a Friday in ISO week 53 of 2020.
        let time = CivilTime(utcDate(2021, 1, 1, 12), in: TimeZone(identifier: "UTC")!)
        #expect(Permalink.dateValue("week", time) == "53")
        #expect(Permalink.dateValue("w_year", time) == "2020")
        #expect(Permalink.dateValue("y_day", time) == "001")
        #expect(Permalink.dateValue("short_day", time) == "Fri")
        #expect(Permalink.dateValue("long_month", time) == "January")
        #expect(Permalink.dateValue("title", time) == nil)
    }
}
