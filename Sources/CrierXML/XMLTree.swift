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
    case text(XMLCharacters)
}

/// Character data copied out of a parsed document.
///
/// Short text is kept as a `String`. Long text (the escaped HTML of a feed's content, say)
/// is kept as its UTF-8 bytes and only made a `String` when `string` is asked for: making
/// a `String` checks every byte of it, and most long text is only ever checked for being
/// blank, which its first bytes usually settle (`utf8`).
public struct XMLCharacters: Sendable, Equatable, CustomStringConvertible {
    private enum Storage: Sendable {
        case string(String)
        case utf8([UInt8])
    }

    private var storage: Storage

    /// Text of at least this many bytes is kept as bytes.
    static let byteStorageThreshold = 256

    /// The characters of `string`.
    public init(_ string: String) { storage = .string(string) }

    /// `count` bytes of UTF-8 at `start`, kept as bytes when there are many of them. The
    /// bytes must be valid UTF-8, as libxml2's text is; `string` would repair them.
    init(utf8 start: UnsafePointer<UInt8>, count: Int) {
        let buffer = UnsafeBufferPointer(start: start, count: count)
        storage = count >= XMLCharacters.byteStorageThreshold ? .utf8(Array(buffer)) : .string(String(decoding: buffer, as: UTF8.self))
    }

    /// The text as a `String` (made from the bytes each time it is asked for, when it is
    /// kept as bytes).
    public var string: String {
        switch storage {
        case .string(let string): string
        case .utf8(let bytes): String(decoding: bytes, as: UTF8.self)
        }
    }

    /// The text, as `string`.
    public var description: String { string }

    /// The number of UTF-8 bytes.
    public var utf8Count: Int {
        switch storage {
        case .string(let string): string.utf8.count
        case .utf8(let bytes): bytes.count
        }
    }

    /// Calls `body` with the text's UTF-8 bytes.
    public func withUTF8<Result>(_ body: (UnsafeBufferPointer<UInt8>) throws -> Result) rethrows -> Result {
        switch storage {
        case .string(var string): try string.withUTF8(body)
        case .utf8(let bytes): try bytes.withUnsafeBufferPointer(body)
        }
    }

    /// Adds `other` at the end, in place when this text's storage is not shared: text
    /// copied out in many pieces (split by comments or entity references) costs its
    /// length, not its length times the number of pieces.
    public mutating func append(_ other: XMLCharacters) {
        // Bytes first, outside any tuple of both storages: a tuple would hold a second
        // reference to the array and make every append copy all of it.
        if case .utf8(var bytes) = storage {
            storage = .utf8([])  // drops this value's reference, so `bytes` grows in place
            other.withUTF8 { bytes.append(contentsOf: $0) }
            storage = .utf8(bytes)
            return
        }
        switch (storage, other.storage) {
        case (.string(var string), .string(let more)) where string.utf8.count + more.utf8.count < XMLCharacters.byteStorageThreshold:
            // Short: a copy at most 256 bytes long, whoever holds a reference.
            storage = .utf8([])
            string += more
            storage = .string(string)
        default:
            var bytes: [UInt8] = []
            bytes.reserveCapacity(utf8Count + other.utf8Count)
            withUTF8 { bytes.append(contentsOf: $0) }
            other.withUTF8 { bytes.append(contentsOf: $0) }
            storage = .utf8(bytes)
        }
    }

    /// Equal as the strings are (`String` equality, which is by canonical equivalence).
    public static func == (lhs: XMLCharacters, rhs: XMLCharacters) -> Bool { lhs.string == rhs.string }
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
            case .text(let t): result += t.string
            case .element(let e): result += e.text
            }
        }
        return result
    }
}
