import CrierValidation

/// The validator as the gate in front of every write: a feed Crier produces must have no
/// errors and no warnings by Crier's own validator, the same code that checks strangers'
/// feeds with `crier validate`.
public enum FeedGate {
    public static let check: FeedCheck = { bytes, _, path in
        let report = FeedValidator.validate(bytes: bytes, fileName: path)
        return report.diagnostics
            .filter { $0.severity == .error || $0.severity == .warning }
            .map { "\(path):\($0.line):\($0.column): \($0.severity.rawValue): [\($0.rule)] \($0.message)" }
    }
}
