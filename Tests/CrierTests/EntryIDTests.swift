@testable import Crier
import Foundation
import Testing

/// An entry keeps its id however its post is edited and whatever time zone the site
/// names: readers show a post again as new when its id changes.
@Suite struct EntryIDTests {
    /// A post with no date of its own is dated by its file's modification time, which every
    /// edit changes: its id is its URL, not a `tag:` URI of that date.
    @Test func anUndatedPostKeepsItsIdWhenEditedOnALaterDay() throws {
        let site = try TemporarySite()
        defer { site.remove() }
        let note = try site.write("notes/note.txt", "My note\n\nFirst version.\n")
        func id() throws -> String {
            let result = PostLoader.load(.folder(site.root.appendingPathComponent("notes"), Site(title: "Notes", baseURL: "https://m.example/")),
                                         options: LoadOptions())
            let post = try #require(result.posts.first)
            #expect(result.warnings.contains { $0.message.contains("its entry id is its URL") })
            return EntryID.make(for: post, site: result.site)
        }
        try FileManager.default.setAttributes([.modificationDate: utcDate(2024, 5, 1, 10)], ofItemAtPath: note.path)
        let first = try id()
        try site.write("notes/note.txt", "My note\n\nTypo fixed.\n")
        try FileManager.default.setAttributes([.modificationDate: utcDate(2024, 5, 2, 9)], ofItemAtPath: note.path)
        #expect(try id() == first)
        #expect(first.hasPrefix("https://m.example/"), "\(first)")
    }

    /// The day in a `tag:` id is the UTC day of the post's date, as every earlier version
    /// wrote it, so that updating Crier changes no id: in a zone east of UTC a date-only
    /// post's id carries the day before its file name's.
    @Test func theTagDayIsTheUTCDayOfThePostsDate() throws {
        let site = try TemporarySite()
        defer { site.remove() }
        try site.write("_posts/2024-01-05-e.md", "---\ntitle: E\n---\nBody.\n")
        try site.write("_posts/2024-01-06-f.md", "---\ntitle: F\ndate: 2024-01-06\n---\nBody.\n")
        func ids() -> [String] {
            let result = PostLoader.load(.site(site.root), options: LoadOptions())
            return result.posts.map { EntryID.make(for: $0, site: result.site) }.sorted()
        }
        try site.write("_config.yml", "title: T\nurl: https://e.org\n")
        let utc = ids()
        #expect(utc == ["tag:e.org,2024-01-05:_posts/2024-01-05-e", "tag:e.org,2024-01-06:_posts/2024-01-06-f"])
        try site.write("_config.yml", "title: T\nurl: https://e.org\ntimezone: Europe/Paris\n")
        #expect(ids() == ["tag:e.org,2024-01-04:_posts/2024-01-05-e", "tag:e.org,2024-01-05:_posts/2024-01-06-f"])
        try site.write("_config.yml", "title: T\nurl: https://e.org\ntimezone: America/Los_Angeles\n")
        #expect(ids() == utc)
    }
}
