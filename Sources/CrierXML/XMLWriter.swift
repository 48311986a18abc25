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
    private let buffer: xmlBufferPtr
    private let writer: xmlTextWriterPtr
    private var finished = false

    /// Starts a UTF-8 document with an XML declaration.
    /// - Parameter indent: indent nested elements by two spaces per level.
    public init(indent: Bool = true) throws {
        LibXML.ensureInitialised()
        guard let buffer = xmlBufferCreate() else { throw XMLWriterError(operation: "xmlBufferCreate") }
        guard let writer = xmlNewTextWriterMemory(buffer, 0) else {
            xmlBufferFree(buffer)
            throw XMLWriterError(operation: "xmlNewTextWriterMemory")
        }
        self.buffer = buffer
        self.writer = writer
        if indent {
            xmlTextWriterSetIndent(writer, 1)
            xmlTextWriterSetIndentString(writer, "  ")
        }
        try check(xmlTextWriterStartDocument(writer, "1.0", "UTF-8", nil), "start document")
    }

    deinit {
        xmlFreeTextWriter(writer)
        xmlBufferFree(buffer)
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
        let count = Int(xmlBufferLength(buffer))
        guard count > 0, let content = xmlBufferContent(buffer) else { return [] }
        return Array(UnsafeBufferPointer(start: content, count: count))
    }
}
