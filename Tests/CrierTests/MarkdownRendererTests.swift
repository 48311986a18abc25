import Testing
import CrierMarkdown
import CrierXML

@Suite("Markdown rendering")
struct MarkdownRendererTests {
    @Test func tablesStrikethroughAutolinksAndTaskListsRender() {
        let html = MarkdownRenderer.render("""
        | a | b |
        |---|---|
        | 1 | 2 |

        ~~gone~~ see www.example.com

        - [x] done
        - [ ] todo
        """)
        #expect(html.contains("<table>"))
        #expect(html.contains("<td>1</td>"))
        #expect(html.contains("<del>gone</del>"))
        #expect(html.contains(#"<a href="http://www.example.com">www.example.com</a>"#))
        #expect(html.contains(#"<input type="checkbox" checked="" disabled="" /> done"#))
        #expect(html.contains(#"<input type="checkbox" disabled="" /> todo"#))
    }

    @Test func rawHTMLPassesThroughUnlessDisallowed() {
        let source = "<div class=\"note\">Hi</div>\n\nText with <span>inline</span>.\n"
        #expect(MarkdownRenderer.render(source).contains("<div class=\"note\">Hi</div>"))
        #expect(MarkdownRenderer.render(source).contains("<span>inline</span>"))
        let safe = MarkdownRenderer.render(source, allowRawHTML: false)
        #expect(!safe.contains("<div"))
        #expect(!safe.contains("<span>"))
        #expect(safe.contains("inline"))
    }

    @Test func specialCharactersAreEscapedAndKept() {
        let html = MarkdownRenderer.render("a & b < c ]]> \u{1F600} \u{5E9}\u{5DC}\u{5D5}\u{5DD} \u{0C}\u{1B}")
        #expect(html == "<p>a &amp; b &lt; c ]]&gt; \u{1F600} \u{5E9}\u{5DC}\u{5D5}\u{5DD} \u{0C}\u{1B}</p>\n")
    }

    @Test func parallelRendersGiveTheSameOutputAsOne() async {
        let source = "Hello ~~struck~~ and www.example.com\n\n| a | b |\n|---|---|\n| 1 | 2 |\n"
        let expected = MarkdownRenderer.render(source)
        #if os(Linux)
        // Debian's shared libcmark-gfm calls through its PLT, so Crier's definition binds.
        #expect(MarkdownRenderer.inlinePassesRunInParallel)
        #endif
        #expect(expected.contains("<del>struck</del>"))
        #expect(expected.contains(#"<a href="http://www.example.com">www.example.com</a>"#))
        let mismatches = await withTaskGroup(of: Int.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    var bad = 0
                    for _ in 0..<5000 where MarkdownRenderer.render(source) != expected { bad += 1 }
                    return bad
                }
            }
            return await group.reduce(0, +)
        }
        #expect(mismatches == 0)
    }

    // MARK: Resolving URLs on the tree

    static let base = "https://example.com/blog/2024/03/05/hello/"

    static func resolved(_ markdown: String, allowRawHTML: Bool = true, base: String = base) -> String {
        MarkdownRenderer.render(markdown, allowRawHTML: allowRawHTML, resolvingURLs: { HTMLFragment.resolve($0, against: base) })
    }

    @Test func linksImagesAndReferenceLinksAreResolvedOnTheTree() {
        let html = Self.resolved("""
        A [link](other.html "T"), an ![image](/img/a.png), a [reference][r], [up](../up/) and [same]().

        [r]: ref/page.html
        """)
        #expect(html == #"<p>A <a href="https://example.com/blog/2024/03/05/hello/other.html" title="T">link</a>, an <img src="https://example.com/img/a.png" alt="image" />, a <a href="https://example.com/blog/2024/03/05/hello/ref/page.html">reference</a>, <a href="https://example.com/blog/2024/03/05/up/">up</a> and <a href="https://example.com/blog/2024/03/05/hello/">same</a>.</p>"# + "\n")
    }

    @Test func absoluteURLsAndAutolinksAreKeptAndFragmentsResolvedAsTheHTMLPassDoes() {
        let html = Self.resolved("<https://abs.example/x?a=1&b=2> www.example.com me@example.com [m](mailto:me@example.com) [f](#sec) ![d](data:image/png;base64,AAAA)")
        #expect(html == ##"<p><a href="https://abs.example/x?a=1&amp;b=2">https://abs.example/x?a=1&amp;b=2</a> <a href="http://www.example.com">www.example.com</a> <a href="mailto:me@example.com">me@example.com</a> <a href="mailto:me@example.com">m</a> <a href="https://example.com/blog/2024/03/05/hello/#sec">f</a> <img src="data:image/png;base64,AAAA" alt="d" /></p>"## + "\n")
        // The libxml2 pass gives fragment-only links the page's URL too.
        #expect(HTMLFragment.absolutizingURLs(in: ##"<a href="#sec">f</a>"##, base: Self.base) == ##"<a href="https://example.com/blog/2024/03/05/hello/#sec">f</a>"##)
    }

    @Test func theClosureSeesDecodedDestinationsAndItsResultIsEscapedAsCmarkEscapesURLs() {
        var seen: [String] = []
        let html = MarkdownRenderer.render(#"[a](<my photo é.png>) [b](q?x=1&amp;y=2) [c](a\_b)"#, resolvingURLs: { url in
            seen.append(url)
            return "https://example.com/" + url
        })
        #expect(seen == ["my photo é.png", "q?x=1&y=2", "a_b"])
        #expect(html == #"<p><a href="https://example.com/my%20photo%20%C3%A9.png">a</a> <a href="https://example.com/q?x=1&amp;y=2">b</a> <a href="https://example.com/a_b">c</a></p>"# + "\n")
    }

    @Test func rawHTMLIsLeftForTheHTMLPass() {
        let source = "<img src=\"rel.png\">\n\nText <a href=\"x.html\">x</a> and [md](y.html).\n"
        let html = Self.resolved(source)
        #expect(html == "<img src=\"rel.png\">\n<p>Text <a href=\"x.html\">x</a> and <a href=\"https://example.com/blog/2024/03/05/hello/y.html\">md</a>.</p>\n")
        // Which the HTML pass then finishes.
        #expect(HTMLFragment.absolutizingURLs(in: html, base: Self.base) == "<img src=\"https://example.com/blog/2024/03/05/hello/rel.png\">\n<p>Text <a href=\"https://example.com/blog/2024/03/05/hello/x.html\">x</a> and <a href=\"https://example.com/blog/2024/03/05/hello/y.html\">md</a>.</p>\n")
    }

    @Test func unsafeSchemesAreStillDroppedWithoutRawHTML() {
        let html = Self.resolved("[j](javascript:alert(1)) ![v](vbscript:x) [ok](ok.html)", allowRawHTML: false)
        #expect(html == #"<p><a href="">j</a> <img src="" alt="v" /> <a href="https://example.com/blog/2024/03/05/hello/ok.html">ok</a></p>"# + "\n")
    }

    /// The tree's URLs must come out as the libxml2 pass would make them. Both results go
    /// through that pass once more (forced by a relative link at the end), which makes
    /// their markup the same, so they must then be equal byte for byte. `leavesNoPass`:
    /// whether the tree alone leaves nothing relative, so that the pass is skipped.
    @Test(arguments: [
        ("[a](other.html) ![i](/img/a.png) [u](../../up/) [p](//cdn.example/i.png) [q](?q=1) [d](./a/../b)", true),
        ("[r][ref] and ![r2][img]\n\n[ref]: ref.html \"Title\"\n[img]: <pics/my photo.png>", true),
        ("[s](<my photo é.png>) [n](café/ü?q=ä#é) [h](Hebrew/\u{5E9}\u{5DC}\u{5D5}\u{5DD}) [e](\u{1F600}.html)", true),
        ("[amp](search?q=a&n=2) [amp2](search?q=a&amp;n=2) [apos](it's.html) [quote](a\"b) [lt](a\\<b)", true),
        ("[bs](foo\\\\bar) [pct2](a%20b%2Fc) [odd](a|b{c}^d) [tick](a`b)", true),
        ("[f](#frag) [empty]() [e2](<>) [abs](https://other.org/a?b=1&c=2) [m](mailto:x@y.z) [u](HTTP://EXAMPLE.COM/X)", true),
        ("[v6](http://[::1]/x) [c1](a:b) [c2](1a:b) [deep](../../../../../../../x) [ws](< sp.html >)", true),
        ("<https://auto.example/x> www.example.com/path?x=1 see x@example.com", true),
        // An escape libxml2 refuses stays relative either way.
        ("[pct](%7e/x%zz)", false),
        // libxml2 refuses brackets, which `resolve` does not escape; cmark-gfm does.
        ("[br](a\\[b\\])", false),
        // Footnote links are written by cmark-gfm, not held in the tree.
        ("Note[^1] and [link](n.html).\n\n[^1]: The [note](note.html).", false),
        ("<p><img src=\"raw.png\" srcset=\"a.png 1x, /b.png 2x\"></p>\n\n![md](md.png)", false),
    ])
    func treeResolutionMatchesTheHTMLPass(markdown: String, leavesNoPass: Bool) {
        let sentinel = #"<a href="sentinel.html">s</a>"#
        for base in [Self.base, "https://example.com/blog/post.html", "http://localhost:4000/a/b/c"] {
            for allowRawHTML in [true, false] {
                let tree = Self.resolved(markdown, allowRawHTML: allowRawHTML, base: base)
                let after = HTMLFragment.absolutizingURLs(in: tree, base: base)
                let before = HTMLFragment.absolutizingURLs(in: MarkdownRenderer.render(markdown, allowRawHTML: allowRawHTML), base: base)
                #expect(HTMLFragment.absolutizingURLs(in: after + sentinel, base: base) == HTMLFragment.absolutizingURLs(in: before + sentinel, base: base),
                        "base \(base), raw HTML \(allowRawHTML)")
                if leavesNoPass && allowRawHTML {
                    #expect(after == tree, "base \(base)")
                }
            }
        }
    }

    @Test func parallelResolvingRendersGiveTheSameOutputAsOne() async {
        let source = "Hello ~~struck~~ [rel](a/b.html) ![img](/i.png) [ref][r] www.example.com\n\n| a | b |\n|---|---|\n| 1 | [c](c.html) |\n\n[r]: ../r.html\n"
        let expected = Self.resolved(source)
        #expect(expected.contains("<del>struck</del>"))
        #expect(expected.contains(#"<a href="https://example.com/blog/2024/03/05/hello/a/b.html">rel</a>"#))
        #expect(expected.contains(#"<a href="https://example.com/blog/2024/03/05/r.html">ref</a>"#))
        #expect(expected.contains(#"<td><a href="https://example.com/blog/2024/03/05/hello/c.html">c</a></td>"#))
        let mismatches = await withTaskGroup(of: Int.self) { group in
            for task in 0..<8 {
                group.addTask {
                    var bad = 0
                    for index in 0..<2000 {
                        // Each task also renders against its own base, alternately.
                        if index % 2 == 0 {
                            if Self.resolved(source) != expected { bad += 1 }
                        } else {
                            let own = "https://t\(task).example/"
                            let html = Self.resolved(source, base: own)
                            if !html.contains(#"<a href="\#(own)a/b.html">rel</a>"#) || html.contains(Self.base) { bad += 1 }
                        }
                    }
                    return bad
                }
            }
            return await group.reduce(0, +)
        }
        #expect(mismatches == 0)
    }
}
