/// An attribute of a parsed element.
public struct XMLAttribute: Sendable, Equatable {
    /// Local name, without prefix.
    public var name: String
    /// Namespace URI, or `nil` for an unprefixed attribute.
    public var namespace: String?
    /// The attribute's value, with entities replaced.
    public var value: String

    /// An attribute named `name`, in no namespace unless given.
    public init(name: String, namespace: String? = nil, value: String) {
        self.name = name
        self.namespace = namespace
        self.value = value
    }
}

/// A piece of an element's content.
public enum XMLContent: Sendable, Equatable {
    case element(XMLElement)
    /// Character data (text and CDATA sections alike).
    case text(String)
}

/// An element of a parsed document: a plain Swift value, copied out of libxml2.
public struct XMLElement: Sendable, Equatable {
    /// Local name, without prefix.
    public var name: String
    /// The prefix as written, if any.
    public var prefix: String?
    /// Namespace URI, or `nil` when the element is in no namespace.
    public var namespace: String?
    /// Attributes in document order, namespace declarations (`xmlns`) left out.
    public var attributes: [XMLAttribute]
    /// Elements and character data in document order: comments and processing instructions
    /// left out, adjacent text merged, internal entity references expanded (up to 16
    /// levels deep and 1 MiB of text per document), and references to external or
    /// undeclared entities left out.
    public var children: [XMLContent]
    /// 1-based line of the start tag.
    public var line: Int
    /// Where the start tag is among the document's start tags, counted from 0 in document
    /// order (the root is 0), when the parser could tell: `nil` for an element built by
    /// hand, one an entity reference expands to, or one after a subtree skipped unread.
    /// With it the tag can be found again in the document's text (`line` is libxml2's,
    /// which knows no columns and counts a start tag that spans lines by where it ends).
    public var ordinal: Int?

    /// An element built by hand: no attributes or children, line 0 and no `ordinal` unless
    /// given.
    public init(name: String, prefix: String? = nil, namespace: String? = nil,
                attributes: [XMLAttribute] = [], children: [XMLContent] = [], line: Int = 0, ordinal: Int? = nil) {
        self.name = name
        self.prefix = prefix
        self.namespace = namespace
        self.attributes = attributes
        self.children = children
        self.line = line
        self.ordinal = ordinal
    }

    /// Child elements, in document order.
    public var elements: [XMLElement] {
        children.compactMap { if case .element(let e) = $0 { e } else { nil } }
    }

    /// Child elements with this local name and namespace.
    public func elements(named name: String, namespace: String?) -> [XMLElement] {
        var result: [XMLElement] = []
        for case .element(let e) in children where e.name == name && e.namespace == namespace { result.append(e) }
        return result
    }

    /// The first child element with this local name and namespace.
    public func element(named name: String, namespace: String?) -> XMLElement? {
        // Scans the children in place: no intermediate array (validators call this per entry).
        for case .element(let e) in children where e.name == name && e.namespace == namespace { return e }
        return nil
    }

    /// The value of the unprefixed attribute `name`, or of the one in `namespace`.
    public func attribute(_ name: String, namespace: String? = nil) -> String? {
        attributes.first { $0.name == name && $0.namespace == namespace }?.value
    }

    /// All character data inside this element and its descendants, concatenated.
    public var text: String {
        var result = ""
        for child in children {
            switch child {
            case .text(let t): result += t
            case .element(let e): result += e.text
            }
        }
        return result
    }
}
