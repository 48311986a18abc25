/// How serious a diagnostic is.
public enum Severity: String, Sendable, Codable, Comparable, CaseIterable {
    /// The document breaks a MUST of its specification: readers may reject it.
    case error
    /// The document is valid but likely to cause problems in some readers.
    case warning
    /// Advice; nothing is wrong.
    case info

    /// Errors sort first.
    public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank < rhs.rank }

    private var rank: Int {
        switch self {
        case .error: 0
        case .warning: 1
        case .info: 2
        }
    }
}
