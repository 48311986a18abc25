#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Watches the bytes handed to libxml2's streaming parser for markup it would take too
/// long over, and stops the reading there, before libxml2 spends the time.
///
/// - A start tag with more attributes than `attributeLimit`: libxml2 2.9 checks each
///   attribute of a tag against all the tag's earlier ones, so its time grows with the
///   square of their number (one element with 100,000 attributes, 1 MB, takes minutes).
///   No feed needs more than a few dozen on an element.
/// - A CDATA section longer than `cdataLimit`, libxml2's own limit on a text: libxml2
///   would stop there too, but only once it has read the whole section, which takes it
///   minutes (see below).
/// - A CDATA section that libxml2 would read again and again (`rescanBudget`). libxml2
///   2.9's push parser, which the streaming reader feeds, takes a CDATA section whose end
///   it has not seen yet 300 bytes at a time, and only when a piece handed to it holds a
///   `>`; each time it looks for the section's end through everything it holds of the
///   section. Fed in pieces larger than 300 bytes, it falls behind, and what it holds
///   grows with the section: an 8 MB section full of `>` took 27 s. So inside a long
///   CDATA section the reader is fed small pieces (`readSize`), and never falls behind on
///   content with `>` throughout (HTML). A long run without `>` (a base64 image) still
///   leaves it holding the whole run, to be taken 300 bytes at a time once `>` come
///   again: the guard follows what libxml2 holds and rereads, and stops when the
///   rereading would pass `rescanBudget` bytes.
/// - A start tag, comment or processing instruction that libxml2 would read again and
///   again (`rescanBudget` too). libxml2 2.9's push parser keeps such markup whole until it
///   has seen its end, and each time a piece it is given (512 bytes) holds a `>`, it looks
///   back through all it holds for the last `<`, and forward again from there: a 5 MB
///   comment, processing instruction or attribute value with a `>` in every piece took
///   10 to 18 s, growing with the square of the length. Markup without `>` inside, or with
///   a `<` (which ends the search), costs nothing of the kind, however long (a `data:` URI
///   in an attribute); libxml2's own limits stop it at 10,000,000 bytes.
///
/// A lexical pass in pieces (`MarkupLexer`), in the document's bytes as they arrive.
/// UTF-16 and UTF-32, told by their first four bytes as XML 1.0 Appendix F tells them,
/// are read a code unit at a time; any other encoding a byte at a time, as the markup
/// characters are ASCII in all of them. Text is skipped with `memchr`, so the pass costs
/// little beside parsing.
struct MarkupGuard {
    /// The most attributes (namespace declarations included) a start tag may have.
    static let attributeLimit = 256
    /// The most bytes (or UTF-16/UTF-32 code units) of content a CDATA section may have,
    /// carriage returns not counted: libxml2's limit on a text node, which a section longer
    /// than this always exceeds.
    static let cdataLimit = 10_000_000
    /// The most bytes libxml2 may be left to reread for the CDATA sections of a document
    /// (about a second of its time), beyond 16 times the bytes read: rereading that grows
    /// with the document, not with the square of a section, is no reason to stop.
    static let rescanBudget = 1 << 30

    /// Why the guard stopped the reading.
    enum Stop: Equatable {
        /// The start tag with this ordinal (`XMLElement.ordinal`) and name (its first 256
        /// bytes) has more than `attributeLimit` attributes.
        case attributes(tag: Int, name: String)
        /// The CDATA section with this index (0 the first) is longer than `cdataLimit`.
        case cdataLength(section: Int)
        /// The CDATA section with this index, `bytes` long so far, would be reread past
        /// `rescanBudget`.
        case cdataRescans(section: Int, bytes: Int)
        /// The start tag with this ordinal and name, `bytes` long so far, would be reread
        /// past `rescanBudget`.
        case tagRescans(tag: Int, name: String, bytes: Int)
        /// The comment or processing instruction (`instruction`) opened by the `<` with
        /// this index among those in text (0 the first; `MarkupLexer.Event.markupOpened`),
        /// `bytes` long so far, would be reread past `rescanBudget`.
        case markupRescans(markup: Int, instruction: Bool, bytes: Int)
    }

    /// Set when `admit` returns `false`.
    private(set) var stop: Stop?

    private var lexer = MarkupLexer()
    /// Attributes of the current start tag so far.
    private var attributes = 0
    /// Start tags met so far, and the name of the current one.
    private var startTags = 0
    private var name: [UInt8] = []
    /// CDATA sections met so far, and the content units of the current one.
    private var cdataSections = 0
    private var cdataUnits = 0
    /// What libxml2 holds of the current CDATA section and has not taken yet, as far as
    /// the guard can tell; what it has reread so far; whether this piece holds a `>` of
    /// the section.
    private var held = 0
    private var reread = 0
    private var pieceHasGreaterThan = false
    /// Bytes read so far.
    private var admitted = 0
    /// Code units read so far (bytes, but for UTF-16 and UTF-32).
    private var position = 0
    /// Where the last `<` was, as a position.
    private var lastLessThan = 0
    /// Markup opened by a `<` in text so far; what the current one is, when it is one
    /// libxml2 keeps whole until its end (a start tag, comment or instruction), and where
    /// it starts.
    private var markups = 0
    private var markup = Markup.none
    private var markupStart = 0
    /// The last 512-byte piece that held a `>` of such markup, and what libxml2 has
    /// searched through again for the markup so far.
    private var lastSearchedPiece = -1
    private var markupReread = 0

    private enum Markup { case none, opened, startTag, comment, instruction }
    /// The first bytes, until the encoding is told from them.
    private var head: [UInt8] = []
    /// Bytes a code unit (1 until told otherwise; 2 for UTF-16, 4 for UTF-32).
    private var width = 0
    private var bigEndian = false
    /// The bytes of a code unit split between two pieces.
    private var partial: [UInt8] = []

    /// How many bytes to hand libxml2 next, at most: a few inside a long CDATA section
    /// (fewer while libxml2 holds much of it, so that each `>` lets it take more than it
    /// is given), else `count`. A section of a few kilobytes, as most are, costs libxml2
    /// little either way, and small pieces cost time of their own.
    func readSize(_ count: Int) -> Int {
        guard lexer.isInCDATA && cdataUnits > MarkupGuard.smallPiecesAfter else { return count }
        return min(count, held > 4096 ? 32 : 256)
    }

    /// Content bytes of a CDATA section after which libxml2 is fed small pieces.
    static let smallPiecesAfter = 1 << 16

    /// Reads the next bytes, which libxml2 is then given in one piece; `false` once the
    /// reading must stop (`stop` says why).
    mutating func admit(_ bytes: UnsafeRawBufferPointer) -> Bool {
        let before = cdataUnits
        let section = cdataSections
        pieceHasGreaterThan = false
        admitted += bytes.count
        guard admitBytes(bytes) else { return false }
        // libxml2's part of the section: it tries when the piece holds a `>`, rereading all
        // it holds, and takes 300 bytes when it holds more than 301 (libxml2 2.9's
        // XML_PARSER_BIG_BUFFER_SIZE). A section that ended in this piece it takes whole.
        if lexer.isInCDATA {
            if cdataSections != section { held = 0 }
            held += cdataSections == section ? cdataUnits - before : cdataUnits
            if pieceHasGreaterThan {
                reread += held
                if held >= 302 { held -= 300 }
            }
            if reread > MarkupGuard.rescanBudget + 16 * admitted {
                stop = .cdataRescans(section: cdataSections - 1, bytes: cdataUnits)
                return false
            }
        } else {
            held = 0
        }
        return true
    }

    private mutating func admitBytes(_ bytes: UnsafeRawBufferPointer) -> Bool {
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
                guard let found = memchr(base + index, 0x3C, bytes.count - index) else {
                    position += bytes.count - index
                    return true
                }
                let next = base.distance(to: UnsafeRawPointer(found))
                position += next - index
                index = next
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

    /// A `>` of a start tag, comment or instruction, at `here`: when libxml2 is given the
    /// 512-byte piece it is in, it looks back through what it holds to the last `<`, and
    /// forward again from there (once a piece); `false` when that makes the rereading of
    /// such markup pass `rescanBudget` (beyond 16 times the bytes read).
    private mutating func searchedAgain(at here: Int) -> Bool {
        let piece = here / 512
        guard piece != lastSearchedPiece else { return true }
        lastSearchedPiece = piece
        markupReread += 2 * (here - lastLessThan)
        guard markupReread > MarkupGuard.rescanBudget + 16 * here else { return true }
        if markup == .startTag {
            stop = .tagRescans(tag: startTags - 1, name: String(decoding: name, as: UTF8.self), bytes: here - markupStart)
        } else {
            stop = .markupRescans(markup: markups - 1, instruction: markup == .instruction, bytes: here - markupStart)
        }
        return false
    }

    private mutating func step(_ byte: UInt8) -> Bool {
        let here = position
        position += 1
        if byte == 0x3C { lastLessThan = here }
        let event = lexer.step(byte)
        if markup != .none {
            if byte == 0x3E && markup != .opened && !searchedAgain(at: here) { return false }
            if lexer.isInText { markup = .none }
        }
        switch event {
        case .markupOpened:
            markups += 1
            markup = .opened
            markupStart = here
        case .commentOpened where markup == .opened:
            markup = .comment
        case .instructionCharacter where markup == .opened:
            markup = .instruction
        case .cdataOpened, .declarationOpened, .endTagOpened:
            markup = .none
        default:
            break
        }
        switch event {
        case .startTagOpened:
            if markup == .opened { markup = .startTag }
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
        case .cdataOpened:
            cdataSections += 1
            cdataUnits = 0
        case .cdataCharacter:
            if byte == 0x3E { pieceHasGreaterThan = true }
            if byte != 0x0D { cdataUnits += 1 }
            // The last two may be its `]]>`.
            if cdataUnits > MarkupGuard.cdataLimit + 2 {
                stop = .cdataLength(section: cdataSections - 1)
                return false
            }
        default:
            break
        }
        return true
    }
}
