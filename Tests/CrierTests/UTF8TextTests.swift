import Testing
import CrierMarkdown

/// `UTF8Text` must accept exactly what the standard library accepts, and make the same
/// string from it.
@Suite("UTF-8 validation")
struct UTF8TextTests {
    /// The standard library's verdict and string.
    private func expected(_ bytes: [UInt8]) -> String? {
        String(validating: bytes, as: UTF8.self)
    }

    private func actual(_ bytes: [UInt8]) -> String? {
        bytes.withUnsafeBytes { UTF8Text.string(validating: $0) }
    }

    @Test func everySequenceOfUpToTwoBytesAgreesWithTheStandardLibrary() {
        for a in 0...255 {
            let one = [UInt8(a)]
            #expect(actual(one) == expected(one), "\(one)")
            for b in 0...255 {
                let two = [UInt8(a), UInt8(b)]
                if actual(two) != expected(two) {
                    Issue.record("disagree on \(two)")
                    return
                }
            }
        }
    }

    @Test func everyThreeAndFourByteLeadWithBoundaryContinuationsAgrees() {
        // Each lead byte with continuation bytes at and around every boundary of table 3-7.
        let seconds: [UInt8] = [0x00, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xFF]
        let thirds: [UInt8] = [0x41, 0x80, 0xBF, 0xC0]
        for lead in 0xC0...0xFF {
            for second in seconds {
                for third in thirds {
                    for fourth in thirds {
                        let bytes = [UInt8(lead), second, third, fourth]
                        #expect(actual(bytes) == expected(bytes), "\(bytes)")
                        let cut = Array(bytes.prefix(3))
                        #expect(actual(cut) == expected(cut), "\(cut)")
                    }
                }
            }
        }
    }

    @Test func aBadByteIsFoundWhereverTheWordScanLeavesOff() {
        // Long ASCII runs take the eight- and thirty-two-byte paths; a bad byte at every
        // offset around their ends must still be seen, and a good one kept.
        let bad: [[UInt8]] = [[0xFF], [0xC3], [0xE2, 0x82], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0x80]]
        let good: [[UInt8]] = [[0xC3, 0xA9], [0xE2, 0x82, 0xAC], [0xF0, 0x9F, 0x98, 0x80]]
        for offset in 0..<80 {
            for tail in [0, 1, 7, 31, 40] {
                let before = [UInt8](repeating: 0x61, count: offset)
                let after = [UInt8](repeating: 0x62, count: tail)
                for sequence in bad {
                    let bytes = before + sequence + after
                    #expect(actual(bytes) == nil, "\(sequence) at \(offset)")
                    #expect(bytes.withUnsafeBytes { UTF8Text.firstInvalidOffset($0) } == offset, "\(sequence) at \(offset)")
                }
                for sequence in good {
                    let bytes = before + sequence + after
                    #expect(actual(bytes) == expected(bytes), "\(sequence) at \(offset)")
                }
            }
        }
    }

    @Test func textWithEveryKindOfScalarComesBackTheSame() {
        let text = String(repeating: "plain ASCII text, then é, € and 😀; NUL \u{0} and \u{10FFFF} ", count: 50)
        #expect(actual(Array(text.utf8)) == text)
        #expect(actual([]) == "")
    }
}
