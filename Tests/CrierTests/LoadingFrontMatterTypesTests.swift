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
}
