import Foundation
import Testing
@testable import Crier

/// Feeds write dates in UTC with years 0001 to 9999. A post dated outside them is an error
/// at the date's line (or at the file, for a date in its name), not a feed the gate
/// refuses with positions in a file that was never written.
@Suite struct LoadingDateRangeTests {
    /// Builds `files` (path, text) as one site or folder; `folder` gives a bare folder.
    func build(_ files: [(String, String)], folder: Bool = false) throws -> BuildOutcome {
        let site = try TemporarySite()
        defer { site.remove() }
        for (path, text) in files { try site.write(path, text) }
        let source: PostSource = folder ? .folder(site.root.appendingPathComponent("posts"), Site(title: "P", baseURL: "https://p.example/")) : .site(site.root)
        var options = BuildOptions()
        options.includeFuture = true
        return BuildPipeline.run([BuildJob(source: source, formats: [.atom, .rss, .json])], options: options)
    }

    /// The one error the build found, with no feed failed at the gate.
    func onlyError(_ outcome: BuildOutcome) throws -> PostError {
        #expect(outcome.feedFailures.isEmpty, "\(outcome.feedFailures)")
        #expect(outcome.postErrors.count == 1, "\(outcome.postErrors)")
        return try #require(outcome.postErrors.first)
    }

    let jekyllConfig = ("_config.yml", "title: J\nurl: https://j.example\n")
    let hugoConfig = ("hugo.toml", "baseURL = \"https://h.example/\"\ntitle = \"H\"\n")

    @Test func aYearZeroDateIsAnErrorAtItsLineInEveryKindOfPost() throws {
        let jekyll = try onlyError(build([jekyllConfig, ("_posts/2024-01-01-a.md", "---\ntitle: A\ndate: 0000-01-01\n---\nx\n")]))
        #expect(jekyll.path.hasSuffix("_posts/2024-01-01-a.md") && jekyll.line == 3, "\(jekyll)")
        #expect(jekyll.message == "`date: 0000-01-01` is 0000-01-01T00:00:00Z in UTC, before 0001-01-01T00:00:00Z, the earliest date a feed can hold (feeds write dates in UTC, in the years 0001 to 9999); write the post's own date, such as 2024-03-05")

        let toml = try onlyError(build([hugoConfig, ("content/posts/a.md", "+++\ntitle = \"A\"\n\ndate = 0000-01-01T10:00:00Z\n+++\nx\n")]))
        #expect(toml.path.hasSuffix("content/posts/a.md") && toml.line == 4, "\(toml)")
        #expect(toml.message.hasPrefix("`date` is 0000-01-01T10:00:00Z in UTC, before 0001-01-01T00:00:00Z"), "\(toml)")

        let yaml = try onlyError(build([hugoConfig, ("content/posts/a.md", "---\ntitle: A\npublishDate: 0000-12-31 23:00\n---\nx\n")]))
        // Named as Hugo reads keys, in lower case.
        #expect(yaml.line == 3 && yaml.message.hasPrefix("`publishdate: 0000-12-31 23:00` is 0000-12-31T23:00:00Z in UTC, before"), "\(yaml)")

        let plain = try onlyError(build([("posts/note.md", "---\ntitle: N\ndate: 0000-02-29\n---\nx\n")], folder: true))
        #expect(plain.line == 3 && plain.message.hasPrefix("`date: 0000-02-29` is 0000-02-29T00:00:00Z in UTC, before"), "\(plain)")

        let updated = try onlyError(build([jekyllConfig, ("_posts/2024-01-01-a.md", "---\ntitle: A\nlast_modified_at: 0000-01-01\n---\nx\n")]))
        #expect(updated.line == 3 && updated.message.hasPrefix("`last_modified_at: 0000-01-01` is"), "\(updated)")

        // An expiry date is only compared with the time of the run, never written.
        let expiring = try build([hugoConfig,
                                  ("content/posts/a.md", "---\ntitle: A\ndate: 2024-01-01\nexpiryDate: 0000-01-01\n---\nx\n"),
                                  ("content/posts/b.md", "---\ntitle: B\ndate: 2024-01-02\n---\nx\n")])
        #expect(expiring.succeeded, "\(expiring.postErrors) \(expiring.feedFailures)")
        let atom = String(decoding: try #require(expiring.files.first { $0.format == .atom }).bytes, as: UTF8.self)
        #expect(atom.contains("<title>B</title>") && !atom.contains("<title>A</title>"), "expired: \(atom)")
    }

    @Test func aYearZeroDateInTheFileNameIsAnErrorAtTheFile() throws {
        let jekyll = try onlyError(build([jekyllConfig, ("_posts/0000-01-01-a.md", "---\ntitle: A\n---\nx\n")]))
        #expect(jekyll.path.hasSuffix("_posts/0000-01-01-a.md") && jekyll.line == nil, "\(jekyll)")
        #expect(jekyll.message.hasPrefix("the date 0000-01-01 in the file name is 0000-01-01T00:00:00Z in UTC, before 0001-01-01T00:00:00Z"), "\(jekyll)")
        let plain = try onlyError(build([("posts/0000-03-01-note.txt", "Note\n\nText.\n")], folder: true))
        #expect(plain.path.hasSuffix("posts/0000-03-01-note.txt") && plain.message.hasPrefix("the date 0000-03-01 in the file name is"), "\(plain)")
        // A date in the front matter is the post's: the one in the name is not used.
        let dated = try build([jekyllConfig, ("_posts/0000-01-01-a.md", "---\ntitle: A\ndate: 2024-01-01\n---\nx\n")])
        #expect(dated.succeeded, "\(dated.postErrors) \(dated.feedFailures)")
    }

    /// The range is UTC's: the first day in a zone east of UTC starts in the year 0 there,
    /// and the last in a zone west of it ends in the year 10000. Its first and last
    /// moments are written, and the feeds pass the gate.
    @Test func theRangeIsUTCsWhateverZoneTheDateIsWrittenIn() throws {
        let outcome = try build([jekyllConfig,
                                 ("_posts/2024-01-01-a.md", "---\ntitle: A\ndate: 0001-01-01T00:00:00Z\n---\nx\n"),
                                 ("_posts/2024-01-02-b.md", "---\ntitle: B\ndate: 9999-12-31T23:59:59.9Z\nlast_modified_at: 9999-12-31 23:59:59\n---\nx\n")])
        #expect(outcome.succeeded, "\(outcome.postErrors) \(outcome.feedFailures)")
        let atom = String(decoding: try #require(outcome.files.first { $0.format == .atom }).bytes, as: UTF8.self)
        #expect(atom.contains("<published>0001-01-01T00:00:00Z</published>") && atom.contains("<updated>9999-12-31T23:59:59Z</updated>"), "\(atom)")

        let east = try onlyError(build([("_config.yml", "title: J\nurl: https://j.example\ntimezone: Asia/Tokyo\n"),
                                        ("_posts/2024-01-01-a.md", "---\ntitle: A\ndate: 0001-01-01 08:00\n---\nx\n")]))
        #expect(east.line == 3 && east.message.hasPrefix("`date: 0001-01-01 08:00` is 0000-12-31T"), "\(east)")
        let west = try onlyError(build([jekyllConfig, ("_posts/2024-01-01-a.md", "---\ntitle: A\ndate: 9999-12-31 23:00 -05:00\n---\nx\n")]))
        #expect(west.line == 3, "\(west)")
        #expect(west.message.hasPrefix("`date: 9999-12-31 23:00 -05:00` is 10000-01-01T04:00:00Z in UTC, after 9999-12-31T23:59:59Z, the latest date a feed can hold"), "\(west)")
        let before = try onlyError(build([jekyllConfig, ("_posts/2024-01-01-a.md", "---\ntitle: A\ndate: 0000-01-01T00:00+23:59\n---\nx\n")]))
        #expect(before.message.hasPrefix("`date: 0000-01-01T00:00+23:59` is before 0001-01-01T00:00:00Z"), "\(before)")
    }

    /// A post with no date anywhere takes the default date, or its file's modification
    /// time: one outside the range is an error at the file too, not a feed the gate refuses.
    @Test func aFallbackDateOutsideTheRangeIsAnErrorAtTheFile() throws {
        let site = try TemporarySite()
        defer { site.remove() }
        try site.write("posts/a.txt", "A title\n\nText.\n")
        var options = LoadOptions()
        options.defaultDate = Date(timeIntervalSince1970: -62_135_596_801)  // 0000-12-31T23:59:59Z
        let result = PostLoader.load(.folder(site.root.appendingPathComponent("posts"), Site(title: "P", baseURL: "https://p.example/")), options: options)
        #expect(result.posts.isEmpty)
        let error = try #require(result.errors.first)
        #expect(error.path.hasSuffix("posts/a.txt") && error.message.hasPrefix("no date in the front matter or the file name, and the default date is 0000-12-31T23:59:59Z in UTC, before 0001-01-01T00:00:00Z"), "\(error)")
    }
}
