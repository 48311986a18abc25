@testable import Crier
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Which files of a Jekyll site's `_posts`, or a Hugo site's content folder, are posts,
/// and how each is read, as Jekyll 4.3 and Hugo 0.111 publish them; a file that may be a
/// post and is left out is a warning naming it, never dropped without a word. The
/// publisher's snapshot of input files lists the same files the loader reads.
@Suite struct LoadingPostFilesTests {
    private func load(_ temp: TemporarySite, drafts: Bool = false) -> LoadResult {
        var options = LoadOptions()
        options.includeDrafts = drafts
        return PostLoader.load(.site(temp.root), options: options)
    }

    private func warning(_ result: LoadResult, _ file: String) -> String? {
        result.warnings.first { $0.path.hasSuffix("/" + file) }?.message
    }

    private func inputPaths(_ temp: TemporarySite, drafts: Bool = false) -> [String]? {
        PostLoader.inputFiles(of: .site(temp.root), includeDrafts: drafts)?.map(\.relativePath)
    }

    private let post = "---\ntitle: A post\n---\n\n*em* and <a href=\"rel/x.png\">a link</a>\n"

    // MARK: Jekyll

    /// With `markdown_ext` naming `html`, Jekyll renders `.html` posts as Markdown too.
    @Test func anHTMLPostIsMarkdownWhenMarkdownExtNamesHTML() throws {
        let temp = try TemporarySite()
        defer { temp.remove() }
        try temp.write("_config.yml", "url: https://example.org\ntitle: T\nmarkdown_ext: \"md,html\"\n")
        try temp.write("_posts/2024-01-02-page.html", post)
        let result = load(temp)
        #expect(result.errors == [] && result.warnings == [], "\(result.errors) \(result.warnings)")
        let page = try #require(result.post("_posts/2024-01-02-page.html"))
        #expect(page.contentHTML.contains("<em>em</em>"), "\(page.contentHTML)")
    }

    @Test func aJekyllPostEndingInMkdownIsMarkdownAsInJekyllsDefaultMarkdownExt() throws {
        let temp = try TemporarySite()
        defer { temp.remove() }
        try temp.write("_config.yml", "url: https://example.org\ntitle: T\n")
        try temp.write("_posts/2024-01-02-notes.mkdown", post)
        let result = load(temp)
        #expect(result.errors == [])
        let notes = try #require(result.post("_posts/2024-01-02-notes.mkdown"))
        // Jekyll 4.3: _site/2024/01/02/notes.html, rendered.
        #expect(notes.url == "https://example.org/2024/01/02/notes.html")
        #expect(notes.contentHTML.contains("<em>em</em>"))
        #expect(notes.contentHTML.contains("href=\"https://example.org/2024/01/02/rel/x.png\""))
        #expect(result.warnings == [])
    }

    @Test func theSitesMarkdownExtReplacesJekyllsListAndTheOthersArePublishedAsWritten() throws {
        let temp = try TemporarySite()
        defer { temp.remove() }
        try temp.write("_config.yml", "url: https://example.org\ntitle: T\nmarkdown_ext: \"md,mdx,mkdown\"\n")
        for name in ["a.md", "b.mdx", "c.mkdown", "d.markdown", "e.mkd", "f.MDX"] {
            try temp.write("_posts/2024-01-02-\(name)", post)
        }
        let result = load(temp)
        #expect(result.errors == [])
        #expect(result.posts.count == 6)
        // As Jekyll 4.3 writes them with this `markdown_ext`: a.html, b.html, c.html,
        // d.markdown (as written), e.mkd (as written), f.html (matched in any case).
        let expected: [String: (url: String, markdown: Bool)] = [
            "a.md": ("a.html", true), "b.mdx": ("b.html", true), "c.mkdown": ("c.html", true),
            "d.markdown": ("d.markdown", false), "e.mkd": ("e.mkd", false), "f.MDX": ("f.html", true),
        ]
        for (name, want) in expected {
            let post = try #require(result.post("_posts/2024-01-02-\(name)"), "\(name)")
            #expect(post.url == "https://example.org/2024/01/02/\(want.url)", "\(name)")
            #expect(post.contentHTML.contains("<em>em</em>") == want.markdown, "\(name)")
            // Relative links are made absolute either way.
            #expect(post.contentHTML.contains("href=\"https://example.org/2024/01/02/rel/x.png\""), "\(name)")
            #expect((warning(result, "2024-01-02-\(name)") != nil) == !want.markdown, "\(name)")
        }
        #expect(warning(result, "2024-01-02-d.markdown")?.contains("markdown_ext") == true)
    }

    @Test func aMarkdownExtThatIsNoTextIsAWarningAndJekyllsListIsUsed() throws {
        let temp = try TemporarySite()
        defer { temp.remove() }
        try temp.write("_config.yml", "url: https://example.org\ntitle: T\nmarkdown_ext: [md, mdx]\n")
        try temp.write("_posts/2024-01-02-a.mkdown", post)
        let result = load(temp)
        #expect(result.post("_posts/2024-01-02-a.mkdown")?.contentHTML.contains("<em>em</em>") == true)
        let said = try #require(result.warnings.first { $0.path.hasSuffix("_config.yml") })
        #expect(said.line == 3 && said.message.contains("markdown_ext"))
    }

    @Test func jekyllPostsThatAreNotMarkdownArePublishedAsWrittenUnderTheirOwnExtension() throws {
        let temp = try TemporarySite()
        defer { temp.remove() }
        try temp.write("_config.yml", "url: https://example.org\ntitle: T\n")
        try temp.write("_posts/2024-01-02-plain.txt", "---\ntitle: Plain\n---\nJust *text*.\n")
        try temp.write("_posts/2024-01-03-marked.textile", "---\ntitle: Marked\n---\nh1. Textile\n")
        try temp.write("_posts/2024-01-04-page.htm", "---\ntitle: Page\n---\n<p>An <a href=\"a.png\">HTML</a> post.</p>\n")
        try temp.write("_posts/2024-01-05-bare.html", "<p>No front matter.</p>\n")
        let result = load(temp)
        #expect(result.errors == [])
        // Jekyll 4.3 writes 2024/01/02/plain.txt, 2024/01/03/marked.textile,
        // 2024/01/04/page.htm and 2024/01/05/bare.html, each body unconverted.
        let plain = try #require(result.post("_posts/2024-01-02-plain.txt"))
        #expect(plain.url == "https://example.org/2024/01/02/plain.txt")
        #expect(plain.title == "Plain" && plain.contentHTML.contains("Just *text*."))
        let marked = try #require(result.post("_posts/2024-01-03-marked.textile"))
        #expect(marked.url == "https://example.org/2024/01/03/marked.textile")
        #expect(marked.contentHTML.contains("h1. Textile"))
        let page = try #require(result.post("_posts/2024-01-04-page.htm"))
        #expect(page.url == "https://example.org/2024/01/04/page.htm")
        #expect(page.contentHTML.contains("href=\"https://example.org/2024/01/04/a.png\""))
        #expect(result.post("_posts/2024-01-05-bare.html")?.url == "https://example.org/2024/01/05/bare.html")
        // The two Jekyll publishes unconverted, though they may be meant otherwise, are said.
        #expect(warning(result, "2024-01-02-plain.txt")?.contains(".txt is not in the site's `markdown_ext`") == true)
        #expect(warning(result, "2024-01-03-marked.textile") != nil)
        #expect(warning(result, "2024-01-04-page.htm") == nil && warning(result, "2024-01-05-bare.html") == nil)
    }

    @Test func jekyllPostFilesLeftOutAreSaidAndFilesThatAreNoPostsAreNot() throws {
        let temp = try TemporarySite()
        defer { temp.remove() }
        try temp.write("_config.yml", "url: https://example.org\ntitle: T\n")
        try temp.write("_posts/2024-01-02-good.md", post)
        // Jekyll publishes no file without an extension.
        try temp.write("_posts/2024-01-03-noext", post)
        // A dated file that is not text (an image): Jekyll skips it.
        try temp.write("_posts/2024-01-04-photo.jpg", bytes: [0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10])
        try temp.write("_posts/notes.txt", "Undated.\n")
        try temp.write("_posts/photo.png", bytes: [0x89, 0x50, 0x4E, 0x47])
        try temp.write("_drafts/draft.mkdown", post)
        let result = load(temp, drafts: true)
        #expect(result.errors == [])
        #expect(result.posts.map(\.sourcePath) == ["_drafts/draft.mkdown", "_posts/2024-01-02-good.md"])
        #expect(result.post("_drafts/draft.mkdown")?.contentHTML.contains("<em>em</em>") == true)
        #expect(warning(result, "2024-01-03-noext")?.hasPrefix("left out: the file name has no extension") == true)
        #expect(warning(result, "2024-01-04-photo.jpg")?.hasPrefix("left out:") == true)
        #expect(warning(result, "2024-01-04-photo.jpg")?.contains("UTF-8") == true)
        #expect(warning(result, "notes.txt")?.contains("must start with its date") == true)
        #expect(warning(result, "photo.png") == nil)
    }

    // MARK: Hugo

    @Test func hugoHTMLPagesAreLoadedWithTheirBodyAsHTML() throws {
        let temp = try TemporarySite()
        defer { temp.remove() }
        try temp.write("hugo.toml", "baseURL = \"https://example.org/\"\ntitle = \"T\"\n")
        try temp.write("content/posts/page.html", "---\ntitle: Page\ndate: 2024-01-02\n---\n\n*not Markdown* <a href=\"rel/x.png\">link</a>\n")
        try temp.write("content/posts/short.htm", "+++\ntitle = \"Short\"\ndate = 2024-01-03\n+++\n<p>Short.</p>\n")
        // A whole HTML page without front matter: Hugo copies it, as a file, not a page.
        try temp.write("content/posts/whole.html", "<!DOCTYPE html>\n<html><body>Whole</body></html>\n")
        // So is one that starts with a paragraph's tag; text without front matter is a page.
        try temp.write("content/posts/para.html", "  <p>A paragraph.</p>\n")
        try temp.write("content/posts/bare.html", "Bare <b>text</b>.\n")
        // A leaf bundle whose index is HTML: its other files are resources.
        try temp.write("content/posts/bundle/index.html", "---\ntitle: Bundle\ndate: 2024-01-04\n---\nThe bundle.\n")
        try temp.write("content/posts/bundle/other.md", post)
        let result = load(temp)
        #expect(result.errors == [])
        #expect(result.posts.map(\.sourcePath) == ["content/posts/bare.html", "content/posts/bundle/index.html",
                                                   "content/posts/page.html", "content/posts/short.htm"])
        let page = try #require(result.post("content/posts/page.html"))
        #expect(page.url == "https://example.org/posts/page/")
        #expect(page.contentHTML.contains("*not Markdown*"))
        #expect(page.contentHTML.contains("href=\"https://example.org/posts/page/rel/x.png\""))
        #expect(result.post("content/posts/short.htm")?.url == "https://example.org/posts/short/")
        #expect(result.post("content/posts/bundle/index.html")?.url == "https://example.org/posts/bundle/")
        #expect(inputPaths(temp)?.contains("content/posts/page.html") == true)
    }

    @Test func hugoFilesThatAreNoPagesOrThatCrierCannotConvertAreSaid() throws {
        let temp = try TemporarySite()
        defer { temp.remove() }
        try temp.write("hugo.toml", "baseURL = \"https://example.org/\"\ntitle = \"T\"\n")
        let dated = "---\ntitle: T\ndate: 2024-01-02\n---\nText.\n"
        for name in ["a.md", "b.mdown", "c.org", "d.adoc", "e.rst", "f.mkd", "g.Md", "h.HTML", "notes.txt", "data.json"] {
            try temp.write("content/posts/\(name)", dated)
        }
        let result = load(temp)
        #expect(result.errors == [])
        // Hugo 0.111 makes pages of a.md, b.mdown and (with their converters) c, d, e;
        // it copies f.mkd, g.Md and h.HTML as they are.
        #expect(result.posts.map(\.sourcePath) == ["content/posts/a.md", "content/posts/b.mdown"])
        for name in ["c.org", "d.adoc", "e.rst"] {
            #expect(warning(result, name)?.contains("external") == true, "\(name)")
        }
        for name in ["f.mkd", "g.Md", "h.HTML"] {
            #expect(warning(result, name)?.hasPrefix("left out: Hugo copies") == true, "\(name)")
        }
        #expect(warning(result, "notes.txt") == nil && warning(result, "data.json") == nil)
    }

    // MARK: The publisher's list of inputs

    @Test func theInputFilesAreTheFilesTheLoaderReads() throws {
        let jekyll = try TemporarySite()
        defer { jekyll.remove() }
        try jekyll.write("_config.yml", "url: https://example.org\ntitle: T\nmarkdown_ext: md,mdx\n")
        for name in ["_posts/2024-01-02-a.md", "_posts/2024-01-03-b.mdx", "_posts/2024-01-04-c.txt", "_posts/2024-01-05-d.mkdown",
                     "_drafts/e.textile"] {
            try jekyll.write(name, post)
        }
        for drafts in [false, true] {
            #expect(inputPaths(jekyll, drafts: drafts) == load(jekyll, drafts: drafts).posts.map(\.sourcePath).sorted())
        }
        #expect(inputPaths(jekyll, drafts: true)?.count == 5)

        let hugo = try TemporarySite()
        defer { hugo.remove() }
        try hugo.write("hugo.toml", "baseURL = \"https://example.org/\"\ntitle = \"T\"\n")
        for name in ["a.md", "b.html", "c.htm", "d.mkd", "e.org"] {
            try hugo.write("content/\(name)", "---\ntitle: T\ndate: 2024-01-02\n---\nText.\n")
        }
        #expect(inputPaths(hugo) == ["content/a.md", "content/b.html", "content/c.htm"])
        #expect(inputPaths(hugo) == load(hugo).posts.map(\.sourcePath).sorted())
    }

    @Test func anEditToAPostCrierNowReadsIsPublished() async throws {
        func statOnly(_ site: PublishSite) -> PublishOptions {
            var options = site.options()
            options.racyMargin = 0
            return options
        }
        let site = try PublishSite()
        try site.write("blog/_config.yml", "title: Blog\nurl: https://example.org\n")
        try site.write("blog/_posts/2024-01-02-hello.md", "---\ntitle: Hello\n---\n\nHi.\n")
        let notes = try site.write("blog/_posts/2024-01-03-notes.mkdown", "---\ntitle: Notes\n---\n\nFirst notes.\n")
        let plain = try site.write("blog/_posts/2024-01-04-plain.txt", "---\ntitle: Plain\n---\nFirst plain.\n")
        let jobs = [BuildJob(source: .site(site.root.appendingPathComponent("blog")), formats: [.atom])]
        let first = try await Publisher.publish(jobs, options: statOnly(site))
        #expect(first.succeeded && first.build.postCount == 3)
        #expect(site.text("feed.xml").contains("First notes.") && site.text("feed.xml").contains("First plain."))
        #expect(try await Publisher.publish(jobs, options: statOnly(site)).upToDate)

        try Data("---\ntitle: Notes\n---\n\nSecond notes.\n".utf8).write(to: notes)
        let edited = try await Publisher.publish(jobs, options: statOnly(site))
        #expect(!edited.upToDate)
        #expect(site.text("feed.xml").contains("Second notes."))
        #expect(try await Publisher.publish(jobs, options: statOnly(site)).upToDate)

        try Data("---\ntitle: Plain\n---\nSecond plain.\n".utf8).write(to: plain)
        let again = try await Publisher.publish(jobs, options: statOnly(site))
        #expect(!again.upToDate)
        #expect(site.text("feed.xml").contains("Second plain."))

        // A Hugo HTML page, likewise.
        let hugo = try PublishSite()
        try hugo.write("site/hugo.toml", "baseURL = \"https://example.org/\"\ntitle = \"T\"\n")
        let page = try hugo.write("site/content/posts/page.html", "---\ntitle: Page\ndate: 2024-01-02\n---\n<p>First page.</p>\n")
        let hugoJobs = [BuildJob(source: .site(hugo.root.appendingPathComponent("site")), formats: [.atom])]
        _ = try await Publisher.publish(hugoJobs, options: statOnly(hugo))
        #expect(hugo.text("feed.xml").contains("First page."))
        #expect(try await Publisher.publish(hugoJobs, options: statOnly(hugo)).upToDate)
        try Data("---\ntitle: Page\ndate: 2024-01-02\n---\n<p>Second page.</p>\n".utf8).write(to: page)
        let hugoEdited = try await Publisher.publish(hugoJobs, options: statOnly(hugo))
        #expect(!hugoEdited.upToDate)
        #expect(hugo.text("feed.xml").contains("Second page."))
    }
}
