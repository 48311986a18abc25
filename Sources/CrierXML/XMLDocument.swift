import CLibXML2
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A problem libxml2 reported while parsing, with its position.
public struct XMLParseIssue: Sendable, Equatable, CustomStringConvertible {
    /// How serious an issue is: a warning, an error the parser may get past, or a fatal
    /// error that stopped it.
    public enum Level: Sendable, Equatable { case warning, error, fatal }
    /// How serious this issue is.
    public var level: Level
    /// libxml2's message, trimmed.
    public var message: String
    /// 1-based line, or 0 when unknown.
    public var line: Int
    /// 1-based column, or 0 when unknown.
    public var column: Int
    /// Whether this is a namespace error (such as an undeclared prefix).
    public var isNamespaceError: Bool
    /// libxml2's error code (`xmlParserErrors`), 0 when not from libxml2.
    public var code: Int = 0
    /// Whether this is a validity error, not a well-formedness one: libxml2 checks a few
    /// validity constraints even without validating (an `xml:id` value that is not an
    /// NCName, an ID given twice), and reports them as errors of its DTD or validation
    /// domain. The document is well formed all the same.
    public var isValidityError: Bool = false
    /// Where in the text the issue is, when `line` and `column` cannot say it: found by
    /// reading the text again (`line` is then only what to fall back on).
    public var place: XMLPlace? = nil

    /// Whether the parser can go on after this issue: warnings, namespace errors, validity
    /// errors, and a reference to an entity that only an external DTD (never loaded) could
    /// declare.
    public var isRecoverable: Bool {
        switch level {
        case .warning: true
        case .error: isNamespaceError || isValidityError || code == Int(XML_WAR_UNDECLARED_ENTITY.rawValue)
        case .fatal: false
        }
    }

    /// `line:column: message`.
    public var description: String { "\(line):\(column): \(message)" }
}

/// Markup an issue is about, told by its place in the document rather than by line and
/// column.
public enum XMLPlace: Sendable, Equatable {
    /// The start tag with this ordinal (`XMLElement.ordinal`) and qualified name.
    case startTag(ordinal: Int, name: String)
    /// The CDATA section with this index among the document's CDATA sections (0 the
    /// first).
    case cdataSection(Int)
    /// The markup (a comment, a processing instruction) opened by the `<` with this index
    /// among the `<` in text (0 the first; `MarkupLexer.Event.markupOpened`).
    case markup(Int)
    /// The entity reference that ends just before the issue's line and column: the issue is
    /// in the entity's replacement text, which libxml2 parses on its own and numbers from
    /// line 1, or it is the reference itself (an entity not declared).
    case entityReference
}

/// The error thrown when a document is not well formed, or not namespace well formed.
public struct XMLParseError: Error, Sendable, CustomStringConvertible {
    /// Every issue libxml2 reported, in order; the first error is the cause.
    public var issues: [XMLParseIssue]
    /// The first issue that is not a warning (else the first issue), as
    /// `line:column: message`; `not well-formed XML` when there is none.
    public var description: String {
        let first = issues.first { $0.level != .warning } ?? issues.first
        return first.map { "\($0.line):\($0.column): \($0.message)" } ?? "not well-formed XML"
    }
}

/// A parsed XML document.
///
/// Parsing is safe for untrusted input: no external entity or DTD is ever loaded, no
/// network is used, entities are not substituted into the tree, and libxml2's limits on
/// entity amplification and nesting depth stay on.
public struct XMLDocument: Sendable {
    /// The root element.
    public var root: XMLElement
    /// Warnings libxml2 reported for a document it accepted.
    public var warnings: [XMLParseIssue]

    /// Parses `bytes`; throws `XMLParseError` unless the document is well formed and
    /// namespace well formed.
    public init(parsing bytes: [UInt8], url: String = "document.xml") throws {
        LibXML.ensureInitialised()
        let collector = IssueCollector()
        let parsed: XMLElement? = try bytes.withUnsafeBufferPointer { raw -> XMLElement? in
            guard let ctxt = raw.baseAddress.map({ base in
                base.withMemoryRebound(to: CChar.self, capacity: raw.count) {
                    xmlCreateMemoryParserCtxt($0, Int32(clamping: raw.count))
                }
            }) ?? xmlCreateMemoryParserCtxt("", 0) else {
                throw XMLParseError(issues: [XMLParseIssue(level: .fatal, message: "could not create a parser", line: 0, column: 0, isNamespaceError: false)])
            }
            defer {
                if let doc = ctxt.pointee.myDoc { xmlFreeDoc(doc) }
                ctxt.pointee.myDoc = nil
                xmlFreeParserCtxt(ctxt)
            }
            let unmanaged = Unmanaged.passRetained(collector)
            defer { unmanaged.release() }
            crier_setContextErrorHandler(ctxt, issueHandler, unmanaged.toOpaque())
            xmlCtxtUseOptions(ctxt, Int32(XMLDocument.safeOptions))
            _ = xmlParseDocument(ctxt)
            if crier_wellFormed(ctxt) == 0 || crier_nsWellFormed(ctxt) == 0 {
                var issues = collector.issues
                if crier_nsWellFormed(ctxt) == 0 && !issues.contains(where: { $0.isNamespaceError }) {
                    issues.append(XMLParseIssue(level: .error, message: "namespace error", line: 0, column: 0, isNamespaceError: true))
                }
                throw XMLParseError(issues: issues)
            }
            guard let doc = ctxt.pointee.myDoc, let root = xmlDocGetRootElement(doc) else { return nil }
            var next: Int? = 0
            return XMLDocument.copy(root, numbering: &next)
        }
        guard let parsed else {
            throw XMLParseError(issues: collector.issues + [XMLParseIssue(level: .fatal, message: "document has no root element", line: 0, column: 0, isNamespaceError: false)])
        }
        self.root = parsed
        self.warnings = collector.issues.filter { $0.level == .warning }
    }

    /// Parser options for untrusted documents: never NOENT, DTDLOAD, DTDVALID, XINCLUDE
    /// or RECOVER; NONET; no error printing (issues are collected per context).
    public static let safeOptions: Int = Int(XML_PARSE_NONET.rawValue | XML_PARSE_NOERROR.rawValue
        | XML_PARSE_NOWARNING.rawValue | XML_PARSE_NOCDATA.rawValue)

    /// Copies the element at `node` and its subtree, its elements numbered in document
    /// order from `next` (`XMLElement.ordinal`), which ends one past the last number
    /// given; `nil` numbers nothing. `scope` is given for an element of an entity's text.
    static func copy(_ node: xmlNodePtr, entities: EntityLog? = nil, numbering next: inout Int?,
                     scope: EntityScope? = nil) -> XMLElement {
        var element = XMLElement(
            name: String(xmlChars: node.pointee.name) ?? "",
            prefix: node.pointee.ns.flatMap { String(xmlChars: $0.pointee.prefix) },
            namespace: node.pointee.ns.flatMap { String(xmlChars: $0.pointee.href) },
            line: line(of: node),
            ordinal: next
        )
        var scope = scope
        scope?.place(node, &element)
        next = next.map { $0 + 1 }
        element.attributes = attributes(of: node)
        let overBudget = entities?.overBudget ?? false
        appendChildren(of: node.pointee.children, to: &element, entities: entities, depth: 0, numbering: &next, scope: scope)
        if let entities, !overBudget, entities.overBudget, entities.overBudgetIn == nil, element.ordinal != nil {
            // The innermost element with a start tag of its own in the text (elements of an
            // entity's text have none) where the budget ran out.
            entities.overBudgetIn = XMLElement(name: element.name, prefix: element.prefix, namespace: element.namespace,
                                               attributes: element.attributes, line: element.line, ordinal: element.ordinal)
        }
        return element
    }

    /// Copies a list of sibling nodes into `element`. Entities are not substituted by the
    /// parser (that would load external ones), so references to internal entities are
    /// expanded here, within a size budget; references to external ones are logged and
    /// their text left out. Returns how many bytes of text an entity's expansion added
    /// (`depth` > 0), for the budget; 0 otherwise.
    @discardableResult
    private static func appendChildren(of first: xmlNodePtr?, to element: inout XMLElement, entities: EntityLog?, depth: Int,
                                       numbering next: inout Int?, scope: EntityScope? = nil) -> Int {
        var added = 0
        var child = first
        while let c = child {
            added += appendChild(c, to: &element, entities: entities, depth: depth, numbering: &next, scope: scope)
            child = c.pointee.next
        }
        return depth > 0 ? added : 0
    }

    /// Copies one node into `element` (an element, text, or what an entity reference
    /// stands for, as `appendChildren` tells); returns the bytes of text it added. `line`
    /// is the line of a reference whose line libxml2 cannot tell; `scope`, where the
    /// entity whose text `c` is in was referenced.
    private static func appendChild(_ c: xmlNodePtr, to element: inout XMLElement, entities: EntityLog?, depth: Int,
                                    numbering next: inout Int?, line: Int? = nil, scope: EntityScope? = nil) -> Int {
        var added = 0
        switch c.pointee.type {
        case XML_ELEMENT_NODE:
            // Inside an entity (`depth` > 0) `next` is nil: an entity's elements have
            // no start tag of their own in the document.
            let copied = copy(c, entities: entities, numbering: &next, scope: scope)
            if depth > 0 { added += copied.textByteCount }
            element.children.append(.element(copied))
        case XML_TEXT_NODE, XML_CDATA_SECTION_NODE:
            let text = c.pointee.content.map { XMLCharacters(utf8: $0, count: strlen(UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self))) } ?? XMLCharacters("")
            added += text.utf8Count
            appendText(text, to: &element)
        case XML_ENTITY_REF_NODE:
            let name = String(xmlChars: c.pointee.name) ?? ""
            let entity = c.pointee.children.map { UnsafeMutableRawPointer($0).assumingMemoryBound(to: xmlEntity.self) }
            if let entity, entity.pointee.etype == XML_INTERNAL_GENERAL_ENTITY, depth < 16 {
                if let log = entities, log.expandedBytes > EntityLog.budget {
                    log.overBudget = true
                } else {
                    // Counted as it is added, not by measuring the element's whole text
                    // before and after: that is quadratic in the number of references.
                    var unnumbered: Int? = nil
                    let expanded = appendChildren(of: entity.pointee.children, to: &element, entities: entities, depth: depth + 1,
                                                  numbering: &unnumbered, scope: scope ?? EntityScope(reference: c))
                    entities?.expandedBytes += expanded
                    added += expanded
                }
            } else if entity == nil {
                // Declared nowhere libxml2 looked: only possible with an external DTD,
                // which is never loaded.
                entities?.undeclared.append((name: name, line: line ?? Int(xmlGetLineNo(c))))
            } else {
                entities?.external.append((name: name, line: line ?? Int(xmlGetLineNo(c))))
            }
        default:
            break
        }
        return added
    }

    /// What the entity reference at `reference` stands for, copied as a reference inside
    /// an element is (`copy`): text, and elements without ordinals. `container` is the
    /// element the reference is in, without its children: where the budget ran out, if it
    /// runs out here. `line` is the reference's, logged with it if its entity is external
    /// or undeclared.
    static func expansion(of reference: xmlNodePtr, in container: XMLElement, line: Int, entities: EntityLog) -> [XMLContent] {
        var holder = XMLElement(name: container.name, prefix: container.prefix, namespace: container.namespace,
                                attributes: container.attributes, line: container.line, ordinal: container.ordinal)
        let overBudget = entities.overBudget
        var unnumbered: Int? = nil
        _ = appendChild(reference, to: &holder, entities: entities, depth: 0, numbering: &unnumbered, line: line)
        if !overBudget, entities.overBudget, entities.overBudgetIn == nil, holder.ordinal != nil {
            holder.children = []
            entities.overBudgetIn = holder
        }
        return holder.children
    }

    /// Adds `text` to the element's last text child, or as a new one. The last child is
    /// taken out first, so that its string is the only reference and grows in place:
    /// text split into many pieces (by comments, by entity references) costs its length,
    /// not its length times the number of pieces.
    private static func appendText(_ text: XMLCharacters, to element: inout XMLElement) {
        if case .text(var previous)? = element.children.last {
            element.children.removeLast()
            previous.append(text)
            element.children.append(.text(previous))
        } else {
            element.children.append(.text(text))
        }
    }
}

extension XMLDocument {
    /// The 1-based line of an element's start tag. libxml2 2.9 stores 65535 for any later
    /// line and, with XML_PARSE_BIG_LINES, keeps the exact line only on text nodes, where
    /// it is the line the text ends on. So past 65535 the line comes from the text beside
    /// the element: the white space before it ends on the tag's line; the text after the
    /// start tag (or after an empty element) starts on it. The streaming reader frees text
    /// it has passed, so all three are tried.
    static func line(of node: xmlNodePtr) -> Int {
        if node.pointee.line < 65535 { return Int(node.pointee.line) }
        if let previous = node.pointee.prev, previous.pointee.type == XML_TEXT_NODE {
            let line = Int(xmlGetLineNo(previous))
            if line > 0 { return line }
        }
        for neighbour in [node.pointee.children, node.pointee.next] {
            if let text = neighbour, text.pointee.type == XML_TEXT_NODE {
                let end = Int(xmlGetLineNo(text))
                let newlines = (String(xmlChars: text.pointee.content) ?? "").utf8.reduce(0) { $1 == 10 ? $0 + 1 : $0 }
                if end > 0 { return max(1, end - newlines) }
            }
        }
        return Int(xmlGetLineNo(node))
    }
}

extension XMLElement {
    /// The number of UTF-8 bytes of `text`, counted without making it.
    var textByteCount: Int {
        var count = 0
        for child in children {
            switch child {
            case .text(let t): count += t.utf8Count
            case .element(let e): count += e.textByteCount
            }
        }
        return count
    }
}

/// Where an entity's text is referenced, for the namespaces of its elements.
///
/// libxml2 parses an internal entity's text on its own, once, at its first reference, with
/// the prefixes bound there but no element of the document to find their declarations on
/// (xmlParseBalancedChunkMemoryInternal): each element whose namespace is declared outside
/// the entity gets none, and a declaration of its prefix with no URI instead
/// ("Namespace prefix ... was not found", a warning). Written out, the text would be in the
/// namespaces in scope at the reference: those are found from the reference node up, and
/// from the declarations the entity's own elements make on the way down.
struct EntityScope {
    /// The reference the outermost entity was expanded from, in the document's tree.
    let reference: xmlNodePtr
    /// Declarations made by the entity's elements above the current one: prefix (`""` for
    /// the default namespace) to URI (`""` when `xmlns=""` undeclares the default).
    var declared: [String: String] = [:]

    /// The URI `prefix` (`nil`: the default namespace) is bound to here, if any.
    func uri(of prefix: String?) -> String? {
        if let uri = declared[prefix ?? ""] { return uri.isEmpty ? nil : uri }
        // From the element the reference is in: xmlSearchNs finds nothing from a reference.
        guard let parent = reference.pointee.parent else { return nil }
        let ns: xmlNsPtr? = if let prefix {
            prefix.withCString { xmlSearchNs(parent.pointee.doc, parent, UnsafeRawPointer($0).assumingMemoryBound(to: xmlChar.self)) }
        } else {
            xmlSearchNs(parent.pointee.doc, parent, nil)
        }
        guard let uri = ns.flatMap({ String(xmlChars: $0.pointee.href) }), !uri.isEmpty else { return nil }
        return uri
    }

    /// Notes the declarations on `node`, an element of an entity's text, and gives
    /// `element`, its copy, the namespace its prefix has here when libxml2 found none.
    mutating func place(_ node: xmlNodePtr, _ element: inout XMLElement) {
        // A declaration without a URI is libxml2's mark of a prefix it could not find.
        var unfound: String?? = nil
        var declaration = node.pointee.nsDef
        while let d = declaration {
            let prefix = String(xmlChars: d.pointee.prefix)
            if let uri = String(xmlChars: d.pointee.href) {
                declared[prefix ?? ""] = uri
            } else {
                unfound = .some(prefix)
            }
            declaration = d.pointee.next
        }
        if let ns = node.pointee.ns, ns.pointee.href != nil { return }
        let prefix = node.pointee.ns.map { String(xmlChars: $0.pointee.prefix) } ?? unfound ?? nil
        element.prefix = prefix
        element.namespace = uri(of: prefix)
    }
}

/// Entity references met while copying a subtree out of libxml2.
final class EntityLog {
    /// Text that internal entities may add to one document, at most.
    static let budget = 1 << 20
    var expandedBytes = 0
    var overBudget = false
    /// The element (without its children) in which the budget ran out.
    var overBudgetIn: XMLElement?
    /// References to external entities, which are never loaded.
    var external: [(name: String, line: Int)] = []
    /// References to entities no loaded declaration defines (they may be in an external DTD).
    var undeclared: [(name: String, line: Int)] = []
}

extension XMLDocument {
    /// The attributes of an element node, values with entities replaced.
    static func attributes(of node: xmlNodePtr) -> [XMLAttribute] {
        var result: [XMLAttribute] = []
        var attribute = node.pointee.properties
        while let a = attribute {
            let value = String(ownedXMLChars: xmlNodeListGetString(node.pointee.doc, a.pointee.children, 1)) ?? ""
            result.append(XMLAttribute(
                name: String(xmlChars: a.pointee.name) ?? "",
                namespace: a.pointee.ns.flatMap { String(xmlChars: $0.pointee.href) },
                value: value))
            attribute = a.pointee.next
        }
        return result
    }

    /// The namespace declarations written on an element node.
    static func namespaceDeclarations(of node: xmlNodePtr) -> [XMLNamespaceDeclaration] {
        var result: [XMLNamespaceDeclaration] = []
        var ns = node.pointee.nsDef
        while let n = ns {
            result.append(XMLNamespaceDeclaration(prefix: String(xmlChars: n.pointee.prefix), uri: String(xmlChars: n.pointee.href) ?? ""))
            ns = n.pointee.next
        }
        return result
    }
}

/// Collects the issues of one parse; reached from libxml2's callback through the
/// parser context's `_private` pointer.
final class IssueCollector: @unchecked Sendable {
    var issues: [XMLParseIssue] = []
    /// The streaming reader whose issues these are, if any: what its own parser has read
    /// places an issue raised inside an entity's replacement text.
    var reader: OpaquePointer?

    /// Issues kept at most; a hostile document can raise one per element.
    static let limit = 1000

    func record(_ error: xmlErrorPtr) {
        let e = error.pointee
        if issues.count >= IssueCollector.limit && e.level != XML_ERR_FATAL { return }
        let message = (e.message.map { String(cString: $0) } ?? "").trimmingTrailingWhitespace()
        let level: XMLParseIssue.Level
        switch e.level {
        case XML_ERR_WARNING: level = .warning
        case XML_ERR_ERROR: level = .error
        default: level = .fatal
        }
        var issue = XMLParseIssue(level: level, message: message, line: Int(e.line), column: Int(e.int2),
                                  isNamespaceError: e.domain == Int32(XML_FROM_NAMESPACE.rawValue), code: Int(e.code))
        // libxml2's validity errors (ctxt->valid = 0) leave the document well formed.
        issue.isValidityError = level == .error
            && (e.domain == Int32(XML_FROM_DTD.rawValue) || e.domain == Int32(XML_FROM_VALID.rawValue))
        if let reader, IssueCollector.isInEntityText(error) {
            // libxml2 parses an internal entity's replacement text, at its first reference,
            // with a parser of its own over that text alone (xmlParseBalancedChunkMemory-
            // Internal), and numbers its lines from 1. The reader's parser is then just past
            // the reference.
            issue.line = Int(xmlTextReaderGetParserLineNumber(reader))
            issue.column = Int(xmlTextReaderGetParserColumnNumber(reader))
            issue.place = .entityReference
        } else if e.code == Int32(XML_ERR_UNDECLARED_ENTITY.rawValue) || e.code == Int32(XML_WAR_UNDECLARED_ENTITY.rawValue) {
            // libxml2 gives the column just past the reference's `;`.
            issue.place = .entityReference
        }
        issues.append(issue)
    }

    /// Whether the error was raised by a parser over an entity's replacement text: one
    /// over a buffer in memory, which has a read callback, whereas the streaming reader's
    /// own (push) parser is handed its bytes and has none.
    private static func isInEntityText(_ error: xmlErrorPtr) -> Bool {
        guard let context = error.pointee.ctxt else { return false }
        let ctxt = context.assumingMemoryBound(to: xmlParserCtxt.self)
        guard ctxt.pointee.inputNr == 1, let input = ctxt.pointee.input, let buffer = input.pointee.buf else { return false }
        return buffer.pointee.readcallback != nil
    }
}

let issueHandler: xmlStructuredErrorFunc = { userData, error in
    guard let userData, let error else { return }
    let ctxt = userData.assumingMemoryBound(to: xmlParserCtxt.self)
    guard let privateData = ctxt.pointee._private else { return }
    Unmanaged<IssueCollector>.fromOpaque(privateData).takeUnretainedValue().record(error)
}

extension String {
    func trimmingTrailingWhitespace() -> String {
        var s = Substring(self)
        while let last = s.last, last.isWhitespace { s.removeLast() }
        return String(s)
    }
}
