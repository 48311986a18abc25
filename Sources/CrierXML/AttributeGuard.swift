#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Watches the bytes handed to libxml2 for a start tag with more attributes than
/// `limit`. libxml2 2.9 checks each attribute of a tag against all the tag's earlier
/// ones, so its time grows with the square of their number: one element with 100,000
/// attributes (1 MB) takes minutes, and a document of elements with thousands each takes
/// hours. No feed needs more than a few dozen on an element.
///
/// A lexical pass in pieces, in the document's bytes as they arrive: attributes are
/// counted by their `=` in start tags, outside quoted values; comments, CDATA sections,
/// processing instructions, end tags and the document type declaration are stepped over
/// (in XML text a `<` always starts markup). Text is skipped with `memchr`, so the pass
/// costs little beside parsing.
struct AttributeGuard {
    /// The most attributes (namespace declarations included) a start tag may have.
    static let limit = 256

    private enum State {
        case text, open, bang, bangDash, comment, cdata, instruction, endTag, tag, declaration, declarationComment
    }
    private var state = State.text
    private var attributes = 0
    private var quote: UInt8 = 0
    private var depth = 0
    /// Bytes since the current comment, CDATA section or instruction opened.
    private var run = 0
    /// The last four bytes, the newest lowest.
    private var window: UInt32 = 0

    /// Reads the next bytes; `false` once a start tag has more than `limit` attributes.
    mutating func admit(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard let base = bytes.baseAddress else { return true }
        var index = 0
        while index < bytes.count {
            if state == .text {
                // Straight to the next `<`.
                guard let found = memchr(base + index, 0x3C, bytes.count - index) else { return true }
                index = base.distance(to: UnsafeRawPointer(found))
            }
            if !step(bytes[index]) { return false }
            index += 1
        }
        return true
    }

    private mutating func step(_ byte: UInt8) -> Bool {
        window = window << 8 | UInt32(byte)
        let previous = UInt8(truncatingIfNeeded: window >> 8)
        let beforePrevious = UInt8(truncatingIfNeeded: window >> 16)
        switch state {
        case .text:
            if byte == 0x3C { state = .open }
        case .open:
            switch byte {
            case 0x2F: state = .endTag  // </
            case 0x3F: state = .instruction; run = 0  // <?
            case 0x21: state = .bang  // <!
            case 0x20, 0x09, 0x0A, 0x0D, 0x3E, 0x3C: state = .text
            default: state = .tag; attributes = 0; quote = 0
            }
        case .bang:
            switch byte {
            case 0x2D: state = .bangDash
            case 0x5B: state = .cdata; run = 0
            case 0x3E: state = .text
            default: state = .declaration; quote = 0; depth = 0
            }
        case .bangDash:
            if byte == 0x2D {
                state = .comment
                run = 0
            } else {
                state = .declaration
                quote = 0
                depth = 0
            }
        case .comment:
            run += 1
            if byte == 0x3E && run >= 3 && previous == 0x2D && beforePrevious == 0x2D { state = .text }
        case .cdata:
            run += 1
            if byte == 0x3E && run >= 9 && previous == 0x5D && beforePrevious == 0x5D { state = .text }
        case .instruction:
            run += 1
            if byte == 0x3E && run >= 2 && previous == 0x3F { state = .text }
        case .endTag:
            if byte == 0x3E { state = .text }
        case .tag:
            if quote != 0 {
                if byte == quote { quote = 0 }
            } else if byte == 0x22 || byte == 0x27 {
                quote = byte
            } else if byte == 0x3D {
                attributes += 1
                if attributes > AttributeGuard.limit { return false }
            } else if byte == 0x3E {
                state = .text
            }
        case .declaration:
            if quote != 0 {
                if byte == quote { quote = 0 }
            } else if byte == 0x22 || byte == 0x27 {
                quote = byte
            } else if byte == 0x5B {
                depth += 1
            } else if byte == 0x5D {
                depth -= 1
            } else if byte == 0x3E && depth <= 0 {
                state = .text
            } else if window == 0x3C21_2D2D {  // "<!--" in the internal subset
                state = .declarationComment
                run = 0
            }
        case .declarationComment:
            run += 1
            if byte == 0x3E && run >= 3 && previous == 0x2D && beforePrevious == 0x2D { state = .declaration }
        }
        return true
    }
}
