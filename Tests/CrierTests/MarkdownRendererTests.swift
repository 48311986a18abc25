import Testing
import CrierMarkdown

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
        #expect(MarkdownRenderer.inlinePassesRunInParallel)
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
}
