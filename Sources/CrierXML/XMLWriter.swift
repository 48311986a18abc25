import CLibXML2

/// An error from libxml2's writer.
public struct XMLWriterError: Error, Sendable, CustomStringConvertible {
    /// What the writer was doing when libxml2 reported the failure.
    public let operation: String
    /// `libxml2 writer failed: operation`.
    public var description: String { "libxml2 writer failed: \(operation)" }
}

/// Writes one XML document to memory through libxml2's `xmlTextWriter`.
///
/// Every piece of text and every attribute value is cleaned of characters XML 1.0
/// forbids before libxml2 sees it (libxml2 writes them as they come, which yields a
/// document no parser accepts). CDATA is never used; text is escaped (see `text(_:)`).
/// Not `Sendable`: one writer belongs to one task.
public final class XMLWriter {
    /// Where libxml2's output buffer flushes to: the document's bytes, in one Swift array
    /// (no second copy of a large feed in an `xmlBuffer`).
    private let sink: ByteSink
    private let writer: xmlTextWriterPtr
    private var finished = false
    /// Elements started and not yet ended: text written inside one is escaped here.
    private var openElements = 0
    /// Reused for escaped text.
    private let scratch = ScratchBuffer()

    /// The depth a fragment is written at; every element it opens must be closed.
    private var fragmentDepth = 0

    /// Starts a UTF-8 document with an XML declaration.
    /// - Parameters:
    ///   - indent: indent nested elements by two spaces per level.
    ///   - expectedSize: a guess at the document's size in bytes, reserved up front so a
    ///     large document is not copied each time its storage grows.
    public init(indent: Bool = true, expectedSize: Int = 0) throws {
        (sink, writer) = try Self.open(indent: indent, expectedSize: expectedSize)
        try check(xmlTextWriterStartDocument(writer, "1.0", "UTF-8", nil), "start document")
    }

    /// Starts a fragment: the elements written next, with no XML declaration, byte for byte
    /// as an indenting writer puts them `depth` elements deep in a document after a sibling
    /// element (indentation, and the newline after each end tag, included). A document's
    /// repeated children, such as a feed's entries, can so be written apart (in parallel)
    /// and joined between the bytes before and after them. Finish with `finishFragment()`.
    public init(fragmentAtDepth depth: Int, expectedSize: Int = 0) throws {
        let depth = max(0, depth)
        (sink, writer) = try Self.open(indent: true, expectedSize: expectedSize + 64 * (depth + 1))
        // Scaffolding, cut off in `finishFragment`: the enclosing elements and a sibling
        // before the fragment, so libxml2 indents the fragment as it would in place.
        for _ in 0..<depth { try check(xmlTextWriterStartElement(writer, "x"), "fragment scaffolding") }
        if depth > 0 {
            try check(xmlTextWriterStartElement(writer, "x"), "fragment scaffolding")
            try check(xmlTextWriterEndElement(writer), "fragment scaffolding")
        }
        try check(xmlTextWriterFlush(writer), "flush")
        // The scaffolding is written out; the fragment's bytes start the sink afresh.
        sink.bytes.removeAll(keepingCapacity: true)
        fragmentDepth = depth
        openElements = depth
    }

    private static func open(indent: Bool, expectedSize: Int) throws -> (ByteSink, xmlTextWriterPtr) {
        LibXML.ensureInitialised()
        let sink = ByteSink()
        if expectedSize > 0 { sink.bytes.reserveCapacity(expectedSize) }
        guard let output = xmlOutputBufferCreateIO(byteSinkWrite, byteSinkClose, Unmanaged.passUnretained(sink).toOpaque(), nil) else {
            throw XMLWriterError(operation: "xmlOutputBufferCreateIO")
        }
        // The writer owns the output buffer from here on and closes it when freed.
        guard let writer = xmlNewTextWriter(output) else {
            xmlOutputBufferClose(output)
            throw XMLWriterError(operation: "xmlNewTextWriter")
        }
        if indent {
            xmlTextWriterSetIndent(writer, 1)
            xmlTextWriterSetIndentString(writer, "  ")
        }
        return (sink, writer)
    }

    deinit {
        // Flushes and closes the output buffer, which still writes into `sink`.
        xmlFreeTextWriter(writer)
    }

    private func check(_ result: Int32, _ operation: @autoclosure () -> String) throws {
        if result < 0 { throw XMLWriterError(operation: operation()) }
    }

    /// Writes a processing instruction such as `xml-stylesheet`; throws for content holding
    /// `?>`, which would end it early (libxml2 writes it as it is).
    public func processingInstruction(_ target: String, _ content: String) throws {
        guard !content.contains("?>") else { throw XMLWriterError(operation: "processing instruction \(target) holding `?>`") }
        try check(xmlTextWriterWritePI(writer, target, XMLText.cleaned(content)), "processing instruction \(target)")
    }

    /// Opens an element; attributes are written in the order given.
    public func startElement(_ name: String, attributes: KeyValuePairs<String, String> = [:]) throws {
        try check(xmlTextWriterStartElement(writer, name), "start <\(name)>")
        openElements += 1
        for (key, value) in attributes {
            try attribute(key, value)
        }
    }

    /// Writes an attribute on the element just opened.
    public func attribute(_ name: String, _ value: String) throws {
        try check(xmlTextWriterWriteAttribute(writer, name, XMLText.cleaned(value)), "attribute \(name)")
    }

    /// Writes escaped character data.
    ///
    /// Inside an element only what XML requires is escaped: `&`, `<`, a `>` that could end
    /// `]]>` and carriage return (which a parser would otherwise read as a line break).
    /// `xmlTextWriterWriteString` also escapes every `>` and `"`; escaped HTML is full of
    /// both, and each `&gt;` or `&quot;` costs every reader an entity reference to parse
    /// (a feed of HTML content is about 7% smaller and a third faster for libxml2 to read).
    public func text(_ text: String) throws {
        if openElements > 0 {
            if try writeEscaped(text) { return }
            if try writeEscaped(XMLText.cleaned(text)) { return }
        }
        try check(xmlTextWriterWriteString(writer, XMLText.cleaned(text)), "text")
    }

    /// Escapes `text` as `text(_:)` describes, in one pass over its UTF-8 bytes that also
    /// checks that nothing needs cleaning, and writes it raw; returns `false`, having
    /// written nothing, when something does need cleaning.
    private func writeEscaped(_ text: String) throws -> Bool {
        var text = text
        let status: Int32? = text.withUTF8 { bytes -> Int32? in
            guard bytes.baseAddress != nil else {
                // Empty text still closes the start tag, as libxml2's own path does.
                return xmlTextWriterWriteRaw(writer, "")
            }
            // No byte becomes more than five (a carriage return, `&#13;`).
            let out = scratch.reserve(bytes.count * 5)
            switch Self.escape(bytes, into: out) {
            case .needsCleaning: return nil
            case .unchanged: return writeRaw(bytes)
            case .escaped(let count): return writeRaw(UnsafeBufferPointer(start: out, count: count))
            }
        }
        guard let status else { return false }
        try check(status, "text")
        return true
    }

    /// Text as `text(_:)` writes it inside an element, escaped: for a text written into
    /// several documents (an entry's content in Atom and in RSS), escaped once and written
    /// with `escapedText(_:)`. `nil` when the text needs cleaning first (a character XML
    /// forbids), which `text(_:)` does.
    public static func escaped(_ text: String) -> [UInt8]? {
        var text = text
        return text.withUTF8 { bytes -> [UInt8]? in
            guard bytes.baseAddress != nil else { return [] }
            let out = UnsafeMutablePointer<UInt8>.allocate(capacity: bytes.count * 5)
            defer { out.deallocate() }
            switch escape(bytes, into: out) {
            case .needsCleaning: return nil
            case .unchanged: return Array(bytes)
            case .escaped(let count): return Array(UnsafeBufferPointer(start: out, count: count))
            }
        }
    }

    /// Writes text that `escaped(_:)` escaped, inside the element just opened, as
    /// `text(_:)` would have written the original.
    public func escapedText(_ escaped: [UInt8]) throws {
        guard openElements > 0 else { throw XMLWriterError(operation: "escaped text outside an element") }
        let status = escaped.withUnsafeBufferPointer { bytes in
            bytes.isEmpty ? xmlTextWriterWriteRaw(writer, "") : writeRaw(bytes)
        }
        try check(status, "text")
    }

    private enum Escaping {
        /// A character XML forbids: the text must be cleaned first.
        case needsCleaning
        /// Nothing to escape: the text is written as it is.
        case unchanged
        /// The escaped text is the first `count` bytes of the output.
        case escaped(count: Int)
    }

    /// Escapes `bytes` (not empty) into `out`, room for five bytes each, in one pass that
    /// also checks that nothing needs cleaning. The escaped text is put together with plain
    /// copies (no `Array` append per run of markup between two escapes: HTML has one every
    /// few dozen bytes).
    private static func escape(_ bytes: UnsafeBufferPointer<UInt8>, into out: UnsafeMutablePointer<UInt8>) -> Escaping {
        let table = textByteNeedsLook
        let count = bytes.count
        let base = bytes.baseAddress!
        var written = 0
        var runStart = 0
        var index = 0
        /// Copies the run of bytes before `index` that needs no escape, then `replacement`.
        func emit(_ replacement: StaticString) {
            (out + written).update(from: base + runStart, count: index - runStart)
            written += index - runStart
            (out + written).update(from: replacement.utf8Start, count: replacement.utf8CodeUnitCount)
            written += replacement.utf8CodeUnitCount
        }
        // What came before this text could end in `]]`: a `>` that starts it is escaped.
        if count > 0, bytes[0] == UInt8(ascii: ">") {
            emit("&gt;")
            index = 1
            runStart = 1
        }
        while index < count {
            // Most bytes need nothing: skip them eight at a time.
            index = firstByteToLookAt(base, from: index, count: count)
            if index == count { break }
            let byte = bytes[index]
            // A tab or line feed, which the eight-byte test stops at too.
            if table[Int(byte)] == 0 {
                index += 1
                continue
            }
            let replacement: StaticString
            switch byte {
            case UInt8(ascii: "<"): replacement = "&lt;"
            case UInt8(ascii: "&"): replacement = "&amp;"
            case 0x0D: replacement = "&#13;"
            case UInt8(ascii: "]"):
                // A `>` after `]]` (or after one `]` that starts the text) is escaped.
                var end = index + 1
                while end < count, bytes[end] == UInt8(ascii: "]") { end += 1 }
                guard end < count, bytes[end] == UInt8(ascii: ">"), end - index >= 2 || index == 0 else {
                    index = end
                    continue
                }
                index = end
                replacement = "&gt;"
            case 0x00...0x1F:
                return .needsCleaning
            case 0xEF where index + 2 < count && bytes[index + 1] == 0xBF && bytes[index + 2] >= 0xBE:
                return .needsCleaning
            default:
                index += 1
                continue
            }
            emit(replacement)
            index += 1
            runStart = index
        }
        if runStart == 0 { return .unchanged }
        (out + written).update(from: base + runStart, count: count - runStart)
        written += count - runStart
        return .escaped(count: written)
    }

    /// Writes `bytes` as they are. A long run (an entry's escaped HTML) goes straight into
    /// the sink: libxml2 is only asked to close the start tag, as its own raw write would,
    /// and to flush what it holds, rather than copying the run into its buffer and out
    /// again four kilobytes at a time.
    private func writeRaw(_ bytes: UnsafeBufferPointer<UInt8>) -> Int32 {
        guard bytes.count >= Self.directWriteMinimum else {
            return xmlTextWriterWriteRawLen(writer, bytes.baseAddress, Int32(clamping: bytes.count))
        }
        let status = xmlTextWriterWriteRawLen(writer, "", 0)
        guard status >= 0 else { return status }
        let flushed = xmlTextWriterFlush(writer)
        guard flushed >= 0 else { return flushed }
        sink.bytes.append(contentsOf: bytes)
        return status
    }

    /// The shortest text `writeRaw` puts straight into the sink.
    static let directWriteMinimum = 1024

    /// Closes the innermost open element.
    public func endElement() throws {
        try check(xmlTextWriterEndElement(writer), "end element")
        openElements -= 1
    }

    /// Writes `<name attributes>text</name>`.
    public func element(_ name: String, _ text: String, attributes: KeyValuePairs<String, String> = [:]) throws {
        try startElement(name, attributes: attributes)
        try self.text(text)
        try endElement()
    }

    /// Writes an element with attributes and no content: `<name attributes/>`.
    public func emptyElement(_ name: String, attributes: KeyValuePairs<String, String>) throws {
        try startElement(name, attributes: attributes)
        try endElement()
    }

    /// The number of bytes written so far, everything pending flushed: where the next
    /// element's bytes will start in `finish()`'s result (for cutting a document into parts).
    public func byteCount() throws -> Int {
        try check(xmlTextWriterFlush(writer), "flush")
        return sink.bytes.count
    }

    /// Returns the bytes of a fragment started with `init(fragmentAtDepth:)`; every element
    /// written since must be closed.
    public func finishFragment() throws -> [UInt8] {
        guard openElements == fragmentDepth else { throw XMLWriterError(operation: "finish a fragment with an element still open") }
        try check(xmlTextWriterFlush(writer), "flush")
        finished = true
        return sink.bytes
    }

    /// Closes every open element and returns the document's bytes.
    public func finish() throws -> [UInt8] {
        if !finished {
            try check(xmlTextWriterEndDocument(writer), "end document")
            try check(xmlTextWriterFlush(writer), "flush")
            finished = true
        }
        return sink.bytes
    }
}

/// The index of the first byte from `start` on that `textByteNeedsLook` marks, or `count`
/// when there is none; it may also stop at a tab or line feed, which the caller steps
/// over. Eight bytes at a time: each test below marks the high bit of a byte it finds,
/// and may also mark bytes after one it found (a borrow carries into them), never one
/// before, so the lowest mark is always a byte found.
@inline(__always)
private func firstByteToLookAt(_ base: UnsafePointer<UInt8>, from start: Int, count: Int) -> Int {
    let ones: UInt64 = 0x0101_0101_0101_0101
    let highs: UInt64 = 0x8080_8080_8080_8080
    /// The zero bytes of `t`.
    @inline(__always) func zeros(_ t: UInt64) -> UInt64 { (t &- ones) & ~t & highs }
    var index = start
    while index + 8 <= count {
        let x = UInt64(littleEndian: UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self))
        let marks = zeros(x ^ (ones &* 0x3C)) | zeros(x ^ (ones &* 0x26)) | zeros(x ^ (ones &* 0x5D))
            | zeros(x ^ (ones &* 0xEF)) | ((x &- ones &* 0x20) & ~x & highs)  // below 0x20
        if marks != 0 { return index + marks.trailingZeroBitCount / 8 }
        index += 8
    }
    while index < count, textByteNeedsLook[Int(base[index])] == 0 { index += 1 }
    return index
}

/// 1 for the bytes `XMLWriter.writeEscaped` must look at: what it escapes (`<` `&` CR),
/// `]` (which may come before a `>` to escape), C0 controls other than tab and newline, and
/// 0xEF (the lead byte of U+FFFE and U+FFFF).
private let textByteNeedsLook: [UInt8] = (0..<256).map { byte in
    switch byte {
    case 0x09, 0x0A: return 0
    case 0x00...0x1F, 0x26, 0x3C, 0x5D, 0xEF: return 1
    default: return 0
    }
}

/// Memory a writer reuses for escaped text, grown as needed and never shrunk.
private final class ScratchBuffer {
    private var base: UnsafeMutablePointer<UInt8>?
    private var capacity = 0

    /// Room for at least `count` bytes, whose contents are undefined.
    func reserve(_ count: Int) -> UnsafeMutablePointer<UInt8> {
        if let base, capacity >= count { return base }
        base?.deallocate()
        capacity = max(count, 2 * capacity, 256)
        let fresh = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
        base = fresh
        return fresh
    }

    deinit { base?.deallocate() }
}

/// The bytes libxml2's output buffer writes out. Only touched by the writer's own thread.
private final class ByteSink {
    var bytes: [UInt8] = []
}

private let byteSinkWrite: xmlOutputWriteCallback = { context, buffer, length in
    guard let context, length >= 0 else { return -1 }
    guard let buffer, length > 0 else { return 0 }
    let sink = Unmanaged<ByteSink>.fromOpaque(context).takeUnretainedValue()
    UnsafeRawPointer(buffer).withMemoryRebound(to: UInt8.self, capacity: Int(length)) {
        sink.bytes.append(contentsOf: UnsafeBufferPointer(start: $0, count: Int(length)))
    }
    return length
}

private let byteSinkClose: xmlOutputCloseCallback = { _ in 0 }
