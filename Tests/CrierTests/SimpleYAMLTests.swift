import Testing
@testable import Crier

/// `SimpleYAML` reads the common front matter to exactly the table the Yams path gives, and
/// declines everything else.
@Suite("Loading: the simple YAML reader")
struct SimpleYAMLTests {
    /// The Yams path's table for `yaml`, `nil` for an error.
    static func yams(_ yaml: String) -> ConfigTable? {
        try? SourceText.parseYAMLWithYams(yaml, path: "post.md", firstLine: 2)
    }

    /// The fast reader's table for `yaml`, required to be read and to be the Yams path's.
    func read(_ yaml: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> ConfigTable {
        let table = try #require(SimpleYAML.table(yaml), "declined:\n\(yaml)", sourceLocation: sourceLocation)
        #expect(table == Self.yams(yaml), "differs from Yams:\n\(yaml)", sourceLocation: sourceLocation)
        return table
    }

    @Test func jekyllAndHugoFrontMatter() throws {
        let jekyll = try read("""
        layout: post
        title: "Because memory cache from well & more"
        date: 2012-01-01 14:23:51 +0200
        tags: [notes, books, networking]
        categories: [links, essays]
        author: "John Backus"

        """)
        #expect(jekyll.keys == ["layout", "title", "date", "tags", "categories", "author"])
        #expect(jekyll["title"] == .string("Because memory cache from well & more"))
        #expect(jekyll["date"] == .string("2012-01-01 14:23:51 +0200"))
        #expect(jekyll["tags"] == .array([.string("notes"), .string("books"), .string("networking")]))
        #expect(jekyll.line(of: "author") == 6)
        // An unquoted timestamp without a zone is marked, as the Yams path marks it.
        let unzoned = try read("a: 2024-03-05 20:00:00\nb: \"2024-03-05 20:00:00\"\nc: 2024-03-05 20:00\nd: 2024-03-05T20:00:00Z\n")
        #expect(unzoned.unzonedYAMLTimestamps == ["a"])

        let hugo = try read("""
        title: 'It''s a "title": with colons'
        date: 2016-03-05T14:30:00+05:30
        slug: a-slug-1
        draft: false
        weight: 3
        tags:
          - swift
          - "feeds"
          - 'rss'
        """)
        #expect(hugo["title"] == .string("It's a \"title\": with colons"))
        #expect(hugo["draft"] == .string("false"))
        #expect(hugo["weight"] == .string("3"))
        #expect(hugo["tags"] == .array([.string("swift"), .string("feeds"), .string("rss")]))
    }

    @Test func escapesInDoubleQuotes() throws {
        let table = try read(#"title: "say \"hi\" \\ back\/slash\ttab\nline""#)
        #expect(table["title"] == .string("say \"hi\" \\ back/slash\ttab\nline"))
    }

    @Test func quotesInSingleQuotes() throws {
        let table = try read("a: 'it''s'\nb: ''''\nc: 'back\\slash'\n")
        #expect(table["a"] == .string("it's"))
        #expect(table["b"] == .string("'"))
        #expect(table["c"] == .string("back\\slash"))
    }

    @Test func hashesAndComments() throws {
        let table = try read("""
        a: "# not a comment"
        b: '# nor this'
        c: value # a comment
        d: C#
        e: "quoted" # a comment
        f: [x, y] # a comment
        g: issue #12
        """)
        #expect(table["a"] == .string("# not a comment"))
        #expect(table["b"] == .string("# nor this"))
        #expect(table["c"] == .string("value"))
        #expect(table["d"] == .string("C#"))
        #expect(table["e"] == .string("quoted"))
        #expect(table["f"] == .array([.string("x"), .string("y")]))
        #expect(table["g"] == .string("issue"))
    }

    @Test func emptyAndNullValuesAreNullAndQuotedOnesText() throws {
        let table = try read("a:\nb: # nothing\nc: ''\nd: \"\"\ne: []\nf:\ng: ~\nh: null\ni: NULL\nj: '~'\nk: \"null\"\nl: [~, x, 'null']\nm: nulls\n")
        for key in ["a", "b", "f", "g", "h", "i"] {
            #expect(table.values[key] == .null && table[key] == nil, "\(key)")
        }
        #expect(table["c"] == .string(""))
        #expect(table["d"] == .string(""))
        #expect(table["e"] == .array([]))
        #expect(table["j"] == .string("~"))
        #expect(table["k"] == .string("null"))
        #expect(table["l"] == .array([.null, .string("x"), .string("null")]))
        #expect(table["m"] == .string("nulls"))
        #expect(table.keys == ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l", "m"])
        // A key given twice is declined (to Yams, which refuses it), null or not.
        #expect(SimpleYAML.table("a:\na: x\n") == nil)
    }

    @Test func aColonFollowedByTextIsPartOfAPlainValue() throws {
        let table = try read("url: https://example.com:8080/a?b=c\ntime: 14:30\n")
        #expect(table["url"] == .string("https://example.com:8080/a?b=c"))
        #expect(table["time"] == .string("14:30"))
        #expect(SimpleYAML.table("title: a: b\n") == nil)
        #expect(SimpleYAML.table("title: a:\n") == nil)
    }

    @Test func flowListsOfQuotedItems() throws {
        let table = try read(#"tags: [ "a, b", 'it''s', plain words , "q\"x", -1, true ]"#)
        #expect(table["tags"] == .array(["a, b", "it's", "plain words", "q\"x", "-1", "true"].map(ConfigValue.string)))
    }

    @Test func keyLinesCountBlankAndCommentLines() throws {
        let table = try read("""
        # a comment

        title: x

          # an indented comment
        tags:
          - a

          # between items
          - b
        list:
        - indentless
        last: y
        """)
        #expect(table.line(of: "title") == 3)
        #expect(table.line(of: "tags") == 6)
        #expect(table.line(of: "list") == 11)
        #expect(table.line(of: "last") == 13)
        #expect(table["tags"] == .array([.string("a"), .string("b")]))
        #expect(table["list"] == .array([.string("indentless")]))
    }

    @Test func onlyBlankAndCommentLinesAreAnEmptyTable() throws {
        #expect(try read("") == ConfigTable())
        #expect(try read("\n   \n# comment\n") == ConfigTable())
    }

    /// Yams composes a text with such a key again with its default rules (see
    /// `SourceText.compose`), and reads keys such as `1` and `"1"` as two keys.
    @Test(arguments: ["true: x\n", "null: x\n", "Yes: x\n", "off: x\n", "~: x\n", "1: x\n", "-1: x\n", ".5: x\n", "<<: x\n"])
    func keysTheDefaultRulesTypeDecline(yaml: String) {
        #expect(SimpleYAML.table(yaml) == nil)
        #expect(SimpleYAML.table("title: t\n" + yaml) == nil)
    }

    @Test(arguments: [
        "title: a\ntitle: b\n", "\"title\": a\n", "og:image: a\n", "key : a\n", "key:value\n",
        "a: &x v\n", "a: *x\n", "a: !!str v\n", "a: |\n  text\n", "a: >\n  text\n", "? a\n: b\n",
        "a: plain\n  continued\n", "a: \"two\n  lines\"\n", "a: 'two\n  lines'\n", "a:\n  b: c\n", "a: {b: c}\n",
        "a: [b, ]\n", "a: [b,\n  c]\n", "a: [[b]]\n", "a: \"\\x41\"\n", "a: \"\\u00e9\"\n", "a:\tb\n", "a: b\r\n",
        "---\na: b\n", "a: b\n...\n", "%YAML 1.1\na: b\n", "  a: b\n", "- a\n", "a: b\n- c\n", "a:\n  - b\n   - c\n",
        "a:\n  -\n", "a:\n  - b: c\n", "a: x\u{85}y\n", "a: x\u{2028}y\n", "a: \u{FEFF}x\n", "a: \"b\" c\n", "a: \"b\"#c\n",
        "a: - b\n", "a: @b\n", "a: `b`\n", "é: a\n",
    ])
    func declines(yaml: String) {
        #expect(SimpleYAML.table(yaml) == nil)
    }

    /// Texts made of random pieces, some outside the subset: whenever the fast reader
    /// returns a table it is the Yams path's; a text of supported pieces only is read, one
    /// with a piece that must decline is not.
    @Test func agreesWithYamsOnGeneratedFrontMatter() {
        var generator = SplitMix64(seed: 20_261_121)
        var read = 0, declined = 0
        for _ in 0..<1000 {
            let (text, expected) = Self.generatedText(using: &generator)
            let table = SimpleYAML.table(text)
            if let table {
                read += 1
                #expect(table == Self.yams(text), "differs from Yams:\n\(text)")
            } else {
                declined += 1
            }
            if let expected { #expect((table != nil) == expected, "\(expected ? "declined" : "read"):\n\(text)") }
        }
        #expect(read >= 350 && declined >= 350, "read \(read), declined \(declined)")
    }

    /// A piece of front matter and whether the reader must read it (`true`), must
    /// decline it (`false`), or may do either (`nil`).
    typealias Piece = (text: String, read: Bool?)

    static let goodKeys = ["layout", "title", "date", "tags", "categories", "author", "excerpt_separator", "feed-url",
                           "_draft", "a1", "y", "Title", "permalink", "description", "image", "slug", "weight"]
    static let badKeys = ["yes", "true", "Off", "NULL", "~", "1", "-k", "<<", "\"quoted\"", "'single'", "og:image",
                          "key with space", "key ", "é", String(repeating: "k", count: 150), "&a key", "!t key", "? key"]

    /// What follows `key:` on its line (and, for block values, the lines after it).
    static let values: [Piece] = [
        // Plain scalars.
        (" post", true), (" Hello, world!", true), (" 2012-01-01 14:23:51 +0200", true), (" 2024-03-05T14:30:00Z", true),
        (" true", true), (" False", true), (" ~", true), (" null", true), (" 42", true), (" -7", true), (" 3.14", true),
        (" .inf", true), (" https://example.com/a?b=c#frag", true), (" a:b", true), (" a#b", true), (" Tom & Jerry", true),
        (" it's", true), (" say \"hi\"", true), (" a [b] {c}, d", true), (" café", true), (" 日本語", true),
        (" emoji 🎉", true), (" -x", true), (" <<", true), (" =", true), (" a  b", true), (" x # comment", true),
        (" x   # comment", true), ("   spaced   ", true), (" \u{A0}x", true), (" x!y&z*", true), (" 100%", true),
        (" a: b", false), (" x:", false), (" &anchor v", false), (" *alias", false), (" !tag v", false),
        (" !!str v", false), (" |", false), (" >", false), (" |-", false), (" %x", false), (" @x", false),
        (" `x`", false), (" ? x", false), (" : x", false), (" - x", false), (" -", false), (" {a: 1}", false),
        (" a\tb", false), ("\tb", false), (" a\rb", false), (" a\u{85}b", false), (" a\u{2028}b", false),
        (" a\u{FEFF}b", false), (" a\u{7F}", false), (" a\u{1}", false), (" a\u{9F}", false), (" --x", nil),
        // Double-quoted.
        (#" "a \"b\" c""#, true), (#" "back\\slash""#, true), (#" "a\/b""#, true), (#" "new\nline""#, true),
        (#" "tab\tx""#, true), (##" "# not a comment""##, true), (#" "a: b""#, true), (#" """#, true),
        (#" "  spaced  ""#, true), (#" "é ''""#, true), (#" "a" # c"#, true), (#" "x"   "#, true),
        (#" "\x41""#, false), (#" "\u00e9""#, false), (#" "\0""#, false), (#" "\e""#, false), (#" "\ ""#, false),
        (#" "unterminated"#, false), (#" "a" b"#, false), (##" "a"#c"##, false), (#" "a\"#, false),
        // Single-quoted.
        (" 'it''s'", true), (#" 'a \ b'"#, true), (" ''", true), (" '# x'", true), (" 'a: b'", true),
        (" 'x' # c", true), (" 'a'''", true), (" ''''", true), (" \"'\"", true),
        (" 'unterminated", false), (" 'a' b", false), (" 'a'b", false),
        // Flow lists.
        (" [a, b]", true), (" []", true), (" [ ]", true), (#" ["a, b", 'c']"#, true), (" [a] # c", true),
        (" [-1, 2]", true), (" [a  b]", true), (" [ a , b ]", true), (" [it's]", true),
        (#" ["q\"x", 'it''s']"#, true), (" [true, 2024, ~]", true), (" [a&b, c!]", true), (" [a, \"\"]", true),
        (" [a, ]", false), (" [a,,b]", false), (" [,]", false), (" [a: b]", false), (" [a:b]", false),
        (" [[a]]", false), (" [a, {b: 1}]", false), (" [a #c]", false), (" [a]x", false), (" [a, b", false),
        (" [a#b]", false), (" [a, \"b\" c]", false), (" [https://x]", false), (" [- a]", false), (" [&a b]", false),
        // Values on the lines below.
        ("", true), (" # nothing", true), ("\n  - a\n  - \"b\"", true), ("\n- a\n- b", true),
        ("\n  - a\n  # c\n\n  - b", true), ("  # c\n  - a", true), ("\n    - deep\n    - 'q'' x'\n    - -1", true),
        ("\n  - a # c\n  - https://x:80", true), ("\n  # only a comment", true),
        ("\n  - a\n    b", false), ("\n  - a\n   - b", false), ("\n  - a\n- b", false), ("\n  -", false),
        ("\n  - # c", false), ("\n  - a: b", false), ("\n  - [a]", false), ("\n  x: 1", false),
        ("\n  continued text", false), ("\n  - - a", false), ("\n  - a\n  b", false), ("\n  -a", false),
        (" |\n  text", false), (" >\n  folded", false), (" plain\n  continued", false), (" \"multi\n  line\"", false),
        (" 'multi\n  line'", false), (" [a,\n  b]", false), ("\n  - \"a\n    b\"", false),
    ]

    /// Lines between entries.
    static let fillers: [Piece] = [
        ("", true), ("# a comment", true), ("  # an indented comment", true), ("   ", true), ("#", true),
        ("# ünïcödé: [x]", true),
        ("---", false), ("...", false), ("%YAML 1.1", false), ("\t# tab", false), ("- stray", nil),
        ("  stray", false), ("stray", false), ("# \u{85}", false),
    ]

    static func generatedText(using generator: inout SplitMix64) -> (String, Bool?) {
        var lines: [String] = []
        var expected: Bool? = true
        func add(_ piece: Piece) {
            lines.append(piece.text)
            switch piece.read {
            case false?: expected = false
            case nil where expected == true: expected = nil
            default: break
            }
        }
        func chance(_ percent: Int) -> Bool { Int.random(in: 0..<100, using: &generator) < percent }
        var keys = goodKeys.shuffled(using: &generator)
        var used: [String] = []
        for _ in 0..<Int.random(in: 0...7, using: &generator) {
            if chance(15) { add(fillers.randomElement(using: &generator)!) }
            let key: Piece
            if chance(5) {
                key = (badKeys.randomElement(using: &generator)!, false)
            } else if chance(4), let duplicate = used.randomElement(using: &generator) {
                key = (duplicate, false)
            } else {
                key = (keys.removeLast(), true)
                used.append(key.text)
            }
            var value = values.randomElement(using: &generator)!
            // Mostly supported values, so that most texts without a bad piece are read.
            if chance(75) { while value.read != true { value = values.randomElement(using: &generator)! } }
            add((key.text + ":" + value.text, key.read == false ? false : value.read))
        }
        if chance(10) { add(fillers.randomElement(using: &generator)!) }
        return (lines.joined(separator: "\n") + (chance(80) ? "\n" : ""), expected)
    }
}
