/// One finding about a feed: what is wrong, where, and which part of which spec says so.
public struct Diagnostic: Sendable, Equatable, Codable {
    /// How serious the finding is.
    public var severity: Severity
    /// The rule id, using the W3C Feed Validation Service's message class names where one
    /// exists (`MissingElement`, `InvalidRFC3339Date`, ...), so users can look them up.
    public var rule: String
    /// 1-based line, or 0 when the finding is about the whole document.
    public var line: Int
    /// 1-based column, or 0 when unknown.
    public var column: Int
    /// A sentence a person can act on.
    public var message: String
    /// The specification and section the rule comes from, e.g. `RFC 4287 §4.1.1`.
    public var specSection: String

    /// Whether the parser stopped here (the document is not well-formed XML, or went past
    /// one of the validator's limits), and nothing after this point was checked.
    public var stopsTheParser: Bool {
        severity == .error && (message.hasPrefix(Diagnostic.notWellFormed) || message.hasPrefix(Diagnostic.stoppedAtLimit))
    }

    /// How the message of a finding that stops the parser begins.
    static let notWellFormed = "XML is not well formed: "
    /// How it begins when the parser stopped at one of the validator's limits.
    static let stoppedAtLimit = "Not checked past this point: "

    /// A finding; `column` is 0 (unknown) unless given.
    public init(severity: Severity, rule: String, line: Int, column: Int = 0, message: String, specSection: String) {
        self.severity = severity
        self.rule = rule
        self.line = line
        self.column = column
        self.message = message
        self.specSection = specSection
    }
}
