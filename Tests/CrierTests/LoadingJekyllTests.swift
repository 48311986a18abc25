import Foundation
import Testing
@testable import Crier

@Suite("Loading a Jekyll site")
struct LoadingJekyllTests {
    let result = PostLoader.load(.site(LoadingFixtures.url("jekyll")), options: LoadOptions())

    @Test func siteSettingsComeFromConfigYml() {
        let site = result.site
        #expect(site.title == "Field Notes")
        #expect(site.description == "Notes from the field")
        #expect(site.baseURL == "https://example.com/blog/")
        #expect(site.language == "en-GB")
        #expect(site.timeZone.identifier == "Europe/Berlin")
        #expect(site.author == Person(name: "Ada Lovelace", email: "ada@example.com", uri: "https://ada.example.com"))
        #expect(site.feed.path == "atom.xml")
        #expect(site.feed.postsLimit == 20)
        #expect(site.feed.excerptOnly == false)
        #expect(site.feed.categories == ["notes"])
        #expect(site.feed.allTags)
        #expect(site.feed.excludedTags == ["meta"])
    }

    @Test func postsAreLoadedInSourcePathOrderWithoutErrors() {
        #expect(result.errors == [])
        #expect(result.posts.map(\.sourcePath) == [
            "_posts/2024-03-05-hello-world.md",
            "_posts/2024-03-06-dated-in-front-matter.markdown",
            "_posts/2024-03-08-raw.html",
            "_posts/2024-03-09-special-characters.md",
            "notes/_posts/2024-02-01-a-note.md",
        ])
    }

    @Test func unpublishedPostsDraftsAndJekyllsOutputAreLeftOut() {
        #expect(result.post("_posts/2024-03-07-unpublished.md") == nil)
        #expect(!result.posts.contains { $0.sourcePath.hasPrefix("_drafts/") || $0.sourcePath.hasPrefix("_site/") })
    }

    @Test func postFileNamesWithoutADateAreLeftOutWithAWarning() {
        #expect(result.post("_posts/not-a-post.md") == nil)
        #expect(result.warnings.contains { $0.path.hasSuffix("_posts/not-a-post.md") && $0.message.contains("date") })
    }

    @Test func draftsAreIncludedWhenAsked() throws {
        var options = LoadOptions()
        options.includeDrafts = true
        let withDrafts = PostLoader.load(.site(LoadingFixtures.url("jekyll")), options: options)
        let draft = try #require(withDrafts.post("_drafts/a-draft.md"))
        #expect(draft.title == "A draft")
        #expect(draft.published == utcDate(2024, 3, 31, 22))
    }

    @Test func fileNameDateIsMidnightInTheSiteTimeZone() throws {
        let post = try #require(result.post("_posts/2024-03-05-hello-world.md"))
        // Europe/Berlin is UTC+1 in March.
        #expect(post.published == utcDate(2024, 3, 4, 23))
        #expect(post.updated == nil)
    }

    @Test func prettyPermalinksUseCategoriesAndTheBaseurl() throws {
        let post = try #require(result.post("_posts/2024-03-05-hello-world.md"))
        #expect(post.url == "https://example.com/blog/meta/2024/03/05/hello-world/")
        let note = try #require(result.post("notes/_posts/2024-02-01-a-note.md"))
        // The folder above `_posts` and the front matter's categories, lower-cased in the URL.
        #expect(note.categories == ["notes", "Field", "Work"])
        #expect(note.url == "https://example.com/blog/notes/field/work/2024/02/01/a-note/")
    }

    @Test func postPermalinkWinsAndHTMLPostsAreNotRendered() throws {
        let post = try #require(result.post("_posts/2024-03-08-raw.html"))
        #expect(post.url == "https://example.com/blog/custom/raw/")
        #expect(post.contentHTML == "<p>Already <em>HTML</em>, *not Markdown*. <a href=\"https://example.com/blog/custom/raw/page.html\">a page</a></p>\n")
        #expect(post.authors == [Person(name: "Grace Hopper")])
    }

    @Test func tagsAsAStringAreSplitOnSpaces() throws {
        let post = try #require(result.post("_posts/2024-03-05-hello-world.md"))
        #expect(post.tags == ["swift", "feeds"])
        #expect(post.categories == ["meta"])
        let listed = try #require(result.post("_posts/2024-03-06-dated-in-front-matter.markdown"))
        #expect(listed.tags == ["swift", "two words"])
    }

    @Test func markdownIsRenderedAndRelativeURLsMadeAbsolute() throws {
        let post = try #require(result.post("_posts/2024-03-05-hello-world.md"))
        #expect(post.title == "Hello, World")
        #expect(post.contentHTML.contains(#"<a href="https://example.com/blog/meta/2024/03/05/hello-world/other.html">relative link</a>"#))
        #expect(post.contentHTML.contains(#"<img src="https://example.com/img/a.png" alt="image" />"#))
        #expect(post.contentHTML.contains("<table>"))
    }

    @Test func theDefaultExcerptIsTheFirstParagraph() throws {
        let post = try #require(result.post("_posts/2024-03-05-hello-world.md"))
        #expect(post.summaryHTML == #"<p>The first paragraph, with a <a href="https://example.com/blog/meta/2024/03/05/hello-world/other.html">relative link</a> and an <img src="https://example.com/img/a.png" alt="image" />.</p>"# + "\n")
    }

    @Test func frontMatterDateWithOffsetLastModifiedAuthorObjectAndDescription() throws {
        let post = try #require(result.post("_posts/2024-03-06-dated-in-front-matter.markdown"))
        #expect(post.published == utcDate(2024, 3, 6, 13, 30))
        #expect(post.updated == utcDate(2024, 3, 7, 8))
        #expect(post.authors == [Person(name: "Someone Else", email: "else@example.com")])
        #expect(post.summaryHTML == "A post with its own date.")
    }

    @Test func authorKeysResolveThroughDataAuthors() throws {
        // No author in the post: the site's author (a key into _data/authors.yml) is the site's.
        let post = try #require(result.post("_posts/2024-03-05-hello-world.md"))
        #expect(post.authors == [])
        #expect(result.site.author?.name == "Ada Lovelace")
    }

    @Test func specialCharactersStayInTheModel() throws {
        let post = try #require(result.post("_posts/2024-03-09-special-characters.md"))
        #expect(post.title == "Special: & < > ]]> \u{1F600}")
        #expect(post.contentHTML == "<p>Form\u{0C}feed, escape \u{1B}, CDATA end ]]&gt;, ampersand &amp;, less-than &lt;, emoji \u{1F600}, Hebrew \u{5E9}\u{5DC}\u{5D5}\u{5DD} \u{5E2}\u{5D5}\u{5DC}\u{5DD}, <a href=\"https://example.com/blog/2024/03/09/special-characters/rel.html\">a link</a>.</p>\n")
    }
}
