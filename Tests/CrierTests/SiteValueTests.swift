@testable import Crier
import Foundation
import Testing

/// Settings the feeds carry are checked where they are written, naming the file and line,
/// instead of failing every written feed at the gate with positions in a feed that was
/// never written.
@Suite struct SiteValueTests {
    func load(_ config: String, post: String = "---\ntitle: A\n---\nx\n") throws -> LoadResult {
        let site = try TemporarySite()
        defer { site.remove() }
        try site.write("_config.yml", config)
        try site.write("_posts/2024-01-01-a.md", post)
        return PostLoader.load(.site(site.root), options: LoadOptions())
    }

    /// Jekyll themes write `locale: en_US`; the feeds carry `en-US`, and the build passes.
    @Test func aLocaleBecomesALanguageTag() throws {
        let result = try load("title: L\nurl: https://l.example\nlocale: en_US.UTF-8\n", post: "---\ntitle: A\nlang: fr_FR\n---\nx\n")
        #expect(result.errors.isEmpty && result.warnings.isEmpty)
        #expect(result.site.language == "en-US")
        #expect(result.posts.first?.language == "fr-FR")
        let outcome = BuildPipeline.run([BuildJob(source: .site(try writeSite("title: L\nurl: https://l.example\nlocale: en_US\n")), formats: [.atom, .rss])],
                                        options: BuildOptions())
        #expect(outcome.succeeded, "\(outcome.feedFailures)")
    }

    @Test func aLanguageThatIsNoTagIsAWarningNamingItsLine() throws {
        let result = try load("title: L\nurl: https://l.example\nlang: English\n", post: "---\ntitle: A\nlanguage: Klingon\n---\nx\n")
        #expect(result.errors.isEmpty)
        #expect(result.site.language == nil && result.posts.first?.language == nil)
        let lines = result.warnings.map { "\($0.line ?? 0): \($0.message)" }
        #expect(lines.contains("3: `lang: English` is not a language tag such as en or en-US; the feeds name no language"), "\(lines)")
        #expect(lines.contains { $0.hasPrefix("3: `language: Klingon`") }, "\(lines)")
    }

    @Test func aURLWithoutASchemeIsAnErrorNamingItsLine() throws {
        let result = try load("title: L\nurl: l.example\n")
        let error = try #require(result.errors.first)
        #expect(error.line == 2 && error.message.contains("`url: l.example` needs a scheme, such as https://l.example"))
        #expect(result.posts.isEmpty)
    }

    @Test func aDefinitionsLanguageMustBeATag() throws {
        let site = try TemporarySite()
        defer { site.remove() }
        let good = try site.write("feeds/a.yml", "title: A\nbase_url: https://a.example/\nposts: p\nlang: de_DE\n")
        #expect(try FeedDefinition.load(good).overrides.language == "de-DE")
        let bad = try site.write("feeds/b.yml", "title: B\nbase_url: https://a.example/\nposts: p\nlang: German\n")
        #expect(throws: PostError.self) { try FeedDefinition.load(bad) }
    }

    private func writeSite(_ config: String) throws -> URL {
        let site = try TemporarySite()
        try site.write("_config.yml", config)
        try site.write("_posts/2024-01-01-a.md", "---\ntitle: A\n---\nx\n")
        return site.root
    }
}
