/// The result of validating one document.
public struct ValidationReport: Sendable, Codable {
    /// The name the document was validated under (a path, `-` or a URL).
    public var fileName: String
    /// The format the validator detected.
    public var format: FeedFormat
    /// The findings, in document order.
    public var diagnostics: [Diagnostic]

    /// A report on the document named `fileName`, detected as `format`, with `diagnostics`
    /// in document order.
    public init(fileName: String, format: FeedFormat, diagnostics: [Diagnostic]) {
        self.fileName = fileName
        self.format = format
        self.diagnostics = diagnostics
    }

    /// Whether any finding is an error.
    public var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }
    /// Whether any finding is a warning.
    public var hasWarnings: Bool { diagnostics.contains { $0.severity == .warning } }
    /// Whether the document passes: no errors, and no warnings either when `strict`.
    public func passes(strict: Bool = false) -> Bool { !hasErrors && !(strict && hasWarnings) }
}
