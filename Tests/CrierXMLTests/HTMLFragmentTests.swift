import Testing
@testable import CrierXML

@Suite("HTML fragment URL rewriting")
struct HTMLFragmentTests {
    let base = "https://example.com/blog/2024/03/05/hello.html"

    @Test func relativeLinksAndImagesBecomeAbsolute() {
        let html = #"<p><a href="other.html">x</a> <img src="/img/a.png" alt="A"> <a href="../up/">u</a></p>"#
        let out = HTMLFragment.absolutizingURLs(in: html, base: base)
        #expect(out == #"<p><a href="https://example.com/blog/2024/03/05/other.html">x</a> <img src="https://example.com/img/a.png" alt="A"> <a href="https://example.com/blog/2024/03/up/">u</a></p>"#)
    }

    /// A post's own `<meta charset>` (or `http-equiv` content type) does not make the
    /// parser read its UTF-8 text in another charset: no mojibake, and nothing cut off at a
    /// byte the named charset lacks (0x81 in windows-1252, from "Á").
    @Test func aMetaCharsetInThePostDoesNotChangeHowItsTextIsRead() {
        for meta in [#"<meta charset="windows-1252">"#, #"<meta http-equiv="Content-Type" content="text/html; charset=Shift_JIS">"#] {
            let html = meta + #"<p>Ángel café 日本 <a href="other.html">link</a></p>\#n<p>second paragraph</p>"#
            let out = HTMLFragment.absolutizingURLs(in: html, base: base)
            #expect(out.contains("Ángel café 日本 <a href=\"https://example.com/blog/2024/03/05/other.html\">link</a>"), "\(out)")
            #expect(out.contains("second paragraph"), "\(out)")
            let text = HTMLFragment.plainText(html)
            #expect(text == "Ángel café 日本 link second paragraph", "\(text)")
        }
    }

    /// Elements nested deeper than libxml2's usual limit (256) stopped its parser: the
    /// rest of the post was lost, then (a first mend) the post kept its links relative.
    /// Now the parser reads any depth and the writer and the plain text walk it without
    /// recursion (10,000 levels overflowed a recursive writer's stack).
    @Test func deeplyNestedMarkupKeepsEverythingAfterIt() {
        for depth in [200, 5_000, 100_000] {
            let html = String(repeating: "<div>", count: depth) + #"deep <a href="x.html">rel</a>"# + String(repeating: "</div>", count: depth)
                + "\n" + #"<p>after <img src="i.png"></p>"#
            let out = HTMLFragment.absolutizingURLs(in: html, base: base)
            let expected = String(repeating: "<div>", count: depth) + #"deep <a href="https://example.com/blog/2024/03/05/x.html">rel</a>"#
                + String(repeating: "</div>", count: depth) + "\n" + #"<p>after <img src="https://example.com/blog/2024/03/05/i.png"></p>"#
            let same = out == expected  // apart: no megabytes printed
            #expect(same, "\(depth) levels: \(out.suffix(120))")
            #expect(HTMLFragment.plainText(html) == "deep rel after", "\(depth) levels")
        }
    }

    @Test func absoluteURLsAreKeptAsWritten() {
        let html = #"<p><a href="https://other.org/a?b=1&amp;c=2">x</a> <a href="mailto:me@example.com">m</a> <img src="data:image/png;base64,AAAA"></p>"#
        #expect(HTMLFragment.absolutizingURLs(in: html, base: base) == html)
    }

    @Test func fragmentWithoutRelativeURLsIsReturnedUntouched() {
        let html = "<P>Unclosed <b>bold & <i>odd</P>"
        #expect(HTMLFragment.absolutizingURLs(in: html, base: base) == html)
    }

    @Test func everySrcsetCandidateIsResolvedAndDescriptorsKept() {
        let html = #"<img srcset="small.jpg 480w, /large.jpg 1080w,https://cdn.example/x.jpg 2x" src="small.jpg">"#
        let out = HTMLFragment.absolutizingURLs(in: html, base: base)
        #expect(out == #"<img srcset="https://example.com/blog/2024/03/05/small.jpg 480w, https://example.com/large.jpg 1080w, https://cdn.example/x.jpg 2x" src="https://example.com/blog/2024/03/05/small.jpg">"#)
    }

    @Test func videoPosterAndSourcesAreResolvedWithoutInventedEndTags() {
        let html = "<video poster=\"poster.jpg\" controls><source src=\"clip.mp4\" type=\"video/mp4\"><track src=\"subs.vtt\">Fallback</video>\n<p>after</p>"
        let out = HTMLFragment.absolutizingURLs(in: html, base: base)
        #expect(out == "<video poster=\"https://example.com/blog/2024/03/05/poster.jpg\" controls><source src=\"https://example.com/blog/2024/03/05/clip.mp4\" type=\"video/mp4\"><track src=\"https://example.com/blog/2024/03/05/subs.vtt\">Fallback</video>\n<p>after</p>")
    }

    @Test func fragmentLinksAndProtocolRelativeURLsResolve() {
        let out = HTMLFragment.absolutizingURLs(in: ##"<a href="#fn-1">1</a><img src="//cdn.example/i.png">"##, base: base)
        #expect(out == ##"<a href="https://example.com/blog/2024/03/05/hello.html#fn-1">1</a><img src="https://cdn.example/i.png">"##)
    }

    @Test func textScriptsCommentsAndNonASCIIArePreserved() {
        func fragment(_ href: String) -> String {
            "<!-- note -->\n<p>&lt;tag&gt; &amp; ]]&gt; caf\u{E9} \u{1F600} \u{5E9}\u{5DC}\u{5D5}\u{5DD} <a href=\"\(href)\">x</a></p>\n<script>if (a < b && c) {}</script>\n<pre><code>line 1\n  line 2\n</code></pre>\n"
        }
        let out = HTMLFragment.absolutizingURLs(in: fragment("x.html"), base: base)
        #expect(out == fragment("https://example.com/blog/2024/03/05/x.html"))
    }

    @Test func referencesWithSpacesOrNonASCIIAreEscapedThenResolved() {
        let out = HTMLFragment.absolutizingURLs(in: #"<img src="my photo é.png">"#, base: base)
        #expect(out == #"<img src="https://example.com/blog/2024/03/05/my%20photo%20%C3%A9.png">"#)
    }

    @Test func ampersandsInQueriesStayEscaped() {
        let out = HTMLFragment.absolutizingURLs(in: #"<a href="search?q=a&amp;n=2">s</a>"#, base: "https://example.com/p/")
        #expect(out == #"<a href="https://example.com/p/search?q=a&amp;n=2">s</a>"#)
    }

    @Test func manyThreadsCanRewriteAtOnce() async {
        await withTaskGroup(of: Bool.self) { group in
            for i in 0..<64 {
                group.addTask {
                    let out = HTMLFragment.absolutizingURLs(in: "<p><a href=\"p\(i).html\">\(i)</a></p>", base: "https://example.com/a/b")
                    return out == "<p><a href=\"https://example.com/a/p\(i).html\">\(i)</a></p>"
                }
            }
            for await ok in group { #expect(ok) }
        }
    }

    @Test func controlCharactersDoNotCutTheFragmentShort() {
        let html = "<p>form\u{0C}feed escape\u{1B} end</p>\n<p><a href=\"x.html\">x</a> \u{7F} after</p>\n"
        let out = HTMLFragment.absolutizingURLs(in: html, base: "https://example.com/")
        #expect(out == "<p>form\u{0C}feed escape\u{1B} end</p>\n<p><a href=\"https://example.com/x.html\">x</a> \u{7F} after</p>\n")
    }

    @Test(arguments: [
        (#"<a href="/about/">x</a>"#, true),
        (#"<a HREF = '/about/'>x</a>"#, true),
        (#"<a href=about.html>x</a>"#, true),
        (#"<img src="https://example.org/a.png"> <a href="mailto:a@b.c">m</a>"#, false),
        (#"<img srcset="https://example.org/a.png 2x">"#, true),
        (#"<video poster="p.jpg"></video>"#, true),
        (#"<a data-href="/x" title="a=b">t</a> x=1 href"#, false),
        (#"href="/x" at the very start"#, false),
        ("<p>plain text, no attributes at all</p>", false),
        ("", false),
    ])
    func theCheapScanFindsRelativeURLCandidates(html: String, expected: Bool) {
        #expect(HTMLFragment.mayHaveRelativeURL(html) == expected)
    }
}

@Suite("Resolving plain relative references without libxml2")
struct PlainResolutionTests {
    static let bases = [
        "https://example.org/blog/2024/01/02/post/", "https://example.org/blog/2024/01/02/post.html", "http://example.org/",
        "https://example.org", "https://example.org:8080/a/b/c", "https://sub.example.org/a/", "https://example.org/a//b/",
        "https://example.org/a/b?q=1", "https://example.org/a/b#top", "https://user@example.org/a/", "ftp://example.org/a/",
        "https://example.org/%7Ea/", "https://Example.ORG/A/B/", "https://example.org/~me/notes/", "/relative/base/",
    ]
    static let references = [
        "../author/", "about/#violet", "/assets/images/figure-341.png", "../../x", "../../../../../x", "./a", ".", "..",
        "a/./b/../c", "a/b/..", "a/b/.", "", "#frag", "#", "/", "//evil.example/x", "a//b", "a?x=1", "a%20b", "a b",
        "é.png", "../a#b", "/../x", "x/../../..", "~user/", "a.b-c_d~e", ".hidden", "..x/", "x..", "a#b#c", "a:b",
    ]

    /// Where the plain resolution answers, it is what libxml2's `xmlBuildURI` gives; and it
    /// answers for the shapes of links posts are full of.
    @Test func agreesWithLibxml2WhereverItAnswers() {
        LibXML.ensureInitialised()
        var answered = 0
        for base in Self.bases {
            for reference in Self.references {
                guard let plain = HTMLFragment.resolvedPlainly(reference, against: base) else { continue }
                answered += 1
                #expect(plain == HTMLFragment.buildURI(reference, base: base), "\(reference) against \(base)")
            }
        }
        // Every reference of up to six characters from `a . / #`, against bases of each shape.
        var short: [String] = [""]
        var layer: [String] = [""]
        for _ in 0..<6 {
            layer = layer.flatMap { prefix in ["a", ".", "/", "#"].map { prefix + $0 } }
            short += layer
        }
        for base in ["https://example.org/a/b/c/", "https://example.org/a/b.html", "https://example.org/", "http://example.org:80/a"] {
            for reference in short {
                guard let plain = HTMLFragment.resolvedPlainly(reference, against: base) else { continue }
                answered += 1
                #expect(plain == HTMLFragment.buildURI(reference, base: base), "\(reference) against \(base)")
            }
        }
        #expect(answered > 5_000)

        let post = "https://example.org/blog/2024/01/02/post/"
        #expect(HTMLFragment.resolvedPlainly("../author/", against: post) == "https://example.org/blog/2024/01/02/author/")
        #expect(HTMLFragment.resolvedPlainly("about/#violet", against: post) == "https://example.org/blog/2024/01/02/post/about/#violet")
        #expect(HTMLFragment.resolvedPlainly("/assets/a.png", against: post) == "https://example.org/assets/a.png")
        // Not plain: left to libxml2.
        for reference in ["a?x=1", "a%20b", "//evil.example/x", "a b", "../../../../../../x"] {
            #expect(HTMLFragment.resolvedPlainly(reference, against: post) == nil, "\(reference)")
        }
    }
}

@Suite struct HTMLPlainTextTests {
    @Test func markupIsDroppedAndReferencesDecoded() {
        #expect(HTMLFragment.plainText("<p>Fish &amp; chips, 1 &lt; 2,\n<em>really</em>.</p>\n") == "Fish & chips, 1 < 2, really.")
        #expect(HTMLFragment.plainText("<p>caf&eacute; &#x1F99C;</p>") == "café 🦜")
        #expect(HTMLFragment.plainText("plain  text\n") == "plain text")
        #expect(HTMLFragment.plainText("<p>unclosed <b>bold") == "unclosed bold")
    }

    /// Blocks written without white space between them still read as separate words (an
    /// HTML post's `<p>a</p><p>b</p>` made the summary "ab"); inline markup joins nothing
    /// that was not joined; what no reader sees (a script) is left out.
    @Test func blocksArePartedInlineMarkupIsNotAndScriptsAreLeftOut() {
        #expect(HTMLFragment.plainText("<p>one</p><p>two</p>") == "one two")
        #expect(HTMLFragment.plainText("<ul><li>a</li><li>b</li></ul><h2>c</h2>d<br>e") == "a b c d e")
        #expect(HTMLFragment.plainText("<p>in<em>line</em>d <a href=\"x\">link</a>s</p>") == "inlined links")
        #expect(HTMLFragment.plainText("<p>x<script>alert(1)</script>y<style>p{}</style></p>") == "xy")
    }
}
