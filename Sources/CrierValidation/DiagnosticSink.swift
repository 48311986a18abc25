import CrierXML

/// Collects the diagnostics of one validation run, with what is needed to find columns.
final class DiagnosticSink {
    /// A diagnostic plus the text its column is found from (`<qname` of the element).
    struct Entry {
        var diagnostic: Diagnostic
        var anchor: String?
    }

    /// Diagnostics kept at most: a hostile feed can break a rule in every entry.
    static let limit = 10_000

    private(set) var entries: [Entry] = []
    private(set) var dropped = 0

    func add(_ severity: Severity, _ rule: String, line: Int, column: Int = 0, anchor: String? = nil, _ message: String, spec: String) {
        guard entries.count < DiagnosticSink.limit else { dropped += 1; return }
        entries.append(Entry(diagnostic: Diagnostic(severity: severity, rule: rule, line: line, column: column, message: message, specSection: spec),
                             anchor: anchor))
    }

    func error(_ rule: String, at element: XMLElement, _ message: String, spec: String) {
        add(.error, rule, line: element.line, anchor: element.qualifiedName, message, spec: spec)
    }

    func warning(_ rule: String, at element: XMLElement, _ message: String, spec: String) {
        add(.warning, rule, line: element.line, anchor: element.qualifiedName, message, spec: spec)
    }

    func info(_ rule: String, at element: XMLElement, _ message: String, spec: String) {
        add(.info, rule, line: element.line, anchor: element.qualifiedName, message, spec: spec)
    }

    func contains(rule: String) -> Bool { entries.contains { $0.diagnostic.rule == rule } }
}

extension XMLElement {
    /// The name as written: `prefix:name` or `name`.
    var qualifiedName: String { prefix.map { "\($0):\(name)" } ?? name }

    /// The element with the same name and attributes but no content: what a streaming
    /// walker knows about a container before reading its children.
    var header: XMLElement { XMLElement(name: name, prefix: prefix, namespace: namespace, attributes: attributes, line: line) }

    /// Whether the element has an unprefixed attribute `name`.
    func has(_ name: String) -> Bool { attribute(name) != nil }

    /// The element's own character data (not its descendants').
    var ownText: String {
        var result = ""
        for case .text(let t) in children { result += t }
        return result
    }

    /// Whether any child is an element.
    var hasElementChildren: Bool { children.contains { if case .element = $0 { true } else { false } } }
}
