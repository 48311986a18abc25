#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Watches the bytes handed to libxml2's streaming parser for markup it would take too
/// long over, and stops the reading there, before libxml2 spends the time: a start tag
/// with more attributes than `attributeLimit`. libxml2 2.9 checks each attribute of a tag
/// against all the tag's earlier ones, so its time grows with the square of their number:
/// one element with 100,000 attributes (1 MB) takes minutes, and a document of elements
/// with thousands each takes hours. No feed needs more than a few dozen on an element.
///
/// A lexical pass in pieces (`MarkupLexer`), in the document's bytes as they arrive.
/// UTF-16 and UTF-32, told by their first four bytes as XML 1.0 Appendix F tells them,
/// are read a code unit at a time; any other encoding a byte at a time, as the markup
/// characters are ASCII in all of them. Text is skipped with `memchr`, so the pass costs
/// little beside parsing.
struct MarkupGuard {
    /// The most attributes (namespace declarations included) a start tag may have.
    static let attributeLimit = 256

    /// Why the guard stopped the reading.
    enum Stop: Equatable {
        /// The start tag with this ordinal (`XMLElement.ordinal`) and name (its first 256
        /// bytes) has more than `attributeLimit` attributes.
        case attributes(tag: Int, name: String)
    }

    /// Set when `admit` returns `false`.
    private(set) var stop: Stop?

    private var lexer = MarkupLexer()
    /// Attributes of the current start tag so far.
    private var attributes = 0
    /// Start tags met so far, and the name of the current one.
    private var startTags = 0
    private var name: [UInt8] = []
    /// The first bytes, until the encoding is told from them.
    private var head: [UInt8] = []
    /// Bytes a code unit (1 until told otherwise; 2 for UTF-16, 4 for UTF-32).
    private var width = 0
    private var bigEndian = false
    /// The bytes of a code unit split between two pieces.
    private var partial: [UInt8] = []

    /// Reads the next bytes; `false` once the reading must stop (`stop` says why).
    mutating func admit(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard let base = bytes.baseAddress else { return true }
        var index = 0
        if width == 0 {
            while head.count < 4 && index < bytes.count {
                head.append(bytes[index])
                index += 1
            }
            guard head.count == 4 else { return true }
            tellEncoding()
            let told = head
            head = []
            if !admitUnits(told) { return false }
        }
        if width > 1 { return admitUnits(UnsafeRawBufferPointer(rebasing: bytes[index...])) }
        while index < bytes.count {
            if lexer.isInText {
                // Straight to the next `<`.
                guard let found = memchr(base + index, 0x3C, bytes.count - index) else { return true }
                index = base.distance(to: UnsafeRawPointer(found))
            }
            if !step(bytes[index]) { return false }
            index += 1
        }
        return true
    }

    /// UTF-32 and UTF-16 (either byte order, with or without a byte order mark) by the
    /// first four bytes; anything else is read a byte at a time.
    private mutating func tellEncoding() {
        switch (head[0], head[1], head[2], head[3]) {
        case (0x00, 0x00, 0xFE, 0xFF), (0x00, 0x00, 0x00, 0x3C): width = 4; bigEndian = true
        case (0xFF, 0xFE, 0x00, 0x00), (0x3C, 0x00, 0x00, 0x00): width = 4; bigEndian = false
        case (0xFE, 0xFF, _, _), (0x00, 0x3C, _, _): width = 2; bigEndian = true
        case (0xFF, 0xFE, _, _), (0x3C, 0x00, _, _): width = 2; bigEndian = false
        default: width = 1
        }
    }

    /// Reads `bytes` a code unit at a time (a byte, when `width` is 1).
    private mutating func admitUnits<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> Bool {
        for byte in bytes {
            guard width > 1 else {
                if !step(byte) { return false }
                continue
            }
            partial.append(byte)
            guard partial.count == width else { continue }
            let value = bigEndian ? partial.reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
                                  : partial.reversed().reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
            partial.removeAll(keepingCapacity: true)
            // The markup characters are ASCII; anything else stands for text.
            if !step(value < 0x80 ? UInt8(value) : 0x80) { return false }
        }
        return true
    }

    private mutating func step(_ byte: UInt8) -> Bool {
        switch lexer.step(byte) {
        case .startTagOpened:
            attributes = 0
            startTags += 1
            name.removeAll(keepingCapacity: true)
            name.append(byte)
        case .nameCharacter:
            if name.count < 256 { name.append(byte) }
        case .attribute:
            attributes += 1
            if attributes > MarkupGuard.attributeLimit {
                stop = .attributes(tag: startTags - 1, name: String(decoding: name, as: UTF8.self))
                return false
            }
        default:
            break
        }
        return true
    }
}
