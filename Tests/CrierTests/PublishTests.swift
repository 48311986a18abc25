@testable import Crier
import Foundation
import Synchronization
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// A site on disk for publish tests: a folder of posts, a feed definition in `feeds/`,
/// and an output folder, all under a temporary folder removed at the end.
/// An emptied or unmounted posts folder must not empty the published feeds from cron.
@Suite struct PublishEmptiedFolderTests {
    /// With every post gone, the feeds that had entries are not replaced: each is a
    /// failure saying why, the files stay byte for byte, nothing is removed (the tag
    /// feeds, no longer produced, stay too), and the next run refuses again. With
    /// `allowEmpty` the empty feeds are published and the tag feeds removed.
    @Test func anEmptiedPostsFolderLeavesThePublishedFeedsAsTheyWere() async throws {
        let site = try PublishSite("tags: true")
        for day in 1...3 { _ = try site.post("p\(day)", day: day, tags: ["swift"]) }
        #expect(try await site.publish().succeeded)
        let before = site.snapshot()
        let atom = site.bytes("feed.xml")
        #expect(before.count > 3, "\(before)")

        try FileManager.default.removeItem(at: site.posts)
        try FileManager.default.createDirectory(at: site.posts, withIntermediateDirectories: true)
        for _ in 0..<2 {
            let refused = try await site.publish()
            #expect(!refused.succeeded)
            #expect(refused.written.isEmpty && refused.removed.isEmpty, "\(refused.written) \(refused.removed)")
            let said = refused.build.feedFailures.flatMap(\.problems)
            #expect(said.contains("not published: it would replace the published feed's 3 entries with none (no posts were found: is the posts folder emptied or unmounted?); "
                + "the published file stays as it was; run with --allow-empty to publish it empty"), "\(said)")
            #expect(site.snapshot() == before)
            #expect(site.bytes("feed.xml") == atom)
        }

        var options = site.options()
        options.allowEmpty = true
        let emptied = try await site.publish(options)
        #expect(emptied.succeeded, "\(emptied.build.feedFailures)")
        #expect(!site.text("feed.xml").contains("<entry>"))
        #expect(!emptied.removed.isEmpty)
    }
}

final class PublishSite {
    let root: URL
    var posts: URL { root.appendingPathComponent("posts") }
    var output: URL { root.appendingPathComponent("public") }
    var definition: URL { root.appendingPathComponent("feeds/blog.yml") }

    /// `extra` is appended to the definition (`tags: true`, `hub: [...]`, `archive: true`).
    init(_ extra: String = "") throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("crier-publish-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: posts, withIntermediateDirectories: true)
        try define(extra)
    }

    deinit { try? FileManager.default.removeItem(at: root) }

    func define(_ extra: String) throws {
        // A `formats:` in `extra` replaces the default list (YAML keys are unique).
        let formats = extra.contains("formats:") ? "" : "formats: [atom, rss, json]"
        try write("feeds/blog.yml", """
            title: Publish Test
            base_url: https://example.org/blog/
            author: { name: Pat Publisher, email: pat@example.org }
            lang: en
            posts: ../posts
            path: feed.xml
            \(formats)
            \(extra)
            """)
    }

    /// A Markdown post with front matter; `day` counts from 2024-01-01.
    @discardableResult
    func post(_ slug: String, day: Int, tags: [String] = [], body: String = "Some text.", title: String? = nil, hour: Int = 9) throws -> URL {
        let date = Date(timeIntervalSince1970: 1_704_067_200 + Double(day) * 86_400 + Double(hour) * 3_600)
        let tagList = tags.isEmpty ? "" : "tags: [\(tags.joined(separator: ", "))]\n"
        return try write("posts/\(slug).md", """
            ---
            title: "\(title ?? "Post \(slug)")"
            date: \(FeedDates.rfc3339(date))
            \(tagList)---

            \(body)

            """)
    }

    @discardableResult
    func write(_ path: String, _ text: String) throws -> URL {
        let file = root.appendingPathComponent(path)
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: file)
        return file
    }

    func jobs() throws -> [BuildJob] {
        let definition = try FeedDefinition.load(definition)
        return [BuildJob(source: definition.source, definition: definition, formats: definition.formats ?? FeedFormat.allCases)]
    }

    func options(now: Date = Date()) -> PublishOptions {
        var options = PublishOptions(output: output)
        options.build.now = now
        options.ping = PingPolicy(attempts: 3, firstDelay: 0.01, timeout: 5)
        return options
    }

    func publish(_ options: PublishOptions? = nil) async throws -> PublishReport {
        try await Publisher.publish(try jobs(), options: options ?? self.options())
    }

    func bytes(_ path: String) -> [UInt8]? {
        (try? Data(contentsOf: output.appendingPathComponent(path))).map(Array.init)
    }

    func text(_ path: String) -> String {
        bytes(path).map { String(decoding: $0, as: UTF8.self) } ?? ""
    }

    /// Every published file (state folder excluded) with its modification time in
    /// nanoseconds.
    func snapshot() -> [String: Int] {
        var result: [String: Int] = [:]
        guard let walker = FileManager.default.enumerator(atPath: output.path) else { return result }
        for case let path as String in walker where !path.hasPrefix(".crier") {
            var info = stat()
            let full = output.appendingPathComponent(path).path
            guard stat(full, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { continue }
            result[path] = info.st_mtim.tv_sec * 1_000_000_000 + info.st_mtim.tv_nsec
        }
        return result
    }
}

/// Posts and pack surgery for the post cache tests.
enum CacheFixture {
    /// A post with this content and summary, and a key for it.
    static func post(_ name: String, _ content: String, summary: String = "<p>s</p>") -> (Post, PostCacheKey) {
        (Post(sourcePath: name, title: name, published: Date(timeIntervalSince1970: 1_700_000_000), url: "https://example.org/\(name)",
              summaryHTML: summary, contentHTML: content),
         PostCacheKey(path: name, size: content.utf8.count, modified: 1, contentHash: name))
    }

    /// The pack of the cache in `folder`: its one file besides the index.
    static func pack(in folder: URL) throws -> URL {
        let names = (FileIO.names(in: folder.path) ?? []).filter { $0 != DiskPostCache.indexName }
        #expect(names.count == 1, "one pack: \(names)")
        return folder.appendingPathComponent(try #require(names.first))
    }

    /// Changes the last byte of the first place `bytes` are in `file`.
    static func damage(_ bytes: [UInt8], in file: URL) throws {
        var contents = try #require(FileIO.read(file.path))
        let last = try #require(contents.firstRange(of: bytes)).upperBound - 1
        contents[last] = contents[last] == UInt8(ascii: "x") ? UInt8(ascii: "y") : UInt8(ascii: "x")
        try Data(contents).write(to: file)
    }
}

@Suite struct PublishTests {
    /// A run whose own jobs all succeeded, with a definition left out before it (keep-going),
    /// is recorded: the next run with the same problem finds nothing changed, and still
    /// fails; with the problem gone (mended or deleted), the next run builds.
    @Test func aRunWithOnlyADefinitionLeftOutIsRecordedAndStillFailsWhenNothingChanged() async throws {
        let site = try PublishSite()
        try site.post("one", day: 1)
        var options = site.options()
        options.keepGoing = true
        options.earlierErrors = [PostError(path: "feeds/other.yml", line: 2, message: "invalid YAML")]
        let first = try await site.publish(options)
        #expect(!first.succeeded && !first.upToDate && first.written.count == 3)
        let second = try await site.publish(options)
        #expect(!second.succeeded && second.upToDate, "nothing changed, and still failing")
        #expect(second.build.postErrors == options.earlierErrors)
        // Another problem, then none: each run builds again.
        options.earlierErrors = [PostError(path: "feeds/other.yml", line: 3, message: "invalid YAML")]
        let third = try await site.publish(options)
        #expect(!third.succeeded && !third.upToDate)
        options.earlierErrors = []
        let fourth = try await site.publish(options)
        #expect(fourth.succeeded && !fourth.upToDate)
        #expect(try await site.publish(options).upToDate)
    }

    /// Without keep-going, a run with a definition left out before it writes nothing, so
    /// it is not recorded: a later run publishes what changed meanwhile.
    @Test func aRunThatWroteNothingForADefinitionLeftOutIsNotRecorded() async throws {
        let site = try PublishSite()
        try site.post("one", day: 1)
        var options = site.options()
        #expect(try await site.publish(options).succeeded)
        try site.post("two", day: 2)
        options.earlierErrors = [PostError(path: "feeds/other.yml", line: 2, message: "invalid YAML")]
        let withheld = try await site.publish(options)
        #expect(!withheld.succeeded && withheld.written.isEmpty && withheld.withheld > 0)
        #expect(!site.text("feed.xml").contains("two"))
        options.keepGoing = true
        let next = try await site.publish(options)
        #expect(!next.upToDate && !next.written.isEmpty)
        #expect(site.text("feed.xml").contains("two"))
    }

    /// A file that cannot be written (here a file stands where a tag feed's folder goes;
    /// a full disk is the same) leaves every published file as it was: the files are all
    /// written beside their places before any is renamed into place. With keep-going the
    /// others are published.
    @Test func aFileThatCannotBeWrittenLeavesEveryPublishedFileAsItWas() async throws {
        let site = try PublishSite("formats: [atom, rss]")
        try site.post("one", day: 1, tags: ["swift"])
        #expect(try await site.publish().succeeded)
        let atom = try #require(site.bytes("feed.xml")), rss = try #require(site.bytes("feed.rss"))

        try site.define("formats: [atom, rss]\ntags: true")
        try site.post("two", day: 2, tags: ["swift"])
        try site.write("public/feed", "a file where the tag feeds' folder goes\n")
        let failed = try await site.publish()
        #expect(!failed.succeeded && failed.written.isEmpty, "\(failed.written)")
        #expect(failed.writeErrors.count == 2 && failed.withheld == 2, "\(failed.writeErrors) \(failed.withheld)")
        #expect(site.bytes("feed.xml") == atom && site.bytes("feed.rss") == rss)
        let hidden = try FileManager.default.contentsOfDirectory(atPath: site.output.path).filter { $0.hasSuffix(".tmp") }
        #expect(hidden.isEmpty, "\(hidden)")

        var options = site.options()
        options.keepGoing = true
        let kept = try await site.publish(options)
        #expect(!kept.succeeded && Set(kept.written.map(\.path)) == ["feed.xml", "feed.rss"])
        #expect(site.text("feed.xml").contains("Post two"))

        try FileManager.default.removeItem(at: site.output.appendingPathComponent("feed"))
        let mended = try await site.publish()
        #expect(mended.succeeded && site.bytes("feed/by_tag/swift.xml") != nil)
    }

    /// A run killed while its temporary files were in a folder no later run writes to
    /// (the feed's `path:` changed back) leaves them to the next run all the same: each
    /// run says where it writes before it writes.
    @Test func temporaryFilesOfAKilledRunAreRemovedFromAFolderNoLongerWrittenTo() async throws {
        let site = try PublishSite("formats: [atom]")
        try site.post("one", day: 1)
        #expect(try await site.publish().succeeded)
        // What a run killed while writing `a/feed.xml` leaves (pid 999999999 runs nothing).
        let stale = try site.write("public/a/.feed.xml.999999999.42.tmp", "half a feed")
        try site.write("public/.crier/writing", site.output.appendingPathComponent("a").path)
        let next = try await site.publish()
        #expect(next.upToDate && next.removedTemporaryFiles == [stale.path], "\(next.removedTemporaryFiles)")
        #expect(!FileManager.default.fileExists(atPath: stale.path))
        #expect(!FileManager.default.fileExists(atPath: site.output.appendingPathComponent(".crier/writing").path))
        // A run that writes says so while it writes, and not after.
        try site.post("two", day: 2)
        #expect(try await site.publish().written.map(\.path) == ["feed.xml"])
        #expect(!FileManager.default.fileExists(atPath: site.output.appendingPathComponent(".crier/writing").path))
    }

    @Test func aFirstRunWritesEveryFeedAndASecondRunWithNothingChangedWritesNothingAndRendersNoPost() async throws {
        let site = try PublishSite("tags: true")
        try site.post("one", day: 1, tags: ["swift"])
        try site.post("two", day: 2, tags: ["linux"])
        try site.post("three", day: 3, tags: ["swift", "linux"])

        let first = try await site.publish()
        #expect(first.succeeded)
        #expect(first.build.postErrors.isEmpty && first.build.feedFailures.isEmpty)
        #expect(Set(first.written.map(\.path)) == ["feed.xml", "feed.rss", "feed.json", "feed/by_tag/swift.xml", "feed/by_tag/swift.rss",
                                                    "feed/by_tag/swift.json", "feed/by_tag/linux.xml", "feed/by_tag/linux.rss", "feed/by_tag/linux.json"])
        #expect(first.written.allSatisfy { $0.created })
        #expect(first.cacheMisses == 3 && first.cacheHits == 0)
        let before = site.snapshot()

        // Modification times have nanoseconds here; a rewrite would show even within a second.
        let second = try await site.publish()
        #expect(second.succeeded)
        #expect(second.written.isEmpty)
        #expect(second.unchanged == 9)
        #expect(second.cacheHits == 3 && second.cacheMisses == 0)
        #expect(site.snapshot() == before)
    }

    @Test func aTagFeedKeepsItsURLAndItsTagAsOtherTagsComeAndGo() async throws {
        let site = try PublishSite("tags: true\nformats: [atom]\nlimit: 1\narchive: true\narchive_size: 1")
        try site.post("zero", day: 0, tags: ["Swift"])
        try site.post("one", day: 1, tags: ["Swift"])
        try site.post("two", day: 2, tags: ["swift"])
        try site.post("sharp", day: 3, tags: ["\"C#\""])
        try site.post("node", day: 3, tags: ["node.js"])
        #expect(try await site.publish().succeeded)
        #expect(site.text("feed/by_tag/swift.xml").contains("Post two"))
        #expect(site.text("feed/by_tag/swift/archive/2.xml").contains("Post one"), "both spellings in one feed and its archive")
        #expect(site.bytes("feed/by_tag/swift-2.xml") == nil)
        #expect(site.text("feed/by_tag/c.xml").contains("<title>Publish Test: C#</title>"), "alone, C# has the plain slug")
        #expect(site.text("feed/by_tag/node-js.xml").contains("<title>Publish Test: node.js</title>"))

        // A third spelling (Swift stays the most used) and two newer tags whose slugs collide
        // with C#'s: they take suffixes, and nothing that was there moves.
        try site.post("three", day: 4, tags: ["SWIFT"])
        try site.post("plus", day: 5, tags: ["\"C++\""])
        try site.post("c", day: 6, tags: ["C"])
        try site.post("cpp", day: 7, tags: ["\"C++\""])
        #expect(try await site.publish().succeeded)
        #expect(site.text("feed/by_tag/swift.xml").contains("<title>Publish Test: Swift</title>"))
        #expect(site.text("feed/by_tag/swift/archive/3.xml").contains("Post two"))
        #expect(site.text("feed/by_tag/c.xml").contains("<title>Publish Test: C#</title>"))
        #expect(site.text("feed/by_tag/c_4c21a3.xml").contains("<title>Publish Test: C++</title>"))
        #expect(site.text("feed/by_tag/c_4c21a3/archive/1.xml").contains("Post plus") && site.text("feed/by_tag/c_4c21a3.xml").contains("Post cpp"), "the archive follows the feed")
        let c = "feed/by_tag/" + Slug.suffixed("C") + ".xml"
        #expect(site.text(c).contains("<title>Publish Test: C</title>"))
        #expect(site.text("feed/by_tag/node-js.xml").contains("<title>Publish Test: node.js</title>"))

        // A newer tag going moves nothing.
        try FileManager.default.removeItem(at: site.posts.appendingPathComponent("c.md"))
        #expect(try await site.publish().succeeded)
        #expect(site.bytes(c) == nil)
        #expect(site.text("feed/by_tag/c.xml").contains("<title>Publish Test: C#</title>"))
        #expect(site.text("feed/by_tag/c_4c21a3.xml").contains("<title>Publish Test: C++</title>"))

        // Every post of the oldest going is the one change that moves a feed: C++ takes c.xml.
        try FileManager.default.removeItem(at: site.posts.appendingPathComponent("sharp.md"))
        #expect(try await site.publish().succeeded)
        #expect(site.text("feed/by_tag/c.xml").contains("<title>Publish Test: C++</title>"))
        #expect(site.bytes("feed/by_tag/c_4c21a3.xml") == nil)
    }

    @Test func anEditedPostRewritesOnlyTheFeedsItAppearsInAndIsTheOnlyPostRenderedAgain() async throws {
        let site = try PublishSite("tags: true")
        try site.post("one", day: 1, tags: ["swift"])
        let linux = try site.post("two", day: 2, tags: ["linux"])
        _ = try await site.publish()
        let before = site.snapshot()

        try site.post("two", day: 2, tags: ["linux"], body: "Edited text.")
        #expect(FileManager.default.fileExists(atPath: linux.path))
        let report = try await site.publish()
        #expect(report.succeeded)
        #expect(report.cacheMisses == 1 && report.cacheHits == 1)
        #expect(Set(report.written.map(\.path)) == ["feed.xml", "feed.rss", "feed.json", "feed/by_tag/linux.xml", "feed/by_tag/linux.rss", "feed/by_tag/linux.json"])
        let after = site.snapshot()
        for path in ["feed/by_tag/swift.xml", "feed/by_tag/swift.rss", "feed/by_tag/swift.json"] {
            #expect(after[path] == before[path], "\(path) was rewritten")
        }
        #expect(site.text("feed.xml").contains("Edited text."))
    }

    @Test func theGateValidatesOnlyEntriesItHasNotValidatedInTheSameFrameBefore() async throws {
        let site = try PublishSite("formats: [atom, rss]")
        for day in 1...4 { try site.post("p\(day)", day: day) }
        let seen = Mutex<[String: (count: Int, known: Set<Int>)]>([:])
        var options = site.options()
        options.build.check = { file in
            seen.withLock { $0[file.path] = (file.parts.entries.count, file.knownValidEntries) }
            return FeedGate.check(file)
        }
        #expect(try await site.publish(options).succeeded)
        #expect(seen.withLock { $0["feed.xml"]?.known } == [])

        // One post's text changes: its entry is validated again, the other three are not.
        seen.withLock { $0 = [:] }
        try site.post("p2", day: 2, body: "Edited text.")
        #expect(try await site.publish(options).succeeded)
        let entries = try FeedReadBack.atom(site.bytes("feed.xml") ?? []).entries
        let edited = try #require(entries.firstIndex { $0.content?.contains("Edited text.") == true })
        for path in ["feed.xml", "feed.rss"] {
            let check = try #require(seen.withLock { $0[path] })
            #expect(check.count == 4)
            #expect(check.known == Set(0..<4).subtracting([edited]), "\(path)")
        }

        // A new post changes the feed's <updated>, the frame around every entry: all of
        // them are validated again.
        seen.withLock { $0 = [:] }
        try site.post("p5", day: 5)
        #expect(try await site.publish(options).succeeded)
        #expect(seen.withLock { $0["feed.xml"]?.known } == [])
        #expect(seen.withLock { $0["feed.xml"]?.count } == 5)
    }

    @Test func unchangedEntriesAreCopiedFromThePublishedFileAndTheResultIsWhatABuildWrites() async throws {
        // JSON Feed is always written whole: from posts whose content the cache left in
        // its pack, some of them long.
        let site = try PublishSite("formats: [atom, rss, json]")
        let filler = String(repeating: "Words to make a post longer, ü. ", count: 160)
        for day in 1...5 {
            try site.post("p\(day)", day: day, body: "Text of post \(day) with [a link](/about/).\n\n" + (day.isMultiple(of: 2) ? filler : ""))
        }
        let reused = Mutex<[String: Set<Int>]>([:])
        var options = site.options()
        options.build.check = { file in
            reused.withLock { $0[file.path] = file.parts.reusedEntries }
            return FeedGate.check(file)
        }
        #expect(try await site.publish(options).succeeded)
        #expect(reused.withLock { $0["feed.xml"] } == [])

        func expectSameAsABuild(_ comment: Comment) throws {
            var build = BuildOptions()
            build.now = options.build.now
            let outcome = BuildPipeline.run(try site.jobs(), options: build)
            #expect(outcome.succeeded)
            for file in outcome.files {
                #expect(site.bytes(file.path) == file.bytes, "\(file.path): \(comment)")
            }
        }

        try site.post("p3", day: 3, body: "Edited text of post 3.")
        #expect(try await site.publish(options).succeeded)
        for path in ["feed.xml", "feed.rss"] {
            #expect(reused.withLock { $0[path]?.count } == 4, "\(path)")
        }
        try expectSameAsABuild("after one post changed")

        // A published file edited by hand is not trusted: everything is written again.
        let feed = site.output.appendingPathComponent("feed.xml")
        let text = site.text("feed.xml")
        try Data(text.replacingOccurrences(of: "Text of post 1", with: "Text of post X").utf8).write(to: feed)
        try site.post("p4", day: 4, body: "Edited text of post 4.")
        #expect(try await site.publish(options).succeeded)
        #expect(reused.withLock { $0["feed.xml"] } == [])
        #expect(reused.withLock { $0["feed.rss"]?.count } == 4)
        try expectSameAsABuild("after a hand edit")
    }

    @Test func entriesPublishedWithoutTheGateAreValidatedWhenTheGateIsBack() async throws {
        let site = try PublishSite("formats: [atom]")
        for day in 1...3 { try site.post("p\(day)", day: day) }
        var options = site.options()
        options.build.check = nil
        #expect(try await site.publish(options).succeeded)

        let seen = Mutex<(reused: Set<Int>, known: Set<Int>)?>(nil)
        options.build.check = { file in
            seen.withLock { $0 = (file.parts.reusedEntries, file.knownValidEntries) }
            return FeedGate.check(file)
        }
        try site.post("p2", day: 2, body: "Edited text.")
        #expect(try await site.publish(options).succeeded)
        let check = try #require(seen.withLock { $0 })
        #expect(check.reused.count == 2)
        #expect(check.known.isEmpty)
    }

    @Test func filesLeftAsTheyWereGetRecordsWhenTheyHadNoneAndTheirEntriesAreCopiedNextTime() async throws {
        let site = try PublishSite("formats: [atom, rss]")
        for day in 1...4 { try site.post("p\(day)", day: day) }
        #expect(try await site.publish().succeeded)
        // As after an upgrade of Crier: no records (and no manifest), files already right.
        let state = site.root.appendingPathComponent("public/.crier")
        try FileManager.default.removeItem(at: state.appendingPathComponent("entries"))
        try FileManager.default.removeItem(at: state.appendingPathComponent("manifest"))
        let report = try await site.publish()
        #expect(report.written.isEmpty && report.unchanged == 2)
        let records = PublishedEntries.read(state.appendingPathComponent("entries"))
        #expect(Set(records.records.keys) == ["feed.xml", "feed.rss"])
        #expect(records.records.values.allSatisfy { !$0.validated }, "this run did not validate them")

        let seen = Mutex<[String: (reused: Int, known: Int)]>([:])
        var options = site.options()
        options.build.check = { file in
            seen.withLock { $0[file.path] = (file.parts.reusedEntries.count, file.knownValidEntries.count) }
            return FeedGate.check(file)
        }
        try site.post("p2", day: 2, body: "Edited text.")
        #expect(try await site.publish(options).succeeded)
        for path in ["feed.xml", "feed.rss"] {
            #expect(seen.withLock { $0[path]?.reused } == 3, "\(path)")
            #expect(seen.withLock { $0[path]?.known } == 0, "\(path)")
        }
    }

    @Test func entryRecordsAreUsedOnlyForTheSameFileInTheSameFormatAndSurviveARoundTrip() async throws {
        let site = try PublishSite("formats: [atom, rss]")
        try site.post("p1", day: 1)
        #expect(try await site.publish().succeeded)
        let file = site.root.appendingPathComponent("public/.crier/entries")
        let records = PublishedEntries.read(file)
        #expect(Set(records.records.keys) == ["feed.xml", "feed.rss"])
        #expect(records.records["feed.xml"]?.format == .atom)
        #expect(records.source(for: "feed.xml", format: .atom, in: site.output) != nil)
        #expect(records.source(for: "feed.xml", format: .rss, in: site.output) == nil)
        #expect(records.source(for: "feed.json", format: .json, in: site.output) == nil)
        // Written and read back unchanged; a damaged file is no records at all.
        try records.write(to: file)
        #expect(PublishedEntries.read(file) == records)
        var bytes = try Array(Data(contentsOf: file))
        bytes.removeLast(3)
        try Data(bytes).write(to: file)
        #expect(PublishedEntries.read(file).records.isEmpty)
    }

    @Test func aSettledIdentityChangesWithAnyLaterWriteEvenOfTheSameSizeInTheSameTick() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("crier-settle-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("feed.xml").path
        for round in 0..<20 {
            try AtomicFile.write(Array("<feed>\(round % 10)</feed>".utf8), to: URL(fileURLWithPath: path), sync: false)
            let settled = try #require(FileIO.settledIdentities([path])[0])
            #expect(settled.hasSubsecondTimestamps)
            // The file clock was past the write when the identity was taken…
            #expect(settled.lastChange < FileIO.fileClockNanoseconds())
            // …so an in-place edit right away, same size, still shows.
            let fd = open(path, O_WRONLY)
            #expect(pwrite(fd, "X", 1, 1) == 1)
            close(fd)
            #expect(FileIO.identity(path) != settled, "round \(round)")
        }
        #expect(FileIO.settledIdentities([folder.appendingPathComponent("missing").path]) == [nil])
        var whole = try #require(FileIO.identity(path))
        (whole.modified, whole.changed) = (1_700_000_000_000_000_000, 1_700_000_001_000_000_000)
        #expect(!whole.hasSubsecondTimestamps)
    }

    @Test func entriesAreCopiedOnlyFromTheFileAsRecordedAndNotWhenItIsWrittenToMeanwhile() async throws {
        let site = try PublishSite("formats: [atom]")
        for day in 1...3 { try site.post("p\(day)", day: day) }
        #expect(try await site.publish().succeeded)
        let records = PublishedEntries.read(site.root.appendingPathComponent("public/.crier/entries"))
        let record = try #require(records.records["feed.xml"])
        let feed = site.output.appendingPathComponent("feed.xml")
        let published = try Array(Data(contentsOf: feed))
        let source = try #require(records.source(for: "feed.xml", format: .atom, in: site.output))
        #expect(source.isIntact)
        for (digest, range) in record.entries {
            #expect(source.range(of: digest) == range)
            #expect(try source.reading { try $0.read(range) } == Array(published[range]))
        }
        #expect(source.range(of: "no such digest") == nil)

        // Written to in place while open: no longer intact, and a new source refuses it.
        let fd = open(feed.path, O_WRONLY)
        #expect(pwrite(fd, " ", 1, off_t(published.count - 1)) == 1)
        close(fd)
        #expect(!source.isIntact)
        #expect(records.source(for: "feed.xml", format: .atom, in: site.output) == nil)
        // Replaced by a copy with the same bytes: another file, not used either.
        try Data(published).write(to: feed, options: .atomic)
        #expect(records.source(for: "feed.xml", format: .atom, in: site.output) == nil)
    }

    @Test func borrowedEntriesAreCopiedByTheKernelAndAWriteFailsIfTheirFileChangedMeanwhile() async throws {
        let site = try PublishSite("formats: [atom, rss]")
        for day in 1...6 { try site.post("p\(day)", day: day, body: "Text of post \(day).") }
        let options = site.options()
        #expect(try await site.publish(options).succeeded)
        try site.post("p2", day: 2, body: "Edited text of post 2.")
        try site.post("p7", day: 7, body: "A new post.")

        // Planned as a publish plans: five entries of each file borrowed from it.
        let records = PublishedEntries.read(site.root.appendingPathComponent("public/.crier/entries"))
        let output = site.output
        var build = BuildOptions()
        build.now = options.build.now
        let plan = BuildPipeline.plan(try site.jobs(), options: build, reuse: { path, format in
            records.source(for: path, format: format, in: output)
        })
        let expected = BuildPipeline.run(try site.jobs(), options: build)
        #expect(plan.outcome.files.count == 2 && expected.files.count == 2)
        for (file, built) in zip(plan.outcome.files, expected.files) {
            #expect(file.parts.reusedEntries.count == 5, "\(file.path)")
            #expect(file.parts.count == built.bytes.count)
            // Read back whole, entry by entry, and written by copying: a build's bytes.
            #expect(file.bytes == built.bytes, "\(file.path)")
            #expect(file.parts.entries.map(Array.init) == built.parts.entries.map(Array.init))
            let copy = site.root.appendingPathComponent("copy-\(file.path)")
            try AtomicFile.write(file.parts, to: copy, sync: false)
            #expect(try Array(Data(contentsOf: copy)) == built.bytes, "\(file.path)")
            #expect(FeedGate.check(file).isEmpty)
        }

        // The published Atom file is written to in place before its entries are copied:
        // the write fails and the file is left as it is, edit included.
        let feed = output.appendingPathComponent("feed.xml")
        let atom = try #require(plan.outcome.files.first { $0.path == "feed.xml" })
        var edited = try Array(Data(contentsOf: feed))
        let fd = open(feed.path, O_WRONLY)
        #expect(pwrite(fd, "\n", 1, off_t(edited.count - 1)) == 1)
        close(fd)
        edited[edited.count - 1] = UInt8(ascii: "\n")
        #expect(throws: AtomicFile.WriteError.self) { try AtomicFile.write(atom.parts, to: feed, sync: false) }
        #expect(try Array(Data(contentsOf: feed)) == edited)
        #expect(try FileManager.default.contentsOfDirectory(atPath: output.path).filter { $0.hasSuffix(".tmp") }.isEmpty)
    }

    @Test func aDocumentBorrowingEntriesIsComparedWithTheFileOnDiskPieceByPiece() async throws {
        let site = try PublishSite("formats: [rss]")
        for day in 1...6 { try site.post("p\(day)", day: day, body: "Text of post \(day).") }
        var options = site.options()
        #expect(try await site.publish(options).succeeded)
        let feed = site.output.appendingPathComponent("feed.rss")
        let published = try Array(Data(contentsOf: feed))
        let records = PublishedEntries.read(site.root.appendingPathComponent("public/.crier/entries"))
        let output = site.output
        func plan() throws -> RenderedFile {
            var build = BuildOptions()
            build.now = options.build.now
            let plan = BuildPipeline.plan(try site.jobs(), options: build, reuse: { path, format in
                records.source(for: path, format: format, in: output)
            })
            return try #require(plan.outcome.files.first)
        }

        // An RSS item does not show when its post was updated: a new `updated` date (older
        // than the newest post's, so the channel's date stays) changes the entry's digest,
        // so it is written again, but not its bytes. Same size, same frame, one entry of
        // its own: only comparing can tell, and the file is found to be what is on disk.
        try site.write("posts/p2.md", """
            ---
            title: "Post p2"
            date: \(FeedDates.rfc3339(Date(timeIntervalSince1970: 1_704_067_200 + 2 * 86_400 + 9 * 3_600)))
            updated: \(FeedDates.rfc3339(Date(timeIntervalSince1970: 1_704_067_200 + 3 * 86_400)))
            ---

            Text of post 2.

            """)
        let same = try plan()
        #expect(same.parts.reusedEntries.count == 5 && same.parts.count == published.count)
        #expect(same.matchesPublished == nil)
        #expect(same.parts.matches(fileAt: feed.path))
        // A copy elsewhere is compared entry by entry, borrowed ones read from the source.
        let copy = site.root.appendingPathComponent("copy.rss")
        try Data(published).write(to: copy)
        #expect(same.parts.matches(fileAt: copy.path))
        let borrowed = try #require(same.parts.reusedEntries.min())
        var altered = published
        altered[same.parts.entryRanges[borrowed].lowerBound + 10] ^= 0x01
        try Data(altered).write(to: copy)
        #expect(!same.parts.matches(fileAt: copy.path))
        #expect(!same.parts.matches(fileAt: site.root.appendingPathComponent("missing.rss").path))
        // And the publish leaves the file alone.
        options.build.now = Date()
        let report = try await site.publish(options)
        #expect(report.succeeded && report.written.isEmpty && report.unchanged == 1)
        #expect(try Array(Data(contentsOf: feed)) == published)

        // The same size with other bytes in its own entry: not the file on disk.
        try site.post("p2", day: 2, body: "Text of post X.")
        let other = try plan()
        #expect(other.parts.count == published.count && other.matchesPublished == nil)
        #expect(!other.parts.matches(fileAt: feed.path))

        // One item a byte longer and a later one a byte shorter: the same size, with the
        // borrowed items between them a byte further on than in the file they are borrowed
        // from. The document is not the published file, but is its own bytes anywhere else.
        try site.post("p5", day: 5, body: "Text of post 5..")
        try site.post("p2", day: 2, body: "Text of post2.")
        let shifted = try plan()
        #expect(shifted.parts.count == published.count && shifted.matchesPublished == nil)
        let recorded = try #require(records.records["feed.rss"]?.entries)
        let moved = shifted.parts.reusedEntries.filter { recorded[shifted.parts.entryDigests[$0]] != shifted.parts.entryRanges[$0] }
        #expect(moved.count == 2)
        #expect(!shifted.parts.matches(fileAt: feed.path))
        try Data(shifted.parts.bytes).write(to: copy)
        #expect(shifted.parts.matches(fileAt: copy.path))
    }

    @Test func borrowedEntriesAreReadAndWrittenWhereTheKernelCannotCopyThem() async throws {
        let site = try PublishSite("formats: [atom]")
        // Over a megabyte of entries, so the copy by hand takes several pieces.
        for day in 1...3 { try site.post("p\(day)", day: day, body: String(repeating: "Long text \(day). ", count: 40_000)) }
        #expect(try await site.publish().succeeded)
        let records = PublishedEntries.read(site.root.appendingPathComponent("public/.crier/entries"))
        let source = try #require(records.source(for: "feed.xml", format: .atom, in: site.output))
        let published = try Array(Data(contentsOf: site.output.appendingPathComponent("feed.xml")))
        let ranges = try #require(records.records["feed.xml"]?.entries.values.sorted { $0.lowerBound < $1.lowerBound })
        // From inside the first entry to inside the last: not a whole number of pieces.
        let span = (ranges[0].lowerBound + 7)..<(ranges[2].upperBound - 5)
        #expect(span.count > 2 * FileIO.copyPieceSize && span.count % FileIO.copyPieceSize != 0)

        // copy_file_range refuses a pipe: the bytes go through this process instead. The
        // pipe is drained on a thread of its own while the copy fills it.
        var ends: [Int32] = [0, 0]
        #expect(pipe(&ends) == 0)
        let received = Mutex<[UInt8]>([])
        let drained = DispatchSemaphore(value: 0)
        let readEnd = ends[0]
        Thread.detachNewThread {
            var block = [UInt8](repeating: 0, count: 1 << 16)
            while true {
                let n = block.withUnsafeMutableBytes { read(readEnd, $0.baseAddress!, $0.count) }
                if n <= 0 { break }
                received.withLock { $0 += block[..<n] }
            }
            drained.signal()
        }
        // Asking the kernel to start writing a pipe out fails, and changes nothing.
        try source.reading { try $0.copy(span, to: OutputFile(descriptor: ends[1], path: "pipe", writeBehind: true)) }
        close(ends[1])
        drained.wait()
        close(ends[0])
        #expect(received.withLock { $0 } == Array(published[span]))
        // Where the kernel can copy, it is asked to (the other test's writes go that way).
        #expect(FileIO.copiesInTheKernel)
    }

    @Test func theEntryDigestCoversEveryFieldOfAnEntry() {
        let entry = Entry(id: "tag:example.org,2024:a", title: "T", url: "https://example.org/a",
                          published: Date(timeIntervalSince1970: 1), updated: Date(timeIntervalSince1970: 2),
                          authors: [Person(name: "N", email: "e@example.org", uri: "https://example.org/")],
                          categories: [Category(term: "c", scheme: "s")], summaryHTML: "<p>s</p>", contentHTML: "<p>c</p>",
                          enclosures: [Enclosure(url: "https://example.org/a.mp3", length: 3, type: "audio/mpeg")])
        let fields = Mirror(reflecting: entry).children.compactMap(\.label)
        #expect(fields.count == EntryDigest.coveredFields + EntryDigest.unwrittenFields.count)
        #expect(EntryDigest.unwrittenFields.isSubset(of: fields))
        let variants: [(inout Entry) -> Void] = [
            { $0.id += "x" }, { $0.title += "x" }, { $0.url += "x" },
            { $0.published += 1 }, { $0.updated += 1 },
            { $0.authors[0].name += "x" }, { $0.authors[0].email = nil }, { $0.authors[0].uri = nil }, { $0.authors.append(Person(name: "M")) },
            { $0.categories[0].term += "x" }, { $0.categories[0].scheme = nil },
            { $0.summaryHTML = nil }, { $0.summaryHTML = "<p>c</p>" }, { $0.contentHTML = nil },
            { $0.enclosures[0].url += "x" }, { $0.enclosures[0].length += 1 }, { $0.enclosures[0].type += "x" },
            // The same text split differently between two fields.
            { $0.title = "Tx"; $0.url = "ttps://example.org/a" },
        ]
        var seen: Set<String> = [EntryDigest.of(entry)]
        for (index, change) in variants.enumerated() {
            var changed = entry
            change(&changed)
            #expect(seen.insert(EntryDigest.of(changed)).inserted, "variant \(index) has a digest seen before")
        }
    }

    @Test func aCachedPostComesBackEqualAndOnlyForTheSameFileVersionAndScope() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("crier-cache-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let post = Post(sourcePath: "a/b.md", title: "Tïtle ]]> & <x>", published: Date(timeIntervalSince1970: 1_700_000_000.123456),
                        updated: Date(timeIntervalSinceReferenceDate: 123.000001), expires: Date(timeIntervalSince1970: 1_900_000_000),
                        url: "https://example.org/b?x=1&y=2", explicitID: "urn:x", authors: [Person(name: "A", email: "a@example.org", uri: "https://a")],
                        tags: ["t", "日本語"], categories: ["c"], summaryHTML: "<p>s</p>", contentHTML: "<p>\u{1F99C} שלום</p>", language: "he")
        let key = PostCacheKey(path: "a/b.md", size: 10, modified: 1_700_000_000.5, contentHash: "abc")

        let cache = DiskPostCache(folder: folder, scope: "one")
        #expect(cache.post(for: key) == nil)
        cache.store(post, for: key)
        #expect(try cache.save())
        #expect(try !cache.save(), "an unchanged cache is not written again")

        let reopened = DiskPostCache(folder: folder, scope: "one")
        #expect(reopened.post(for: key) == post)
        var touched = key
        touched.modified += 1
        #expect(reopened.post(for: touched) == nil)
        var edited = key
        edited.contentHash = "abd"
        #expect(reopened.post(for: edited) == nil)
        #expect(DiskPostCache(folder: folder, scope: "two").post(for: key) == nil)
    }

    @Test func aCachedPostLeavesItsContentInThePackUntilAWriterReadsItThere() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("crier-cache-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let long = "<p>" + String(repeating: "Long \u{1F99C} text &amp; more. ", count: 300) + "</p>\n"
        // No printable ASCII: the builder must look at it to tell it is blank.
        let blank = String(repeating: "\u{A0}\u{2003}\n", count: 1_500)
        let posts = [CacheFixture.post("long.md", long), CacheFixture.post("blank.md", blank),
                     CacheFixture.post("short.md", "<p>Short.</p>"), CacheFixture.post("summary.md", "<p>Other.</p>", summary: long)]
        let cache = DiskPostCache(folder: folder, scope: "one")
        for (post, key) in posts { cache.store(post, for: key) }
        #expect(try cache.save())
        #expect(Set(FileIO.names(in: folder.path) ?? []).count == 2, "an index and a pack")

        let reopened = DiskPostCache(folder: folder, scope: "one")
        let back = posts.map { reopened.post(for: $0.1) }
        #expect(back == posts.map(\.0))
        let site = Site(title: "T", baseURL: "https://example.org/")
        let builder = FeedBuilder(site: site, now: Date())
        let fresh = builder.feeds(from: posts.map(\.0))[0].feed.entries
        let cached = builder.feeds(from: back.compactMap { $0 })[0].feed.entries
        #expect(fresh.map(EntryDigest.of) == cached.map(EntryDigest.of), "an entry's digest does not depend on where its content is")
        #expect(try #require(cached.first { $0.url.hasSuffix("blank.md") }).content == nil)

        // Damage the long and the blank post's content in the pack after the posts were
        // read: the long post's was left there, and a writer reading it now fails, naming
        // the pack; the blank one's was read at once. The damaged post is left out when
        // the cache is saved, so that the next run renders it again.
        let pack = try CacheFixture.pack(in: folder)
        try CacheFixture.damage(Array(long.utf8), in: pack)
        try CacheFixture.damage(Array(blank.utf8), in: pack)
        let entry = try #require(cached.first { $0.url.hasSuffix("long.md") })
        let feed = Feed(id: "x", title: "T", homeURL: site.baseURL, selfURLs: [:], updated: entry.updated, entries: [entry])
        let failure = FeedRenderer.renderOne(PlannedFeed(path: "feed.xml", feed: feed), format: .atom)
        guard case .failure(let problem) = failure else { Issue.record("rendered content from a damaged pack"); return }
        #expect(problem.description.contains(pack.path) && problem.description.contains("long.md") && problem.description.contains("run again"))
        #expect(back[1]?.contentHTML == blank && back[2]?.contentHTML == "<p>Short.</p>" && back[3]?.contentHTML == "<p>Other.</p>")
        #expect(back[3]?.summaryHTML == long)
        #expect(try reopened.save())
        let next = DiskPostCache(folder: folder, scope: "one")
        #expect(next.post(for: posts[0].1) == nil)
        #expect(next.post(for: posts[1].1) == nil, "content without a printable character is checked when it is looked up")
        #expect(next.post(for: posts[2].1) == posts[2].0 && next.post(for: posts[3].1) == posts[3].0)

        // Found damaged once the cache was saved: the index goes, and the next run starts cold.
        let late = try #require(next.post(for: posts[2].1))
        try next.save()
        try CacheFixture.damage(Array("<p>Short.</p>".utf8), in: try CacheFixture.pack(in: folder))
        #expect(throws: CachedText.Changed.self) { try late.content.readText() }
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent(DiskPostCache.indexName).path))
    }

    @Test func aChangedPostAppendsOnlyItsContentToThePackWhoseEarlierBytesStayAsTheyWere() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("crier-cache-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        func content(_ i: Int) -> String { "<p>Post \(i): " + String(repeating: "words \(i) ", count: 200) + "</p>" }
        let posts = (0..<5).map { CacheFixture.post("p\($0).md", content($0)) }
        let first = DiskPostCache(folder: folder, scope: "s")
        for (post, key) in posts { first.store(post, for: key) }
        #expect(try first.save())
        let pack = try CacheFixture.pack(in: folder)
        let before = try #require(FileIO.read(pack.path))
        #expect(before.count == posts.reduce(0) { $0 + $1.0.contentHTML.utf8.count })

        // p0's file has stopped changing: its stat is remembered, its content stays where it is.
        let settled = FileIO.Identity(device: 1, inode: 2, size: 3, mode: 0o100644, modified: 1_600_000_000_123_456_789,
                                      changed: 1_600_000_000_123_456_789)
        let second = DiskPostCache(folder: folder, scope: "s", reuse: true, racyMargin: 0)
        #expect(second.post(for: posts[0].1, identity: settled) == posts[0].0)
        for (post, key) in posts[1...3] { #expect(second.post(for: key) == post) }
        let edited = Post(sourcePath: "p4.md", title: "p4", published: Date(timeIntervalSince1970: 1_700_000_000),
                          url: "https://example.org/p4.md", contentHTML: "<p>Post 4, edited.</p>")
        let editedKey = PostCacheKey(path: "p4.md", size: 30, modified: 2, contentHash: "p4 edited")
        #expect(second.post(for: editedKey) == nil)
        second.store(edited, for: editedKey)
        #expect(try second.save())

        #expect(try CacheFixture.pack(in: folder) == pack, "the same pack")
        let after = try #require(FileIO.read(pack.path))
        #expect(after.count == before.count + edited.contentHTML.utf8.count)
        #expect(after.starts(with: before))
        #expect(Array(after[before.count...]) == Array(edited.contentHTML.utf8))
        let third = DiskPostCache(folder: folder, scope: "s", reuse: true, racyMargin: 0)
        #expect(third.post(unchangedAt: "p0.md", identity: settled)?.contentHTML == content(0))
        #expect(third.post(for: editedKey)?.contentHTML == edited.contentHTML)
        #expect(third.post(for: posts[4].1) == nil)
    }

    @Test func postsAskedAboutAllAtOnceAreFoundByTheirStatAsOneByOne() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("crier-cache-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let source = folder.appendingPathComponent("site", isDirectory: true)
        try FileManager.default.createDirectory(at: source, withIntermediateDirectories: true)
        func content(_ i: Int) -> String { "<p>Post \(i): " + String(repeating: "words \(i) ", count: 50) + "</p>" }
        let posts = (0..<5).map { CacheFixture.post("p\($0).md", content($0)) }
        for (post, _) in posts { try Data("post \(post.sourcePath)".utf8).write(to: source.appendingPathComponent(post.sourcePath)) }
        func stat(_ i: Int) throws -> FileIO.Identity { try #require(FileIO.identity(source.appendingPathComponent("p\(i).md").path)) }
        // The files' times are on the kernel's coarse clock: past its next tick they count as settled.
        usleep(30_000)
        func made(_ i: Int) -> FileIO.Identity {
            FileIO.Identity(device: 1, inode: UInt64(10 + i), size: 3, mode: 0o100644, modified: 1_600_000_000_123_456_789,
                            changed: 1_600_000_000_123_456_789)
        }
        // p0-p2 remembered with made-up stats, p3 with its file's own; p4 never cached.
        let first = DiskPostCache(folder: folder.appendingPathComponent("cache"), scope: "s", reuse: true, racyMargin: 0)
        for i in 0..<3 { first.store(posts[i].0, for: posts[i].1, identity: made(i)) }
        first.store(posts[3].0, for: posts[3].1, identity: try stat(3))
        #expect(try first.save())

        // Given: p0 and p1 as remembered, p2 changed since; p3 and p4 not given, so their files' own are taken.
        var given = [0: made(0), 1: made(1), 2: made(2)]
        given[2]?.modified += 1
        let second = DiskPostCache(folder: folder.appendingPathComponent("cache"), scope: "s", reuse: true, racyMargin: 0,
                                   identities: Dictionary(uniqueKeysWithValues: given.map { ("p\($0.key).md", $0.value) }))
        let files = posts.map { PostFile(path: source.appendingPathComponent($0.0.sourcePath).path, relativePath: $0.0.sourcePath, role: .folder) }
        let found = second.posts(unchangedAt: files)
        #expect(found.count == 5)
        for i in [0, 1, 3] {
            #expect(found[i] == posts[i].0, "p\(i)")
            #expect(found[i]?.contentHTML == content(i), "p\(i)")
            #expect(second.contentHash(of: "p\(i).md") == posts[i].1.contentHash, "p\(i)")
        }
        #expect(found[2] == nil && found[4] == nil)
        #expect(second.contentHash(of: "p2.md") == nil)
        #expect(second.hits == 3 && second.statHits == 3 && second.misses == 0)

        // Saved, the cache keeps the posts found and drops the others; one by one, the next run finds the same.
        #expect(try second.save())
        let third = DiskPostCache(folder: folder.appendingPathComponent("cache"), scope: "s", reuse: true, racyMargin: 0)
        #expect(third.post(unchangedAt: "p0.md", identity: made(0)) == posts[0].0)
        #expect(third.post(unchangedAt: "p3.md", identity: try stat(3)) == posts[3].0)
        #expect(third.post(unchangedAt: "p2.md", identity: made(2)) == nil)
        // Without given stats, each file's own: only p3's is the one remembered.
        #expect(third.posts(unchangedAt: files).map { $0 != nil } == [false, false, false, true, false])
    }

    @Test func compactingThePackKeepsEveryLivePostAndDropsTheDeadContent() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("crier-cache-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        // Eight posts of 270 KB: five dropped leave more dead content than live, over a megabyte.
        func content(_ i: Int, _ version: String = "") -> String {
            "<p>Post \(i)\(version): " + String(repeating: "filler \(i) ", count: 30_000) + "</p>"
        }
        let posts = (0..<8).map { CacheFixture.post("p\($0).md", content($0)) }
        let first = DiskPostCache(folder: folder, scope: "s")
        for (post, key) in posts { first.store(post, for: key) }
        #expect(try first.save())
        let oldPack = try CacheFixture.pack(in: folder)

        // p0, p2 and p3 unchanged (p2 and p3 side by side in the pack), p5 edited, the others deleted.
        let second = DiskPostCache(folder: folder, scope: "s")
        for i in [0, 2, 3] { #expect(second.post(for: posts[i].1) == posts[i].0) }
        let edited = Post(sourcePath: "p5.md", title: "p5", published: Date(timeIntervalSince1970: 1_700_000_000),
                          url: "https://example.org/p5.md", contentHTML: content(5, " edited"))
        let editedKey = PostCacheKey(path: "p5.md", size: 1, modified: 2, contentHash: "p5 edited")
        #expect(second.post(for: editedKey) == nil)
        second.store(edited, for: editedKey)
        let dead = [1, 4, 5, 6, 7].reduce(0) { $0 + content($1).utf8.count }
        let live = [0, 2, 3].reduce(0) { $0 + content($1).utf8.count } + edited.contentHTML.utf8.count
        #expect(dead > live && dead > DiskPostCache.compactionThreshold)
        #expect(try second.save())

        let pack = try CacheFixture.pack(in: folder)
        #expect(pack != oldPack && !FileManager.default.fileExists(atPath: oldPack.path))
        #expect(FileIO.identity(pack.path)?.size == Int64(live))
        let third = DiskPostCache(folder: folder, scope: "s")
        for i in [0, 2, 3] { #expect(third.post(for: posts[i].1)?.contentHTML == content(i), "p\(i)") }
        #expect(third.post(for: editedKey)?.contentHTML == edited.contentHTML)
        for i in [1, 4, 5, 6, 7] { #expect(third.post(for: posts[i].1) == nil, "p\(i)") }
        #expect(try !third.save(), "a compacted pack is left as it is")
    }

    @Test func aPostWhoseStatIsFirstRememberedInACompactingRunIsFoundAtItsNewPlaceInThePack() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("crier-cache-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        func content(_ i: Int) -> String { "<p>Post \(i): " + String(repeating: "filler \(i) ", count: 30_000) + "</p>" }
        let posts = (0..<8).map { CacheFixture.post("p\($0).md", content($0)) }
        let first = DiskPostCache(folder: folder, scope: "s")
        for (post, key) in posts { first.store(post, for: key) }
        #expect(try first.save())

        // p3's file has stopped changing since it was read: this run remembers its stat,
        // and compacts the pack (p1 and four others are gone), so p3's content moves up.
        let settled = FileIO.Identity(device: 1, inode: 2, size: 3, mode: 0o100644, modified: 1_600_000_000_123_456_789,
                                      changed: 1_600_000_000_123_456_789)
        let second = DiskPostCache(folder: folder, scope: "s", reuse: true, racyMargin: 0)
        #expect(second.post(for: posts[0].1) == posts[0].0)
        #expect(second.post(for: posts[3].1, identity: settled) == posts[3].0)
        #expect(try second.save())
        #expect(FileIO.identity(try CacheFixture.pack(in: folder).path)?.size == Int64(content(0).utf8.count + content(3).utf8.count))

        let third = DiskPostCache(folder: folder, scope: "s", reuse: true, racyMargin: 0)
        let found = try #require(third.post(unchangedAt: "p3.md", identity: settled))
        #expect(try found.content.readText() == content(3))
        #expect(third.post(for: posts[0].1)?.contentHTML == content(0))
    }

    @Test func aTornIndexIsAMissForEveryPostAndNeverACrash() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("crier-cache-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        // The second post's content has no printable character: it is read at the lookup.
        let posts = [CacheFixture.post("a.md", "<p>A</p>"), CacheFixture.post("b.md", String(repeating: "\u{A0}", count: 10))]
        let first = DiskPostCache(folder: folder, scope: "s")
        for (post, key) in posts { first.store(post, for: key) }
        #expect(try first.save())
        let index = folder.appendingPathComponent(DiskPostCache.indexName)
        let whole = try #require(FileIO.read(index.path))
        for length in 0..<whole.count {
            try Data(whole[..<length]).write(to: index)
            let cache = DiskPostCache(folder: folder, scope: "s")
            #expect(posts.allSatisfy { cache.post(for: $0.1) == nil }, "the index cut at \(length) bytes")
        }
        // An index whose pack is gone is no use either.
        try Data(whole).write(to: index)
        let pack = try CacheFixture.pack(in: folder)
        let packBytes = try #require(FileIO.read(pack.path))
        #expect(DiskPostCache(folder: folder, scope: "s").post(for: posts[1].1) == posts[1].0)
        #expect(unlink(pack.path) == 0)
        #expect(DiskPostCache(folder: folder, scope: "s").post(for: posts[0].1) == nil)

        // A pack cut short: the posts beyond its end are misses.
        try Data(packBytes.dropLast()).write(to: pack)
        let cut = DiskPostCache(folder: folder, scope: "s")
        #expect(cut.post(for: posts[0].1) == posts[0].0 && cut.post(for: posts[1].1) == nil)

        // The next save writes what the run rendered, and the cache works again.
        try Data(whole[..<(whole.count / 2)]).write(to: index)
        let next = DiskPostCache(folder: folder, scope: "s")
        for (post, key) in posts {
            #expect(next.post(for: key) == nil)
            next.store(post, for: key)
        }
        #expect(try next.save())
        let again = DiskPostCache(folder: folder, scope: "s")
        #expect(posts.allSatisfy { again.post(for: $0.1) == $0.0 })
    }

    @Test func contentOverwrittenInThePackFailsOnlyTheFeedThatNeedsItAndTheNextRunRendersItAgain() async throws {
        let site = try PublishSite("formats: [atom, rss, json]")
        for day in 1...3 { try site.post("p\(day)", day: day, body: "Marker\(day) text of post \(day).") }
        #expect(try await site.publish().succeeded)
        let scopes = try #require(FileIO.names(in: site.options().cacheFolder.path))
        let folder = site.options().cacheFolder.appendingPathComponent(try #require(scopes.first))
        let pack = try CacheFixture.pack(in: folder)
        try CacheFixture.damage(Array("Marker2".utf8), in: pack)

        // Another post changes, so the feeds are made again: the JSON Feed, written whole,
        // needs post 2's content; Atom and RSS copy its entry from the published files.
        try site.post("p3", day: 3, body: "Marker3 edited.")
        let failed = try await site.publish()
        #expect(!failed.succeeded)
        #expect(failed.build.feedFailures.map(\.path) == ["feed.json"])
        let problem = try #require(failed.build.feedFailures.first?.description)
        #expect(problem.contains(pack.path) && problem.contains("p2.md") && problem.contains("run again"), "\(problem)")
        #expect(site.text("feed.json").contains("Marker2 text") && !site.text("feed.json").contains("Marker3 edited"))

        let next = try await site.publish()
        #expect(next.succeeded && next.cacheMisses == 1 && next.cacheHits == 2)
        for path in ["feed.json", "feed.xml", "feed.rss"] {
            #expect(site.text(path).contains("Marker2 text") && site.text(path).contains("Marker3 edited"), "\(path)")
        }
    }

    @Test func withoutTheCacheEveryPostIsRenderedAgainAndTheCacheIsRefreshedForTheNextRun() async throws {
        let site = try PublishSite()
        try site.post("one", day: 1)
        try site.post("two", day: 2)
        _ = try await site.publish()
        var options = site.options()
        options.useCache = false
        let uncached = try await site.publish(options)
        #expect(uncached.cacheHits == 0 && uncached.cacheMisses == 2)
        #expect(uncached.written.isEmpty)
        let cached = try await site.publish()
        #expect(cached.cacheHits == 2 && cached.cacheMisses == 0)
    }

    @Test func aPostFileThatHasStoppedChangingIsFoundByItsStatAloneAndAnyWriteToItIsSeen() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("crier-stat-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let posts = root.appendingPathComponent("posts")
        try FileManager.default.createDirectory(at: posts, withIntermediateDirectories: true)
        for name in ["a", "b"] {
            try Data("---\ntitle: \(name)\ndate: 2024-01-01\n---\nText of \(name).\n".utf8).write(to: posts.appendingPathComponent("\(name).md"))
        }
        usleep(20_000)
        let source = PostSource.folder(posts, Site(title: "T", baseURL: "https://example.org/"))
        func load(_ cache: DiskPostCache) throws -> [String: String] {
            var options = LoadOptions()
            options.cache = cache
            let result = PostLoader.load(source, options: options)
            #expect(result.errors.isEmpty)
            try cache.save()
            return Dictionary(uniqueKeysWithValues: result.posts.map { ($0.sourcePath, $0.contentHTML) })
        }
        let folder = root.appendingPathComponent("cache")
        func cache(margin: Int64 = 0) -> DiskPostCache {
            DiskPostCache(folder: folder, scope: "s", reuse: true, racyMargin: margin)
        }
        let first = cache()
        let rendered = try load(first)
        #expect(first.misses == 2)

        // Both files stopped changing before they were read: their stat vouches for them.
        let second = cache()
        #expect(try load(second) == rendered)
        #expect(second.hits == 2 && second.statHits == 2)

        // A write of the same size right away is still seen, and that file is read again.
        let fd = open(posts.appendingPathComponent("a.md").path, O_WRONLY)
        #expect(pwrite(fd, "X", 1, 39) == 1)
        close(fd)
        let third = cache()
        let edited = try load(third)
        #expect(third.statHits == 1 && third.misses == 1)
        #expect(edited["a.md"] != rendered["a.md"] && edited["b.md"] == rendered["b.md"])

        // Files changed within the racy margin are always read.
        let fourth = cache(margin: 3_600_000_000_000)
        #expect(try load(fourth) == edited)
        #expect(fourth.statHits == 0 && fourth.hits == 2)
    }

    @Test func aDraftPublishedWithDraftsIsGoneFromTheNextRunWithout() async throws {
        let site = try PublishSite()
        try site.post("p1", day: 1)
        _ = try site.write("posts/secret.md", "---\ntitle: SecretDraft\ndate: 2024-05-02T09:00:00Z\ndraft: true\n---\nNot yet.\n")
        var options = site.options()
        options.build.includeDrafts = true
        #expect(try await site.publish(options).succeeded)
        #expect(site.text("feed.xml").contains("SecretDraft"))
        options.build.includeDrafts = false
        #expect(try await site.publish(options).succeeded)
        #expect(!site.text("feed.xml").contains("SecretDraft"))
        #expect(site.text("feed.xml").contains("Some text."))
    }

    @Test func theCacheStoresEveryPropertyOfAPost() {
        // A property added to Post but not to the cache's mirror would silently vanish
        // from cached posts.
        let post = Post(sourcePath: "a.md", title: "A", published: Date(), url: "https://example.org/a", contentHTML: "")
        let cached = CachedPost(key: PostCacheKey(path: "a.md", size: 0, modified: 0, contentHash: ""), post: post)
        // A post holds its fields in a shared storage, and nothing else.
        let storage = Mirror(reflecting: post).children
        #expect(storage.map(\.label) == ["storage"])
        let fields = storage.first.flatMap { Mirror(reflecting: $0.value).children.first { $0.label == "fields" } }
        let postFields = Set(fields.map { Mirror(reflecting: $0.value).children.compactMap(\.label) } ?? [])
        #expect(postFields.count >= 14)
        let cachedFields = Set(Mirror(reflecting: cached).children.compactMap(\.label)).subtracting(["key", "identity"])
        #expect(postFields == cachedFields)
    }

    @Test func aChangedSiteSettingStartsTheJobWithAnEmptyCache() async throws {
        let site = try PublishSite()
        try site.post("one", day: 1)
        _ = try await site.publish()
        try site.define("description: Now with a description")
        let report = try await site.publish()
        #expect(report.cacheHits == 0 && report.cacheMisses == 1)
        #expect(site.text("feed.xml").contains("Now with a description"))
    }

    @Test func aPostDatedInTheFutureAppearsOnTheFirstRunAfterItsTime() async throws {
        let site = try PublishSite()
        try site.post("past", day: 1)
        try site.post("scheduled", day: 10)
        let day9 = Date(timeIntervalSince1970: 1_704_067_200 + 9 * 86_400)

        let early = try await site.publish(site.options(now: day9))
        #expect(early.succeeded)
        #expect(!site.text("feed.xml").contains("Post scheduled"))

        let stillEarly = try await site.publish(site.options(now: day9.addingTimeInterval(86_400)))
        #expect(stillEarly.written.isEmpty, "the post is due at 09:00, not midnight")

        let due = try await site.publish(site.options(now: day9.addingTimeInterval(86_400 + 9 * 3_600 + 1)))
        #expect(Set(due.written.map(\.path)) == ["feed.xml", "feed.rss", "feed.json"])
        #expect(site.text("feed.xml").contains("Post scheduled"))
    }

    @Test func aFeedThatFailsTheGateLeavesThePublishedFileInPlaceAndNothingElseIsWritten() async throws {
        let site = try PublishSite()
        try site.post("one", day: 1)
        _ = try await site.publish()
        let before = site.snapshot()
        let published = site.bytes("feed.rss")

        try site.post("two", day: 2)
        var options = site.options()
        options.build.check = { file in
            file.format == .rss ? ["\(file.path): rejected by the test's gate"] : FeedGate.check(file)
        }
        let report = try await site.publish(options)
        #expect(!report.succeeded)
        #expect(report.build.feedFailures.map(\.path) == ["feed.rss"])
        #expect(!report.build.files.contains { $0.path == "feed.rss" }, "a refused file is no file to write")
        #expect(report.written.isEmpty)
        #expect(report.withheld == 2)
        #expect(site.snapshot() == before)
        #expect(site.bytes("feed.rss") == published)

        options.keepGoing = true
        let kept = try await site.publish(options)
        #expect(!kept.succeeded)
        #expect(Set(kept.written.map(\.path)) == ["feed.xml", "feed.json"])
        #expect(site.bytes("feed.rss") == published)
    }

    @Test func aPostThatFailsToLoadLeavesEveryPublishedFeedInPlace() async throws {
        let site = try PublishSite()
        try site.post("one", day: 1)
        _ = try await site.publish()
        let before = site.snapshot()

        try site.post("two", day: 2)
        try Data([0x2D, 0x2D, 0x2D, 0x0A, 0x74, 0x69, 0x74, 0x6C, 0x65, 0x3A, 0x20, 0xFF, 0xFE, 0x0A, 0x2D, 0x2D, 0x2D, 0x0A])
            .write(to: site.posts.appendingPathComponent("broken.md"))
        let report = try await site.publish()
        #expect(!report.succeeded)
        #expect(report.build.postErrors.contains { $0.path.hasSuffix("broken.md") })
        #expect(report.written.isEmpty)
        #expect(site.snapshot() == before)
    }

    @Test func aSecondRunGivesUpAtOnceWhileAnotherHoldsTheLockAndWaitsWhenAsked() async throws {
        let site = try PublishSite()
        try site.post("one", day: 1)
        let options = site.options()
        let held = try PublishLock.acquire(options.lockFile)

        do {
            _ = try await site.publish(options)
            Issue.record("publish ran while the lock was held")
        } catch let busy as PublishLock.Busy {
            #expect(busy.holder?.contains("pid \(getpid())") == true)
            #expect(busy.description.contains("--wait"))
        }
        #expect(site.snapshot().isEmpty)

        let releaser = Thread { usleep(300_000); held.release() }
        releaser.start()
        var waiting = options
        waiting.wait = 10
        let started = Date()
        let report = try await site.publish(waiting)
        #expect(report.succeeded)
        #expect(Date().timeIntervalSince(started) >= 0.25)
        #expect(site.bytes("feed.xml") != nil)
    }

    @Test func temporaryFilesLeftByAKilledRunAreRemovedByTheNextRun() async throws {
        let site = try PublishSite()
        try site.post("one", day: 1)
        _ = try await site.publish()

        // A pid that existed and is gone: a finished child's.
        let child = Process()
        child.executableURL = URL(fileURLWithPath: "/bin/true")
        try child.run()
        child.waitUntilExit()
        let stale = ".feed.xml.\(child.processIdentifier).12345.tmp"
        let alive = ".feed.xml.\(getppid()).12345.tmp"
        try site.write("public/\(stale)", "half a fee")
        try site.write("public/\(alive)", "someone else's")

        let report = try await site.publish()
        #expect(report.removedTemporaryFiles.map { URL(fileURLWithPath: $0).lastPathComponent } == [stale])
        #expect(!FileManager.default.fileExists(atPath: site.output.appendingPathComponent(stale).path))
        #expect(FileManager.default.fileExists(atPath: site.output.appendingPathComponent(alive).path))
    }
}
