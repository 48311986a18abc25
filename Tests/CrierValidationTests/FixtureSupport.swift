import Foundation
import Testing
import CrierValidation

/// Access to the fixtures written for these tests (`Fixtures/`, copied as a resource).
enum Fixtures {
    static let root: URL = Bundle.module.url(forResource: "Fixtures", withExtension: nil)!

    static func bytes(_ path: String) throws -> [UInt8] {
        Array(try Data(contentsOf: root.appendingPathComponent(path)))
    }

    static func validate(_ path: String) throws -> ValidationReport {
        FeedValidator.validate(bytes: try bytes(path), fileName: path)
    }
}

/// One rule's pair of fixtures, from `Fixtures/rules.json`.
struct RuleCase: Codable, Sendable, CustomTestStringConvertible {
    var rule: String
    var severity: String
    var line: Int
    var invalid: String
    var valid: String

    var testDescription: String { "\(rule) (\(invalid))" }

    static let all: [RuleCase] = {
        let data = try! Data(contentsOf: Fixtures.root.appendingPathComponent("rules.json"))
        return try! JSONDecoder().decode([RuleCase].self, from: data)
    }()
}

extension ValidationReport {
    /// The errors and warnings, as `rule@line` strings for readable failures.
    var problems: [String] {
        diagnostics.filter { $0.severity != .info }.map { "\($0.rule)@\($0.line)" }
    }
}
