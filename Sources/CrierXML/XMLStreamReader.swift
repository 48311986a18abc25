import CLibXML2

/// A forward-only, bounded-memory reader over an XML document (libxml2's `xmlTextReader`).
///
/// The reader is a cursor: `read()` moves to the next node, `skip()` moves past the current
/// element's subtree, and `expand()` copies the current element's subtree out as an
/// `XMLElement` value. Reading a feed with `expand()` + `skip()` on each entry keeps only
/// one entry in memory at a time, however many the document holds.
///
/// Parsing is safe for untrusted input, as with `XMLDocument`: no external entity or DTD is
/// loaded, nothing is fetched, entities are not substituted, and libxml2's limits on entity
/// amplification, nesting depth (256) and text node size (10 MB) stay on. Files and
/// descriptors are read through plain `read(2)`, so compressed input is not inflated.
///
/// Not thread-safe: use one reader per thread.
public final class XMLStreamReader {
    /// The kind of node the reader is on.
    public enum NodeKind: Sendable, Equatable {
        case element, endElement, text, whitespace, comment, processingInstruction, documentType, entityReference, other
    }

    /// The document type declaration, if the document has one.
    public struct DocumentType: Sendable, Equatable {
        /// The root element's name as the declaration gives it (`rss` in
        /// `<!DOCTYPE rss ...>`).
        public var name: String
        /// The `PUBLIC` identifier, if the declaration has one.
        public var publicID: String?
        /// The `SYSTEM` identifier (a URI, never loaded), if the declaration has one.
        public var systemID: String?
    }

    private let reader: OpaquePointer
    private let collector = IssueCollector()
    private let source: ReaderSource
    private var retainedCollector: Unmanaged<IssueCollector>?
    private var retainedSource: Unmanaged<ReaderSource>?
    private var failed = false
    /// The document a reader from `walkingWholeDocument` walks (freed with the reader).
    private let wholeDocument: xmlDocPtr?

    /// Reads a document held in memory.
    ///
    /// `url`, in every initialiser, is the address libxml2 records for the document. It
    /// changes no diagnostic (nothing is ever loaded relative to it), and without one
    /// libxml2 skips turning it into a canonical URI and a directory for each reader.
    public convenience init(bytes: [UInt8], url: String? = nil) throws {
        try self.init(source: ReaderSource(bytes: bytes), url: url)
    }

    /// Reads a document from an open file descriptor (not closed by the reader), failing with
    /// an error once more than `maxBytes` bytes have been read.
    public convenience init(fileDescriptor: Int32, url: String? = nil, maxBytes: Int = .max) throws {
        try self.init(source: ReaderSource(fileDescriptor: fileDescriptor, maxBytes: maxBytes), url: url)
    }

    /// Reads `prefix` (bytes already taken from the descriptor, e.g. to sniff the format)
    /// and then the rest of a descriptor such as a pipe, within `maxBytes` in all. The first
    /// `retaining` bytes are kept in `retainedBytes`, so a caller that cannot read the input
    /// again can still quote lines from it.
    public convenience init(prefix: [UInt8], fileDescriptor: Int32, url: String? = nil,
                            maxBytes: Int = .max, retaining: Int = 0) throws {
        try self.init(source: ReaderSource(prefix: prefix, fileDescriptor: fileDescriptor, maxBytes: maxBytes, retaining: retaining), url: url)
    }

    /// The first bytes of the input, up to the `retaining` count given at creation.
    public var retainedBytes: [UInt8] { source.retained }

    private init(source: ReaderSource, url: String?) throws {
        LibXML.ensureInitialised()
        self.source = source
        let retained = Unmanaged.passRetained(source)
        guard let reader = xmlReaderForIO(readerSourceRead, nil, retained.toOpaque(), url, nil,
                                          Int32(XMLStreamReader.options)) else {
            retained.release()
            throw XMLParseError(issues: [XMLParseIssue(level: .fatal, message: "could not create a parser", line: 0, column: 0, isNamespaceError: false)])
        }
        self.reader = reader
        self.retainedSource = retained
        self.wholeDocument = nil
        let collectorRef = Unmanaged.passRetained(collector)
        self.retainedCollector = collectorRef
        collector.reader = reader
        xmlTextReaderSetStructuredErrorHandler(reader, readerIssueHandler, collectorRef.toOpaque())
    }

    private init(walking walker: OpaquePointer, document: xmlDocPtr, bytes: [UInt8]) {
        let source = ReaderSource(bytes: bytes)
        source.consumed = bytes.count
        self.source = source
        self.reader = walker
        self.wholeDocument = document
    }

    deinit {
        xmlFreeTextReader(reader)
        if let wholeDocument { xmlFreeDoc(wholeDocument) }
        retainedCollector?.release()
        retainedSource?.release()
    }

    /// The safe options plus big line numbers, so lines past 65,535 are reported exactly.
    static let options: Int = XMLDocument.safeOptions | Int(XML_PARSE_BIG_LINES.rawValue)

    /// Issues reported so far (warnings, errors, namespace errors), in order.
    public var issues: [XMLParseIssue] { collector.issues }

    /// Bytes consumed from the input so far.
    public var bytesRead: Int { source.consumed }

    /// Whether the input was cut off because it exceeded the byte limit.
    public var exceededLimit: Bool { source.exceeded }

    /// Moves to the next node in document order. Returns `false` at the end of the
    /// document; throws `XMLParseError` when the document is not well formed, and
    /// `NeedsStreaming` from a reader of `walkingWholeDocument` on text between elements.
    public func read() throws -> Bool {
        let more = try advance(xmlTextReaderRead(reader))
        if more, wholeDocument != nil, kind == .text { throw NeedsStreaming() }
        count(more)
        return more
    }

    /// Moves past the current node's subtree to its next sibling (or the next node after
    /// its parent's end). Returns `false` at the end of the document.
    public func skip() throws -> Bool {
        if kind == .element, !isEmptyElement {
            // The subtree's other elements: known when it was expanded, else never again.
            if let expanded, expanded.node == xmlTextReaderCurrentNode(reader), let next = expanded.next {
                startTagsPassed = next
            } else {
                numbering = false
            }
        }
        let more = try skipSubtree()
        count(more)
        return more
    }

    private func skipSubtree() throws -> Bool {
        guard wholeDocument != nil else { return try advance(xmlTextReaderNext(reader)) }
        // Walking a tree, xmlTextReaderNext also steps over the parent's end when the node
        // is the last child; reading past the subtree and the node's own end does not.
        let node = xmlTextReaderCurrentNode(reader)
        let nodeDepth = depth
        while try advance(xmlTextReaderRead(reader)) {
            if depth > nodeDepth || xmlTextReaderCurrentNode(reader) == node { continue }
            if kind == .text { throw NeedsStreaming() }
            return true
        }
        return false
    }

    private func advance(_ status: Int32) throws -> Bool {
        if failed { return false }
        if status == 1 {
            if documentType == nil { noteDocumentType() }
            return true
        }
        let fatal = collector.issues.contains { !$0.isRecoverable }
        if status < 0 || fatal {
            failed = true
            var issues = collector.issues
            if source.exceeded {
                issues.insert(XMLParseIssue(level: .fatal, message: "document is larger than the \(source.maxBytes)-byte limit",
                                            line: 0, column: 0, isNamespaceError: false), at: 0)
            } else if let stop = source.stop {
                issues.insert(issue(for: stop), at: 0)
            } else if source.readError != 0 {
                issues.insert(XMLParseIssue(level: .fatal, message: "read error",
                                            line: 0, column: 0, isNamespaceError: false), at: 0)
            } else if !issues.contains(where: { !$0.isRecoverable }) {
                issues.append(XMLParseIssue(level: .fatal, message: "not well-formed XML", line: currentParserLine, column: 0, isNamespaceError: false))
            }
            throw XMLParseError(issues: issues)
        }
        return false
    }

    private var currentParserLine: Int { Int(xmlTextReaderGetParserLineNumber(reader)) }

    /// The error when a start tag has more attributes than `MarkupGuard.attributeLimit`.
    static let tooManyAttributes = "a start tag has more than \(MarkupGuard.attributeLimit) attributes, over the limit of this reader (libxml2 takes time growing with the square of their number)"

    /// `n` with its digits in groups of three (`10,000,000`).
    private func grouped(_ n: Int) -> String {
        var digits = String(n)
        var index = digits.endIndex
        while digits.distance(from: digits.startIndex, to: index) > 3 {
            index = digits.index(index, offsetBy: -3)
            digits.insert(",", at: index)
        }
        return digits
    }

    /// The error for the markup `MarkupGuard` stopped the reading at, placed at the markup
    /// (the line, where the text cannot be read again, is as far as libxml2 got).
    private func issue(for stop: MarkupGuard.Stop) -> XMLParseIssue {
        let message: String
        let place: XMLPlace
        switch stop {
        case .attributes(let tag, let name):
            message = XMLStreamReader.tooManyAttributes
            place = .startTag(ordinal: tag, name: name)
        case .cdataLength(let section):
            message = "a CDATA section of more than \(grouped(MarkupGuard.cdataLimit)) bytes, over the limit of libxml2 (and the feed readers built on it) on a text"
            place = .cdataSection(section)
        case .cdataRescans(let section, let bytes):
            message = "a CDATA section (\(grouped(bytes)) bytes so far) that libxml2 2.9 would read over and over, past the limit of this reader: long runs without `>` followed by many `>` take it time growing with the square of the section's length; write the content as escaped text, or in shorter CDATA sections"
            place = .cdataSection(section)
        case .tagRescans(let tag, let name, let bytes):
            message = "a start tag (\(grouped(bytes)) bytes so far) with `>` all through it, which libxml2 2.9 would read over and over, past the limit of this reader (its time grows with the square of the tag's length); write `>` in attribute values as &gt;"
            place = .startTag(ordinal: tag, name: name)
        case .markupRescans(let markup, let instruction, let bytes):
            message = "a \(instruction ? "processing instruction" : "comment") (\(grouped(bytes)) bytes so far) with `>` all through it, which libxml2 2.9 would read over and over, past the limit of this reader (its time grows with the square of its length)"
            place = .markup(markup)
        }
        return XMLParseIssue(level: .fatal, message: message, line: currentParserLine, column: 0, isNamespaceError: false, place: place)
    }

    /// Where the current element's start tag is among the document's start tags, counted
    /// from 0 in document order (`XMLElement.ordinal`): `nil` off an element, and for
    /// every element after a subtree that `skip()` passed without `expand()`.
    public private(set) var ordinal: Int?
    /// Start tags moved onto or past so far: the next element's ordinal.
    private var startTagsPassed = 0
    /// Whether `startTagsPassed` is still exact.
    private var numbering = true
    /// The element last expanded, and the ordinal after its subtree.
    private var expanded: (node: xmlNodePtr, next: Int?)?

    /// The line the last node moved onto before the current one ends on, as far as libxml2
    /// tells (its start tag's line for an element, the last line of a text): where an
    /// entity reference after it starts. Kept only in a document with a document type
    /// declaration, the only kind with entities of its own.
    private var lineBefore = 0

    /// Numbers the node just moved onto, if it is an element.
    private func count(_ moved: Bool) {
        expanded = nil
        if moved, documentType != nil {
            // An end tag's line is its start tag's: the text before the end tag tells more.
            switch kind {
            case .entityReference, .endElement: break
            default: lineBefore = line
            }
        }
        guard moved, kind == .element else {
            ordinal = nil
            return
        }
        ordinal = numbering ? startTagsPassed : nil
        startTagsPassed += 1
    }

    /// The kind of the current node.
    public var kind: NodeKind {
        switch xmlTextReaderNodeType(reader) {
        case 1: return .element
        case 15: return .endElement
        case 3, 4: return .text
        case 13, 14: return .whitespace
        case 8: return .comment
        case 7: return .processingInstruction
        case 10: return .documentType
        case 5: return .entityReference
        default: return .other
        }
    }

    /// Depth of the current node: 0 for the root element.
    public var depth: Int { Int(xmlTextReaderDepth(reader)) }

    /// Local name of the current node.
    public var localName: String { String(xmlChars: xmlTextReaderConstLocalName(reader)) ?? "" }

    /// Prefix of the current node as written, if any.
    public var prefix: String? { String(xmlChars: xmlTextReaderConstPrefix(reader)) }

    /// Namespace URI of the current node, if any.
    public var namespace: String? { String(xmlChars: xmlTextReaderConstNamespaceUri(reader)) }

    /// Text of the current text, whitespace or comment node.
    public var value: String { String(xmlChars: xmlTextReaderConstValue(reader)) ?? "" }

    /// Whether the current element is written as an empty tag (`<x/>`).
    public var isEmptyElement: Bool { xmlTextReaderIsEmptyElement(reader) == 1 }

    /// 1-based line of the current node (the start tag, for an element). For an entity
    /// reference, the line the node before it ends on, which is where the reference starts
    /// when that node is text: libxml2 gives a reference no line of its own, and the reader
    /// has freed the nodes before it, so asking libxml2 gives the parent element's line.
    public var line: Int {
        if lineBefore > 0, kind == .entityReference { return lineBefore }
        if let node = xmlTextReaderCurrentNode(reader) {
            let line = node.pointee.type == XML_ELEMENT_NODE ? XMLDocument.line(of: node) : Int(xmlGetLineNo(node))
            if line > 0 { return line }
        }
        return currentParserLine
    }

    /// The XML declaration's version (`1.0` when none is written).
    public var xmlVersion: String? { String(xmlChars: xmlTextReaderConstXmlVersion(reader)) }

    /// The encoding declared in the XML declaration, if any.
    public var declaredEncoding: String? { String(xmlChars: xmlTextReaderConstEncoding(reader)) }

    /// The document type declaration, once the reader has moved past it.
    ///
    /// Taken from the declaration's own node as the reader passes it: asking libxml2 for
    /// the reader's document (`xmlTextReaderCurrentDoc`) would hand the document over to
    /// the caller, and the reader would then never free it.
    public private(set) var documentType: DocumentType?

    private func noteDocumentType() {
        guard xmlTextReaderNodeType(reader) == 10, let node = xmlTextReaderCurrentNode(reader),
              node.pointee.type == XML_DTD_NODE else { return }
        let dtd = UnsafeMutableRawPointer(node).assumingMemoryBound(to: xmlDtd.self)
        documentType = DocumentType(name: String(xmlChars: dtd.pointee.name) ?? "",
                                    publicID: String(xmlChars: dtd.pointee.ExternalID),
                                    systemID: String(xmlChars: dtd.pointee.SystemID))
    }

    /// Attributes of the current element (namespace declarations excluded).
    public var attributes: [XMLAttribute] {
        guard kind == .element, let node = xmlTextReaderCurrentNode(reader) else { return [] }
        return XMLDocument.attributes(of: node)
    }

    /// Namespace declarations on the current element: prefix (`nil` for the default
    /// namespace) and URI.
    public var namespaceDeclarations: [XMLNamespaceDeclaration] {
        guard kind == .element, let node = xmlTextReaderCurrentNode(reader) else { return [] }
        return XMLDocument.namespaceDeclarations(of: node)
    }

    /// Copies the current element and its whole subtree out of libxml2. Call `skip()`
    /// afterwards to move past it, which lets libxml2 free the subtree.
    public func expand() throws -> XMLElement {
        guard kind == .element else {
            throw XMLParseError(issues: [XMLParseIssue(level: .fatal, message: "not on an element", line: line, column: 0, isNamespaceError: false)])
        }
        guard let node = xmlTextReaderExpand(reader) else {
            failed = true
            var issues = collector.issues
            if source.exceeded {
                issues.insert(XMLParseIssue(level: .fatal, message: "document is larger than the \(source.maxBytes)-byte limit",
                                            line: 0, column: 0, isNamespaceError: false), at: 0)
            } else if let stop = source.stop {
                issues.insert(issue(for: stop), at: 0)
            } else if !issues.contains(where: { !$0.isRecoverable }) {
                issues.append(XMLParseIssue(level: .fatal, message: "not well-formed XML", line: currentParserLine, column: 0, isNamespaceError: false))
            }
            throw XMLParseError(issues: issues)
        }
        var next = ordinal
        let element = XMLDocument.copy(node, entities: entityLog, numbering: &next)
        expanded = (node, next)
        return element
    }

    /// What the entity reference the reader is on (`kind == .entityReference`) stands
    /// for, copied as `expand()` copies a reference inside an element: its text, and its
    /// elements (with no `ordinal`: they have no start tag of their own in the text), with
    /// the references in it expanded in turn. Internal entities expand within the same
    /// budget per document (`entityExpansionExceeded`); references to external entities, or
    /// to ones declared only in an external DTD, are logged (`externalEntityReferences`,
    /// `undeclaredEntityReferences`) and left out. `container` is the element the reference
    /// is directly inside (its start tag, as read): named as where the budget ran out
    /// (`entityExpansionExceededIn`) if it runs out here. Empty off an entity reference.
    public func expandEntityReference(in container: XMLElement) -> [XMLContent] {
        guard kind == .entityReference, let node = xmlTextReaderCurrentNode(reader),
              node.pointee.type == XML_ENTITY_REF_NODE else { return [] }
        return XMLDocument.expansion(of: node, in: container, line: line, entities: entityLog)
    }

    private let entityLog = EntityLog()

    /// References to external entities inside expanded elements, or expanded themselves
    /// (`expandEntityReference`): never loaded, so their text is missing from the copies.
    /// (name, line)
    public var externalEntityReferences: [(name: String, line: Int)] { entityLog.external }

    /// References to entities declared only in an external DTD (which is never loaded), so
    /// their text is missing from the copies. (name, line)
    public var undeclaredEntityReferences: [(name: String, line: Int)] { entityLog.undeclared }

    /// Whether internal entities would have expanded past the budget (1 MiB per document);
    /// the excess was left out.
    public var entityExpansionExceeded: Bool { entityLog.overBudget }

    /// The element (without its children) whose entity references ran past the budget
    /// first, when `entityExpansionExceeded`.
    public var entityExpansionExceededIn: XMLElement? { entityLog.overBudgetIn }
}

extension XMLStreamReader {
    /// Thrown by a reader from `walkingWholeDocument` when it meets character data that is
    /// not white space between elements (outside what `expand()` copies): the line libxml2
    /// gives such text depends on how the input was fed to it, so read the document again
    /// with `init(bytes:)`.
    public struct NeedsStreaming: Error, Sendable {}

    /// The largest document `walkingWholeDocument` takes (4 MiB): its tree stays small.
    public static let wholeDocumentLimit = 4 << 20

    /// A reader over a small document held in memory that libxml2 parses whole first, then
    /// walks (`xmlReaderWalker`): about a third less work in libxml2 than its streaming
    /// reader, which is fed 512 bytes at a time and rescans its buffer for the last `<` on
    /// each. `nil` unless the parse reported nothing at all (no error, warning or namespace
    /// error), the document has no document type declaration (so no entity of its own) and
    /// fewer than 65,535 lines (so every line is exact): a reader from `init(bytes:)` then
    /// gives the same nodes, lines and issues (none). The same safe options apply.
    public static func walkingWholeDocument(_ bytes: [UInt8]) -> XMLStreamReader? {
        // A tag with too many attributes is left to the streaming reader, which stops at it.
        var markupGuard = MarkupGuard()
        guard !bytes.isEmpty, bytes.count <= wholeDocumentLimit, bytes.withUnsafeBytes({ markupGuard.admit($0) }),
              let document = parsedWhole(bytes),
              let walker = xmlReaderWalker(document) else { return nil }
        return XMLStreamReader(walking: walker, document: document, bytes: bytes)
    }

    private static func parsedWhole(_ bytes: [UInt8]) -> xmlDocPtr? {
        LibXML.ensureInitialised()
        let collector = IssueCollector()
        let collectorRef = Unmanaged.passRetained(collector)
        defer { collectorRef.release() }
        return bytes.withUnsafeBufferPointer { buffer -> xmlDocPtr? in
            guard let ctxt = buffer.withMemoryRebound(to: CChar.self, {
                xmlCreateMemoryParserCtxt($0.baseAddress, Int32(clamping: $0.count))
            }) else { return nil }
            defer { xmlFreeParserCtxt(ctxt) }
            crier_setContextErrorHandler(ctxt, issueHandler, collectorRef.toOpaque())
            xmlCtxtUseOptions(ctxt, Int32(XMLStreamReader.options))
            ctxt.pointee.linenumbers = 1
            _ = xmlParseDocument(ctxt)
            guard let document = ctxt.pointee.myDoc else { return nil }
            ctxt.pointee.myDoc = nil
            // The parser ends on the document's last line: below 65,535, every node's is exact.
            guard collector.issues.isEmpty, crier_wellFormed(ctxt) != 0, crier_nsWellFormed(ctxt) != 0,
                  document.pointee.intSubset == nil, document.pointee.extSubset == nil,
                  let input = ctxt.pointee.input, input.pointee.line < 65_535 else {
                xmlFreeDoc(document)
                return nil
            }
            return document
        }
    }
}

/// Where a reader's bytes come from: a buffer in memory or a file descriptor, with a limit.
final class ReaderSource: @unchecked Sendable {
    let bytes: [UInt8]?
    let fd: Int32
    let maxBytes: Int
    var consumed = 0
    var exceeded = false
    var readError: Int32 = 0

    init(bytes: [UInt8]) {
        self.bytes = bytes
        self.fd = -1
        self.maxBytes = .max
    }

    init(fileDescriptor: Int32, maxBytes: Int) {
        self.bytes = nil
        self.fd = fileDescriptor
        self.maxBytes = maxBytes
    }

    init(prefix: [UInt8], fileDescriptor: Int32, maxBytes: Int, retaining: Int) {
        self.bytes = nil
        self.fd = fileDescriptor
        self.maxBytes = maxBytes
        self.prefix = prefix
        self.retainLimit = retaining
    }

    /// Bytes handed out before reading the descriptor.
    private var prefix: [UInt8] = []
    private var prefixOffset = 0
    private var retainLimit = 0
    /// A copy of the first `retainLimit` bytes handed out.
    var retained: [UInt8] = []

    private func retain(_ buffer: UnsafeMutablePointer<CChar>, _ n: Int) {
        guard n > 0, retained.count < retainLimit else { return }
        let take = min(n, retainLimit - retained.count)
        buffer.withMemoryRebound(to: UInt8.self, capacity: take) { retained.append(contentsOf: UnsafeBufferPointer(start: $0, count: take)) }
    }

    /// Why the guard stopped the reading, if it did.
    var stop: MarkupGuard.Stop? { markupGuard.stop }
    private var markupGuard = MarkupGuard()

    /// Fills `buffer` with up to `count` bytes (fewer inside a CDATA section, see
    /// `MarkupGuard`); returns the count, 0 at the end, -1 on error (or once the guard
    /// stops the reading).
    func read(into buffer: UnsafeMutablePointer<CChar>, count: Int) -> Int32 {
        let n = fill(buffer, count: markupGuard.readSize(count))
        if n > 0 && !markupGuard.admit(UnsafeRawBufferPointer(start: buffer, count: Int(n))) {
            return -1
        }
        return n
    }

    private func fill(_ buffer: UnsafeMutablePointer<CChar>, count: Int) -> Int32 {
        if let bytes {
            let n = min(count, bytes.count - consumed)
            if n <= 0 { return 0 }
            bytes.withUnsafeBufferPointer { source in
                UnsafeMutableRawPointer(buffer).copyMemory(from: source.baseAddress! + consumed, byteCount: n)
            }
            consumed += n
            return Int32(n)
        }
        if prefixOffset < prefix.count {
            // Bytes of the prefix left past the limit prove the input is too large.
            if consumed >= maxBytes { exceeded = true; return -1 }
            let n = min(count, prefix.count - prefixOffset, maxBytes - consumed)
            prefix.withUnsafeBufferPointer { source in
                UnsafeMutableRawPointer(buffer).copyMemory(from: source.baseAddress! + prefixOffset, byteCount: n)
            }
            prefixOffset += n
            consumed += n
            retain(buffer, n)
            return Int32(n)
        }
        if consumed >= maxBytes {
            // One more byte than the limit proves the input is too large.
            var probe: UInt8 = 0
            let n = posixRead(fd, &probe, 1)
            if n > 0 { exceeded = true; return -1 }
            return n < 0 ? -1 : 0
        }
        let n = posixRead(fd, buffer, min(count, maxBytes - consumed))
        if n < 0 { readError = 1; return -1 }
        consumed += n
        retain(buffer, n)
        return Int32(n)
    }
}

/// An `xmlns` or `xmlns:prefix` declaration.
public struct XMLNamespaceDeclaration: Sendable, Equatable {
    /// The declared prefix, or `nil` for the default namespace.
    public var prefix: String?
    /// The namespace URI as written; empty for `xmlns=""`, which undeclares the default
    /// namespace.
    public var uri: String
}

let readerSourceRead: xmlInputReadCallback = { context, buffer, length in
    guard let context, let buffer, length > 0 else { return -1 }
    return Unmanaged<ReaderSource>.fromOpaque(context).takeUnretainedValue().read(into: buffer, count: Int(length))
}

let readerIssueHandler: xmlStructuredErrorFunc = { userData, error in
    guard let userData, let error else { return }
    Unmanaged<IssueCollector>.fromOpaque(userData).takeUnretainedValue().record(error)
}
