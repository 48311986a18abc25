import CLibXML2

/// An error from libxml2's writer.
public struct XMLWriterError: Error, Sendable, CustomStringConvertible {
    /// What the writer was doing when libxml2 reported the failure.
    public let operation: String
    public var description: String { "libxml2 writer failed: \(operation)" }
}

/// Writes one XML document to memory through libxml2's `xmlTextWriter`.
///
/// Every piece of text and every attribute value is cleaned of characters XML 1.0
/// forbids before libxml2 sees it (libxml2 writes them as they come, which yields a
/// document no parser accepts), and CDATA is never used, so `]]>` in text is harmless.
/// Not `Sendable`: one writer belongs to one task.
public final class XMLWriter {
    /// Where libxml2's output buffer flushes to: the document's bytes, in one Swift array
    /// (no second copy of a large feed in an `xmlBuffer`).
    private let sink: ByteSink
    private let writer: xmlTextWriterPtr
    private var finished = false

    /// Starts a UTF-8 document with an XML declaration.
    /// - Parameters:
    ///   - indent: indent nested elements by two spaces per level.
    ///   - expectedSize: a guess at the document's size in bytes, reserved up front so a
    ///     large document is not copied each time its storage grows.
    public init(indent: Bool = true, expectedSize: Int = 0) throws {
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
        self.sink = sink
        self.writer = writer
        if indent {
            xmlTextWriterSetIndent(writer, 1)
            xmlTextWriterSetIndentString(writer, "  ")
        }
        try check(xmlTextWriterStartDocument(writer, "1.0", "UTF-8", nil), "start document")
    }

    deinit {
        // Flushes and closes the output buffer, which still writes into `sink`.
        xmlFreeTextWriter(writer)
    }

    private func check(_ result: Int32, _ operation: @autoclosure () -> String) throws {
        if result < 0 { throw XMLWriterError(operation: operation()) }
    }

    /// Writes a processing instruction such as `xml-stylesheet`.
    public func processingInstruction(_ target: String, _ content: String) throws {
        try check(xmlTextWriterWritePI(writer, target, XMLText.cleaned(content)), "processing instruction \(target)")
    }

    /// Opens an element; attributes are written in the order given.
    public func startElement(_ name: String, attributes: KeyValuePairs<String, String> = [:]) throws {
        try check(xmlTextWriterStartElement(writer, name), "start <\(name)>")
        for (key, value) in attributes {
            try attribute(key, value)
        }
    }

    /// Writes an attribute on the element just opened.
    public func attribute(_ name: String, _ value: String) throws {
        try check(xmlTextWriterWriteAttribute(writer, name, XMLText.cleaned(value)), "attribute \(name)")
    }

    /// Writes escaped character data.
    public func text(_ text: String) throws {
        try check(xmlTextWriterWriteString(writer, XMLText.cleaned(text)), "text")
    }

    /// Closes the innermost open element.
    public func endElement() throws {
        try check(xmlTextWriterEndElement(writer), "end element")
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
