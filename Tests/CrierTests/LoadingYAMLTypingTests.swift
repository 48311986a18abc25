import Testing
@testable import Crier

/// Pins what YAML front matter turns into, scalar form by scalar form, so a faster way of
/// reading it cannot change a single value.
@Suite("Loading: YAML front matter values")
struct LoadingYAMLTypingTests {
    func parse(_ yaml: String) throws -> ConfigTable {
        try SourceText.parseYAML(yaml, path: "post.md", firstLine: 2)
    }

    func failure(_ yaml: String) -> PostError? {
        do throws(PostError) {
            _ = try SourceText.parseYAML(yaml, path: "post.md", firstLine: 2)
            return nil
        } catch {
            return error
        }
    }

    @Test func plainScalarsStayTheTextTheyWereWrittenAs() throws {
        let table = try parse("""
        yes: true
        no: False
        on: yes
        int: 42
        negative: -7
        hex: 0x1F
        grouped: 1_000
        float: 1.50
        exponent: 1e3
        infinity: .inf
        notANumber: .NaN
        tilde: ~
        null: null
        empty:
        date: 2024-03-05
        timestamp: 2024-03-05 14:30:00 +0100
        iso: 2024-03-05T14:30:00Z
        merge: <<
        equals: =
        text: Hello, world!
        """)
        #expect(table["yes"] == .string("true"))
        #expect(table["no"] == .string("False"))
        #expect(table["on"] == .string("yes"))
        #expect(table["int"] == .string("42"))
        #expect(table["negative"] == .string("-7"))
        #expect(table["hex"] == .string("0x1F"))
        #expect(table["grouped"] == .string("1_000"))
        #expect(table["float"] == .string("1.50"))
        #expect(table["exponent"] == .string("1e3"))
        #expect(table["infinity"] == .string(".inf"))
        #expect(table["notANumber"] == .string(".NaN"))
        // Null, a setting not made: the key is there, its value is not.
        for key in ["tilde", "null", "empty"] {
            #expect(table.contains(key) && table[key] == nil && table.values[key] == .null, "\(key)")
        }
        #expect(table["date"] == .string("2024-03-05"))
        #expect(table["timestamp"] == .string("2024-03-05 14:30:00 +0100"))
        #expect(table["iso"] == .string("2024-03-05T14:30:00Z"))
        #expect(table["merge"] == .string("<<"))
        #expect(table["equals"] == .string("="))
        #expect(table["text"] == .string("Hello, world!"))
        #expect(table.keys == ["yes", "no", "on", "int", "negative", "hex", "grouped", "float", "exponent", "infinity", "notANumber",
                               "tilde", "null", "empty", "date", "timestamp", "iso", "merge", "equals", "text"])
    }

    @Test func quotedAndBlockScalarsAreStrings() throws {
        let table = try parse("""
        single: 'true'
        double: "42"
        quotedNull: "~"
        quotedEmpty: ""
        literal: |
          two
          lines
        folded: >
          one
          line
        last: x
        """)
        #expect(table["single"] == .string("true"))
        #expect(table["double"] == .string("42"))
        #expect(table["quotedNull"] == .string("~"))
        #expect(table["quotedEmpty"] == .string(""))
        #expect(table["literal"] == .string("two\nlines\n"))
        #expect(table["folded"] == .string("one line\n"))
    }

    @Test func explicitTagsDecideTheType() throws {
        let table = try parse("""
        int: !!int 5
        quotedInt: !!int "5"
        badInt: !!int five
        bool: !!bool yes
        badBool: !!bool maybe
        float: !!float 2.5
        quotedFloat: !!float "2.5"
        badFloat: !!float x
        null: !!null ""
        str: !!str 5
        time: !!timestamp 2024-03-05
        custom: !thing value
        """)
        #expect(table["int"] == .integer(5))
        #expect(table["quotedInt"] == .string("5"))
        #expect(table["badInt"] == .string("five"))
        #expect(table["bool"] == .bool(true))
        #expect(table["badBool"] == .string("maybe"))
        #expect(table["float"] == .float(2.5))
        #expect(table["quotedFloat"] == .string("2.5"))
        #expect(table["badFloat"] == .string("x"))
        #expect(table.values["null"] == .null && table["null"] == nil)
        #expect(table["str"] == .string("5"))
        #expect(table["time"] == .string("2024-03-05"))
        #expect(table["custom"] == .string("value"))
    }

    @Test func listsAndMappingsKeepTheirItemsAndKeyLines() throws {
        let table = try parse("""
        tags: [swift, 2024, true, "quoted"]
        author:
          name: Ada
          1: one
        list:
          - a
          - ~
        """)
        #expect(table["tags"] == .array([.string("swift"), .string("2024"), .string("true"), .string("quoted")]))
        let author = try #require(table["author"]?.table)
        #expect(author["name"] == .string("Ada"))
        #expect(author["1"] == .string("one"))
        #expect(author.keys == ["name", "1"])
        #expect(table["list"] == .array([.string("a"), .null]))
        #expect(table.line(of: "tags") == 1)
        #expect(table.line(of: "author") == 2)
        #expect(table.line(of: "list") == 5)
        #expect(author.line(of: "1") == 4)
    }

    @Test func anchorsAndAliasesCopyTheValue() throws {
        let table = try parse("""
        base: &b {x: 1}
        copy: *b
        word: &w hello
        again: *w
        <<: *b
        """)
        #expect(table["copy"] == table["base"])
        #expect(table["again"] == .string("hello"))
        // A merge key takes the mapping's keys in (YAML 1.1, as Psych and Hugo read it),
        // at the line they are written on.
        #expect(table["<<"] == nil)
        #expect(table["x"] == .string("1"))
        #expect(table.line(of: "x") == 1)
    }

    @Test func aliasesOfScalarsMayBeKeysAndAsterisksInTextAreText() throws {
        let table = try parse("""
        list: &l [a, b]
        &k name: first
        nested:
          ? *k
          : second
        title: "*bold* and 5 *l"
        note: 2 *l
        copy: *l
        """)
        #expect(table["nested"]?.table?["name"] == .string("second"))
        #expect(table["title"] == .string("*bold* and 5 *l"))
        #expect(table["note"] == .string("2 *l"))
        #expect(table["copy"] == table["list"])
        // Asterisks and ampersands inside words and quoted text are text.
        let text = try parse("""
        a: &x [1]
        b: "R&D **Note:** and *x: and *x:y"
        c: R&D*x and **Note:** here
        d: {k: *x}
        """)
        #expect(text["b"] == .string("R&D **Note:** and *x: and *x:y"))
        #expect(text["c"] == .string("R&D*x and **Note:** here"))
        #expect(text["d"]?.table?["k"] == text["a"])
        // An alias of a list as a key is refused, wherever the key is.
        #expect(failure("list: &l [a]\nouter:\n  inner:\n    ? *l\n    : x\n")?.line == 5)
    }

    @Test func keysThatLookTypedAreStillKeys() throws {
        let table = try parse("""
        1: int
        "2": str
        true: bool
        ~: null
        1.5: float
        2024-03-05: date
        """)
        #expect(table.keys == ["1", "2", "true", "~", "1.5", "2024-03-05"])
        #expect(table["true"] == .string("bool"))
    }

    @Test func anAliasOfATypedLookingKeyIsReadAsTheKeyWasResolved() throws {
        let table = try parse("""
        &t true: a
        &s title: b
        again: *t
        other: *s
        """)
        #expect(table["again"] == .bool(true))
        #expect(table["other"] == .string("title"))
    }

    @Test func aPlainAndAQuotedKeyOfTheSameTextAreTwoKeysWhenThePlainOneIsTyped() throws {
        let table = try parse("""
        1: plain
        "1": quoted
        """)
        #expect(table.keys == ["1"])
        #expect(table["1"] == .string("quoted"))
    }

    @Test(arguments: ["", "1", "-1", "+1", "0x1F", "0b1", "1_000", "1:30", "1.5", ".5", ".inf", "-.Inf", ".NaN", "~",
                      "null", "Null", "NULL", "true", "True", "yes", "NO", "on", "Off", "<<", "=", "2024-03-05",
                      "2024-03-05 14:30:00", "true\n", "title\n"])
    func keysTheDefaultRulesTypeAreNotTakenAsText(key: String) {
        #expect(!SourceText.defaultRulesReadAsText(key))
    }

    @Test(arguments: ["title", "date", "tags", "excerpt_separator", "yES", "nul", "onward", "Hello, world", "é", "a1", "x=1"])
    func keysNoDefaultRuleMatchesAreText(key: String) {
        #expect(SourceText.defaultRulesReadAsText(key))
    }

    @Test(arguments: [
        "title: a\ntitle: b\n",
        "title: a\n\"title\": b\n",
        "!!int 1: a\n1: b\n",
        "a:\n  x: 1\n  x: 2\n",
    ])
    func duplicateKeysAreAnError(yaml: String) throws {
        let error = try #require(failure(yaml))
        #expect(error.message.hasPrefix("YAML: "))
        #expect(error.line == 2)
    }

    /// A quote or a bracket left open is said at the line it opens on, where libyaml notices
    /// it where the front matter runs out (the closing `---` of the post); an error on one
    /// line is said there, as before. The front matter starts on the post's line 2.
    @Test func anUnclosedQuoteOrBracketIsSaidWhereItOpens() throws {
        let quote = try #require(failure("title: \"Unclosed\ntags: [a, b]\ndate: 2024-05-01\n"))
        #expect(quote.line == 2)
        #expect(quote.message == "YAML: while scanning a quoted scalar that starts here, found unexpected end of stream at line 5", "\(quote.message)")
        let bracket = try #require(failure("title: Fine\ntags: [a, b\ndate: 2024-05-01\n"))
        #expect(bracket.line == 3)
        #expect(bracket.message.hasPrefix("YAML: while parsing a flow sequence that starts here, did not find expected ',' or ']' at line 4"), "\(bracket.message)")
        let tab = try #require(failure("title: a\n\tb: c\n"))
        #expect(tab.line == 3, "\(tab.message)")
    }

    @Test func duplicateKeyErrorsKeepTheirWording() throws {
        let error = try #require(failure("title: a\ntitle: b\n"))
        #expect(error.message == "YAML: Parser: expected all keys to be unique but found the following duplicated key(s): 'title'.\nContext:\ntitle: a\ntitle: b\n in line 1, column 1\n")
    }

    @Test func emptyAndNullDocumentsAreEmptyTables() throws {
        #expect(try parse("") == ConfigTable())
        #expect(try parse("# only a comment\n") == ConfigTable())
        #expect(try parse("''\n") == ConfigTable())
    }

    @Test(arguments: ["~\n", "null\n", "just text\n", "- a\n", "42\n"])
    func aDocumentThatIsNotAMappingIsAnError(yaml: String) throws {
        let error = try #require(failure(yaml))
        #expect(error.message == "YAML front matter is not a mapping of keys to values")
        #expect(error.line == 2)
    }
}
