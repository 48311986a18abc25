import CrierXML

/// RSS 1.0 (RDF Site Summary) and RSS 0.90: recognised and named, with the structural
/// checks that apply (a channel with title, link and description; items with title and
/// link).
final class RSS1Validator: FeedStreamHandler {
    private let sink: DiagnosticSink
    private let common: CommonChecks
    private var sawChannel = false
    private let spec = "RSS 1.0 §5"

    init(sink: DiagnosticSink) {
        self.sink = sink
        self.common = CommonChecks(sink: sink)
    }

    func start(root: XMLElement, namespaces: [XMLNamespaceDeclaration]) {}

    func shouldEnter(_ element: XMLElement, path: [XMLElement]) -> Bool { false }

    func child(_ element: XMLElement, path: [XMLElement]) {
        common.checkLanguage(element)
        guard element.namespace == NS.rss10 || element.namespace == NS.rss090 else { return }
        switch element.name {
        case "channel":
            sawChannel = true
            require(["title", "link", "description"], in: element)
            checkChildren(element)
        case "item":
            require(["title", "link"], in: element)
            checkChildren(element)
        case "image":
            require(["title", "link", "url"], in: element)
            checkOwnChildren(element)
        case "textinput":
            require(["title", "description", "name", "link"], in: element)
            checkOwnChildren(element)
        default:
            sink.error("UndefinedElement", at: element, "<\(element.name)> is not an RSS 1.0 element here.", spec: spec)
        }
    }

    func text(_ text: String, at place: TextPlace, path: [XMLElement]) {}

    func end(_ container: XMLElement, path: [XMLElement]) {
        if path.isEmpty && !sawChannel {
            sink.error("MissingElement", at: container, "<rdf:RDF> has no <channel>.", spec: spec)
        }
    }

    private func require(_ names: [String], in element: XMLElement) {
        for name in names where element.element(named: name, namespace: element.namespace) == nil {
            sink.error("MissingElement", at: element, "<\(element.name)> has no <\(name)>.", spec: spec)
        }
    }

    /// The elements of the RSS namespace each may hold (RSS 1.0 §5.3 to §5.6); any other
    /// is undefined, as in the W3C validator.
    private static let allowedChildren: [String: Set<String>] = [
        "channel": ["title", "link", "description", "image", "items", "textinput"],
        "item": ["title", "link", "description"],
        "image": ["title", "link", "url"],
        "textinput": ["title", "description", "name", "link"],
    ]

    /// Children of `element` in its own namespace that it does not define.
    private func checkOwnChildren(_ element: XMLElement) {
        let allowed = Self.allowedChildren[element.name] ?? []
        for case .element(let child) in element.children where child.namespace == element.namespace && !allowed.contains(child.name) {
            sink.error("UndefinedElement", at: child, "<\(child.name)> is not an RSS 1.0 element in <\(element.name)>.", spec: spec)
        }
    }

    private func checkChildren(_ element: XMLElement) {
        checkOwnChildren(element)
        for case .element(let child) in element.children where child.namespace != element.namespace {
            common.checkExtension(child, parent: element, format: .rss10)
        }
        if let link = element.element(named: "link", namespace: element.namespace) {
            common.checkURI(String(link.text.trimmingWhitespace()), at: link, absolute: true, iri: false, what: "<link>", spec: spec)
        }
    }
}
