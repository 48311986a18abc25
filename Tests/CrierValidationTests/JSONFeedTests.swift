import Testing
import CrierValidation

@Suite struct JSONFeedTests {
    func validate(_ json: String) -> ValidationReport {
        FeedValidator.validate(bytes: Array(json.utf8), fileName: "feed.json")
    }

    @Test func syntaxErrorHasPosition() {
        let report = validate("{\n  \"version\": \"https://jsonfeed.org/version/1.1\",\n  \"title\": oops\n}")
        let error = report.diagnostics.first { $0.rule == "InvalidJSON" }
        #expect(error?.line == 3)
        #expect(error?.severity == .error)
    }

    @Test func missingItemsAndTitle() {
        let report = validate(#"{"version": "https://jsonfeed.org/version/1.1"}"#)
        #expect(report.diagnostics.filter { $0.rule == "MissingElement" && $0.severity == .error }.count == 2)
    }

    @Test func itemRules() {
        let report = validate("""
        {"version": "https://jsonfeed.org/version/1.1", "title": "t", "home_page_url": "https://example.com/",
         "items": [
          {"id": "1", "content_text": "a", "date_published": "yesterday"},
          {"id": "1", "content_text": "b"},
          {"content_html": "<p>c</p>"},
          {"id": "4"}
         ]}
        """)
        let rules = report.diagnostics.filter { $0.severity == .error }.map(\.rule)
        #expect(rules.contains("InvalidRFC3339Date"))
        #expect(rules.contains("DuplicateIds"))
        #expect(rules.filter { $0 == "MissingElement" }.count == 2)
        #expect(report.diagnostics.first { $0.rule == "InvalidRFC3339Date" }?.line == 3)
    }

    @Test func deepNestingIsBounded() {
        let json = #"{"version": "https://jsonfeed.org/version/1.1", "title": "t", "items": [], "x": "# + String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000) + "}"
        let report = validate(json)
        #expect(report.diagnostics.contains { $0.rule == "InvalidJSON" && $0.message.contains("nesting") })
    }
}
