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
    /// Non-white-space text directly inside an entered container: once for each run of
    /// character data that markup other than entity references does not split (written
    /// out, an entity's text joins the text around it), with the run's first piece that is
    /// not white space alone and that piece's place.
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
        // The run of character data under way directly in the innermost entered container:
        // its first piece that is not white space alone, and where that piece is.
        var run: (text: String, place: TextPlace)?
        func endRun() {
            if let (text, place) = run { handler.text(text, at: place, path: path) }
            run = nil
        }
        // An element an entity reference stands for, handed over as if it were written
        // out: entered (its children handed over in turn), or handed over whole. What is in
        // it has no place of its own in the text: its text is placed at the reference.
        func deliver(_ element: XMLElement, reference line: Int) {
            var header = element
            header.children = []
            guard handler.shouldEnter(header, path: path) else {
                handler.child(element, path: path)
                return
            }
            path.append(header)
            for content in element.children {
                switch content {
                case .text(let text) where !text.isBlank:
                    handler.text(text.string, at: TextPlace(line: line, piece: nil, first: nil), path: path)
                case .element(let child):
                    deliver(child, reference: line)
                case .text:
                    break
                }
            }
            path.removeLast()
            handler.end(header, path: path)
        }
        more = try reader.read()
        while more {
            let depth = reader.depth
            switch reader.kind {
            case .element where depth == path.count:
                endRun()
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
                endRun()
                let container = path.removeLast()
                pieces.removeLast()
                handler.end(container, path: path)
            case .whitespace where depth == path.count:
                pieces[pieces.count - 1] += 1
            case .text where depth == path.count:
                let index = pieces[pieces.count - 1]
                pieces[pieces.count - 1] += 1
                let value = reader.value
                if run == nil, !value.trimmingWhitespace().isEmpty {
                    // libxml2 dates a text node by where it ends; report where the text starts.
                    let newlines = value.reduce(0) { $1.isNewline ? $0 + 1 : $0 }
                    let leading = value.prefix { $0.isWhitespace }.reduce(0) { $1.isNewline ? $0 + 1 : $0 }
                    let place = TextPlace(line: max(1, reader.line - newlines + leading),
                                          piece: path.last?.ordinal.map { StartTagScanner.TextPiece(element: $0, index: index) },
                                          first: value.unicodeScalars.first { !$0.properties.isWhitespace })
                    run = (value, place)
                }
            case .entityReference where depth == path.count:
                // What the entity stands for counts as if it were written out here (libxml2
                // keeps the reference as a node of its own, and it starts no piece); it has
                // no place of its own in the text, so it is placed at the reference.
                let line = reader.line
                for content in reader.expandEntityReference(in: path[path.count - 1]) {
                    switch content {
                    case .text(let text):
                        if run == nil, !text.isBlank { run = (text.string, TextPlace(line: line, piece: nil, first: nil)) }
                    case .element(let element):
                        endRun()
                        deliver(element, reference: line)
                    }
                }
            case _ where depth == path.count:
                // A comment or processing instruction splits the text, as libxml2 does.
                endRun()
            default:
                break
            }
            more = try reader.read()
        }
    }
}
