import Foundation
import Testing
@testable import CrierValidation
#if canImport(Glibc)
import Glibc
#endif

@Suite struct JSONFeedTests {
    func validate(_ json: String) -> ValidationReport {
        FeedValidator.validate(bytes: Array(json.utf8), fileName: "feed.json")
    }

    /// A pipe that hands over white space first, and the feed only later, is still read as
    /// the JSON Feed it is (the format is told by the first byte that is not white space).
    @Test func aJSONFeedFromAPipeThatStartsWithWhiteSpaceIsReadAsJSON() throws {
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        let writer = fds[1]
        Thread.detachNewThread {
            _ = "\n  \n".withCString { write(writer, $0, strlen($0)) }
            Thread.sleep(forTimeInterval: 0.2)
            let feed = #"{"version": "https://jsonfeed.org/version/1.1", "title": "T", "items": []}"#
            _ = feed.withCString { write(writer, $0, strlen($0)) }
            close(writer)
        }
        let report = try FeedValidator.validate(filePath: "/dev/fd/\(fds[0])")
        close(fds[0])
        #expect(report.format == .jsonFeed, "\(report.diagnostics)")
        #expect(!report.hasErrors)
    }

    /// A JSON Feed 1.0 is said to be one (with its warning), not labelled 1.1; a version
    /// that is none there is leaves the label 1.1, whose rules it was checked by.
    @Test func aJSONFeed10IsCalledOne() {
        let old = validate(#"{"version": "https://jsonfeed.org/version/1", "title": "T", "items": []}"#)
        #expect(old.format == .jsonFeed10 && old.format.rawValue == "JSON Feed 1.0")
        #expect(old.diagnostics.filter { $0.severity != .info }.map(\.rule) == ["ObsoleteVersion"], "\(old.diagnostics)")
        #expect(validate(#"{"version": "https://jsonfeed.org/version/1.1", "title": "T", "items": []}"#).format == .jsonFeed)
        #expect(validate(#"{"version": "https://jsonfeed.org/version/2", "title": "T", "items": []}"#).format == .jsonFeed)
    }

    @Test func syntaxErrorHasPosition() {
        let report = validate("{\n  \"version\": \"https://jsonfeed.org/version/1.1\",\n  \"title\": oops\n}")
        let error = report.diagnostics.first { $0.rule == "InvalidJSON" }
        #expect(error?.line == 3)
        #expect(error?.severity == .error)
    }

    /// Columns count characters, as the XML diagnostics do: on a one-line feed with
    /// accented titles, a byte count would point past the value.
    @Test func columnsCountCharactersNotBytes() throws {
        let json = #"{"version": "https://jsonfeed.org/version/1.1", "title": "Café ☕ 日本語", "items": [{"id": "1", "title": "Crème brûlée", "content_text": "x", "url": 5}]}"#
        let at = try #require(json.range(of: "5}"))
        let characters = json.unicodeScalars[json.startIndex..<at.lowerBound].count + 1
        let bytes = json.utf8.distance(from: json.startIndex, to: at.lowerBound) + 1
        #expect(characters < bytes)
        let report = validate(json)
        let url = try #require(report.diagnostics.first { $0.rule == "InvalidValue" }, "\(report.diagnostics)")
        #expect(url.line == 1 && url.column == characters, "\(url)")

        let broken = validate("{\"title\": \"Café ☕\", \"x\": oops}")
        let error = try #require(broken.diagnostics.first { $0.rule == "InvalidJSON" })
        #expect(error.column == 26, "\(error)")
    }

    /// A long string full of escapes (HTML content as JSON writers write it) is read
    /// whole and exactly: every escape decoded in place, surrogate pairs joined.
    @Test func longStringsFullOfEscapesAreReadExactly() throws {
        let piece = #"<p class=\"x\">caf\u00e9 \ud83d\ude00<\/p>\n"#
        let decoded = "<p class=\"x\">café 😀</p>\n"
        let count = 50_000
        let json = #"{"version": "https://jsonfeed.org/version/1.1", "title": "T", "items": [{"id": "1", "content_html": ""# + String(repeating: piece, count: count) + #""}]}"#
        let root = try JSONParser.parse(Array(json.utf8))
        let content = try #require(root["items"]?.array?.first?["content_html"]?.string)
        #expect(content == String(repeating: decoded, count: count))
        #expect(!validate(json).hasErrors)
    }

    /// A long string (content) is not copied out of the document: it is kept as where it
    /// is written and decoded when asked for, so a large feed is not held twice. It is
    /// still checked as it is read, each defect placed as in a short string.
    @Test func longStringsAreKeptInPlaceAndCheckedAsShortOnesAre() throws {
        let padding = String(repeating: "x", count: JSONParser.longString)
        let root = try JSONParser.parse(Array(#"{"a": "\#(padding)\u00e9\n"}"#.utf8))
        let node = try #require(root["a"])
        guard case .longString = node.value else {
            Issue.record("a long string was copied: \(node.value)")
            return
        }
        #expect(node.isString && node.string == padding + "é\n")
        let defects: [[UInt8]] = [[0x01], Array(#"\q"#.utf8), Array(#"\udc00"#.utf8), Array(#"\ud800x"#.utf8), [0xC3, 0x28], Array(#"\u12"#.utf8)]
        for defect in defects {
            func failure(_ after: String) -> String {
                let bytes = Array(#"{"title": "ab"#.utf8) + defect + Array("\(after)\", \"items\": []}".utf8)
                let report = FeedValidator.validate(bytes: bytes, fileName: "feed.json")
                return report.diagnostics.first { $0.rule == "InvalidJSON" }.map { "\($0.line):\($0.column) \($0.message)" } ?? "none"
            }
            #expect(failure(padding) == failure(""), "\(defect)")
        }
    }

    /// Invalid UTF-8 is reported where it is, not where its string ends.
    @Test func invalidUTF8IsPlacedAtItsByte() throws {
        let before = #"{"version": "https://jsonfeed.org/version/1.1", "title": "caf\u00e9 "#
        let bytes = Array(before.utf8) + [0xC3, 0x28] + Array(String(repeating: "x", count: 5_000).utf8) + Array(#"", "items": []}"#.utf8)
        let report = FeedValidator.validate(bytes: bytes, fileName: "feed.json")
        let error = try #require(report.diagnostics.first { $0.rule == "InvalidJSON" })
        #expect(error.line == 1 && error.column == before.unicodeScalars.count + 1, "\(error)")
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

    /// `hubs` is an array of objects with a `type` and an http(s) `url`.
    @Test func hubsMustBeAnArrayOfHubObjects() {
        func hubs(_ value: String) -> [String] {
            let report = validate(#"{"version": "https://jsonfeed.org/version/1.1", "title": "T", "home_page_url": "https://e.org/", "items": [], "hubs": \#(value)}"#)
            return report.diagnostics.filter { $0.severity != .info }.map { "\($0.severity):\($0.rule)" }
        }
        for value in ["-1", "false", #""javascript:x""#, "{}"] {
            #expect(hubs(value) == ["error:InvalidValue"], "\(value)")
        }
        #expect(hubs("[5]") == ["error:InvalidValue"])
        #expect(hubs(#"[{"url": "https://hub.e.org/"}]"#) == ["error:MissingElement"])
        #expect(hubs(#"[{"type": "WebSub"}]"#) == ["error:MissingElement"])
        #expect(hubs(#"[{"type": 1, "url": "https://hub.e.org/"}]"#) == ["error:InvalidValue"])
        #expect(hubs(#"[{"type": "WebSub", "url": "/hub"}]"#) == ["error:InvalidFullLink"])
        #expect(hubs(#"[{"type": "WebSub", "url": "javascript:x"}]"#) == ["error:InvalidFullLink"])
        #expect(hubs(#"[{"type": "WebSub", "url": "https://hub.e.org/"}]"#) == [])
    }

    /// The feed's own addresses must be absolute URLs; the other URL fields should be,
    /// as nothing in JSON Feed says what a relative one is relative to; none may be
    /// something that is not a URL at all.
    @Test func urlFieldsHoldURLs() throws {
        let json = """
            {"version": "https://jsonfeed.org/version/1.1", "title": "T",
             "home_page_url": "x",
             "feed_url": "2024-13-45",
             "next_url": "x",
             "favicon": "2024-13-45",
             "icon": "https://e.org/icon.png",
             "items": [{"id": "1", "content_text": "c",
               "url": "x",
               "external_url": "//e.org/elsewhere",
               "image": "2024-13-45",
               "banner_image": "https://e.org/b.png",
               "attachments": [{"url": "x", "mime_type": "audio/mpeg"}, {"url": "https://e.org/a b", "mime_type": "audio/mpeg"}]}]}
            """
        let report = validate(json)
        let found = report.diagnostics.filter { $0.severity != .info }.map { "\($0.line):\($0.severity):\($0.rule)" }
        #expect(found == ["2:error:InvalidFullLink", "3:error:InvalidFullLink", "4:warning:ContainsRelRef", "5:warning:ContainsRelRef",
                          "8:warning:ContainsRelRef", "9:warning:ContainsRelRef", "10:warning:ContainsRelRef",
                          "12:warning:ContainsRelRef", "12:error:InvalidUriChar"], "\(report.diagnostics)")
    }

    @Test func deepNestingIsBounded() {
        let json = #"{"version": "https://jsonfeed.org/version/1.1", "title": "t", "items": [], "x": "# + String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000) + "}"
        let report = validate(json)
        #expect(report.diagnostics.contains { $0.rule == "InvalidJSON" && $0.message.contains("nesting") })
    }
}
