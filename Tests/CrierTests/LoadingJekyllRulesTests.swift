import Foundation
import Testing
import CrierValidation
@testable import Crier

/// Jekyll rules checked on small sites built in temporary folders.
@Suite("Loading: Jekyll rules")
struct LoadingJekyllRulesTests {
    func site(config: String, posts: [String: String]) throws -> (TemporarySite, LoadResult) {
        let temp = try TemporarySite()
        try temp.write("_config.yml", config)
        for (path, text) in posts { try temp.write(path, text) }
        return (temp, PostLoader.load(.site(temp.root), options: LoadOptions()))
    }

    @Test(arguments: [
        ("date", "https://j.example/tech/2024/03/05/my-post.html"),
        ("pretty", "https://j.example/tech/2024/03/05/my-post/"),
        ("ordinal", "https://j.example/tech/2024/065/my-post.html"),
        ("none", "https://j.example/tech/my-post.html"),
        ("/:year/:slug/", "https://j.example/2024/my-post/"),
        ("/blog/:categories/:title", "https://j.example/blog/tech/my-post"),
    ])
    func sitePermalinkStylesAndPatterns(style: String, expected: String) throws {
        let (temp, result) = try site(config: "url: https://j.example\npermalink: \(style)\n",
                                      posts: ["_posts/2024-03-05-my-post.md": "---\ntitle: T\ncategories: [Tech]\n---\nx\n"])
        defer { temp.remove() }
        #expect(result.posts.first?.url == expected)
    }

    @Test func theDefaultPermalinkIsJekyllsDateStyle() throws {
        let (temp, result) = try site(config: "url: https://j.example/\n", posts: ["_posts/2024-03-05-Hello World.md": "---\n---\nx\n"])
        defer { temp.remove() }
        let post = try #require(result.posts.first)
        #expect(post.url == "https://j.example/2024/03/05/Hello-World.html")
        #expect(post.title == "Hello World")
    }

    @Test func nonASCIISlugsArePercentEncoded() throws {
        let (temp, result) = try site(config: "url: https://j.example\n", posts: ["_posts/2024-03-05-café.md": "---\ntitle: Café\n---\nx\n"])
        defer { temp.remove() }
        #expect(result.posts.first?.url == "https://j.example/2024/03/05/caf%C3%A9.html")
    }

    @Test func siteExcerptSeparatorIsUsed() throws {
        let (temp, result) = try site(config: "url: https://j.example\nexcerpt_separator: <!--more-->\n",
                                      posts: ["_posts/2024-03-05-a.md": "---\n---\nOne.\n\nTwo.\n<!--more-->\nThree.\n"])
        defer { temp.remove() }
        #expect(result.posts.first?.summaryHTML == "<p>One.</p>\n<p>Two.</p>\n")
    }

    @Test func frontMatterDefaultsApplyToPosts() throws {
        let config = """
        url: https://j.example
        defaults:
          - scope:
              path: ""
              type: posts
            values:
              author: Default Author
          - scope:
              type: pages
            values:
              author: Page Author
        """
        let (temp, result) = try site(config: config, posts: [
            "_posts/2024-03-05-a.md": "---\ntitle: A\n---\nx\n",
            "_posts/2024-03-06-b.md": "---\ntitle: B\nauthor: Own Author\n---\nx\n",
        ])
        defer { temp.remove() }
        #expect(result.posts.map { $0.authors.first?.name } == ["Default Author", "Own Author"])
    }

    @Test func siteVariablesInLinksAreFilledIn() throws {
        let (temp, result) = try site(config: "url: https://j.example\nbaseurl: /sub\n",
                                      posts: ["_posts/2024-03-05-a.md": "---\n---\n[x]({{ site.baseurl }}/about/) [y]({{site.url}}/z)\n"])
        defer { temp.remove() }
        #expect(result.posts.first?.contentHTML == #"<p><a href="https://j.example/sub/about/">x</a> <a href="https://j.example/z">y</a></p>"# + "\n")
    }

    @Test func aConfigWithoutURLWarnsAndUsesLocalhost() throws {
        let (temp, result) = try site(config: "title: No URL\n", posts: ["_posts/2024-03-05-a.md": "---\n---\nx\n"])
        defer { temp.remove() }
        #expect(result.site.baseURL == "http://localhost:4000/")
        #expect(result.warnings.contains { $0.path.hasSuffix("_config.yml") && $0.message.contains("url") })
    }

    @Test func feedTagsWithOnlyListNamesTheTags() throws {
        let (temp, result) = try site(config: "url: https://j.example\nfeed:\n  tags:\n    only: [swift, \"é\"]\n  excerpt_only: true\n", posts: [:])
        defer { temp.remove() }
        #expect(result.site.feed.tags == ["swift", "é"])
        #expect(!result.site.feed.allTags)
        #expect(result.site.feed.excerptOnly)
    }

    @Test func feedTagsTrueAsJekyllFeedWritesItAsksForAFeedPerTag() throws {
        for (value, all) in [("true", true), ("True", true), ("yes", true), ("false", false), ("\"true\"", true)] {
            let (temp, result) = try site(config: "url: https://j.example\nfeed:\n  tags: \(value)\n", posts: [:])
            defer { temp.remove() }
            #expect(result.site.feed.allTags == all, "tags: \(value)")
            #expect(result.site.feed.tags.isEmpty, "tags: \(value) is no tag's name")
        }
        let (temp, result) = try site(config: "url: https://j.example\nfeed:\n  tags: swift linux\n", posts: [:])
        defer { temp.remove() }
        #expect(result.site.feed.tags == ["swift", "linux"] && !result.site.feed.allTags)
    }

    @Test func tagAndCategoryNamesLoseTheSpaceAroundThemAndBlankOnesAreLeftOut() throws {
        let post = "---\ntags: [\"  \", swift, \" spaced \", \"swift \"]\ncategories: [\"\\t\", news]\n---\nx\n"
        let (temp, result) = try site(config: "url: https://j.example\n", posts: ["_posts/2024-03-05-a.md": post])
        defer { temp.remove() }
        let loaded = try #require(result.posts.first)
        #expect(loaded.tags == ["swift", "spaced"])
        #expect(loaded.categories == ["news"])
    }

    @Test func settingsLeftEmptyOrNullAreSettingsNotMade() throws {
        // As themes ship `_config.yml` (`timezone: # set yours`), and null written out.
        let config = "url: https://j.example\ntimezone: # e.g. Europe/Berlin\ndescription: ~\nauthor: ~\nbaseurl: null\nfeed:\n  path:\n  posts_limit:\n"
        let post = "---\ntitle: Hello\ndate: ~\ndescription: null\nauthor: ~\ntags: [~, swift]\n---\nFirst paragraph.\n\nSecond.\n"
        let (temp, result) = try site(config: config, posts: ["_posts/2024-03-05-a.md": post])
        defer { temp.remove() }
        #expect(result.errors.isEmpty)
        #expect(result.site.timeZone == TimeZone(identifier: "UTC"))
        #expect(result.site.description == nil && result.site.author == nil)
        #expect(result.site.baseURL == "https://j.example/")
        #expect(result.site.feed.path == "feed.xml" && result.site.feed.postsLimit == nil)
        let loaded = try #require(result.posts.first)
        #expect(loaded.published == utcDate(2024, 3, 5, 0), "the file name's date")
        #expect(loaded.summaryHTML == "<p>First paragraph.</p>\n")
        #expect(loaded.authors.isEmpty && loaded.tags == ["swift"])
    }

    /// Jekyll reads a date as Ruby's YAML types it: an unquoted timestamp with seconds and
    /// no zone is UTC; quoted, without seconds or without a time, it is in the site's
    /// `timezone`. The post's URL is made from that date, so a date permalink's day follows
    /// (checked against Jekyll 4.3: `2024-03-05 20:00:00` in Tokyo is published under
    /// /2024/03/06/; `!!str` keeps one text, so in the site's zone).
    @Test func unquotedTimestampsWithoutZoneAreUTCAsJekyllReadsThem() throws {
        let (temp, result) = try site(config: "url: https://j.example\ntimezone: Asia/Tokyo\n", posts: [
            "_posts/2024-03-05-plain.md": "---\ndate: 2024-03-05 20:00:00\n---\nx\n",
            "_posts/2024-03-05-fraction.md": "---\ndate: 2024-3-5T20:00:00.25\n---\nx\n",
            "_posts/2024-03-05-quoted.md": "---\ndate: \"2024-03-05 20:00:00\"\n---\nx\n",
            "_posts/2024-03-05-minutes.md": "---\ndate: 2024-03-05 20:00\n---\nx\n",
            "_posts/2024-03-05-day.md": "---\ndate: 2024-03-05\n---\nx\n",
            "_posts/2024-03-05-zoned.md": "---\ndate: 2024-03-05 20:00:00 +0100\n---\nx\n",
            // Outside the simple reader's subset (a nested mapping): read through Yams.
            "_posts/2024-03-05-nested.md": "---\ndate: 2024-03-05 20:00:00\nauthor:\n  name: Ann\n---\nx\n",
            "_posts/2024-03-05-updated.md": "---\ndate: 2024-03-05\nlast_modified_at: 2024-03-06 23:30:00\n---\nx\n",
            // Tagged as text: in the site's zone. A point with no digits after it is still
            // a timestamp (Ruby's fraction is `\.[0-9]*`).
            "_posts/2024-03-05-str.md": "---\ndate: !!str 2024-03-05 20:00:00\n---\nx\n",
            "_posts/2024-03-05-point.md": "---\ndate: 2024-03-05 20:00:00.\n---\nx\n",
        ])
        defer { temp.remove() }
        #expect(result.errors.isEmpty, "\(result.errors)")
        func published(_ name: String) -> Date? { result.post("_posts/2024-03-05-\(name).md")?.published }
        #expect(published("plain") == utcDate(2024, 3, 5, 20))
        #expect(result.post("_posts/2024-03-05-plain.md")?.url == "https://j.example/2024/03/06/plain.html")
        #expect(published("fraction") == utcDate(2024, 3, 5, 20).addingTimeInterval(0.25))
        #expect(published("nested") == utcDate(2024, 3, 5, 20))
        #expect(published("quoted") == utcDate(2024, 3, 5, 11))
        #expect(result.post("_posts/2024-03-05-quoted.md")?.url == "https://j.example/2024/03/05/quoted.html")
        #expect(published("minutes") == utcDate(2024, 3, 5, 11))
        #expect(published("day") == utcDate(2024, 3, 4, 15))
        #expect(published("zoned") == utcDate(2024, 3, 5, 19))
        #expect(result.post("_posts/2024-03-05-updated.md")?.updated == utcDate(2024, 3, 6, 23, 30))
        #expect(published("str") == utcDate(2024, 3, 5, 11))
        #expect(result.post("_posts/2024-03-05-str.md")?.url == "https://j.example/2024/03/05/str.html")
        #expect(published("point") == utcDate(2024, 3, 5, 20))
        #expect(result.post("_posts/2024-03-05-point.md")?.url == "https://j.example/2024/03/06/point.html")
    }

    /// Hugo reads a date without a zone in the site's `timeZone`, unquoted or not.
    @Test func hugoReadsUnzonedTimestampsInTheSiteZone() throws {
        let temp = try TemporarySite()
        defer { temp.remove() }
        try temp.write("hugo.toml", "baseURL = \"https://h.example/\"\ntitle = \"H\"\ntimeZone = \"Asia/Tokyo\"\n")
        try temp.write("content/posts/a.md", "---\ntitle: A\ndate: 2024-03-05 20:00:00\n---\nx\n")
        let result = PostLoader.load(.site(temp.root), options: LoadOptions())
        #expect(result.errors.isEmpty, "\(result.errors)")
        #expect(result.posts.first?.published == utcDate(2024, 3, 5, 11))
    }

    @Test func referenceLinksResolveInTheExcerpt() throws {
        let (temp, result) = try site(config: "url: https://j.example\n",
                                      posts: ["_posts/2024-03-05-a.md": "---\n---\nSee [the docs][docs].\n\nMore.\n\n[docs]: https://docs.example/\n"])
        defer { temp.remove() }
        #expect(result.posts.first?.summaryHTML == #"<p>See <a href="https://docs.example/">the docs</a>.</p>"# + "\n")
    }

    @Test func excludedFoldersAreNotRead() throws {
        let (temp, result) = try site(config: "url: https://j.example\nexclude: [old/, gems]\n", posts: [
            "_posts/2024-03-05-a.md": "---\n---\nx\n",
            "old/_posts/2020-01-01-b.md": "---\n---\nx\n",
            "gems/theme/_posts/2020-01-01-c.md": "---\n---\nx\n",
            "vendor/bundle/jekyll/test/_posts/2020-01-01-d.md": "---\n---\nx\n",
        ])
        defer { temp.remove() }
        #expect(result.posts.map(\.sourcePath) == ["_posts/2024-03-05-a.md"])
    }

    @Test func highlightBlocksRawBlocksAndURLFiltersAreUnderstood() throws {
        let body = """
        ---
        ---
        Intro [about]({{ "/about/" | relative_url }}) [abs]({{ 'x.png' | absolute_url }})
        {% highlight ruby linenos %}
        def a = 1 < 2
        {% endhighlight %}

        {% raw %}{{ kept }}{% endraw %} {% include note.html %}
        """
        let (temp, result) = try site(config: "url: https://j.example\nbaseurl: /b\n", posts: ["_posts/2024-03-05-a.md": body])
        defer { temp.remove() }
        let html = try #require(result.posts.first?.contentHTML)
        #expect(html.contains(#"<a href="https://j.example/b/about/">about</a>"#))
        #expect(html.contains(#"<a href="https://j.example/b/x.png">abs</a>"#))
        #expect(html.contains(#"<pre><code class="language-ruby">def a = 1 &lt; 2"#))
        #expect(html.contains("{{ kept }} {% include note.html %}"))
    }

    @Test func markdownURLsAreResolvedOnTheTreeWithoutAnHTMLPass() throws {
        let body = """
        ---
        ---
        Line one\u{20}\u{20}
        line two, a [link](other.html), "quotes" and ![pic](/img/p.png).

        See [ref][r], [top](#top) and <https://abs.example/>.

        [r]: ../r.html
        """
        let (temp, result) = try site(config: "url: https://j.example\n", posts: ["_posts/2024-03-05-a.md": body])
        defer { temp.remove() }
        let post = try #require(result.posts.first)
        #expect(post.url == "https://j.example/2024/03/05/a.html")
        // `<br />` and `&quot;` as cmark-gfm writes them: libxml2 did not write this again.
        let first = #"<p>Line one<br />"# + "\n" + #"line two, a <a href="https://j.example/2024/03/05/other.html">link</a>, &quot;quotes&quot; and <img src="https://j.example/img/p.png" alt="pic" />.</p>"# + "\n"
        #expect(post.contentHTML == first + #"<p>See <a href="https://j.example/2024/03/r.html">ref</a>, <a href="https://j.example/2024/03/05/a.html#top">top</a> and <a href="https://abs.example/">https://abs.example/</a>.</p>"# + "\n")
        #expect(post.summaryHTML == first)
    }

    @Test func rawHTMLWithARelativeURLStillGoesThroughTheHTMLPass() throws {
        let body = "---\n---\nIntro [md](md.html).\n\n<img src=\"rel.png\">\n\nText with <a href=\"x.html\">inline</a> and ![i](i.png).\n"
        let (temp, result) = try site(config: "url: https://j.example\n", posts: ["_posts/2024-03-05-a.md": body])
        defer { temp.remove() }
        let post = try #require(result.posts.first)
        #expect(post.contentHTML == #"<p>Intro <a href="https://j.example/2024/03/05/md.html">md</a>.</p>"# + "\n"
                + #"<img src="https://j.example/2024/03/05/rel.png">"# + "\n"
                + #"<p>Text with <a href="https://j.example/2024/03/05/x.html">inline</a> and <img src="https://j.example/2024/03/05/i.png" alt="i">.</p>"# + "\n")
        #expect(post.summaryHTML == #"<p>Intro <a href="https://j.example/2024/03/05/md.html">md</a>.</p>"# + "\n")
    }

    @Test func footnoteLinksAreResolvedByTheHTMLPass() throws {
        let (temp, result) = try site(config: "url: https://j.example\n", posts: ["_posts/2024-03-05-a.md": "---\n---\nNote[^1].\n\n[^1]: See [it](it.html).\n"])
        defer { temp.remove() }
        let html = try #require(result.posts.first?.contentHTML)
        #expect(html.contains(#"href="https://j.example/2024/03/05/a.html#fn-1""#))
        #expect(html.contains(#"href="https://j.example/2024/03/05/a.html#fnref-1""#))
        #expect(html.contains(#"<a href="https://j.example/2024/03/05/it.html">it</a>"#))
        #expect(!html.contains(##"href="#"##))
    }

    @Test func aPostNamedForADayThatDoesNotExistIsLeftOutSayingTheDateIsNotReal() throws {
        let (temp, result) = try site(config: "url: https://j.example\n",
                                      posts: ["_posts/2024-02-30-x.md": "---\ntitle: T\n---\nx\n",
                                              "_posts/notes.md": "---\ntitle: N\n---\nx\n",
                                              // Not Markdown, but named as a post: said too.
                                              "_posts/2023-02-30-y.textile": "---\ntitle: Y\n---\nx\n",
                                              "_posts/2024-13-5-short.textile": "---\ntitle: S\n---\nx\n",
                                              "_posts/photo.jpg": "not a post\n"])
        defer { temp.remove() }
        #expect(result.posts.isEmpty)
        let impossible = try #require(result.warnings.first { $0.path.hasSuffix("_posts/2024-02-30-x.md") })
        #expect(impossible.message == "left out: 2024-02-30 in the file name is not a real date (write the post's date as YYYY-MM-DD-title.md)")
        let undated = try #require(result.warnings.first { $0.path.hasSuffix("_posts/notes.md") })
        #expect(undated.message.contains("must start with its date"))
        let textile = try #require(result.warnings.first { $0.path.hasSuffix("_posts/2023-02-30-y.textile") })
        #expect(textile.message.contains("2023-02-30 in the file name is not a real date"))
        let short = try #require(result.warnings.first { $0.path.hasSuffix("_posts/2024-13-5-short.textile") })
        #expect(short.message.contains("2024-13-5 in the file name is not a real date"))
        #expect(!result.warnings.contains { $0.path.hasSuffix("photo.jpg") })
    }

    /// Jekyll reads a month or day of one digit in a post's file name (checked with jekyll
    /// 4.3 here: `2024-3-5-short.md` is published under `/2024/03/05/short.html`), and so
    /// does Crier, in a Jekyll site only.
    @Test func aFileNameDateWithOneDigitMonthAndDayIsJekyllsToo() throws {
        let (temp, result) = try site(config: "title: J\nurl: https://j.example\n",
                                      posts: ["_posts/2024-3-5-short.md": "---\ntitle: S\n---\nx\n",
                                              "_posts/2024-11-7-seventh.md": "---\n---\nx\n"])
        defer { temp.remove() }
        #expect(result.warnings.isEmpty, "\(result.warnings)")
        let links = Set(result.posts.map(\.url))
        #expect(links == ["https://j.example/2024/03/05/short.html", "https://j.example/2024/11/07/seventh.html"], "\(links)")
        #expect(result.posts.first { $0.url.hasSuffix("seventh.html") }?.title == "Seventh")
    }

    @Test func aSiteAuthorListNamesEveryoneInTheFeeds() throws {
        let (temp, result) = try site(config: "url: https://j.example\nauthor: [Ann, {name: Bob, email: bob@j.example}]\n",
                                      posts: ["_posts/2024-03-05-a.md": "---\ntitle: A\nauthors: [Cy, Di]\n---\nx\n"])
        defer { temp.remove() }
        #expect(result.site.authors == [Person(name: "Ann"), Person(name: "Bob", email: "bob@j.example")])
        #expect(!result.warnings.contains { $0.path.hasSuffix("_config.yml") })
        #expect(result.posts.first?.authors.map(\.name) == ["Cy", "Di"])
        // Atom and JSON Feed name both (RSS has one managing editor, the first, when it has an email).
        let feed = try #require(FeedBuilder(site: result.site, now: Date()).feeds(from: result.posts).first?.feed)
        #expect(feed.authors.map(\.name) == ["Ann", "Bob"])
        let atom = String(decoding: try AtomWriter.write(feed), as: UTF8.self)
        #expect(atom.contains("<name>Ann</name>") && atom.contains("<name>Bob</name>"))
        #expect(FeedValidator.validate(bytes: Array(atom.utf8), fileName: "feed.xml").diagnostics.isEmpty)
    }
}
