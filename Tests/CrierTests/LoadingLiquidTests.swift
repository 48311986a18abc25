import Foundation
import Testing
@testable import Crier

/// Jekyll's Liquid in posts: what Crier runs, what it leaves and says so, and code.
@Suite("Loading: Jekyll Liquid")
struct LoadingLiquidTests {
    func site(posts: [String: String]) throws -> (TemporarySite, LoadResult) {
        let temp = try TemporarySite()
        try temp.write("_config.yml", "title: J\nurl: https://j.example\n")
        for (path, text) in posts { try temp.write(path, text) }
        return (temp, PostLoader.load(.site(temp.root), options: LoadOptions()))
    }

    @Test func postURLAndLinkBecomeTheNamedPostsURL() throws {
        let (temp, result) = try site(posts: [
            "_posts/2024-03-05-Hello-World.md": "---\ntitle: Hello\n---\n[next]({% post_url 2024-03-07-linker %})\n",
            "_posts/sub/2024-03-06-deep.md": "---\ntitle: Deep\npermalink: /deep/\n---\nx\n",
            "_posts/2024-03-07-linker.md": """
            ---
            title: Linker
            ---
            [prev]({% post_url 2024-03-05-Hello-World %}) [deep]({%post_url /sub/2024-03-06-deep%}) [file]({% link _posts/2024-03-05-Hello-World.md %})
            """,
        ])
        defer { temp.remove() }
        #expect(result.errors == [])
        #expect(result.warnings == [])
        let html = try #require(result.post("_posts/2024-03-07-linker.md")?.contentHTML)
        #expect(html.contains(#"<a href="https://j.example/2024/03/05/Hello-World.html">prev</a>"#))
        #expect(html.contains(#"<a href="https://j.example/deep/">deep</a>"#))
        #expect(html.contains(#"<a href="https://j.example/2024/03/05/Hello-World.html">file</a>"#))
        #expect(result.post("_posts/2024-03-05-Hello-World.md")?.contentHTML.contains(#"href="https://j.example/2024/03/07/linker.html""#) == true)
    }

    /// A name two posts answer to (in different folders below `_posts/`) finds the first by
    /// path, as Jekyll's lookup does; a name with its folder finds that one.
    @Test func aNameInTwoFoldersFindsTheFirstByPathAndAFolderPicksOne() throws {
        let (temp, result) = try site(posts: [
            "_posts/b/2024-03-05-same.md": "---\ntitle: B\npermalink: /b-same/\n---\nb\n",
            "_posts/a/2024-03-05-same.md": "---\ntitle: A\npermalink: /a-same/\n---\na\n",
            "_posts/2024-03-07-linker.md": "---\ntitle: Linker\n---\n[one]({% post_url 2024-03-05-same %}) [two]({% post_url b/2024-03-05-same %})\n",
        ])
        defer { temp.remove() }
        #expect(result.errors == [])
        let html = try #require(result.post("_posts/2024-03-07-linker.md")?.contentHTML)
        #expect(html.contains(#"<a href="https://j.example/a-same/">one</a>"#), "\(html)")
        #expect(html.contains(#"<a href="https://j.example/b-same/">two</a>"#), "\(html)")
    }

    @Test func aPostURLToNoPostIsAnErrorNamingTheFileAndLine() throws {
        let (temp, result) = try site(posts: [
            "_posts/2024-03-07-linker.md": "---\ntitle: Linker\n---\nIntro.\n\n[prev]({% post_url 2024-03-05-missing %})\n",
        ])
        defer { temp.remove() }
        #expect(result.posts.isEmpty)
        let error = try #require(result.errors.first)
        #expect(error.path.hasSuffix("_posts/2024-03-07-linker.md"))
        #expect(error.line == 6)
        #expect(error.message.contains("no post named 2024-03-05-missing"))
    }

    /// `{% post_url %}` reads the linked post only as far as its URL (no second render):
    /// that URL is the one the full load gives, however the post makes it.
    @Test func aURLOnlyLoadGivesTheFullLoadsURLWithoutContent() throws {
        let posts = [
            "_posts/2024-03-05-plain.md": "---\ntitle: Plain\n---\nBody with **Markdown**.\n",
            "_posts/news/2024-03-06-filed.md": "---\ntitle: Filed\ncategories: [tech]\n---\nBody.\n",
            "_posts/2024-03-07-own.md": "---\ntitle: Own\npermalink: /:categories/:title/\ncategory: misc\n---\nBody.\n",
            "_posts/2024-03-08-dated.md": "---\ntitle: Dated\ndate: 2024-03-09 23:30:00 -0500\nslug: other-slug\n---\nBody.\n",
        ]
        let (temp, result) = try site(posts: posts)
        defer { temp.remove() }
        #expect(result.errors == [] && result.posts.count == posts.count)
        var warnings: [PostError] = []
        let context = try SiteConfiguration.read(root: temp.root, warnings: &warnings)
        let files = PostFiles.jekyll(root: context.root, excluded: context.excluded, includeDrafts: false, warnings: &warnings)
        #expect(files.count == posts.count)
        var options = LoadOptions()
        options.urlOnly = true
        for file in files {
            var warnings: [PostError] = []
            var links = false
            let data = try #require(FileIO.read(file.path))
            let post = try #require(try PostRules.build(file, data: data, context: context, options: options, warnings: &warnings, linksToPosts: &links))
            #expect(post.url == result.post(file.relativePath)?.url, "\(file.relativePath)")
            #expect(post.contentHTML.isEmpty && post.summaryHTML == nil)
        }
    }

    @Test func otherLiquidOutsideCodeWarnsOncePerPostAtItsFirstLine() throws {
        let (temp, result) = try site(posts: [
            "_posts/2024-03-05-a.md": "---\ntitle: A\n---\nIntro.\n\n{% include note.html %}\n\n{{ page.title }} and {% assign x = 1 %}\n",
            "_posts/2024-03-06-b.md": "---\ntitle: B\n---\nBy {{ page.author }}.\n",
        ])
        defer { temp.remove() }
        #expect(result.errors == [])
        #expect(result.warnings.map(\.description).sorted() == [
            "\(temp.root.standardizedFileURL.path)/_posts/2024-03-05-a.md:6: Liquid `{% include %}` is not run by Crier; it appears as written",
            "\(temp.root.standardizedFileURL.path)/_posts/2024-03-06-b.md:4: Liquid `{{ page.author }}` is not run by Crier; it appears as written",
        ])
        #expect(result.post("_posts/2024-03-05-a.md")?.contentHTML.contains("{% include note.html %}") == true)
    }

    @Test func liquidInCodeIsRunAsJekyllRunsItButNotInRaw() throws {
        let body = """
        ---
        title: Templates
        ---
        Run `curl {{ site.url }}/install.sh`, see `{% post_url 2024-03-04-other %}`.

        ```sh
        curl {{ site.url }}/install.sh
        {% raw %}{{ site.url }}{% endraw %} {% comment %}gone{% endcomment %}
        ```

            {{ "/feed.xml" | absolute_url }}

        - item

          {{ site.url }} in a list

        {% highlight html %}
        <p>{{ site.url }}</p>
        {% endhighlight %}
        {% raw %}
        {{ kept }} {% include b.html %}
        {% endraw %}
        Done at {{ site.url }}.
        """
        let (temp, result) = try site(posts: [
            "_posts/2024-03-05-t.md": body,
            "_posts/2024-03-04-other.md": "---\ntitle: Other\n---\nx\n",
        ])
        defer { temp.remove() }
        #expect(result.errors == [])
        #expect(result.warnings == [])
        let html = try #require(result.post("_posts/2024-03-05-t.md")?.contentHTML)
        #expect(html.contains("<code>curl https://j.example/install.sh</code>"))
        #expect(html.contains("<code>https://j.example/2024/03/04/other.html</code>"))
        #expect(html.contains("curl https://j.example/install.sh\n{{ site.url }} \n</code></pre>"))
        #expect(html.contains("<pre><code>https://j.example/feed.xml\n</code></pre>"))
        #expect(html.contains("https://j.example</a> in a list</p>"))
        #expect(html.contains("&lt;p&gt;https://j.example&lt;/p&gt;"))
        #expect(html.contains("{{ kept }} {% include b.html %}"))
        #expect(html.contains(#"Done at <a href="https://j.example">"#))
    }

    @Test func otherLiquidInCodeIsLeftAsWrittenAndWarnsSinceJekyllWouldRunIt() throws {
        let body = """
        ---
        title: Templates
        ---
        Intro.

        Write `{{ page.title }}` or `{% highlight c %}` at {{ site.url }}.

        ```liquid
        {% include a.html %}
        ```
        """
        let (temp, result) = try site(posts: ["_posts/2024-03-05-t.md": body])
        defer { temp.remove() }
        #expect(result.errors == [])
        #expect(result.warnings.map(\.description) == [
            "\(temp.root.standardizedFileURL.path)/_posts/2024-03-05-t.md:6: Liquid `{{ page.title }}` is not run by Crier; it appears as written",
        ])
        let html = try #require(result.posts.first?.contentHTML)
        #expect(html.contains(#"<code>{{ page.title }}</code> or <code>{% highlight c %}</code> at <a href="https://j.example">"#))
        #expect(html.contains("{% include a.html %}\n</code></pre>"))
    }

    /// A post showing how to write a highlight block, inside its own fence: the example
    /// stays as written (with a warning), and the rest of the post stays out of code.
    @Test func aHighlightExampleInsideAFenceStaysAsWritten() throws {
        let (temp, result) = try site(posts: [
            "_posts/2024-03-06-b.md": """
            ---
            title: B
            ---
            ```liquid
            {% highlight ruby %}
            puts 1
            {% endhighlight %}
            ```
            After the example, **bold** text.

            {% highlight ruby %}
            puts 2
            {% endhighlight %}
            """,
        ])
        defer { temp.remove() }
        let html = try #require(result.post("_posts/2024-03-06-b.md")?.contentHTML)
        #expect(html.contains("<pre><code class=\"language-liquid\">{% highlight ruby %}\nputs 1\n{% endhighlight %}\n</code></pre>"), "\(html)")
        #expect(html.contains("<p>After the example, <strong>bold</strong> text.</p>"), "\(html)")
        #expect(html.contains("<pre><code class=\"language-ruby\">puts 2\n</code></pre>"), "\(html)")
        #expect(result.warnings.contains { $0.line == 5 && $0.message.contains("highlight") }, "\(result.warnings)")
    }

    @Test func aLoneOpeningIsLeftAsWrittenAndTakesInNothingAfterIt() throws {
        let body = """
        ---
        title: Braces
        ---
        Type `{{` to open one, as at {{ site.url }}.

        A `}}` alone, `{%` too, and {{ "/a" | relative_url }}.

        {% comment %} not closed, then {{ site.url }}/end

        Last {{ site.url
        """
        let (temp, result) = try site(posts: ["_posts/2024-03-05-b.md": body])
        defer { temp.remove() }
        #expect(result.errors == [])
        #expect(result.warnings.map(\.description) == [
            "\(temp.root.standardizedFileURL.path)/_posts/2024-03-05-b.md:4: Liquid `{{` has no `}}` to close it; it appears as written",
        ])
        let html = try #require(result.posts.first?.contentHTML)
        #expect(html.contains(#"<code>{{</code> to open one, as at <a href="https://j.example">https://j.example</a>."#))
        #expect(html.contains("<code>}}</code> alone, <code>{%</code> too, and /a.</p>"))
        #expect(html.contains(#"{% comment %} not closed, then <a href="https://j.example/end">"#))
        #expect(html.contains("Last {{ site.url</p>"))
    }

    /// Remembers which posts were stored.
    final class RecordingCache: PostCache, @unchecked Sendable {
        let lock = NSLock()
        var stored: [String] = []
        func post(for key: PostCacheKey) -> Post? { nil }
        func store(_ post: Post, for key: PostCacheKey) { lock.withLock { stored.append(key.path) } }
    }

    @Test func aPostThatLinksToAnotherIsNotCachedSinceTheOtherURLMayChange() throws {
        let temp = try TemporarySite()
        defer { temp.remove() }
        try temp.write("_config.yml", "title: J\nurl: https://j.example\n")
        try temp.write("_posts/2024-03-05-a.md", "---\ntitle: A\n---\nx\n")
        try temp.write("_posts/2024-03-06-b.md", "---\ntitle: B\n---\n[a]({% post_url 2024-03-05-a %})\n")
        try temp.write("_posts/2024-03-07-c.md", "---\ntitle: C\n---\nIn code: `{% post_url 2024-03-05-a %}`\n")
        let cache = RecordingCache()
        var options = LoadOptions()
        options.cache = cache
        let result = PostLoader.load(.site(temp.root), options: options)
        #expect(result.errors == [])
        #expect(cache.stored == ["_posts/2024-03-05-a.md"])
    }
    /// Many tags on one line (which once cost the square of their number: 2,000 `post_url`
    /// on a line took 7 s) all become links. Their cost is measured by hand, not here:
    /// timed tests fail on a busy machine.
    @Test func manyTagsOnOneLineAllBecomeLinks() throws {
        let count = 2_000
        func load(separator: String) throws -> LoadResult {
            let temp = try TemporarySite()
            defer { temp.remove() }
            try temp.write("_config.yml", "title: J\nurl: https://j.example\n")
            try temp.write("_posts/2024-03-06-second.md", "---\ntitle: S\n---\nS\n")
            let tags = Array(repeating: "{% post_url 2024-03-06-second %}", count: count).joined(separator: separator)
            try temp.write("_posts/2024-03-07-third.md", "---\ntitle: T\n---\n" + tags + "\n")
            return PostLoader.load(.site(temp.root), options: LoadOptions())
        }
        let lines = try load(separator: "\n")
        let oneLine = try load(separator: " ")
        #expect(oneLine.errors == [] && oneLine.warnings == [])
        let html = try #require(oneLine.post("_posts/2024-03-07-third.md")?.contentHTML)
        #expect(html.components(separatedBy: #"<a href="https://j.example/2024/03/06/second.html">"#).count == count + 1)
        #expect(lines.post("_posts/2024-03-07-third.md")?.contentHTML.count ?? 0 > 0)
    }

    /// Text that sent each tag to the end of the line, of the output or of the text (a tag
    /// left open, a `raw` with no end, `raw` in `raw`, highlight blocks one after another)
    /// comes out as before (its cost, once quadratic, is measured by hand, not here).
    @Test(arguments: [
        ("unclosed", String(repeating: "{{ {% ", count: 40_000), String(repeating: "{{ {% ", count: 40_000)),
        ("include", String(repeating: "{% include x.html %} ", count: 3_000), String(repeating: "{% include x.html %} ", count: 3_000)),
        ("raw in raw", String(repeating: "{% raw %}", count: 5_000) + "x" + String(repeating: "{% endraw %}", count: 5_000),
         String(repeating: "{% raw %}", count: 4_999) + "x" + String(repeating: "{% endraw %}", count: 4_999)),
        ("raw without end", String(repeating: "{% raw %}\n", count: 10_000), String(repeating: "{% raw %}\n", count: 10_000)),
        ("highlight blocks", String(repeating: "{% highlight swift %}\nx\n{% endhighlight %}\n", count: 2_000),
         String(repeating: "```swift\nx\n```\n", count: 2_000)),
        ("tags in an output", "{{ " + String(repeating: "{% ", count: 15_000) + "%} }}", "{{ " + String(repeating: "{% ", count: 15_000) + "%} }}"),
    ])
    func pathologicalLiquidComesOutAsBefore(name: String, body: String, expected: String) throws {
        let output = try JekyllLiquid.apply(body, baseURL: "https://j.example/", links: nil)
        #expect(output.text == expected, "\(name)")
    }
}
