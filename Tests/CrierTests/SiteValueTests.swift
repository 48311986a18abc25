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

    @Test func aDefinitionNamingBothPostsAndASiteIsRefusedAtItsLine() throws {
        let site = try TemporarySite()
        defer { site.remove() }
        let both = try site.write("feeds/a.yml", "title: A\nbase_url: https://a.example/\nposts: p\nsite: blog\n")
        do {
            _ = try FeedDefinition.load(both)
            Issue.record("a definition with both `posts:` and `site:` was accepted")
        } catch let error as PostError {
            #expect(error.line == 4 && error.message.contains("`site:` and `posts:` both say where the posts are"), "\(error)")
        }
        let one = try site.write("feeds/b.yml", "title: B\nsite: blog\n")
        guard case .site(let root) = try FeedDefinition.load(one).source else {
            Issue.record("`site:` alone is not a site")
            return
        }
        #expect(root.lastPathComponent == "blog")
    }

    /// `posts:` and `site:` are relative to the definition's folder, unless absolute.
    @Test func aDefinitionsFoldersAreRelativeToItUnlessAbsolute() throws {
        let site = try TemporarySite()
        defer { site.remove() }
        let absolute = site.root.appendingPathComponent("elsewhere/blog").path
        let cases: [(String, String)] = [
            ("posts: notes\nbase_url: https://a.example/\n", site.root.appendingPathComponent("feeds/notes").path),
            ("posts: ../notes\nbase_url: https://a.example/\n", site.root.appendingPathComponent("notes").path),
            ("posts: \(absolute)\nbase_url: https://a.example/\n", absolute),
            ("site: \(absolute)\n", absolute),
            ("site: ../blog\n", site.root.appendingPathComponent("blog").path),
        ]
        for (index, (text, want)) in cases.enumerated() {
            let file = try site.write("feeds/d\(index).yml", "title: D\n" + text)
            switch try FeedDefinition.load(file).source {
            case .folder(let root, _), .site(let root): #expect(root.path == want, "\(text)")
            }
        }
    }

    @Test func aDefinitionsAuthorEmailIsCheckedAtItsLine() throws {
        let site = try TemporarySite()
        defer { site.remove() }
        let bad = try site.write("feeds/a.yml", "title: A\nbase_url: https://a.example/\nposts: p\nauthor:\n  name: Ada\n  email: ada at example\n")
        do {
            _ = try FeedDefinition.load(bad)
            Issue.record("a definition whose author's email is not an address was accepted")
        } catch let error as PostError {
            #expect(error.path.hasSuffix("feeds/a.yml") && error.line == 6 && error.message.contains("`email: ada at example` is not an email address"), "\(error)")
        }
        let good = try site.write("feeds/b.yml", "title: B\nbase_url: https://a.example/\nposts: p\nauthor:\n  name: Ada\n  email: ada@example.org\n")
        #expect(try FeedDefinition.load(good).overrides.author?.email == "ada@example.org")
        // Its address, likewise.
        let spaced = try site.write("feeds/c.yml", "title: C\nbase_url: https://a.example/\nposts: p\nauthor:\n  name: Ada\n  uri: https://a.example/ada lovelace\n")
        do {
            _ = try FeedDefinition.load(spaced)
            Issue.record("a definition whose author's uri holds a space was accepted")
        } catch let error as PostError {
            #expect(error.line == 6 && error.message.contains("`uri: https://a.example/ada lovelace` contains white space"), "\(error)")
        }
    }

    /// A blank title is an error at its line, not an empty <title> the gate refuses; a
    /// blank description is no description, not an empty <subtitle> (a gate warning).
    @Test func aDefinitionsBlankTitleIsAnErrorAndItsBlankDescriptionNone() throws {
        let site = try TemporarySite()
        defer { site.remove() }
        let blankTitle = try site.write("feeds/a.yml", "base_url: https://a.example/\nposts: p\ntitle: \"  \"\n")
        do {
            _ = try FeedDefinition.load(blankTitle)
            Issue.record("a definition with a blank title was accepted")
        } catch let error as PostError {
            #expect(error.line == 3 && error.message.contains("blank: a feed needs a title"), "\(error)")
        }
        try site.write("feeds/p/2024-01-01-one.md", "---\ntitle: One\n---\nText.\n")
        let blankDescription = try site.write("feeds/b.yml", "title: B\nbase_url: https://a.example/\nposts: p\ndescription: \" \\t \"\n")
        let definition = try FeedDefinition.load(blankDescription)
        let outcome = BuildPipeline.run([BuildJob(source: definition.source, definition: definition, formats: [.atom, .rss, .json])], options: BuildOptions())
        #expect(outcome.succeeded, "\(outcome.feedFailures)")
        let atom = try #require(outcome.files.first { $0.format == .atom })
        #expect(!String(decoding: atom.bytes, as: UTF8.self).contains("<subtitle"))
    }

    @Test func aDefinitionsLanguageMustBeATag() throws {
        let site = try TemporarySite()
        defer { site.remove() }
        let good = try site.write("feeds/a.yml", "title: A\nbase_url: https://a.example/\nposts: p\nlang: de_DE\n")
        #expect(try FeedDefinition.load(good).overrides.language == "de-DE")
        let bad = try site.write("feeds/b.yml", "title: B\nbase_url: https://a.example/\nposts: p\nlang: German\n")
        #expect(throws: PostError.self) { try FeedDefinition.load(bad) }
    }

    /// jekyll-feed's `feed: path:` is checked as a definition's `path:` is: a path out of
    /// the output folder, or one naming a folder or a hidden file, is an error at its line.
    @Test func aJekyllFeedPathOutsideTheOutputFolderIsAnErrorNamingItsLine() throws {
        for (path, expected) in [("../victim.xml", "must be a relative path inside the output folder"),
                                 ("feeds/", "names the Atom file"), ("/", "names the Atom file"), ("a/.x.xml", "names the Atom file")] {
            let result = try load("title: L\nurl: https://l.example\nfeed:\n  path: \(path)\n")
            let error = try #require(result.errors.first, "\(path)")
            #expect(error.line == 4 && error.message.contains(expected), "\(path): \(error)")
            #expect(result.posts.isEmpty)
        }
        #expect(try load("title: L\nurl: https://l.example\nfeed:\n  path: /atom/feed.xml\n").site.feed.path == "atom/feed.xml")
    }

    /// A site address with a query, a fragment or a space would be repeated in every link;
    /// one with no host is none: each is an error where it is written.
    @Test func aSiteAddressThatLinksCannotBeMadeFromIsAnError() throws {
        for url in ["https://l.example/?q=1", "https://l.example/#top", "https://l.example/a b"] {
            let error = try #require(try load("title: L\nurl: \(url)\n").errors.first, "\(url)")
            #expect(error.line == 2, "\(url): \(error)")
        }
        let site = try TemporarySite()
        defer { site.remove() }
        for (n, base) in ["https://", "https://a.example/?x=1", "https://a.example/a b/"].enumerated() {
            let bad = try site.write("feeds/b\(n).yml", "title: B\nbase_url: \(base)\nposts: p\n")
            #expect(throws: PostError.self, "\(base)") { try FeedDefinition.load(bad) }
        }
    }

    /// A host written in other than ASCII is kept in its ASCII (IDNA) form, so the entries'
    /// `tag:` ids and links are valid and the build passes the gate.
    @Test func aNonASCIIHostIsWrittenInItsASCIIForm() throws {
        let root = try writeSite("title: B\nurl: https://bücher.example\nbaseurl: /blög\n")
        defer { try? FileManager.default.removeItem(at: root) }
        let outcome = BuildPipeline.run([BuildJob(source: .site(root), formats: [.atom, .rss])], options: BuildOptions())
        #expect(outcome.succeeded, "\(outcome.feedFailures)")
        let atom = try #require(outcome.files.first { $0.format == .atom })
        let text = String(decoding: atom.bytes, as: UTF8.self)
        #expect(text.contains("<id>tag:xn--bcher-kva.example,2024-01-01:_posts/2024-01-01-a</id>"), "\(text)")
        #expect(text.contains("https://xn--bcher-kva.example/bl%C3%B6g/2024/01/01/a.html"), "\(text)")
        #expect(!text.contains("bücher") && !text.contains("blög"))
    }

    /// Settings of the wrong kind are not dropped without a word.
    @Test func settingsOfTheWrongKindAreErrorsOrWarningsNamingTheirLine() throws {
        let zone = try #require(try load("title: L\nurl: https://l.example\ntimezone: [UTC]\n").errors.first)
        #expect(zone.line == 3 && zone.message.contains("`timezone` is a list"), "\(zone)")
        let feed = try load("title: L\nurl: https://l.example\nfeed: yes\nlang: [en]\n")
        #expect(feed.errors.isEmpty)
        let lines = feed.warnings.map { "\($0.line ?? 0): \($0.message)" }
        #expect(lines.contains { $0.hasPrefix("3: `feed` is ") && $0.contains(", not jekyll-feed's settings") }, "\(lines)")
        #expect(lines.contains { $0.hasPrefix("4: `lang` is a list, not a language tag") }, "\(lines)")
        // A site title that is no text is said at its line (it was only "the site has no
        // `title`", with no line).
        let title = try load("title: [a, b]\nurl: https://l.example\n").warnings.map { "\($0.line ?? 0): \($0.message)" }
        #expect(title.contains("1: `title` is a list, not text; ignored"), "\(title)")
        let hugoSite = try TemporarySite()
        defer { hugoSite.remove() }
        try hugoSite.write("hugo.toml", "baseURL = \"https://h.example/\"\ntitle = [\"a\"]\n")
        try hugoSite.write("content/posts/a.md", "---\ntitle: A\ndate: 2024-01-01\n---\nx\n")
        let hugo = PostLoader.load(.site(hugoSite.root), options: LoadOptions()).warnings.map { "\($0.line ?? 0): \($0.message)" }
        #expect(hugo.contains("2: `title` is a list, not text; ignored"), "\(hugo)")
        let hub = try #require(try load("title: L\nurl: https://l.example\nfeed:\n  hubs: [5]\n").errors.first)
        #expect(hub.line == 4 && hub.message.contains("`5` is not the absolute http(s) URL of a WebSub hub"), "\(hub)")

        let site = try TemporarySite()
        defer { site.remove() }
        for (n, key) in ["title: [a, b]", "stylesheet: {a: b}", "tags: [[a], b]", "hub: 5", "categories: true"].enumerated() {
            let bad = try site.write("feeds/b\(n).yml", "base_url: https://a.example/\nposts: p\n\(key)\n")
            #expect(throws: PostError.self, "\(key)") { try FeedDefinition.load(bad) }
        }
        let good = try site.write("feeds/good.yml", "title: G\nbase_url: https://a.example/\nposts: p\ntags: 5\ncategories: [true]\nhub: https://hub.example/\n")
        let definition = try FeedDefinition.load(good)
        #expect(definition.overrides.feed.tags == ["5"] && definition.overrides.feed.categories == ["true"])
    }

    /// Archive documents as long as a feed of no entry would each hold one: said instead.
    @Test func anArchivedFeedOfNoEntryNeedsAnArchiveSize() throws {
        let site = try TemporarySite()
        defer { site.remove() }
        let bad = try site.write("feeds/a.yml", "title: A\nbase_url: https://a.example/\nposts: p\nlimit: 0\narchive: true\n")
        do {
            _ = try FeedDefinition.load(bad)
            Issue.record("loaded")
        } catch let error as PostError {
            #expect(error.line == 4 && error.message.contains("archive_size"), "\(error)")
        }
        let sized = try site.write("feeds/b.yml", "title: B\nbase_url: https://a.example/\nposts: p\nlimit: 0\narchive: true\narchive_size: 20\n")
        #expect(try FeedDefinition.load(sized).archiveSize == 20)
    }

    /// A stylesheet address holding `?>` cannot end the instruction early: the feed stays
    /// well formed.
    @Test func aStylesheetAddressCannotBreakTheDocument() throws {
        let site = try TemporarySite()
        defer { site.remove() }
        try site.write("p/2024-01-01-a.md", "---\ntitle: A\n---\nx\n")
        let file = try site.write("feeds/s.yml", "title: S\nbase_url: https://a.example/\nposts: ../p\nstylesheet: \"a\\\"?><x\"\n")
        let definition = try FeedDefinition.load(file)
        let outcome = BuildPipeline.run([BuildJob(source: definition.source, definition: definition, formats: [.atom, .rss])], options: BuildOptions())
        #expect(outcome.succeeded, "\(outcome.feedFailures)")
        let atom = String(decoding: try #require(outcome.files.first { $0.format == .atom }).bytes, as: UTF8.self)
        #expect(atom.contains(#"<?xml-stylesheet type="text/xsl" href="a&quot;?&gt;&lt;x"?>"#), "\(atom)")
    }

    private func writeSite(_ config: String) throws -> URL {
        let site = try TemporarySite()
        try site.write("_config.yml", config)
        try site.write("_posts/2024-01-01-a.md", "---\ntitle: A\n---\nx\n")
        return site.root
    }
}
