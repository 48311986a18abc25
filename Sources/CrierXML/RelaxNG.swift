import CLibXML2

/// An error in a RELAX NG schema itself.
public struct RelaxNGSchemaError: Error, Sendable, CustomStringConvertible {
    /// libxml2's complaints about the schema, in order; empty when it could not start
    /// reading it.
    public var issues: [XMLParseIssue]
    /// `invalid RELAX NG schema: ` and every issue, `; `-separated.
    public var description: String { "invalid RELAX NG schema: " + issues.map(\.description).joined(separator: "; ") }
}

/// A RELAX NG schema (XML syntax) held in memory, compiled once and used to validate
/// documents. Validation runs on a freshly parsed document each time, so one schema can
/// serve many threads.
public final class RelaxNGSchema: @unchecked Sendable {
    // The compiled schema is read-only after init; libxml2 creates a separate validation
    // context per call, which is what may not be shared.
    private let schema: xmlRelaxNGPtr

    /// Compiles the schema in `source`.
    public init(source: [UInt8]) throws {
        LibXML.ensureInitialised()
        let collector = IssueCollector()
        let parserContext = source.withUnsafeBufferPointer { raw in
            raw.baseAddress!.withMemoryRebound(to: CChar.self, capacity: raw.count) {
                xmlRelaxNGNewMemParserCtxt($0, Int32(raw.count))
            }
        }
        guard let parserContext else { throw RelaxNGSchemaError(issues: []) }
        defer { xmlRelaxNGFreeParserCtxt(parserContext) }
        let unmanaged = Unmanaged.passRetained(collector)
        defer { unmanaged.release() }
        xmlRelaxNGSetParserStructuredErrors(parserContext, schemaIssueHandler, unmanaged.toOpaque())
        guard let schema = xmlRelaxNGParse(parserContext) else {
            throw RelaxNGSchemaError(issues: collector.issues)
        }
        self.schema = schema
    }

    deinit { xmlRelaxNGFree(schema) }

    /// Validates `document`; returns every violation, empty when the document is valid.
    /// Throws `XMLParseError` when the document is not well formed.
    public func validate(_ document: [UInt8]) throws -> [XMLParseIssue] {
        LibXML.ensureInitialised()
        let collector = IssueCollector()
        let doc: xmlDocPtr? = document.withUnsafeBufferPointer { raw in
            raw.baseAddress!.withMemoryRebound(to: CChar.self, capacity: raw.count) {
                xmlReadMemory($0, Int32(clamping: raw.count), "document.xml", nil, Int32(XMLDocument.safeOptions))
            }
        }
        guard let doc else {
            // Parse again through the diagnosing parser to say why.
            _ = try XMLDocument(parsing: document)
            throw XMLParseError(issues: [])
        }
        defer { xmlFreeDoc(doc) }
        guard let validation = xmlRelaxNGNewValidCtxt(schema) else { return [] }
        defer { xmlRelaxNGFreeValidCtxt(validation) }
        let unmanaged = Unmanaged.passRetained(collector)
        defer { unmanaged.release() }
        xmlRelaxNGSetValidStructuredErrors(validation, schemaIssueHandler, unmanaged.toOpaque())
        let result = xmlRelaxNGValidateDoc(validation, doc)
        if result != 0 && collector.issues.isEmpty {
            return [XMLParseIssue(level: .error, message: "document does not match the schema", line: 0, column: 0, isNamespaceError: false)]
        }
        return collector.issues
    }
}

private let schemaIssueHandler: xmlStructuredErrorFunc = { userData, error in
    guard let userData, let error else { return }
    Unmanaged<IssueCollector>.fromOpaque(userData).takeUnretainedValue().record(error)
}
