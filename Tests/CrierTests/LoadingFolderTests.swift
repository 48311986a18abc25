import Foundation
import Testing
@testable import Crier

@Suite("Loading a bare folder of posts")
struct LoadingFolderTests {
    let site = Site(title: "Folder", baseURL: "https://folder.example/")

    var result: LoadResult { PostLoader.load(.folder(LoadingFixtures.url("folder"), site), options: LoadOptions()) }

    @Test func everyPostFileIsReadRecursivelyButNotTheReadme() {
        let result = self.result
        #expect(result.errors == [])
        #expect(result.posts.map(\.sourcePath) == ["2024-01-02-plain.txt", "sub/2024-01-04-nested.md", "with-front-matter.txt"])
    }

    @Test func plainTextTakesItsTitleFromTheFirstLineAndEscapesParagraphs() throws {
        let post = try #require(result.post("2024-01-02-plain.txt"))
        #expect(post.title == "Plain Title")
        #expect(post.contentHTML == "<p>First paragraph of plain text &amp; &lt;stuff&gt;.</p>\n<p>Second\nparagraph.</p>\n")
        #expect(post.summaryHTML == "<p>First paragraph of plain text &amp; &lt;stuff&gt;.</p>\n")
        #expect(post.published == utcDate(2024, 1, 2))
        #expect(post.url == "https://folder.example/2024-01-02-plain/")
    }

    @Test func aTxtFileWithFrontMatterIsMarkdown() throws {
        let post = try #require(result.post("with-front-matter.txt"))
        #expect(post.title == "Markdown in a txt file")
        #expect(post.contentHTML == "<p>Some <em>emphasis</em>.</p>\n")
        #expect(post.published == utcDate(2024, 1, 3))
    }

    @Test func markdownWithoutFrontMatterTakesItsLeadingHeadingAsTitle() throws {
        let post = try #require(result.post("sub/2024-01-04-nested.md"))
        #expect(post.title == "Nested heading title")
        #expect(post.url == "https://folder.example/sub/2024-01-04-nested/")
    }

    @Test func aSitePermalinkPatternIsUsedForFolderPosts() throws {
        var site = self.site
        site.permalink = "/:year/:title.html"
        let result = PostLoader.load(.folder(LoadingFixtures.url("folder"), site), options: LoadOptions())
        #expect(result.post("2024-01-02-plain.txt")?.url == "https://folder.example/2024/plain.html")
    }

    @Test func theSharedExamplePostsLoadWithAWarningForTheirMissingDates() throws {
        let temp = try TemporarySite()
        defer { temp.remove() }
        let markdownInTxt = "---\nlayout: post\ntitle: The first production Elixir app\n---\n\nI've recently got into Elixir.\n\n### Elixir is production ready\nYes.\n"
        let plain = "28 Days - Talk Recap - Elixir in Production\n\nI very recently gave a talk.\n\nHuman Element\n\nOne of the messages.\n"
        try temp.write("000_9df39200580e4694.txt", markdownInTxt)
        try temp.write("001_7c2e097c5bf3abc9.txt", plain)
        let mtime = utcDate(2020, 2, 13, 12)
        for name in ["000_9df39200580e4694.txt", "001_7c2e097c5bf3abc9.txt"] {
            try FileManager.default.setAttributes([.modificationDate: mtime], ofItemAtPath: temp.root.appendingPathComponent(name).path)
        }
        let result = PostLoader.load(.folder(temp.root, site), options: LoadOptions())
        #expect(result.errors == [])
        let first = try #require(result.post("000_9df39200580e4694.txt"))
        #expect(first.title == "The first production Elixir app")
        #expect(first.contentHTML.contains("<h3>Elixir is production ready</h3>"))
        #expect(first.published == mtime)
        let second = try #require(result.post("001_7c2e097c5bf3abc9.txt"))
        #expect(second.title == "28 Days - Talk Recap - Elixir in Production")
        #expect(second.contentHTML == "<p>I very recently gave a talk.</p>\n<p>Human Element</p>\n<p>One of the messages.</p>\n")
        #expect(second.published == mtime)
        #expect(result.warnings.count == 2)
        #expect(result.warnings.allSatisfy { $0.message.contains("modification time") })
        #expect(result.warnings.map { URL(fileURLWithPath: $0.path).lastPathComponent } == ["000_9df39200580e4694.txt", "001_7c2e097c5bf3abc9.txt"])
    }

    @Test func aDefaultDateReplacesTheModificationTime() throws {
        let temp = try TemporarySite()
        defer { temp.remove() }
        try temp.write("undated.md", "Text\n")
        var options = LoadOptions()
        options.defaultDate = utcDate(2021, 6, 1)
        let result = PostLoader.load(.folder(temp.root, site), options: options)
        #expect(result.posts.first?.published == utcDate(2021, 6, 1))
        #expect(result.warnings.first?.message.contains("default date") == true)
    }

    /// Post files are told apart by extension without Foundation's `URL`: which names are
    /// posts, and the name without its extension, must be as `URL` has them. (They differ
    /// elsewhere: `URL` has no extension for `a.m d` yet takes `.m d` off; neither is a post.)
    @Test func fileNamesSplitAtTheirExtensionAsURLDoesForEveryPostFile() {
        var names = ["a.md", "foo.", "a.b.c", "noext", "x..md", "a.MD", "ünï.md", "a b.markdown", "a.", "2024-01-01-post.html",
                     "index.md", "_index.md", "README.txt", "...", "a.b.", "é.ü", "tab\t.md", "a.md ", "a. md", "a.b c.md"]
        // And seeded random names of dots, letters, extensions and a few others.
        var random = SplitMix64(seed: 7)
        let pieces = [".", ".", "a", "md", "html", "txt", "markdown", "é", " ", "-", "_", "MD"]
        for _ in 0..<10_000 {
            names.append((0..<Int(random.next() % 6 + 1)).map { _ in pieces[Int(random.next() % UInt64(pieces.count))] }.joined())
        }
        let postExtensions: Set<String> = PostFiles.markdownExtensions.union(PostFiles.htmlExtensions).union(["txt"])
        var posts = 0
        // Names starting with a dot are hidden: never read.
        for name in names where !name.hasPrefix(".") {
            let url = URL(fileURLWithPath: "/tmp/" + name, isDirectory: false)
            let split = FileNames.split(name)
            let isPost = postExtensions.contains(url.pathExtension.lowercased())
            #expect(postExtensions.contains(split.ext.lowercased()) == isPost, "\(name)")
            if isPost {
                posts += 1
                #expect(split.ext == url.pathExtension && split.base == url.deletingPathExtension().lastPathComponent, "\(name)")
            }
        }
        #expect(posts > 200)
    }

    @Test func aDraftsFolderIsLeftOutUnlessDraftsAreAskedForAndPublishListsTheSameFiles() throws {
        let temp = try TemporarySite()
        defer { temp.remove() }
        try temp.write("2024-01-02-done.md", "# Done\n\nText.\n")
        try temp.write("_drafts/wip.md", "# Work in progress\n\nText.\n")
        try temp.write("notes/_drafts/2024-01-03-idea.md", "# Idea\n\nText.\n")
        for includeDrafts in [false, true] {
            var options = LoadOptions()
            options.includeDrafts = includeDrafts
            let result = PostLoader.load(.folder(temp.root, site), options: options)
            let expected = includeDrafts ? ["2024-01-02-done.md", "_drafts/wip.md", "notes/_drafts/2024-01-03-idea.md"] : ["2024-01-02-done.md"]
            #expect(result.posts.map(\.sourcePath) == expected)
            let inputs = PostLoader.inputFiles(of: .folder(temp.root, site), includeDrafts: includeDrafts)
            #expect(inputs?.map(\.relativePath) == expected)
        }
    }

    @Test func aPostTitledByItsLeadingHeadingIsSummarisedByTheParagraphAfterIt() throws {
        let temp = try TemporarySite()
        defer { temp.remove() }
        try temp.write("2024-01-05-headed.md", "\n# The heading\n\nFirst *paragraph*.\n\nSecond paragraph.\n")
        try temp.write("2024-01-06-headed.txt", "The title line\n\nFirst paragraph.\n\nSecond paragraph.\n")
        let result = PostLoader.load(.folder(temp.root, site), options: LoadOptions())
        let markdown = try #require(result.post("2024-01-05-headed.md"))
        #expect(markdown.title == "The heading")
        #expect(markdown.summaryHTML == "<p>First <em>paragraph</em>.</p>\n")
        #expect(markdown.contentHTML.contains("<h1>The heading</h1>"))
        let plain = try #require(result.post("2024-01-06-headed.txt"))
        #expect(plain.title == "The title line")
        #expect(plain.summaryHTML == "<p>First paragraph.</p>\n")
    }

    @Test func aFolderPostNamedForADayThatDoesNotExistSaysTheDateIsNotReal() throws {
        let temp = try TemporarySite()
        defer { temp.remove() }
        try temp.write("2024-02-30-x.md", "Text\n")
        var options = LoadOptions()
        options.defaultDate = utcDate(2021, 6, 1)
        let result = PostLoader.load(.folder(temp.root, site), options: options)
        #expect(result.posts.first?.published == utcDate(2021, 6, 1))
        let warning = try #require(result.warnings.first)
        #expect(warning.path.hasSuffix("2024-02-30-x.md"))
        #expect(warning.message.hasPrefix("no date in the front matter, and 2024-02-30 in the file name is not a real date; using the default date"))
    }
}
