import Foundation
import Testing
@testable import Crier

/// Links and categories that must be what Jekyll 4.3 and Hugo 0.111 publish for the same
/// input (found by building sample sites with both and with Crier).
@Suite("Loading: links and categories as the generators make them")
struct LoadingGeneratorAgreementTests {
    func load(_ files: [String: String]) throws -> LoadResult {
        let temp = try TemporarySite()
        defer { temp.remove() }
        for (path, text) in files { try temp.write(path, text) }
        return PostLoader.load(.site(temp.root), options: LoadOptions())
    }

    @Test func jekyllPathPlaceholderLeavesOutThePostsFolder() throws {
        let result = try load([
            "_config.yml": "url: https://j.example\npermalink: /:path/\n",
            "_posts/2024-03-05-kettle-notes.md": "---\ntitle: Kettle\n---\nx\n",
            "garden/_posts/2024-03-06-seed-trays.md": "---\ntitle: Trays\n---\nx\n",
        ])
        #expect(result.post("_posts/2024-03-05-kettle-notes.md")?.url == "https://j.example/2024-03-05-kettle-notes/")
        #expect(result.post("garden/_posts/2024-03-06-seed-trays.md")?.url == "https://j.example/garden/2024-03-06-seed-trays/")
    }

    /// Jekyll 4.3 escapes a `#` or `%` in a placeholder's value, every one of them
    /// (`_site/c#/50% off/...` is linked as `/c%23/50%25%20off/...`); Crier also escapes a
    /// `?`, which Jekyll leaves to start a query, so that the link reaches the page.
    @Test func jekyllPlaceholderValuesHaveTheirDelimitersEscaped() throws {
        let result = try load([
            "_config.yml": "url: https://j.example\npermalink: /:categories/:path/\n",
            "_posts/2024-03-05-c#-a?b%c.md": "---\ntitle: A\ncategories: [\"C#\", \"50% off\", \"why?\"]\n---\nx\n",
            "_posts/2024-03-06-x%41y##z.md": "---\ntitle: B\ncategories: [\"a#b#c\"]\npermalink: /k%20/:categories/:path/\n---\nx\n",
        ])
        #expect(result.post("_posts/2024-03-05-c#-a?b%c.md")?.url == "https://j.example/c%23/50%25%20off/why%3F/2024-03-05-c%23-a%3Fb%25c/")
        // A pattern's own text is left as written, an escape in it too.
        #expect(result.post("_posts/2024-03-06-x%41y##z.md")?.url == "https://j.example/k%20/a%23b%23c/2024-03-06-x%2541y%23%23z/")
    }

    @Test func jekyllNamePlaceholderIsTheSlugifiedFileNameWithItsDate() throws {
        let result = try load([
            "_config.yml": "url: https://j.example\npermalink: /:name:output_ext\n",
            "_posts/2024-03-05-Kettle_Notes.md": "---\ntitle: Kettle\n---\nx\n",
        ])
        #expect(result.posts.first?.url == "https://j.example/2024-03-05-kettle-notes.html")
    }

    @Test func jekyllDefaultCategoriesComeBeforeThePostsOwn() throws {
        let config = """
            url: https://j.example
            defaults:
              - scope: {path: "", type: posts}
                values: {categories: [kitchen]}
            """
        let result = try load([
            "_config.yml": config,
            "_posts/2024-03-05-kettle.md": "---\ntitle: Kettle\ncategories: [Tools]\n---\nx\n",
            "_posts/2024-03-06-pans.md": "---\ntitle: Pans\n---\nx\n",
        ])
        let kettle = try #require(result.post("_posts/2024-03-05-kettle.md"))
        #expect(kettle.categories == ["kitchen", "Tools"])
        #expect(kettle.url == "https://j.example/kitchen/tools/2024/03/05/kettle.html")
        #expect(result.post("_posts/2024-03-06-pans.md")?.categories == ["kitchen"])
    }

    @Test func jekyllDefaultsWithTheLongerPathOrTheLaterScopeWin() throws {
        let config = """
            url: https://j.example
            defaults:
              - scope: {path: ""}
                values: {tags: [general], author: First}
              - scope: {path: "garden"}
                values: {tags: [outdoors]}
              - scope: {path: ""}
                values: {author: Second}
            """
        let result = try load([
            "_config.yml": config,
            "garden/_posts/2024-03-05-seeds.md": "---\ntitle: Seeds\n---\nx\n",
            "_posts/2024-03-06-pans.md": "---\ntitle: Pans\n---\nx\n",
        ])
        #expect(result.post("garden/_posts/2024-03-05-seeds.md")?.tags == ["outdoors"])
        let pans = try #require(result.post("_posts/2024-03-06-pans.md"))
        #expect(pans.tags == ["general"])
        #expect(pans.authors == [Person(name: "Second")])
    }

    @Test func hugoPermalinkPlaceholdersAreURLizedAsHugoDoes() throws {
        let config = """
            baseURL = "https://h.example/"
            title = "H"
            [permalinks]
            posts = "/:slug/"
            notes = "/n/:filename/"
            """
        let result = try load([
            "hugo.toml": config,
            "content/posts/a.md": "---\ntitle: \"Tea & Toast -- Tips\"\ndate: 2024-03-05\n---\nx\n",
            "content/posts/b.md": "---\ntitle: B\nslug: \" Slow  Cooker \"\ndate: 2024-03-05\n---\nx\n",
            "content/posts/c.md": "---\ntitle: C++ and Rust\ndate: 2024-03-05\n---\nx\n",
            "content/notes/Field Trip.md": "---\ntitle: Trip\ndate: 2024-03-05\n---\nx\n",
        ])
        #expect(result.post("content/posts/a.md")?.url == "https://h.example/tea-toast--tips/")
        #expect(result.post("content/posts/b.md")?.url == "https://h.example/slow-cooker/")
        #expect(result.post("content/posts/c.md")?.url == "https://h.example/c-and-rust/")
        #expect(result.post("content/notes/Field Trip.md")?.url == "https://h.example/n/field-trip/")
    }

    /// Jekyll's `future: true` and `unpublished: true` publish posts it would otherwise
    /// leave out, and jekyll-feed lists them (checked with Jekyll 4.3): so does Crier.
    @Test func jekyllFutureAndUnpublishedSettingsPutThosePostsInTheFeed() throws {
        func titles(_ config: String) throws -> [String] {
            let temp = try TemporarySite()
            defer { temp.remove() }
            try temp.write("_config.yml", "title: T\nurl: https://j.example\n" + config)
            try temp.write("_posts/2024-01-01-now.md", "---\ntitle: Now\n---\nx\n")
            try temp.write("_posts/2024-01-02-hidden.md", "---\ntitle: Hidden\npublished: false\n---\nx\n")
            try temp.write("_posts/2030-01-01-later.md", "---\ntitle: Later\n---\nx\n")
            var options = BuildOptions()
            options.now = utcDate(2025, 1, 1)
            let outcome = BuildPipeline.run([BuildJob(source: .site(temp.root), formats: [.atom])], options: options)
            #expect(outcome.succeeded, "\(outcome.postErrors) \(outcome.feedFailures)")
            return try FeedReadBack.atom(try #require(outcome.files.first).bytes).entries.map(\.title)
        }
        #expect(try titles("") == ["Now"])
        #expect(try titles("future: true\n") == ["Later", "Now"])
        #expect(try titles("unpublished: true\n") == ["Hidden", "Now"])
        #expect(try titles("future: true\nunpublished: true\nfeed:\n  path: atom.xml\n") == ["Later", "Hidden", "Now"])
    }

    /// Hugo turns a trailing `+` into a `-` too (`Learning C++` is `learning-c-`), and uses
    /// the title for an empty `slug:` (checked with Hugo 0.111).
    @Test func hugoKeepsATrailingPlusAsADashAndSkipsAnEmptySlug() throws {
        let result = try load([
            "hugo.toml": "baseURL = \"https://h.example/\"\ntitle = \"H\"\n[permalinks]\nposts = \"/f/:slugorfilename/\"\nnotes = \"/n/:slug/\"\n",
            "content/posts/Learning C++.md": "---\ntitle: L\ndate: 2024-03-05\n---\nx\n",
            "content/posts/e.md": "---\ntitle: E\nslug: \"notes-c++\"\ndate: 2024-03-05\n---\nx\n",
            "content/notes/a.md": "---\ntitle: Empty Slug\nslug: \"\"\ndate: 2024-03-05\n---\nx\n",
        ])
        #expect(result.post("content/posts/Learning C++.md")?.url == "https://h.example/f/learning-c-/")
        #expect(result.post("content/posts/e.md")?.url == "https://h.example/f/notes-c-/")
        #expect(result.post("content/notes/a.md")?.url == "https://h.example/n/empty-slug/")
    }

    /// A date Jekyll reads as UTC stays so when it comes through a YAML merge key or the
    /// site's `defaults:` (Jekyll 4.3 publishes both under the UTC day).
    @Test func jekyllUTCDatesStayUTCThroughMergeKeysAndDefaults() throws {
        let result = try load([
            "_config.yml": "url: https://j.example\ntimezone: Asia/Tokyo\ndefaults:\n  - scope: {path: \"\"}\n    values: {last_modified_at: 2024-03-05 20:00:00}\n",
            "_posts/2024-03-05-merge.md": "---\nbase: &b\n  date: 2024-03-05 20:00:00\n<<: *b\n---\nx\n",
        ])
        #expect(result.errors.isEmpty, "\(result.errors)")
        let post = try #require(result.post("_posts/2024-03-05-merge.md"))
        #expect(post.url == "https://j.example/2024/03/06/merge.html")
        #expect(post.published == utcDate(2024, 3, 5, 20))
        #expect(post.updated == utcDate(2024, 3, 5, 20))
    }
}
