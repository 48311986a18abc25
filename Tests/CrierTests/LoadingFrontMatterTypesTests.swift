import Foundation
import Testing
@testable import Crier

/// Front matter values of a kind a key cannot use (a list for a title, a mapping for a
/// tag) are said, naming the file, the key's line and what is done instead; YAML merge
/// keys are honoured, as Jekyll's and Hugo's YAML readers honour them.
@Suite("Loading: front matter of the wrong kind, and YAML merges")
struct LoadingFrontMatterTypesTests {
    let site = Site(title: "T", baseURL: "https://t.example/")

    /// Loads `files` (path → text) as a bare folder of posts.
    func load(_ files: [String: String]) throws -> (path: String, result: LoadResult) {
        let temp = try TemporarySite()
        defer { temp.remove() }
        for (path, text) in files { try temp.write(path, text) }
        return (temp.root.standardizedFileURL.path, PostLoader.load(.folder(temp.root, site), options: LoadOptions()))
    }

    @Test func aMergeKeyTakesInTheAnchoredMappingAndTheMappingsOwnKeysWin() throws {
        let (_, result) = try load(["2024-03-05-merged.md": """
            ---
            base: &base
              title: From the anchor
              author: Ann
              tags: [swift, feeds]
              description: Anchored summary.
            title: Own title
            <<: *base
            ---
            Body.
            """])
        #expect(result.errors == [] && result.warnings == [], "\(result.errors) \(result.warnings)")
        let post = try #require(result.post("2024-03-05-merged.md"))
        #expect(post.title == "Own title")
        #expect(post.authors == [Person(name: "Ann")])
        #expect(post.tags == ["swift", "feeds"])
        #expect(post.summaryHTML == "Anchored summary.")
    }

    /// Of a list of merged mappings the first that has a key gives it (YAML's rule), and a
    /// merged value's line is where it is written.
    @Test func aListOfMergesTakesEachKeyFromTheFirstThatHasItAtItsLine() throws {
        let (root, result) = try load(["2024-03-05-list.md": """
            ---
            a: &a
              title: From a
            b: &b
              title: From b
              date: [2024-01-01]
            <<: [*a, *b]
            ---
            Body.
            """])
        #expect(result.posts.isEmpty)
        #expect(result.errors.map(\.description) == [
            "\(root)/2024-03-05-list.md:6: `date` is a list, not a date; write it like 2024-03-05, 2024-03-05 14:30, 2024-03-05 14:30:00 +0100 or 2024-03-05T14:30:00Z",
        ])
        let (_, fixed) = try load(["2024-03-05-list.md": """
            ---
            a: &a
              title: From a
            b: &b
              title: From b
              date: 2024-01-01 10:00:00 +0000
            <<: [*a, *b]
            ---
            Body.
            """])
        #expect(fixed.errors == [])
        #expect(fixed.post("2024-03-05-list.md")?.title == "From a")
        #expect(fixed.post("2024-03-05-list.md")?.published == utcDate(2024, 1, 1, 10))
    }

    /// A Jekyll site's posts, and merges inside a mapping (an author).
    @Test func aMergeInsideAnAuthorInAJekyllPost() throws {
        let temp = try TemporarySite()
        defer { temp.remove() }
        try temp.write("_config.yml", "title: J\nurl: https://j.example\n")
        try temp.write("_posts/2024-03-05-a.md", """
            ---
            people:
              ann: &ann
                name: Ann
                email: ann@example.org
            author:
              <<: *ann
              url: https://ann.example
            ---
            Body.
            """)
        let result = PostLoader.load(.site(temp.root), options: LoadOptions())
        #expect(result.errors == [] && result.warnings == [])
        #expect(result.post("_posts/2024-03-05-a.md")?.authors == [Person(name: "Ann", email: "ann@example.org", uri: "https://ann.example")])
    }
    /// The fuzzer's post: each value that is not used is said at its line, with what is
    /// done instead; what can be read still is (nested tags flat, as Jekyll reads them).
    @Test func eachValueOfAKindItsKeyCannotUseIsSaidAtItsLine() throws {
        let (root, result) = try load(["2024-01-01-t.md": """
            ---
            title: [a, b]
            date: 2024-01-01
            id: [1]
            tags: [[a], {b: c}, 5]
            author: [1, null, {name: [x]}, {email: e@example.org}, {name: Bo, email: [e]}]
            description: {a: b}
            permalink: [x]
            lang: [en]
            slug: {a: b}
            ---
            Body
            """])
        #expect(result.errors == [])
        let post = try #require(result.post("2024-01-01-t.md"))
        #expect(post.title == "T")
        #expect(post.tags == ["a", "5"])
        #expect(post.authors == [Person(name: "1"), Person(name: "Bo")])
        #expect(post.url == "https://t.example/2024-01-01-t/")
        let file = "\(root)/2024-01-01-t.md"
        #expect(result.warnings.map(\.description) == [
            "\(file):2: `title` is a list, not text; the title is taken from the file name",
            "\(file):4: `id` is a list, not text; it is not the entry's id",
            "\(file):5: `tags` item 2 is a mapping, not a name; it is left out",
            "\(file):6: `author` item 3 is a person whose `name` is a list, not text; the person is left out",
            "\(file):6: `author` item 4 is a person without a `name`; the person is left out",
            "\(file):6: `author` item 5 is a person whose `email` is a list, not text; it is left out",
            "\(file):7: `description` is a mapping, not text; the summary is taken from the post",
            "\(file):8: `permalink` is a list, not text; the site's permalink pattern is used",
            "\(file):9: `lang` is a list, not a language tag such as en or pt-BR; it does not give the post's language",
            "\(file):10: `slug` is a mapping, not text; it does not give the post's slug",
        ])
    }

    @Test func aTitleOfTheWrongKindSaysWhereTheTitleComesFrom() throws {
        let (root, result) = try load([
            "2024-01-01-heading.md": "---\ntitle: {a: b}\n---\n# The heading\n\nText.\n",
            "2024-01-02-name.md": "---\ntags: swift\ntitle:\n  - a\n---\nText.\n",
        ])
        #expect(result.posts.map(\.title) == ["The heading", "Name"])
        #expect(result.warnings.map(\.description) == [
            "\(root)/2024-01-01-heading.md:2: `title` is a mapping, not text; the title is taken from the post's first heading",
            "\(root)/2024-01-02-name.md:3: `title` is a list, not text; the title is taken from the file name",
        ])
    }

    /// `published` and `draft` that are not true or false: said, with what the post is
    /// taken for (published, not a draft), even for a post that is then left out.
    @Test func aSwitchThatIsNotTrueOrFalseIsSaid() throws {
        let (root, result) = try load([
            "2024-01-01-a.md": "---\ntitle: A\npublished: [false]\ndraft: maybe\n---\nText.\n",
            "2024-01-02-b.md": "---\ntitle: B\npublished: false\ndraft: {x: 1}\n---\nText.\n",
        ])
        #expect(result.posts.map(\.title) == ["A"])
        #expect(result.warnings.map(\.description) == [
            "\(root)/2024-01-01-a.md:3: `published` is a list, not true or false; the post is published",
            "\(root)/2024-01-01-a.md:4: `draft` is the text 'maybe', not true or false; the post is not taken for a draft",
            "\(root)/2024-01-02-b.md:4: `draft` is a mapping, not true or false; the post is not taken for a draft",
        ])
    }

    /// Hugo's TOML: a table is "a table"; `summary` and `url` are Hugo's keys; a string of
    /// tags is one tag.
    @Test func aHugoPostsTOMLValuesOfTheWrongKindAreSaid() throws {
        let temp = try TemporarySite()
        defer { temp.remove() }
        try temp.write("hugo.toml", "baseURL = 'https://h.example/'\ntitle = 'H'\n")
        try temp.write("content/posts/first.md", """
            +++
            title = "First"
            date = 2024-03-05
            summary = ["a"]
            URL = { a = 1 }
            tags = ["x y", ["z"], { a = 1 }, 2024-01-01]
            categories = { a = 1 }
            +++
            Body.
            """)
        let result = PostLoader.load(.site(temp.root), options: LoadOptions())
        #expect(result.errors == [])
        let post = try #require(result.posts.first)
        #expect(post.tags == ["x y", "z"])
        #expect(post.categories == [])
        #expect(post.url == "https://h.example/posts/first/")
        let file = "\(temp.root.standardizedFileURL.path)/content/posts/first.md"
        #expect(result.warnings.map(\.description) == [
            "\(file):4: `summary` is a list, not text; the summary is taken from the post",
            "\(file):5: `url` is a table, not text; the post's URL is made from its place in the content folder",
            "\(file):6: `tags` item 3 is a table, not a name; it is left out",
            "\(file):6: `tags` item 4 is a date, not a name; it is left out",
            "\(file):7: `categories` is a table, not a list of names; it names nothing",
        ])
    }

    /// A Jekyll default of the wrong kind has no line in the post: the warning says where
    /// it comes from.
    @Test func aJekyllDefaultOfTheWrongKindSaysItComesFromTheConfiguration() throws {
        let temp = try TemporarySite()
        defer { temp.remove() }
        try temp.write("_config.yml", """
            title: J
            url: https://j.example
            defaults:
              - scope: {path: ""}
                values:
                  excerpt_separator: [x]
            """)
        try temp.write("_posts/2024-03-05-a.md", "---\ntitle: A\n---\nText.\n")
        let result = PostLoader.load(.site(temp.root), options: LoadOptions())
        #expect(result.posts.count == 1)
        #expect(result.warnings.map(\.description) == [
            "\(temp.root.standardizedFileURL.path)/_posts/2024-03-05-a.md: `excerpt_separator` (from `defaults:` in _config.yml) is a list, not text; the site's excerpt separator is used",
        ])
    }

    /// A merge key whose value is not a mapping merges nothing, and says so.
    @Test func aMergeOfSomethingElseThanAMappingIsSaid() throws {
        let (root, result) = try load(["2024-03-05-m.md": "---\ntitle: M\nn: &n 5\n<<: *n\n---\nText.\n"])
        #expect(result.posts.count == 1)
        #expect(result.warnings.map(\.description) == [
            "\(root)/2024-03-05-m.md:4: `<<` merges a mapping or a list of mappings into the front matter (such as `<<: *defaults`); this one is the text '5', so nothing is merged",
        ])
    }
}
