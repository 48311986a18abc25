import Testing
@testable import Crier

@Suite("TOML parser")
struct TOMLTests {
    @Test func scalarsOfEveryKindAreRead() throws {
        let table = try TOML.parse("""
        # a comment
        basic = "tab\\there \\"quoted\\" \\u00E9 \\U0001F600"
        literal = 'C:\\path\\no escapes'
        int = +1_000
        negative = -17
        hex = 0xDEAD_beef
        octal = 0o755
        binary = 0b1101
        float = 6.626e-34
        floatUnderscore = 9_224_617.445_991
        infinity = -inf
        yes = true
        no = false  # trailing comment
        "quoted key" = 1
        'literal key' = 2
        """)
        #expect(table["basic"] == .string("tab\there \"quoted\" \u{E9} \u{1F600}"))
        #expect(table["literal"] == .string("C:\\path\\no escapes"))
        #expect(table["int"] == .integer(1000))
        #expect(table["negative"] == .integer(-17))
        #expect(table["hex"] == .integer(0xDEADBEEF))
        #expect(table["octal"] == .integer(0o755))
        #expect(table["binary"] == .integer(13))
        #expect(table["float"] == .float(6.626e-34))
        #expect(table["floatUnderscore"] == .float(9_224_617.445_991))
        #expect(table["infinity"] == .float(-.infinity))
        #expect(table["yes"] == .bool(true))
        #expect(table["no"] == .bool(false))
        #expect(table["quoted key"] == .integer(1))
        #expect(table["literal key"] == .integer(2))
        #expect(table.keys.first == "basic")
    }

    @Test func multiLineStringsTrimTheFirstNewlineAndLineEndingBackslashes() throws {
        let table = try TOML.parse("""
        a = \"\"\"
        Roses are red
        Violets are blue\"\"\"
        b = \"\"\"The quick \\
              brown fox.\"\"\"
        c = '''
        raw \\n text
        '''
        d = \"\"\"ends with quotes\"\"\"\"\"
        """)
        #expect(table["a"] == .string("Roses are red\nViolets are blue"))
        #expect(table["b"] == .string("The quick brown fox."))
        #expect(table["c"] == .string("raw \\n text\n"))
        #expect(table["d"] == .string("ends with quotes\"\""))
    }

    @Test func datesWithAndWithoutOffsetsAreRead() throws {
        let table = try TOML.parse("""
        odt = 1979-05-27T07:32:00-07:00
        utc = 1979-05-27 07:32:00Z
        fraction = 1979-05-27T00:32:00.999999+01:00
        local = 1979-05-27T07:32:00
        day = 1979-05-27
        time = 07:32:00
        """)
        #expect(table["odt"] == .dateTime(DateTimeValue(year: 1979, month: 5, day: 27, hour: 7, minute: 32, hasTime: true, utcOffset: -25_200)))
        #expect(table["utc"] == .dateTime(DateTimeValue(year: 1979, month: 5, day: 27, hour: 7, minute: 32, hasTime: true, utcOffset: 0)))
        #expect(table["fraction"] == .dateTime(DateTimeValue(year: 1979, month: 5, day: 27, hour: 0, minute: 32, nanosecond: 999_999_000, hasTime: true, utcOffset: 3_600)))
        #expect(table["local"] == .dateTime(DateTimeValue(year: 1979, month: 5, day: 27, hour: 7, minute: 32, hasTime: true)))
        #expect(table["day"] == .dateTime(DateTimeValue(year: 1979, month: 5, day: 27)))
        #expect(table["time"] == .string("07:32:00"))
    }

    @Test func arraysSpanLinesAndHoldCommentsAndInlineTables() throws {
        let table = try TOML.parse("""
        tags = [
          "one",  # first
          "two",
        ]
        nested = [[1, 2], ["a"]]
        people = [ { name = "Ada", email = "ada@example.com" }, { name = "Grace" } ]
        point = { x = 1, y.z = 2 }
        """)
        #expect(table["tags"] == .array([.string("one"), .string("two")]))
        #expect(table["nested"] == .array([.array([.integer(1), .integer(2)]), .array([.string("a")])]))
        guard case .array(let people)? = table["people"] else {
            Issue.record("people is not an array")
            return
        }
        #expect(people.first?.table?["name"] == .string("Ada"))
        #expect(people.last?.table?["name"] == .string("Grace"))
        #expect(table["point"]?.table?["x"] == .integer(1))
        #expect(table["point"]?.table?["y"]?.table?["z"] == .integer(2))
    }

    /// Thousands of `[[x]]` headers, each with a table of its own below it, all kept in
    /// order (each table used to be added by copying the array of those before it).
    @Test func longArraysOfTablesKeepEveryTableInOrder() throws {
        let count = 20_000
        let text = (0..<count).map { "[[a]]\nb = \($0)\n[a.c]\nd = \($0 * 2)" }.joined(separator: "\n")
        let table = try TOML.parse(text)
        guard case .array(let tables)? = table["a"] else {
            Issue.record("a is not an array")
            return
        }
        #expect(tables.count == count)
        #expect(tables.indices.allSatisfy { tables[$0].table?["b"] == .integer($0) && tables[$0].table?["c"]?.table?["d"] == .integer($0 * 2) })
    }

    @Test func tableHeadersAndArraysOfTablesNest() throws {
        let table = try TOML.parse("""
        title = "Site"
        [params]
        author = "Ann"
        [params.social]
        mastodon = "@ann"
        [[menu.main]]
        name = "Home"
        [[menu.main]]
        name = "About"
        [a.b.c]
        d = 1
        [a]
        e = 2
        site.name = "dotted"
        """)
        #expect(table["title"] == .string("Site"))
        #expect(table["params"]?.table?["author"] == .string("Ann"))
        #expect(table["params"]?.table?["social"]?.table?["mastodon"] == .string("@ann"))
        guard case .array(let main)? = table["menu"]?.table?["main"] else {
            Issue.record("menu.main is not an array")
            return
        }
        #expect(main.map { $0.table?["name"] } == [.string("Home"), .string("About")])
        #expect(table["a"]?.table?["b"]?.table?["c"]?.table?["d"] == .integer(1))
        #expect(table["a"]?.table?["e"] == .integer(2))
        #expect(table["a"]?.table?["site"]?.table?["name"] == .string("dotted"))
    }

    @Test func keysRememberTheirLines() throws {
        let table = try TOML.parse("a = 1\n\n# c\nb = \"\"\"\nx\n\"\"\"\nc = 3\n")
        #expect(table.line(of: "a") == 1)
        #expect(table.line(of: "b") == 4)
        #expect(table.line(of: "c") == 7)
    }

    @Test(arguments: [
        ("a = 1\nb = \"unterminated\n", 2, "unterminated string"),
        ("a = 1\na = 2\n", 2, "defined twice"),
        ("[t]\nx = 1\n[t]\n", 3, "defined twice"),
        ("a = \n", 1, "expected a value"),
        ("a = bare\n", 1, "strings need quotes"),
        ("a = [1, 2\n", 2, "unterminated array"),
        ("a = 1 b = 2\n", 1, "expected the end of the line"),
        ("a = \"\\q\"\n", 1, "invalid escape"),
        ("x = 2024-13-01\n", 1, "invalid date"),
        ("[a\n", 1, "expected ']'"),
        ("= 1\n", 1, "expected a key"),
        ("a = 1\n[a.b]\n", 2, "already a value"),
        ("n = 012\n", 1, "invalid value"),
    ])
    func syntaxErrorsNameTheirLine(source: String, line: Int, message: String) {
        #expect {
            _ = try TOML.parse(source)
        } throws: { error in
            guard let error = error as? TOMLError else { return false }
            return error.line == line && error.message.contains(message)
        }
    }
}
