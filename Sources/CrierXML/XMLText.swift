/// Text cleaning for XML 1.0 output.
public enum XMLText {
    /// Whether XML 1.0 allows `scalar` in a document at all (even as a character reference).
    ///
    /// XML 1.0 §2.2: `#x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF]`.
    public static func isAllowed(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x9, 0xA, 0xD: return true
        case 0x20...0xD7FF: return true
        case 0xE000...0xFFFD: return true
        case 0x10000...0x10FFFF: return true
        default: return false
        }
    }

    /// Removes every character XML 1.0 forbids (C0 controls such as form feed and escape,
    /// U+FFFE, U+FFFF), so that the text can be written into any document.
    public static func cleaned(_ text: String) -> String {
        if isAllClean(text) { return text }
        var scalars = String.UnicodeScalarView()
        scalars.append(contentsOf: text.unicodeScalars.lazy.filter(isAllowed))
        return String(scalars)
    }

    /// Whether every character of `text` is allowed, judged on its UTF-8 bytes: the
    /// forbidden ones are the C0 controls but tab, newline and carriage return (single
    /// bytes below 0x20, which never occur inside a multi-byte sequence) and U+FFFE and
    /// U+FFFF (EF BF BE, EF BF BF). Surrogates cannot occur in a Swift string.
    static func isAllClean(_ text: String) -> Bool {
        let fast = text.utf8.withContiguousStorageIfAvailable { bytes -> Bool in
            for (index, byte) in bytes.enumerated() {
                if byte < 0x20 {
                    if byte != 0x09 && byte != 0x0A && byte != 0x0D { return false }
                } else if byte == 0xEF, index + 2 < bytes.count, bytes[index + 1] == 0xBF, bytes[index + 2] >= 0xBE {
                    return false
                }
            }
            return true
        }
        return fast ?? text.unicodeScalars.allSatisfy(isAllowed)
    }
}
