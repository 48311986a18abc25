import Foundation
import Testing
@testable import Crier

@Suite("Loading a Hugo site")
struct LoadingHugoTests {
    let result = PostLoader.load(.site(LoadingFixtures.url("hugo")), options: LoadOptions())

    @Test func siteSettingsComeFromHugoToml() {
        let site = result.site
        #expect(site.title == "Hugo Notes")
        #expect(site.baseURL == "https://hugo.example.org/")
        #expect(site.language == "de-DE")
        #expect(site.timeZone.identifier == "America/New_York")
        #expect(site.description == "A Hugo site")
        #expect(site.author == Person(name: "Hugo Author", email: "author@hugo.example.org"))
    }

    @Test func listPagesDraftsAndBundleResourcesAreLeftOut() {
        #expect(result.errors == [])
        #expect(result.posts.map(\.sourcePath) == [
            "content/notes/first-note.md",
            "content/posts/bundle/index.md",
            "content/posts/toml-post.md",
            "content/posts/yaml-post.md",
        ])
    }

    @Test func frontMatterKeysAreReadWithoutCaseAsHugoReadsThem() throws {
        let temp = try TemporarySite()
        defer { temp.remove() }
        try temp.write("hugo.toml", "baseURL = \"https://h.example/\"\ntitle = \"H\"\n")
        try temp.write("content/posts/toml-draft.md", "+++\nTitle = \"TOML draft\"\nDate = 2024-03-05\nDraft = true\n+++\nbody\n")
        try temp.write("content/posts/yaml-draft.md", "---\nTitle: YAML draft\nDate: 2024-03-06\nDRAFT: true\n---\nbody\n")
        try temp.write("content/posts/capitals.md", """
            ---
            Title: Capital Keys
            Date: 2024-03-07
            Description: The description.
            Tags: [x]
            Author: Ann
            Slug: my-slug
            Lang: fr
            ---
            body

            """)
        let result = PostLoader.load(.site(temp.root), options: LoadOptions())
        #expect(result.errors.isEmpty)
        #expect(result.posts.map(\.sourcePath) == ["content/posts/capitals.md"], "drafts are left out")
        let post = try #require(result.posts.first)
        #expect(post.title == "Capital Keys")
        #expect(post.summaryHTML == "The description.")
        #expect(post.tags == ["x"] && post.authors == [Person(name: "Ann")] && post.language == "fr")
        #expect(post.url == "https://h.example/posts/my-slug/")
    }

    /// Which pages Hugo 0.111 leaves out of its feed, checked against `hugo` here: drafts
    /// as Go's `cast.ToBool` reads `draft` (YAML 1.1 words written plain are booleans in
    /// Hugo's YAML; in TOML text is read by `strconv.ParseBool`), a boolean `published`
    /// the other way round, `_build` lists and headless bundles.
    @Test func pagesHugoLeavesOutOfItsFeedAreLeftOut() throws {
        let temp = try TemporarySite()
        defer { temp.remove() }
        try temp.write("hugo.toml", "baseURL = \"https://h.example/\"\ntitle = \"H\"\n")
        let pages: [(String, String, Bool)] = [
            ("y-one", "---\ndraft: 1\n---\n", false),
            ("y-one-text", "---\ndraft: \"1\"\n---\n", false),
            ("y-y", "---\ndraft: y\n---\n", false),
            ("y-t", "---\ndraft: \"t\"\n---\n", false),
            ("y-zero", "---\ndraft: 0\n---\n", true),
            ("y-no", "---\ndraft: no\n---\n", true),
            ("t-yes-text", "+++\ndraft = \"yes\"\n+++\n", true),
            ("t-true-text", "+++\ndraft = \"true\"\n+++\n", false),
            ("t-one", "+++\ndraft = 1\n+++\n", false),
            ("published-false", "---\npublished: false\n---\n", false),
            ("published-true", "---\npublished: true\n---\n", true),
            ("published-date", "---\npublished: 2024-01-02\n---\n", true),
            ("draft-wins", "---\ndraft: false\npublished: false\n---\n", true),
            ("list-never", "---\n_build:\n  list: never\n---\n", false),
            ("list-false", "---\n_build:\n  list: false\n---\n", false),
            ("list-local", "---\n_build:\n  list: local\n---\n", false),
            ("render-never", "---\n_build:\n  render: never\n---\n", false),
            ("render-link", "---\n_build:\n  render: link\n---\n", true),
            ("list-always", "+++\n_build = { list = \"always\" }\n+++\n", true),
            ("headless-page", "---\nheadless: true\n---\n", true),
        ]
        for (name, text, _) in pages {
            try temp.write("content/posts/\(name).md", text.replacingOccurrences(of: "\n---\n", with: "\ntitle: \(name)\ndate: 2024-01-01\n---\n")
                .replacingOccurrences(of: "\n+++\n", with: "\ntitle = \"\(name)\"\ndate = 2024-01-01\n+++\n") + "Text.\n")
        }
        try temp.write("content/posts/headless/index.md", "---\ntitle: headless bundle\ndate: 2024-01-01\nheadless: true\n---\nText.\n")
        let result = PostLoader.load(.site(temp.root), options: LoadOptions())
        #expect(result.errors.isEmpty, "\(result.errors)")
        let want = pages.filter(\.2).map { "content/posts/\($0.0).md" }.sorted()
        #expect(result.posts.map(\.sourcePath).sorted() == want)
        // Said: text Hugo does not read as a boolean, which is no draft to it.
        #expect(result.warnings.map(\.message) == ["`draft` is the text 'yes', not true or false; the post is not taken for a draft"])
        // With drafts asked for, the drafts come back; the pages Hugo does not list do not.
        var withDrafts = LoadOptions()
        withDrafts.includeDrafts = true
        let drafts = PostLoader.load(.site(temp.root), options: withDrafts).posts.map(\.sourcePath)
        #expect(drafts.contains("content/posts/published-false.md") && drafts.contains("content/posts/y-y.md"))
        #expect(!drafts.contains("content/posts/list-never.md") && !drafts.contains("content/posts/headless/index.md"))
    }

    /// Hugo 0.111's `cascade`, as checked with `hugo` here: from `_index` pages and the
    /// site configuration, `_target` globs over a page's path with its extension, and
    /// sections made drafts taking their pages with them.
    @Test func cascadesHandDownFrontMatterAsHugoDoes() throws {
        let temp = try TemporarySite()
        defer { temp.remove() }
        var config = "baseURL = \"https://h.example/\"\ntitle = \"H\"\n"
        for pattern in ["/a/**", "/b/*", "c/**", "/d/p.md", "/e/p", "**/f/p.md", "/g/**.md", "/i", "/n/deep/_index.md", "/{x,y}/p.md"] {
            config += "[[cascade]]\ndraft = true\n[cascade._target]\npath = \"\(pattern)\"\n"
        }
        try temp.write("hugo.toml", config)
        for folder in ["a", "b", "c", "d", "e", "f", "g", "i", "x", "y", "z"] {
            try temp.write("content/\(folder)/p.md", "---\ntitle: \(folder)\ndate: 2024-01-01\n---\nText.\n")
            try temp.write("content/\(folder)/sub/q.md", "---\ntitle: \(folder) sub\ndate: 2024-01-01\n---\nText.\n")
        }
        // A draft section, by its own front matter or by a cascade aimed at it.
        try temp.write("content/j/_index.md", "---\ntitle: J\ndraft: true\n---\n")
        try temp.write("content/j/p.md", "---\ntitle: j\ndate: 2024-01-01\n---\nText.\n")
        try temp.write("content/n/_index.md", "---\ntitle: N\n---\n")
        try temp.write("content/n/deep/_index.md", "---\ntitle: Deep\n---\n")
        try temp.write("content/n/deep/er/p.md", "---\ntitle: n deep\ndate: 2024-01-01\n---\nText.\n")
        try temp.write("content/n/p.md", "---\ntitle: n\ndate: 2024-01-01\n---\nText.\n")
        // A section's cascade for its pages only; the page's own value wins; the nearest
        // section's cascade wins over one further up.
        try temp.write("content/l/_index.md", "---\ntitle: L\ncascade:\n  - draft: true\n    _target:\n      kind: page\n---\n")
        try temp.write("content/l/p.md", "---\ntitle: l\ndate: 2024-01-01\n---\nText.\n")
        try temp.write("content/l/own.md", "---\ntitle: l own\ndate: 2024-01-01\ndraft: false\n---\nText.\n")
        try temp.write("content/_index.md", "+++\ntitle = \"Home\"\n[cascade._build]\nlist = \"never\"\n+++\n")
        try temp.write("content/m/_index.md", "+++\ntitle = \"M\"\n[cascade]\n_build = { list = \"always\" }\n+++\n")
        try temp.write("content/m/p.md", "---\ntitle: m\ndate: 2024-01-01\n---\nText.\n")
        let result = PostLoader.load(.site(temp.root), options: LoadOptions())
        #expect(result.errors.isEmpty, "\(result.errors)")
        // Everything but m is unlisted by the home page's cascade: seen without it first.
        #expect(result.posts.map(\.sourcePath) == ["content/m/p.md"])
        try temp.write("content/_index.md", "+++\ntitle = \"Home\"\n+++\n")
        let listed = PostLoader.load(.site(temp.root), options: LoadOptions()).posts.map(\.sourcePath).sorted()
        // What hugo 0.111 lists for the same site.
        #expect(listed == ["b/sub/q", "c/p", "c/sub/q", "d/sub/q", "e/p", "e/sub/q", "f/sub/q", "l/own", "m/p", "n/p", "x/sub/q", "y/sub/q", "z/p", "z/sub/q"]
            .map { "content/\($0).md" })
        // Drafts asked for: every draft back, the draft sections' pages too.
        var withDrafts = LoadOptions()
        withDrafts.includeDrafts = true
        #expect(PostLoader.load(.site(temp.root), options: withDrafts).posts.count == 28)
    }

    /// `uglyURLs`, for all sections or some, as hugo 0.111 publishes them here.
    @Test func uglyURLsEndInHTML() throws {
        let temp = try TemporarySite()
        defer { temp.remove() }
        for page in ["posts/a.md", "posts/b/index.md", "notes/n.md"] {
            try temp.write("content/\(page)", "---\ntitle: \(page)\ndate: 2024-01-01\n---\nText.\n")
        }
        func urls(_ config: String) -> [String] {
            _ = try? temp.write("hugo.toml", "baseURL = \"https://h.example/\"\ntitle = \"H\"\n" + config)
            return PostLoader.load(.site(temp.root), options: LoadOptions()).posts.map(\.url).sorted()
        }
        #expect(urls("uglyURLs = true\n") == ["https://h.example/notes/n.html", "https://h.example/posts/a.html", "https://h.example/posts/b.html"])
        #expect(urls("[uglyURLs]\nposts = true\n") == ["https://h.example/notes/n/", "https://h.example/posts/a.html", "https://h.example/posts/b.html"])
        #expect(urls("") == ["https://h.example/notes/n/", "https://h.example/posts/a/", "https://h.example/posts/b/"])
    }

    /// Hugo's built-in `figure` and `highlight` shortcodes are done as Hugo does them,
    /// the escaped forms are written out, and any other shortcode is left as written with
    /// a warning at its line (its output, an embed or a link, is missing).
    @Test func shortcodesAreRunOrSaid() throws {
        let temp = try TemporarySite()
        defer { temp.remove() }
        try temp.write("hugo.toml", "baseURL = \"https://h.example/\"\ntitle = \"H\"\n")
        try temp.write("content/posts/a.md", """
            ---
            title: A
            date: 2024-01-01
            ---
            Intro.

            {{< figure src="/img/cat.png" alt="A \\"cat\\"" caption="Cat & dog" link="https://e.example/" >}}

            {{< highlight go >}}
            func main() {}
            {{< /highlight >}}

            Written out: {{</* figure src="x" */>}} and {{%/* note */%}}.

            See {{< ref "b.md" >}} and {{% notice %}}.

            """)
        let result = PostLoader.load(.site(temp.root), options: LoadOptions())
        let post = try #require(result.posts.first)
        let html = post.contentHTML
        #expect(html.contains("<figure><a href=\"https://e.example/\"><img src=\"https://h.example/img/cat.png\" alt=\"A &quot;cat&quot;\"></a><figcaption><p>Cat &amp; dog</p></figcaption></figure>"), "\(html)")
        #expect(html.contains("<pre><code class=\"language-go\">func main() {}\n</code></pre>"), "\(html)")
        #expect(html.contains("Written out: {{&lt; figure src=\"x\" &gt;}} and {{% note %}}."), "\(html)")
        #expect(html.contains("See {{&lt; ref \"b.md\" &gt;}} and {{% notice %}}."), "\(html)")
        #expect(result.warnings.map(\.line) == [15] && result.warnings.first?.message.contains("shortcode `ref` is not run") == true,
                "\(result.warnings)")
    }

    /// A summary's reference links and images resolve as in the whole post: Hugo cuts
    /// the rendered page (before `<!--more-->`, or its first paragraph).
    @Test func summariesKeepReferenceLinks() throws {
        let temp = try TemporarySite()
        defer { temp.remove() }
        try temp.write("hugo.toml", "baseURL = \"https://h.example/\"\ntitle = \"H\"\n")
        let text = "See [the docs][docs] and ![logo][img].\n\nMore.\n\n[docs]: https://docs.example/\n[img]: /logo.png\n"
        try temp.write("content/posts/first.md", "---\ntitle: First\ndate: 2024-01-01\n---\n" + text)
        try temp.write("content/posts/more.md", "---\ntitle: More\ndate: 2024-01-02\n---\n" + text.replacingOccurrences(of: "More.", with: "<!--more-->\n\nMore."))
        let posts = PostLoader.load(.site(temp.root), options: LoadOptions()).posts
        #expect(posts.count == 2)
        for post in posts {
            let summary = post.summaryHTML ?? ""
            #expect(summary.contains("<a href=\"https://docs.example/\">the docs</a>") && summary.contains("<img src=\"https://h.example/logo.png\" alt=\"logo\""),
                    "\(post.sourcePath): \(summary)")
            #expect(!summary.contains("More."))
        }
    }

    /// Hugo's `buildDrafts`, `buildExpired` and `buildFuture` publish what Hugo then
    /// publishes: drafts, posts past their `expiryDate`, posts dated later.
    @Test func buildSettingsPublishWhatHugoPublishes() throws {
        let temp = try TemporarySite()
        defer { temp.remove() }
        try temp.write("content/posts/d.md", "---\ntitle: D\ndate: 2024-01-01\ndraft: true\n---\nText.\n")
        try temp.write("content/posts/e.md", "---\ntitle: E\ndate: 2020-01-01\nexpiryDate: 2021-01-01\n---\nText.\n")
        try temp.write("content/posts/f.md", "---\ntitle: F\ndate: 2099-01-01\n---\nText.\n")
        func feed(_ config: String) -> [String] {
            _ = try? temp.write("hugo.toml", "baseURL = \"https://h.example/\"\ntitle = \"H\"\n" + config)
            let result = PostLoader.load(.site(temp.root), options: LoadOptions())
            let builder = FeedBuilder(site: result.site, now: Date(), includeFuture: result.site.feed.includeFuture)
            return builder.feeds(from: result.posts)[0].feed.entries.map(\.title).sorted()
        }
        #expect(feed("") == [])
        #expect(feed("buildDrafts = true\nbuildExpired = true\nbuildFuture = true\n") == ["D", "E", "F"])
        #expect(feed("buildExpired = true\n") == ["E"])
        // In YAML, `yes` is true to Hugo.
        try FileManager.default.removeItem(at: temp.root.appendingPathComponent("hugo.toml"))
        try temp.write("hugo.yaml", "baseURL: https://h.example/\ntitle: H\nbuildDrafts: yes\n")
        let yaml = PostLoader.load(.site(temp.root), options: LoadOptions())
        #expect(yaml.posts.map(\.title).sorted() == ["D", "E", "F"], "\(yaml.errors)")
    }

    /// `highlight` closed as Hugo accepts it (spaced, or the `%` form) ends its code
    /// there; code holding a fence of its own stays whole; one never closed is left as
    /// written and said, the rest of the post kept as it is.
    @Test func highlightShortcodesCloseAsHugoClosesThem() throws {
        func html(_ body: String) throws -> (String, [PostError]) {
            let temp = try TemporarySite()
            defer { temp.remove() }
            try temp.write("hugo.toml", "baseURL = \"https://h.example/\"\ntitle = \"H\"\n")
            try temp.write("content/posts/a.md", "---\ntitle: A\ndate: 2024-01-01\n---\n" + body)
            let result = PostLoader.load(.site(temp.root), options: LoadOptions())
            return (result.posts.first?.contentHTML ?? "", result.warnings)
        }
        let spaced = try html("{{< highlight go >}}\nfunc b() {}\n{{< / highlight >}}\n\nAfter.\n")
        #expect(spaced.0 == "<pre><code class=\"language-go\">func b() {}\n</code></pre>\n<p>After.</p>\n" && spaced.1.isEmpty, "\(spaced)")
        let percent = try html("{{% highlight sh %}}\necho ```\n{{% /highlight %}}\n\nAfter.\n")
        #expect(percent.0 == "<pre><code class=\"language-sh\">echo ```\n</code></pre>\n<p>After.</p>\n", "\(percent)")
        let open = try html("{{< highlight go >}}\nfunc c() {}\n\nAfter.\n")
        #expect(open.0.contains("<p>After.</p>") && open.1.first?.message.contains("shortcode `highlight` is not run") == true, "\(open)")
        let closingTag = try html("{{< notice >}}\nText.\n{{< / notice >}}\n")
        #expect(closingTag.1.first?.message.contains("shortcode `notice`") == true, "\(closingTag.1)")
    }

    /// A section's own cascade reaches the section itself (a cascade aimed at it makes it
    /// a draft, and its pages go), and a single table's `_target` is ignored, as hugo
    /// 0.111 does here; a list's `_target` that matches nothing leaves the pages.
    @Test func aSectionsOwnCascadeReachesItself() throws {
        let temp = try TemporarySite()
        defer { temp.remove() }
        try temp.write("hugo.toml", "baseURL = \"https://h.example/\"\ntitle = \"H\"\n")
        try temp.write("content/c/p.md", "---\ntitle: P\ndate: 2024-01-01\n---\nText.\n")
        try temp.write("content/c/x/p.md", "---\ntitle: XP\ndate: 2024-01-01\n---\nText.\n")
        try temp.write("content/o/p.md", "---\ntitle: O\ndate: 2024-01-01\n---\nText.\n")
        let cases: [(String, [String])] = [
            ("cascade:\n  - draft: true\n    _target:\n      kind: section\n", ["O"]),
            ("cascade:\n  - draft: true\n    _target:\n      path: /c/_index.md\n", ["O"]),
            ("cascade:\n  draft: true\n  _target:\n    path: /zzz\n", ["O"]),
            ("cascade:\n  - draft: true\n    _target:\n      path: /zzz\n", ["O", "P", "XP"]),
        ]
        for (frontMatter, titles) in cases {
            try temp.write("content/c/_index.md", "---\ntitle: C\n" + frontMatter + "---\n")
            let posts = PostLoader.load(.site(temp.root), options: LoadOptions()).posts
            #expect(posts.map(\.title).sorted() == titles, "\(frontMatter)")
        }
    }

    /// Hugo's `.Date` falls back to `lastmod` when no other date is given (its feed dates
    /// the post so): not the file's modification time.
    @Test func aPostWithOnlyLastmodIsDatedByIt() throws {
        let temp = try TemporarySite()
        defer { temp.remove() }
        try temp.write("hugo.toml", "baseURL = \"https://h.example/\"\ntitle = \"H\"\n")
        try temp.write("content/posts/a.md", "---\ntitle: A\nlastmod: 2021-05-05\n---\nText.\n")
        let result = PostLoader.load(.site(temp.root), options: LoadOptions())
        #expect(result.errors.isEmpty && result.warnings.isEmpty, "\(result.errors) \(result.warnings)")
        let post = try #require(result.posts.first)
        #expect(FeedDates.rfc3339(post.published) == "2021-05-05T00:00:00Z")
    }

    /// Hugo's third front matter format, a JSON object at the top of the file (checked
    /// against Hugo 0.111: blank lines may come before it, and text after its closing
    /// brace starts the body); Crier published such a file's JSON as its text, titled and
    /// dated after the file.
    /// Hugo (0.111, checked) lays `config/_default/` over the root file and
    /// `config/production/` over both, keys compared without case, and reads a file named
    /// after a key (`params.toml`) as that key. Crier read only the first file it found, so
    /// a site whose address is in `config/production/` linked localhost, and a publish
    /// refused it.
    @Test(.enabled(if: SiteConfiguration.hugoEnvironment == "production", "HUGO_ENVIRONMENT or HUGO_ENV names another environment here"))
    func theConfigurationFolderIsLaidOverTheRootFileAsHugoDoes() throws {
        let temp = try TemporarySite()
        defer { temp.remove() }
        try temp.write("hugo.toml", "baseURL = \"https://root.example/\"\ntitle = \"Root\"\nlanguageCode = \"en\"\n")
        try temp.write("config/_default/hugo.toml", "baseURL = \"/\"\n[params]\ndescription = \"D\"\n")
        try temp.write("config/_default/params.toml", "author = \"Pat\"\n")
        try temp.write("config/production/hugo.toml", "baseurl = \"https://prod.example/\"\n")
        try temp.write("config/development/hugo.toml", "baseURL = \"http://dev.example/\"\n")
        try temp.write("content/posts/a.md", "---\ntitle: A\ndate: 2024-03-09\n---\nx\n")
        let result = PostLoader.load(.site(temp.root), options: LoadOptions())
        #expect(result.errors.isEmpty && result.warnings.isEmpty, "\(result.errors) \(result.warnings)")
        #expect(result.site.baseURL == "https://prod.example/")
        #expect(result.site.title == "Root" && result.site.language == "en")
        #expect(result.site.description == "D")
        #expect(result.site.authors.map(\.name) == ["Pat"])
        #expect(result.posts.first?.url == "https://prod.example/posts/a/")
        // A setting's error names the file it is written in.
        try temp.write("config/production/hugo.toml", "baseURL = \"https://prod.example/\"\ntimeZone = \"Mars/Olympus\"\n")
        let bad = try #require(PostLoader.load(.site(temp.root), options: LoadOptions()).errors.first)
        #expect(bad.path.hasSuffix("config/production/hugo.toml") && bad.line == 2, "\(bad)")
    }

    /// Another environment's folder (`HUGO_ENVIRONMENT=staging`) is laid over
    /// `config/_default/` instead of `config/production/`; a name that is not a folder's
    /// is refused.
    @Test func anotherEnvironmentReadsItsOwnConfigurationFolder() throws {
        let temp = try TemporarySite()
        defer { temp.remove() }
        try temp.write("hugo.toml", "baseURL = \"https://root.example/\"\ntitle = \"Root\"\n")
        try temp.write("config/_default/hugo.toml", "title = \"Default\"\n")
        try temp.write("config/production/hugo.toml", "baseURL = \"https://prod.example/\"\n")
        try temp.write("config/staging/hugo.toml", "baseURL = \"https://staging.example/\"\n")
        try temp.write("config/staging/params.toml", "description = \"Staged\"\n")
        let production = try SiteConfiguration.hugoConfiguration(root: temp.root, environment: "production").table
        #expect(production.value("baseURL")?.scalarText == "https://prod.example/")
        #expect(production.value("title")?.scalarText == "Default")
        let staging = try SiteConfiguration.hugoConfiguration(root: temp.root, environment: "staging")
        #expect(staging.table.value("baseURL")?.scalarText == "https://staging.example/")
        #expect(staging.table.value("params")?.table?.value("description")?.scalarText == "Staged")
        #expect(staging.files["baseurl"]?.hasSuffix("config/staging/hugo.toml") == true, "\(staging.files)")
        // No folder of its own: the default folder alone.
        #expect(try SiteConfiguration.hugoConfiguration(root: temp.root, environment: "qa").table.value("baseURL")?.scalarText == "https://root.example/")
        for bad in ["../config/staging", ".", "..", "a/b"] {
            #expect(throws: PostError.self, "\(bad)") { try SiteConfiguration.hugoConfiguration(root: temp.root, environment: bad) }
        }
    }

    /// A site whose configuration is only in `config/` (JSON in `config/_default/`, or
    /// only the environment's folder) is a Hugo site, as it is to `hugo`.
    @Test func aSiteConfiguredOnlyUnderConfigIsAHugoSite() throws {
        for (file, text) in [("config/_default/hugo.json", #"{"baseURL": "https://json.example/", "title": "J"}"#),
                             ("config/production/config.toml", "baseURL = \"https://json.example/\"\ntitle = \"J\"\n")] {
            let temp = try TemporarySite()
            defer { temp.remove() }
            try temp.write(file, text)
            try temp.write("content/posts/a.md", "---\ntitle: A\ndate: 2024-03-09\n---\nx\n")
            #expect(SiteConfiguration.isHugo(root: temp.root) == (SiteConfiguration.hugoEnvironment == "production" || file.contains("_default")), "\(file)")
            guard SiteConfiguration.hugoEnvironment == "production" else { continue }
            let result = PostLoader.load(.site(temp.root), options: LoadOptions())
            #expect(result.errors.isEmpty, "\(file): \(result.errors)")
            #expect(result.site.baseURL == "https://json.example/" && result.site.title == "J", "\(file)")
            #expect(result.posts.first?.url == "https://json.example/posts/a/", "\(file)")
        }
    }

    /// What Foundation's JSON reader says of `text`.
    private func jsonReason(_ text: String) -> String {
        do {
            _ = try JSONSerialization.jsonObject(with: Data(text.utf8))
            return "(valid)"
        } catch {
            return (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String ?? "\(error)"
        }
    }

    @Test func jsonFrontMatterIsReadAsHugoReadsIt() throws {
        let temp = try TemporarySite()
        defer { temp.remove() }
        try temp.write("hugo.toml", "baseURL = \"https://h.example/\"\ntitle = \"H\"\n")
        try temp.write("content/posts/a.md", "{\n\t\"title\": \"a\\/b \\u00e9 {x}\",\n\t\"date\": \"2024-03-07T10:00:00Z\",\n\t\"tags\": [\"a\", \"b c\"],\n\t\"draft\": false\n}\nJSON *body*\n")
        try temp.write("content/posts/b.md", "\n{\"title\":\"Same line\",\"date\":\"2024-03-09\"} trailing words\nbody three\n")
        try temp.write("content/posts/c.md", "{\"title\": \"Draft\", \"date\": \"2024-03-10\", \"Draft\": true}\nx\n")
        try temp.write("content/posts/d.md", "{\"title\": \"Open\",\n \"date\": \"2024-03-10\"\n\nx\n")
        try temp.write("content/posts/e.md", "{\n\"title\": \"E\"\n\"date\": \"2024-03-10\"\n}\nx\n")
        // A character beyond the BMP escaped as a UTF-16 surrogate pair, as JSON encoders
        // write it (YAML's escapes refused the halves); and no JSON at all.
        try temp.write("content/posts/f.md", "{\"title\": \"Party \\ud83c\\udf89 \\\\ud83c\", \"date\": \"2024-03-11\"}\nx\n")
        try temp.write("content/posts/g.md", "\n\n{{< youtube abc >}}\nx\n")
        let result = PostLoader.load(.site(temp.root), options: LoadOptions())
        let a = try #require(result.post("content/posts/a.md"))
        #expect(a.title == "a/b é {x}")
        #expect(a.published == Date(timeIntervalSince1970: 1_709_805_600))
        #expect(a.tags == ["a", "b c"])
        #expect(a.contentHTML == "<p>JSON <em>body</em></p>\n")
        let b = try #require(result.post("content/posts/b.md"))
        #expect(b.title == "Same line")
        #expect(b.contentHTML == "<p>trailing words\nbody three</p>\n")
        #expect(result.post("content/posts/c.md") == nil)
        #expect(result.post("content/posts/f.md")?.title == "Party 🎉 \\ud83c")
        #expect(result.errors.map(\.description).sorted() == [
            "\(SiteConfiguration.displayPath(temp.root.appendingPathComponent("content/posts/d.md"))):1: JSON front matter starting with '{' is never closed (no matching '}')",
            "\(SiteConfiguration.displayPath(temp.root.appendingPathComponent("content/posts/e.md"))):3: JSON front matter starting with '{' is not JSON: \(jsonReason("{\n\"title\": \"E\"\n\"date\": \"2024-03-10\"\n}"))",
            "\(SiteConfiguration.displayPath(temp.root.appendingPathComponent("content/posts/g.md"))):3: JSON front matter starting with '{' is not JSON: \(jsonReason("{{< youtube abc >}}"))",
        ].sorted())
        #expect(result.warnings.isEmpty, "\(result.warnings)")
    }

    @Test func draftsAreIncludedWhenAsked() {
        var options = LoadOptions()
        options.includeDrafts = true
        let withDrafts = PostLoader.load(.site(LoadingFixtures.url("hugo")), options: options)
        #expect(withDrafts.post("content/posts/draft.md")?.title == "A draft")
    }

    @Test func tomlFrontMatterGivesDatesTaxonomiesAuthorAndSummary() throws {
        let post = try #require(result.post("content/posts/toml-post.md"))
        #expect(post.title == "A TOML post")
        #expect(post.published == utcDate(2024, 5, 1, 14))
        // A local date takes the site's zone (New York, UTC-4 in May).
        #expect(post.updated == utcDate(2024, 5, 2, 4))
        #expect(post.tags == ["toml", "hugo"])
        #expect(post.categories == ["Tech"])
        #expect(post.authors == [Person(name: "Jane")])
        #expect(post.summaryHTML == "<p>Given <em>summary</em>.</p>\n")
        #expect(post.url == "https://hugo.example.org/posts/toml-post/")
        #expect(post.contentHTML == #"<p>The body with a <a href="https://hugo.example.org/posts/other/">link</a> to a sibling.</p>"# + "\n")
    }

    @Test func publishDateIsThePublishedDateAndSlugNamesThePage() throws {
        let post = try #require(result.post("content/posts/yaml-post.md"))
        #expect(post.published == utcDate(2099, 1, 1, 5))
        #expect(post.expires == utcDate(2100, 1, 1, 5))
        #expect(post.url == "https://hugo.example.org/posts/custom-slug/")
    }

    @Test func theMoreDividerEndsTheSummary() throws {
        let post = try #require(result.post("content/posts/yaml-post.md"))
        #expect(post.summaryHTML == "<p>Before the fold.</p>\n")
        #expect(post.contentHTML.contains("<p>After the fold.</p>"))
    }

    @Test func pageBundlesAreNamedByTheirFolderAndResolveImagesInsideIt() throws {
        let post = try #require(result.post("content/posts/bundle/index.md"))
        #expect(post.url == "https://hugo.example.org/posts/bundle/")
        #expect(post.contentHTML == #"<p><img src="https://hugo.example.org/posts/bundle/diagram.png" alt="diagram" /></p>"# + "\n")
    }

    @Test func sectionPermalinksFromTheConfigApply() throws {
        let post = try #require(result.post("content/notes/first-note.md"))
        #expect(post.url == "https://hugo.example.org/2024/06/first-note/")
    }

    /// `:sections` names the page's sections as hugo 0.111 does: the top folder, and
    /// below it only folders with an `_index` page, as long as they follow on.
    @Test func sectionsPermalinksNameOnlyRealSections() throws {
        let temp = try TemporarySite()
        defer { temp.remove() }
        try temp.write("hugo.toml", "baseURL = \"https://h.example/\"\ntitle = \"H\"\n[permalinks]\nposts = \"/x/:sections/:filename/\"\n")
        try temp.write("content/posts/2024/deep/a.md", "---\ntitle: A\ndate: 2024-01-01\n---\nText.\n")
        func url() -> String? { PostLoader.load(.site(temp.root), options: LoadOptions()).posts.first?.url }
        #expect(url() == "https://h.example/x/posts/a/")
        try temp.write("content/posts/2024/_index.md", "")
        #expect(url() == "https://h.example/x/posts/2024/a/")
        try temp.write("content/posts/2024/deep/_index.md", "---\ntitle: Deep\n---\n")
        #expect(url() == "https://h.example/x/posts/2024/deep/a/")
    }

    /// A multilingual site's feeds are its default language's, as hugo 0.111's main feed
    /// is: translations (`hello.fr.md`, or in another language's `contentDir`) are left
    /// out, the default's own (`other.en.md`) named without its language.
    @Test func aMultilingualSitesFeedIsItsDefaultLanguages() throws {
        let temp = try TemporarySite()
        defer { temp.remove() }
        let languages = "[languages.en]\nlanguageCode = \"en-GB\"\n[languages.fr]\n[languages.de]\ncontentDir = \"content-de\"\n"
        try temp.write("hugo.toml", "baseURL = \"https://h.example/\"\ntitle = \"H\"\n" + languages)
        for (file, title) in [("content/posts/hello.md", "Hello"), ("content/posts/hello.fr.md", "Bonjour"),
                              ("content/posts/other.en.md", "Other"), ("content-de/posts/hallo.md", "Hallo")] {
            try temp.write(file, "---\ntitle: \(title)\ndate: 2024-01-01\n---\nText.\n")
        }
        let result = PostLoader.load(.site(temp.root), options: LoadOptions())
        #expect(result.posts.map(\.title).sorted() == ["Hello", "Other"])
        #expect(result.posts.map(\.url).sorted() == ["https://h.example/posts/hello/", "https://h.example/posts/other/"])
        #expect(result.site.language == "en-GB")
        try temp.write("hugo.toml", "baseURL = \"https://h.example/\"\ntitle = \"H\"\ndefaultContentLanguageInSubdir = true\n" + languages)
        #expect(PostLoader.load(.site(temp.root), options: LoadOptions()).posts.map(\.url).sorted()
            == ["https://h.example/en/posts/hello/", "https://h.example/en/posts/other/"])
    }

    /// `canonifyURLs`: a root-relative URL is under `baseURL`, its path included, in
    /// Markdown and in raw HTML alike, as Hugo rewrites it; `//host/` URLs are left.
    @Test func canonifyURLsPutsRootRelativeURLsUnderTheBaseURL() throws {
        let temp = try TemporarySite()
        defer { temp.remove() }
        try temp.write("content/posts/c.md", """
            ---
            title: C
            date: 2024-01-01
            ---
            ![i](/images/p.png) [l](/posts/other/) [rel](img/q.png) <img src="/raw.png"> <a href='//cdn.example/x'>cdn</a>

            """)
        func html(_ config: String) -> String {
            _ = try? temp.write("hugo.toml", "baseURL = \"https://h.example/blog/\"\ntitle = \"H\"\n" + config)
            return PostLoader.load(.site(temp.root), options: LoadOptions()).posts.first?.contentHTML ?? ""
        }
        let canonified = html("canonifyURLs = true\n")
        for wanted in ["src=\"https://h.example/blog/images/p.png\"", "href=\"https://h.example/blog/posts/other/\"",
                       "href=\"https://h.example/blog/posts/c/img/q.png\"", "src=\"https://h.example/blog/raw.png\"", "href=\"https://cdn.example/x\""] {
            #expect(canonified.contains(wanted), "\(wanted) in \(canonified)")
        }
        let plain = html("")
        #expect(plain.contains("src=\"https://h.example/images/p.png\"") && plain.contains("src=\"https://h.example/raw.png\""), "\(plain)")
    }

    /// Content mounted from elsewhere is not read, and said: its posts are missing.
    @Test func mountedContentIsSaidToBeLeftOut() throws {
        let temp = try TemporarySite()
        defer { temp.remove() }
        try temp.write("hugo.toml", "baseURL = \"https://h.example/\"\ntitle = \"H\"\n[[module.mounts]]\nsource = \"content\"\ntarget = \"content\"\n"
            + "[[module.mounts]]\nsource = \"myposts\"\ntarget = \"content/posts\"\n")
        try temp.write("content/posts/a.md", "---\ntitle: A\ndate: 2024-01-01\n---\nText.\n")
        try temp.write("myposts/b.md", "---\ntitle: B\ndate: 2024-01-01\n---\nText.\n")
        let result = PostLoader.load(.site(temp.root), options: LoadOptions())
        #expect(result.posts.map(\.title) == ["A"])
        #expect(result.warnings.map(\.message) == ["`[[module.mounts]]` mounts myposts at content/posts: Crier reads only the content folder, so the posts mounted there are not in the feeds"])
    }

    /// Hugo's `[frontmatter]` dates: handlers in order, `:filename` taking the date from
    /// the file name and leaving the rest as the slug, as hugo 0.111 does here.
    @Test func frontmatterDateHandlersApplyInOrder() throws {
        let temp = try TemporarySite()
        defer { temp.remove() }
        try temp.write("content/posts/2023-05-05-both.md", "---\ntitle: Both\ndate: 2023-01-01\n---\nText.\n")
        try temp.write("content/posts/2023-04-04-filedate.md", "---\ntitle: FileDate\n---\nText.\n")
        try temp.write("content/posts/2023-03-03-own-slug.md", "---\ntitle: Own\nslug: mine\n---\nText.\n")
        try temp.write("content/posts/plain.md", "---\ntitle: Plain\npubdate: 2022-02-02\n---\nText.\n")
        func posts(_ frontmatter: String) -> [String] {
            _ = try? temp.write("hugo.toml", "baseURL = \"https://h.example/\"\ntitle = \"H\"\n[frontmatter]\n" + frontmatter)
            return PostLoader.load(.site(temp.root), options: LoadOptions()).posts
                .map { "\($0.url) \(FeedDates.rfc3339($0.published).prefix(10))" }.sorted()
        }
        #expect(posts("date = [\":filename\", \":default\"]\npublishDate = [\":filename\", \":default\"]\n") == [
            "https://h.example/posts/both/ 2023-05-05", "https://h.example/posts/filedate/ 2023-04-04",
            "https://h.example/posts/mine/ 2023-03-03", "https://h.example/posts/plain/ 2022-02-02",
        ])
        // The front matter's date first: the file name's only where there is none; keys
        // not listed (`pubdate`) are not read.
        let dateFirst = posts("date = [\"date\", \":filename\"]\npublishDate = [\"date\", \":filename\"]\n")
        #expect(dateFirst.dropLast() == [
            "https://h.example/posts/2023-05-05-both/ 2023-01-01", "https://h.example/posts/filedate/ 2023-04-04",
            "https://h.example/posts/mine/ 2023-03-03",
        ])
        #expect(dateFirst.last?.hasPrefix("https://h.example/posts/plain/ 2022") == false, "\(dateFirst)")
    }

    /// Dates Hugo reads that Crier's own reading did not (the whole build failed): a
    /// number of seconds, RFC 1123 and 822, Go's and Unix `date`'s ways of writing one.
    @Test func datesHugoReadsAreRead() throws {
        let temp = try TemporarySite()
        defer { temp.remove() }
        try temp.write("hugo.toml", "baseURL = \"https://h.example/\"\ntitle = \"H\"\ntimeZone = \"Europe/Berlin\"\n")
        let cases: [(String, String)] = [
            ("date: 1709632800", "2024-03-05T10:00:00Z"),
            ("date: \"Tue, 05 Mar 2024 10:00:00 +0000\"", "2024-03-05T10:00:00Z"),
            ("date: \"Tue, 05 Mar 2024 10:00:00 GMT\"", "2024-03-05T10:00:00Z"),
            ("date: \"05 Mar 24 10:00 -0200\"", "2024-03-05T12:00:00Z"),
            ("date: \"05 Mar 2024\"", "2024-03-04T23:00:00Z"),
            ("date: \"2024-03-05 10:00:00 -0700 MST\"", "2024-03-05T17:00:00Z"),
            ("date: \"Tue Mar  5 10:00:00 UTC 2024\"", "2024-03-05T10:00:00Z"),
            ("date: \"Tue Mar  5 10:00:00 2024\"", "2024-03-05T09:00:00Z"),
        ]
        for (index, (line, _)) in cases.enumerated() {
            try temp.write("content/posts/p\(index).md", "---\ntitle: P\(index)\n\(line)\n---\nText.\n")
        }
        try temp.write("content/posts/toml.md", "+++\ntitle = \"T\"\ndate = 1709632800\n+++\nText.\n")
        let result = PostLoader.load(.site(temp.root), options: LoadOptions())
        #expect(result.errors.isEmpty, "\(result.errors)")
        for (index, (line, wanted)) in cases.enumerated() {
            let post = result.posts.first { $0.sourcePath == "content/posts/p\(index).md" }
            #expect(post.map { FeedDates.rfc3339($0.published) } == wanted, "\(line)")
        }
        #expect(result.posts.first { $0.title == "T" }.map { FeedDates.rfc3339($0.published) } == "2024-03-05T10:00:00Z")
        // Still no date: said at its line.
        try temp.write("content/posts/bad.md", "---\ntitle: Bad\ndate: \"Tue, 31 Feb 2024 10:00:00 GMT\"\n---\nText.\n")
        let bad = PostLoader.load(.site(temp.root), options: LoadOptions())
        #expect(bad.errors.map(\.line) == [3], "\(bad.errors)")
    }

    @Test func configTomlAndYamlFrontMatterWorkToo() throws {
        let site = try TemporarySite()
        defer { site.remove() }
        try site.write("config.yaml", "baseURL: https://y.example/sub\ntitle: YAML config\n")
        try site.write("content/post.md", "---\ntitle: Post\ndate: 2024-01-01T00:00:00Z\n---\nText\n")
        let result = PostLoader.load(.site(site.root), options: LoadOptions())
        #expect(result.errors == [])
        #expect(result.site.title == "YAML config")
        #expect(result.posts.first?.url == "https://y.example/sub/post/")
    }
}
