import Testing
@testable import CrierValidation

/// Whole numbers are read as the W3C validator reads them (Python's `int()`), in one place
/// that every integer rule uses.
@Suite struct IntegerValueTests {
    @Test func whiteSpaceAroundASignAndLeadingZerosAreRead() {
        #expect(OtherValues.integerValue("60") == 60)
        #expect(OtherValues.integerValue("+60") == 60)
        #expect(OtherValues.integerValue(" 1234 ") == 1234)
        #expect(OtherValues.integerValue("\n\t-12\n") == -12)
        #expect(OtherValues.integerValue("060") == 60)
        #expect(OtherValues.integerValue("-0") == 0)
    }

    @Test func anythingButASignAndASCIIDigitsIsNoNumber() {
        for text in ["", " ", "+", "-", "+-1", "- 1", "1 2", "1_000", "1.0", "1e3", "0x10", "١٢", "１２", "12a"] {
            #expect(OtherValues.integerValue(text) == nil, "\(text)")
        }
    }

    @Test func numbersPastTheRangeAreClampedSoRangeChecksStillSeeThem() {
        #expect(OtherValues.integerValue("99999999999999999999999") == .max)
        #expect(OtherValues.integerValue("-99999999999999999999999") == .min)
        #expect(OtherValues.integerValue(String(Int.max)) == .max)
        #expect(OtherValues.isPositiveInteger("99999999999999999999999"))
        #expect(!OtherValues.isNonNegativeInteger("-99999999999999999999999"))
    }

    @Test func zeroIsNotPositiveButIsNonNegative() {
        #expect(!OtherValues.isPositiveInteger("0"))
        #expect(!OtherValues.isPositiveInteger("+0"))
        #expect(OtherValues.isNonNegativeInteger("-0"))
        #expect(!OtherValues.isNonNegativeInteger("-1"))
        #expect(OtherValues.isInteger("-1"))
    }
}
