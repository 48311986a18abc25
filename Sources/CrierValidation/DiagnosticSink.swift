import CrierXML

/// Collects the diagnostics of one validation run, with what is needed to find columns.
final class DiagnosticSink {
    /// A diagnostic plus what its position is found from: the element's qualified name
    /// (`anchor`, looked for as `<qname`) and, when known, its start tag's ordinal; or other
    /// markup, by its place in the document (`place`).
    struct Entry {
        var diagnostic: Diagnostic
        var anchor: String?
        var ordinal: Int?
        var place: Place? = nil
    }

    /// Markup a diagnostic is about, found again in the text (`ColumnResolver`); the line
    /// given with it is what to fall back on.
    enum Place: Equatable {
        /// The start tag of `ordinal` and `anchor`, on whatever line (libxml2 never read it).
        case startTag
        /// A piece of character data directly inside an element, where its first character
        /// that is not white space is: that character, when known, to check it by.
        case text(StartTagScanner.TextPiece, first: Unicode.Scalar?)
        /// The CDATA section with this index among the document's (0 the first).
        case cdataSection(Int)
        /// The markup opened by the `<` with this index among those in text (0 the first).
        case markup(Int)
        /// The document type declaration.
        case documentType
        /// The entity reference that ends just before the diagnostic's line and column.
        case entityReference
        /// The last `text` on the diagnostic's line before its column (libxml2 gives the
        /// column where it noticed, past the markup at fault); the first on the line when
        /// the diagnostic has no column.
        case before(String)
    }

    /// Diagnostics kept at most: a hostile feed can break a rule in every entry.
    static let limit = 10_000

    private(set) var entries: [Entry] = []
    private(set) var dropped = 0

    func add(_ severity: Severity, _ rule: String, line: Int, column: Int = 0, anchor: String? = nil, ordinal: Int? = nil,
             place: Place? = nil, _ message: String, spec: String) {
        guard entries.count < DiagnosticSink.limit else { dropped += 1; return }
        entries.append(Entry(diagnostic: Diagnostic(severity: severity, rule: rule, line: line, column: column,
                                                    message: DiagnosticSink.oneLine(message), specSection: spec),
                             anchor: anchor, ordinal: ordinal, place: place))
    }

    /// A diagnostic about a piece of character data directly inside an element.
    func add(_ severity: Severity, _ rule: String, at text: TextPlace, _ message: String, spec: String) {
        add(severity, rule, line: text.line, place: text.piece.map { .text($0, first: text.first) }, message, spec: spec)
    }

    /// Longest message kept whole, in characters; a longer one keeps its start and its
    /// end (where it says what is wrong) around a `…`.
    static let messageLimit = 600

    /// `message` as one line of reasonable length, whatever text of the feed it quotes:
    /// line breaks, tabs and other control characters escaped (`\n`, `\u{1b}`), and the
    /// middle of an overlong message (a quoted 10 MB value) left out.
    static func oneLine(_ message: String) -> String {
        var scalars: [Unicode.Scalar] = []
        for scalar in message.unicodeScalars {
            switch scalar {
            case "\n": scalars += "\\n".unicodeScalars
            case "\r": scalars += "\\r".unicodeScalars
            case "\t": scalars += "\\t".unicodeScalars
            case _ where scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) || scalar == "\u{2028}" || scalar == "\u{2029}":
                scalars += "\\u{\(String(scalar.value, radix: 16))}".unicodeScalars
            default: scalars.append(scalar)
            }
        }
        if scalars.count > messageLimit {
            scalars = Array(scalars.prefix(messageLimit - 200)) + " … ".unicodeScalars + Array(scalars.suffix(200 - 3))
        }
        var text = ""
        text.unicodeScalars.append(contentsOf: scalars)
        return text
    }

    func error(_ rule: String, at element: XMLElement, _ message: String, spec: String) {
        add(.error, rule, line: element.line, anchor: element.qualifiedName, ordinal: element.ordinal, message, spec: spec)
    }

    func warning(_ rule: String, at element: XMLElement, _ message: String, spec: String) {
        add(.warning, rule, line: element.line, anchor: element.qualifiedName, ordinal: element.ordinal, message, spec: spec)
    }

    func info(_ rule: String, at element: XMLElement, _ message: String, spec: String) {
        add(.info, rule, line: element.line, anchor: element.qualifiedName, ordinal: element.ordinal, message, spec: spec)
    }

    func contains(rule: String) -> Bool { entries.contains { $0.diagnostic.rule == rule } }
}

extension XMLElement {
    /// The name as written: `prefix:name` or `name`.
    var qualifiedName: String { prefix.map { "\($0):\(name)" } ?? name }

    /// Whether `other` is this very element of the document, not another one like it: the
    /// same start tag, or, where that is unknown, an equal element on the same line.
    func isSameElement(as other: XMLElement) -> Bool {
        if let ordinal, let other = other.ordinal { return ordinal == other }
        return line == other.line && self == other
    }

    /// Whether the element has an unprefixed attribute `name`.
    func has(_ name: String) -> Bool { attribute(name) != nil }

    /// The element's own character data (not its descendants').
    var ownText: String {
        var result = ""
        for case .text(let t) in children { result += t.string }
        return result
    }

    /// Whether the element's own character data is blank, exactly as `ownText
    /// .trimmingWhitespace().isEmpty` tells, judged on the bytes where they settle it: ASCII
    /// white space alone is blank, and an ASCII byte that is not white space starts a
    /// character that is not (nothing before it joins it). When the first byte that is not
    /// ASCII white space is not ASCII, the joined text is judged by its characters: a
    /// combining mark in text after a child element joins the white space before it.
    var ownTextIsBlank: Bool {
        for case .text(let t) in children {
            let first: UInt8? = t.withUTF8 { bytes in bytes.first { !isASCIIWhitespace($0) } }
            guard let first else { continue }
            return first < 0x80 ? false : ownText.trimmingWhitespace().isEmpty
        }
        return true
    }

    /// Whether any child is an element.
    var hasElementChildren: Bool { children.contains { if case .element = $0 { true } else { false } } }
}

extension XMLCharacters {
    /// Whether the text is blank, as `string.trimmingWhitespace().isEmpty` tells, without
    /// making the string when the bytes settle it: text of ASCII white space alone is
    /// blank, text whose first byte that is not ASCII white space is ASCII is not (that
    /// byte starts a character that is not white space); only text whose first such byte
    /// is not ASCII is judged by its characters.
    var isBlank: Bool {
        let first: UInt8? = withUTF8 { bytes in bytes.first { !isASCIIWhitespace($0) } }
        guard let first else { return true }
        if first < 0x80 { return false }
        return string.trimmingWhitespace().isEmpty
    }
}
