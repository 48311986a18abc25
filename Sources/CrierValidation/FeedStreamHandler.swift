import CrierXML

/// What a format's rules receive from the streaming walk.
///
/// The walker enters the root element and any container the handler asks for (RSS's
/// `channel`); every other child of those is expanded into an `XMLElement`, handed over and
/// dropped, so memory holds one entry or item at a time.
protocol FeedStreamHandler: AnyObject {
    /// Called once with the root element's name and attributes (no children).
    func start(root: XMLElement, namespaces: [XMLNamespaceDeclaration])
    /// Whether to descend into `element` (a child of an entered container) rather than
    /// expand it. `path` holds the headers of the entered containers, root first.
    func shouldEnter(_ element: XMLElement, path: [XMLElement]) -> Bool
    /// A complete child of the innermost entered container.
    func child(_ element: XMLElement, path: [XMLElement])
    /// Non-white-space text directly inside an entered container.
    func text(_ text: String, at place: TextPlace, path: [XMLElement])
    /// An entered container ends (the root last).
    func end(_ container: XMLElement, path: [XMLElement])
}

/// Where a piece of character data directly inside an element is: the line libxml2 gives
/// (where it starts, as well as can be told), and, when the element's start tag has an
/// ordinal, the piece's place among the element's own pieces, with its first character
/// that is not white space, for `ColumnResolver` to find it in the text by.
struct TextPlace {
    var line: Int
    var piece: StartTagScanner.TextPiece?
    var first: Unicode.Scalar?
}

/// Drives a `FeedStreamHandler` from an `XMLStreamReader`.
enum FeedStreamWalker {
    /// Walks the document; throws the reader's `XMLParseError` when it is not well formed.
    static func walk(_ reader: XMLStreamReader, rootHandler: (XMLElement, [XMLNamespaceDeclaration]) -> (any FeedStreamHandler)?) throws {
        // Find the root element.
        var more = try reader.read()
        while more && reader.kind != .element { more = try reader.read() }
        guard more else { return }
        let root = XMLElement(name: reader.localName, prefix: reader.prefix, namespace: reader.namespace,
                              attributes: reader.attributes, line: reader.line, ordinal: reader.ordinal)
        let declarations = reader.namespaceDeclarations
        guard let handler = rootHandler(root, declarations) else {
            // Unknown document: read to the end so well-formedness is still checked.
            while try reader.read() {}
            return
        }
        handler.start(root: root, namespaces: declarations)
        var path = [root]
        // Pieces of character data (white space alone included) met so far directly in
        // each entered container, as libxml2 splits them.
        var pieces = [0]
        if reader.isEmptyElement {
            handler.end(root, path: [])
            while try reader.read() {}
            return
        }
        more = try reader.read()
        while more {
            let depth = reader.depth
            switch reader.kind {
            case .element where depth == path.count:
                let header = XMLElement(name: reader.localName, prefix: reader.prefix, namespace: reader.namespace,
                                        attributes: reader.attributes, line: reader.line, ordinal: reader.ordinal)
                if handler.shouldEnter(header, path: path) {
                    if reader.isEmptyElement {
                        path.append(header)
                        path.removeLast()
                        handler.end(header, path: path)
                    } else {
                        path.append(header)
                        pieces.append(0)
                    }
                    more = try reader.read()
                } else {
                    let element = try reader.expand()
                    handler.child(element, path: path)
                    more = try reader.skip()
                }
                continue
            case .endElement where depth == path.count - 1:
                let container = path.removeLast()
                pieces.removeLast()
                handler.end(container, path: path)
            case .whitespace where depth == path.count:
                pieces[pieces.count - 1] += 1
            case .text where depth == path.count:
                let index = pieces[pieces.count - 1]
                pieces[pieces.count - 1] += 1
                let value = reader.value
                if !value.trimmingWhitespace().isEmpty {
                    // libxml2 dates a text node by where it ends; report where the text starts.
                    let newlines = value.reduce(0) { $1.isNewline ? $0 + 1 : $0 }
                    let leading = value.prefix { $0.isWhitespace }.reduce(0) { $1.isNewline ? $0 + 1 : $0 }
                    let place = TextPlace(line: max(1, reader.line - newlines + leading),
                                          piece: path.last?.ordinal.map { StartTagScanner.TextPiece(element: $0, index: index) },
                                          first: value.unicodeScalars.first { !$0.properties.isWhitespace })
                    handler.text(value, at: place, path: path)
                }
            default:
                break
            }
            more = try reader.read()
        }
    }
}
