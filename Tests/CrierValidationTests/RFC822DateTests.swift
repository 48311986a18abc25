import Testing
@testable import CrierValidation

/// The byte-at-a-time reading of the common RFC 822 form must judge every date it reads
/// as the general reading does, and must read the form Crier and most feeds write.
@Suite struct RFC822DateTests {
    @Test func theCommonFormIsJudgedAsTheGeneralReadingJudgesIt() {
        var read = 0
        for year in [1899, 1900, 1901, 2000, 2023, 2024, 2100] {
            for month in DateValues.months {
                for day in ["00", "01", "09", "28", "29", "30", "31", "32"] {
                    for dow in ["Sun", "Mon", "Wed", "Sat"] {
                        for zone in ["+0000", "-0530", "GMT", "+00:00"] {
                            let value = "\(dow), \(day) \(month) \(year) 12:34:56 \(zone)"
                            if let common = DateValues.commonRFC2822(value) {
                                read += 1
                                #expect(common == DateValues.strictRFC2822(value), "\(value)")
                            }
                        }
                    }
                }
            }
        }
        // Every numeric-zone value of the loops above: 7 years, 12 months, 8 days, 4 names, 2 zones.
        #expect(read == 7 * 12 * 8 * 4 * 2)
    }

    @Test func verdictsOfTheCommonForm() {
        #expect(DateValues.rfc822("Wed, 01 May 2024 12:00:00 +0000") == .valid)
        #expect(DateValues.rfc822("Thu, 01 May 2024 12:00:00 +0000") == .incorrectDayOfWeek)
        #expect(DateValues.rfc822("Fri, 30 Feb 2024 12:00:00 -0800") == .invalid)
        #expect(DateValues.rfc822("Thu, 29 Feb 2024 99:99:99 +0000") == DateValues.strictRFC2822("Thu, 29 Feb 2024 99:99:99 +0000"))
    }

    @Test func otherFormsAreLeftToTheGeneralReading() {
        for value in ["Wed,  01 May 2024 12:00:00 +0000", "Wed, 1 May 2024 12:00:00 +0000", "Wed, 01 May 2024 12:00 +0000",
                      "01 May 2024 12:00:00 +0000", "Wed, 01 may 2024 12:00:00 +0000", "Wed, 01 May 24 12:00:00 +0000",
                      "Wed, 01 May 2024 12:00:00 +0000 ", "Wed, 01 May 2024 12:00:00 EST", "Wed, 01 May 2024 12:00:00 +00000"] {
            #expect(DateValues.commonRFC2822(value) == nil, "\(value)")
        }
        #expect(DateValues.rfc822("Wed, 01 May 24 12:00:00 +0000") == .problematic)
        #expect(DateValues.rfc822("Wed, 1 May 2024 12:00:00 EST") == .valid)
    }
}
