import Testing
import CrierValidation

/// Every rule has a document that breaks it (the rule must fire, at the right line and
/// severity) and a near-identical one that does not (no error or warning at all).
@Suite struct RuleFixtureTests {
    @Test(arguments: RuleCase.all)
    func invalidDocumentReportsTheRule(_ rule: RuleCase) throws {
        let report = try Fixtures.validate(rule.invalid)
        let hits = report.diagnostics.filter { $0.rule == rule.rule && $0.line == rule.line }
        #expect(!hits.isEmpty, "expected \(rule.rule) at line \(rule.line), got \(report.problems)")
        #expect(hits.allSatisfy { $0.severity.rawValue == rule.severity })
        #expect(hits.allSatisfy { $0.column > 0 && !$0.message.isEmpty && !$0.specSection.isEmpty })
        if rule.severity == "error" {
            #expect(report.hasErrors)
        }
    }

    @Test(arguments: RuleCase.all)
    func validCounterpartIsClean(_ rule: RuleCase) throws {
        let report = try Fixtures.validate(rule.valid)
        #expect(report.problems.isEmpty, "\(rule.valid): \(report.problems)")
    }

    @Test func everyRuleHasFixtures() {
        #expect(Set(RuleCase.all.map(\.rule)).count >= 60)
    }
}
