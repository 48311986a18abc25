@testable import Crier
import CrierValidation
import Foundation
import Testing

/// Real fixture sites through the whole build: every file written is parsed back with
/// libxml2, Atom is checked against RFC 4287's RELAX NG schema, RSS and JSON Feed by
/// their structural checks, Crier's own validator finds nothing, and the entries read
/// back equal the posts that went in.
@Suite struct EndToEndTests {
    static let now = FeedReadBack.parseRFC3339("2030-01-01T00:00:00Z")!

    static let sources: [(name: String, source: PostSource)] = [
        ("jekyll", .site(LoadingFixtures.url("jekyll"))),
        ("hugo", .site(LoadingFixtures.url("hugo"))),
        ("folder", .folder(LoadingFixtures.url("folder"), Site(title: "Folder", baseURL: "https://example.org/notes/"))),
    ]

    @Test(arguments: sources.map(\.name))
    func everyFileOfAFixtureSiteReadsBackAsThePostsThatWentIn(_ name: String) throws {
        let source = try #require(Self.sources.first { $0.name == name }).source
        let loaded = PostLoader.load(source, options: LoadOptions())
        #expect(loaded.errors.isEmpty, "\(loaded.errors)")
        var options = BuildOptions()
        options.now = Self.now
        let outcome = BuildPipeline.run([BuildJob(source: source, formats: Crier.FeedFormat.allCases)], options: options)
        #expect(outcome.succeeded, "\(outcome.postErrors) \(outcome.feedFailures)")
        #expect(!outcome.files.isEmpty)

        let planned = FeedBuilder(site: loaded.site, now: Self.now).feeds(from: loaded.posts)
        for file in outcome.files {
            let plan = try #require(planned.first { $0.path(for: file.format) == file.path }, "no plan for \(file.path)")
            let expected = plan.feed.entries
            let entries: [ReadEntry]
            switch file.format {
            case .atom: entries = try FeedReadBack.atom(file.bytes).entries
            case .rss: entries = try FeedReadBack.rss(file.bytes).entries
            case .json: entries = try FeedReadBack.json(file.bytes).entries
            }
            let report = FeedValidator.validate(bytes: file.bytes, fileName: file.path)
            #expect(report.diagnostics.filter { $0.severity != .info }.isEmpty, "\(file.path): \(report.diagnostics)")

            #expect(entries.count == expected.count, "\(file.path)")
            for (read, entry) in zip(entries, expected) {
                let post = try #require(loaded.posts.first { EntryID.make(for: $0, site: loaded.site) == entry.id })
                #expect(read.id == EntryID.make(for: post, site: loaded.site), "\(file.path)")
                #expect(read.title == SamplePosts.xmlSafe(post.title), "\(file.path)")
                #expect(read.link == post.url, "\(file.path)")
                // Dates to the second.
                #expect(read.published.map { Int($0.timeIntervalSince1970) } == Int(post.published.timeIntervalSince1970.rounded(.down)), "\(file.path) \(post.sourcePath)")
                if let content = read.content {
                    #expect(content == SamplePosts.xmlSafe(post.contentHTML), "\(file.path) \(post.sourcePath)")
                } else {
                    #expect(loaded.site.feed.excerptOnly, "\(file.path): \(post.sourcePath) has no content")
                }
            }
        }
    }

    @Test func theBundledExampleBuildsCleanly() throws {
        let feeds = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../feeds").standardizedFileURL
        let definitions = try FeedDefinition.files(in: feeds).map(FeedDefinition.load)
        #expect(!definitions.isEmpty)
        let jobs = definitions.map { BuildJob(source: $0.source, definition: $0, formats: $0.formats ?? Crier.FeedFormat.allCases) }
        var options = BuildOptions()
        options.now = Self.now
        let first = BuildPipeline.run(jobs, options: options)
        #expect(first.succeeded && first.warnings.isEmpty, "\(first.postErrors) \(first.feedFailures) \(first.warnings)")
        let second = BuildPipeline.run(jobs, options: options)
        #expect(first.files == second.files, "identical input gives byte-identical files")
        for file in first.files where file.format == .atom {
            _ = try FeedReadBack.atom(file.bytes)
        }
    }
}

@Suite struct BuildGateTests {
    @Test func aFileTheGateRejectsIsAFailureAndIsNotWritten() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("crier-gate-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try Data("---\ntitle: One\n---\nText.\n".utf8).write(to: dir.appendingPathComponent("2024-01-01-one.md"))
        var options = BuildOptions()
        options.now = EndToEndTests.now
        options.check = { file in file.format == .rss ? ["\(file.path): refused for the test"] : [] }
        let outcome = BuildPipeline.run([BuildJob(source: .folder(dir, Site(title: "T", baseURL: "https://example.org/")),
                                                  formats: Crier.FeedFormat.allCases)], options: options)
        #expect(!outcome.succeeded)
        #expect(outcome.feedFailures.map(\.path) == ["feed.rss"])
        #expect(outcome.files.map(\.path) == ["feed.xml", "feed.json"])
    }

    @Test func aDefinitionsKeysOverASiteReachThePostsURLsDatesAndHTML() throws {
        let site = try TemporarySite()
        defer { site.remove() }
        try site.write("blog/_config.yml", "title: Blog\nurl: https://site.example\ntimezone: UTC\n")
        // Quoted: Jekyll reads an unquoted `2024-03-05 10:00:00` as UTC whatever the zone.
        try site.write("blog/_posts/2024-03-05-hello.md", "---\ntitle: Hello\ndate: \"2024-03-05 10:00:00\"\n---\nText <span>raw</span>.\n")
        let file = try site.write("feeds/f.yml", "site: ../blog\nbase_url: https://override.example/\ntimezone: Asia/Tokyo\nraw_html: false\nformats: [atom]\n")
        let definition = try FeedDefinition.load(file)
        var options = BuildOptions()
        options.now = EndToEndTests.now
        let outcome = BuildPipeline.run([BuildJob(source: definition.source, definition: definition, formats: [.atom])], options: options)
        #expect(outcome.succeeded, "\(outcome.postErrors) \(outcome.feedFailures)")
        let feed = try FeedReadBack.atom(try #require(outcome.files.first).bytes)
        let entry = try #require(feed.entries.first)
        #expect(entry.link == "https://override.example/2024/03/05/hello.html")
        #expect(entry.published == SamplePosts.date("2024-03-05T01:00:00Z"), "10:00 in Tokyo")
        #expect(entry.content?.contains("span") == false)
    }

    /// A misspelt key, a missing or relative `base_url`, a `path` naming a folder and a
    /// setting given under both its spellings are errors naming the file and line, not
    /// settings silently not made (which published `http://localhost/` feeds).
    @Test func aDefinitionRefusesUnknownKeysAMissingBaseURLAndAFolderPath() throws {
        let site = try TemporarySite()
        defer { site.remove() }
        func error(_ text: String) throws -> PostError {
            let file = try site.write("feeds/t.yml", text)
            do {
                _ = try FeedDefinition.load(file)
            } catch let error as PostError {
                return error
            }
            throw CancellationError()
        }
        let typo = try error("title: T\nbase_url: https://d.example/\nposts: p\nlimt: 5\n")
        #expect(typo.line == 4 && typo.message.contains("unknown key `limt`") && typo.message.contains("did you mean `limit`"))
        let hyphen = try error("title: T\nbase-url: https://d.example/\nposts: p\n")
        #expect(hyphen.line == 2 && hyphen.message.contains("did you mean `base_url`"))
        let missing = try error("title: T\nposts: p\n")
        #expect(missing.message.contains("`base_url` is missing"))
        let relative = try error("title: T\nbase_url: example.org\nposts: p\n")
        #expect(relative.line == 2 && relative.message.contains("not an absolute http(s) URL"))
        let folder = try error("title: T\nbase_url: https://d.example/\nposts: p\npath: dir/\n")
        #expect(folder.line == 4 && folder.message.contains("names the Atom file"))
        // One setting under both its spellings: which value counts would be a guess.
        let twice = try error("title: T\nurl: https://a.example/\nposts: p\nbase_url: https://b.example/\n")
        #expect(twice.line == 4 && twice.message.contains("`base_url` and `url` are the same setting, given twice (lines 2 and 4)"), "\(twice)")
        let languages = try error("title: T\nlang: en\nlanguage: fr\nbase_url: https://d.example/\nposts: p\n")
        #expect(languages.line == 3 && languages.message.contains("`lang` and `language`"), "\(languages)")
        // Left empty, the other spelling is not a setting made.
        let empty = try site.write("feeds/e.yml", "title: T\nurl:\nbase_url: https://d.example/\nposts: p\n")
        #expect(throws: Never.self) { try FeedDefinition.load(empty) }
        // A `site:` source takes its address from the site's own configuration.
        let file = try site.write("feeds/s.yml", "site: ../blog\n")
        #expect(throws: Never.self) { try FeedDefinition.load(file) }
    }

    @Test func definitionKeysQuotedOrLeftEmptyAreReadAsTheSiteConfigurationReadsThem() throws {
        let site = try TemporarySite()
        defer { site.remove() }
        let quoted = try site.write("feeds/quoted.yml", """
            title: Q
            base_url: https://q.example/
            posts: ../posts
            limit: "20"
            excerpt_only: "yes"
            tags: "true"
            archive: 'false'
            archive_size: '5'
            """)
        let definition = try FeedDefinition.load(quoted)
        #expect(definition.overrides.feed.postsLimit == 20 && definition.overrides.feed.excerptOnly)
        #expect(definition.overrides.feed.allTags && definition.overrides.feed.tags.isEmpty)
        #expect(!definition.archive && definition.archiveSize == 5)

        let empty = try site.write("feeds/empty.yml", """
            site: ../blog
            description: ~
            hub: ~
            tags: ~
            categories: [~, news]
            limit:
            raw_html: null
            """)
        let nulls = try FeedDefinition.load(empty)
        #expect(nulls.overrides.feed.hubs.isEmpty && nulls.overrides.feed.tags.isEmpty && !nulls.overrides.feed.allTags)
        #expect(nulls.overrides.feed.categories == ["news"])
        // Left empty, a key is not given: the site's own setting stays.
        #expect(nulls.overriddenKeys == ["site", "categories"])
    }

    @Test func postsWithNothingInThemGiveEntriesWithoutContentAndTheBuildPasses() throws {
        let site = try TemporarySite()
        defer { site.remove() }
        try site.write("_config.yml", "title: T\nurl: https://example.org\n")
        try site.write("_posts/2024-01-01-empty.md", "")
        try site.write("_posts/2024-01-02-blank.md", "---\ntitle: Blank\n---\n\n  \n\t\n")
        // An HTML post's body is its content as written: no-break spaces, a form feed and
        // a control character XML forbids are blank too.
        try site.write("_posts/2024-01-02-spaces.html", "---\ntitle: Spaces\n---\n\u{A0}\u{3000}\u{0C}\u{01}\n")
        try site.write("_posts/2024-01-03-text.md", "---\ntitle: Text\n---\nSome text.\n")
        var options = BuildOptions()
        options.now = EndToEndTests.now
        let outcome = BuildPipeline.run([BuildJob(source: .site(site.root), formats: Crier.FeedFormat.allCases)], options: options)
        #expect(outcome.succeeded, "\(outcome.postErrors) \(outcome.feedFailures)")
        #expect(outcome.files.count == 3)
        for file in outcome.files {
            let entries: [ReadEntry]
            switch file.format {
            case .atom: entries = try FeedReadBack.atom(file.bytes).entries
            case .rss: entries = try FeedReadBack.rss(file.bytes).entries
            case .json: entries = try FeedReadBack.json(file.bytes).entries
            }
            #expect(Set(entries.map(\.title)) == ["Text", "Blank", "Spaces", "Empty"], "\(file.path)")
            if file.format != .json {
                #expect(entries.filter { $0.content != nil }.map(\.title) == ["Text"], "\(file.path)")
            }
        }
    }

    @Test func theStandardGateFindsErrorsAndWarnings() {
        let broken = Array("<feed xmlns=\"http://www.w3.org/2005/Atom\"><title>t</title></feed>".utf8)
        let problems = FeedGate.problems(in: broken, path: "feed.xml")
        #expect(problems.contains { $0.contains("[MissingElement]") }, "\(problems)")
        #expect(problems.contains { $0.contains("warning: [MissingSelf]") }, "\(problems)")
    }
}
