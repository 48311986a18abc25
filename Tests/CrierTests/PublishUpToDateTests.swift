@testable import Crier
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The no-op fast path of `crier publish`: a run that finds inputs, options and published
/// files as the last successful run left them renders nothing; anything that could change
/// the output makes it build again, and the output is then right.
@Suite struct PublishUpToDateTests {
    /// Options whose `stat` check is trusted at once (no file is "racy"), so a test can
    /// change a file right after a run and see `stat` alone catch it.
    private func statOnly(_ site: PublishSite, now: Date = Date()) -> PublishOptions {
        var options = site.options(now: now)
        options.racyMargin = 0
        return options
    }

    private func setModificationTime(_ url: URL, nanoseconds: Int) {
        var times = [timespec(tv_sec: nanoseconds / 1_000_000_000, tv_nsec: nanoseconds % 1_000_000_000),
                     timespec(tv_sec: nanoseconds / 1_000_000_000, tv_nsec: nanoseconds % 1_000_000_000)]
        #expect(utimensat(AT_FDCWD, url.path, &times, 0) == 0)
    }

    private func modificationTime(_ url: URL) -> Int {
        var info = stat()
        _ = stat(url.path, &info)
        return info.st_mtim.tv_sec * 1_000_000_000 + info.st_mtim.tv_nsec
    }

    @Test func aRunWithNothingChangedRendersAndWritesNothingAndReportsTheLastRunsCounts() async throws {
        let site = try PublishSite("tags: true")
        try site.post("one", day: 1, tags: ["swift"])
        try site.post("two", day: 2, tags: ["linux"])
        let first = try await site.publish(statOnly(site))
        #expect(first.succeeded && !first.upToDate)
        #expect(FileManager.default.fileExists(atPath: site.options().manifestFile.path))
        let before = site.snapshot()

        let second = try await site.publish(statOnly(site))
        #expect(second.succeeded && second.upToDate)
        #expect(second.written.isEmpty && second.cacheMisses == 0)
        #expect(second.unchanged == first.written.count)
        #expect(second.build.postCount == 2 && second.cacheHits == 2)
        #expect(site.snapshot() == before)

        // Files changed within the margin before a run are checked by content by the next.
        try site.post("three", day: 3)
        let third = try await site.publish()
        #expect(!third.upToDate)
        #expect(PublishManifest.read(site.options().manifestFile)?.racy.isEmpty == false)
        let fourth = try await site.publish()
        #expect(fourth.upToDate)
    }

    @Test func aFolderWhoseNameIsNotUTF8DoesNotStopARunFromFindingNothingChanged() async throws {
        let site = try PublishSite()
        try site.post("one", day: 1)
        // posts/bad<FF>name/, made with the raw bytes of its name.
        let path = Array(site.root.appendingPathComponent("posts").path.utf8) + Array("/bad".utf8) + [0xFF] + Array("name".utf8) + [0]
        #expect(path.withUnsafeBufferPointer { $0.withMemoryRebound(to: CChar.self) { mkdir($0.baseAddress!, 0o755) } } == 0)
        let first = try await site.publish(statOnly(site))
        #expect(first.succeeded && !first.upToDate)
        let second = try await site.publish(statOnly(site))
        #expect(second.succeeded && second.upToDate)
    }

    @Test func aPostRewrittenWithTheSameSizeAndItsModificationTimePutBackIsPublished() async throws {
        let site = try PublishSite()
        let post = try site.post("one", day: 1, body: "Original words.")
        try site.post("two", day: 2)
        _ = try await site.publish(statOnly(site))
        let mtime = modificationTime(post)
        let size = try Data(contentsOf: post).count

        try site.post("one", day: 1, body: "Replaced words.")
        #expect(try Data(contentsOf: post).count == size)
        setModificationTime(post, nanoseconds: mtime)
        #expect(modificationTime(post) == mtime)

        let report = try await site.publish(statOnly(site))
        #expect(!report.upToDate)
        #expect(report.cacheMisses == 1, "the cache sees the new SHA-256")
        #expect(site.text("feed.xml").contains("Replaced words."))
    }

    @Test func aRacyFileIsVouchedForByItsContentNotItsStat() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("crier-racy-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("post.md")
        try Data("first".utf8).write(to: file)
        let snapshot = PublishManifest.InputSnapshot(fingerprint: "f", racy: [(0, "post.md", file.path)])
        let now = Date()

        var manifest = PublishManifest(fingerprint: "f")
        manifest.racy = [PublishManifest.RacyInput(path: file.path, contentHash: PublishDigest.hex(bytes: Array("first".utf8)))]
        #expect(manifest.isCurrent(for: snapshot, now: now))
        // Same stat (the fingerprint) but other bytes: only the content can tell.
        manifest.racy[0].contentHash = PublishDigest.hex(bytes: Array("fir5t".utf8))
        #expect(!manifest.isCurrent(for: snapshot, now: now))
        #expect(!PublishManifest(fingerprint: "g").isCurrent(for: snapshot, now: now))

        // Once the file is no longer racy, the manifest stops checking it.
        let later = PublishManifest.InputSnapshot(fingerprint: "f", racy: [])
        #expect(manifest.refreshed(for: later)?.racy.isEmpty == true)
        #expect(manifest.refreshed(for: snapshot) == nil)
    }

    @Test func theManifestSurvivesTheRoundTripAndABadOneIsIgnored() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("crier-manifest-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("manifest")
        var manifest = PublishManifest(fingerprint: "abc")
        manifest.racy = [PublishManifest.RacyInput(path: "/a/b.md", contentHash: "00ff")]
        manifest.validFrom = 12.5
        manifest.outputs = [PublishManifest.Output(path: "/out/feed.xml", identity: FileIO.Identity(device: 1, inode: UInt64.max, size: 3, mode: 0o100644, modified: -5, changed: 7))]
        manifest.folders = ["/out", "/out/.crier"]
        manifest.postCount = 3
        manifest.feedCount = 2
        manifest.warnings = [PostError(path: "p.md", line: 4, message: "w ü"), PostError(path: "q.md", message: "v")]
        try manifest.write(to: file)
        #expect(PublishManifest.read(file) == manifest)

        let bytes = try Data(contentsOf: file)
        try bytes.dropLast().write(to: file)
        #expect(PublishManifest.read(file) == nil, "a truncated manifest is no manifest")
        try Data("{}".utf8).write(to: file)
        #expect(PublishManifest.read(file) == nil)
    }

    @Test func aNewPostADeletedPostAndAnEditedPostAreAllPublished() async throws {
        let site = try PublishSite()
        try site.post("one", day: 1)
        let two = try site.post("two", day: 2)
        _ = try await site.publish(statOnly(site))

        try site.post("three", day: 3)
        let added = try await site.publish(statOnly(site))
        #expect(!added.upToDate && added.cacheMisses == 1 && added.cacheHits == 2)
        #expect(site.text("feed.xml").contains("Post three"))
        #expect(try await site.publish(statOnly(site)).upToDate)

        try FileManager.default.removeItem(at: two)
        let removed = try await site.publish(statOnly(site))
        #expect(!removed.upToDate && removed.build.postCount == 2)
        #expect(!site.text("feed.xml").contains("Post two"))
        #expect(try await site.publish(statOnly(site)).upToDate)

        try site.post("one", day: 1, body: "A longer text than before.")
        let edited = try await site.publish(statOnly(site))
        #expect(!edited.upToDate && edited.cacheMisses == 1)
        #expect(site.text("feed.xml").contains("A longer text than before."))
    }

    @Test func aPostAddedToAFolderThatHeldNoPostsIsFoundWithoutListingEveryFolderEachRun() async throws {
        let site = try PublishSite()
        try site.post("one", day: 1)
        try FileManager.default.createDirectory(at: site.posts.appendingPathComponent("2024/empty"), withIntermediateDirectories: true)
        _ = try await site.publish(statOnly(site))
        let manifest = try #require(PublishManifest.read(site.options().manifestFile))
        #expect(manifest.inputFolders.map { URL(fileURLWithPath: $0.path).lastPathComponent }.sorted() == ["2024", "empty", "posts"])
        #expect(try await site.publish(statOnly(site)).upToDate)

        try site.write("posts/2024/empty/nested.md", "---\ntitle: Nested\ndate: 2024-01-03T00:00:00Z\n---\n\nDeep down.\n")
        let report = try await site.publish(statOnly(site))
        #expect(!report.upToDate)
        #expect(site.text("feed.xml").contains("Deep down."))
    }

    @Test func aChangedDefinitionOrSiteConfigurationBuildsAgain() async throws {
        let site = try PublishSite()
        try site.post("one", day: 1)
        _ = try await site.publish(statOnly(site))
        try site.define("description: Now described")
        let report = try await site.publish(statOnly(site))
        #expect(!report.upToDate)
        #expect(site.text("feed.xml").contains("Now described"))

        // A Jekyll site: its `_config.yml` decides the feed.
        let jekyll = try PublishSite()
        try jekyll.write("blog/_config.yml", "title: First Title\nurl: https://example.org\n")
        try jekyll.write("blog/_posts/2024-01-02-hello.md", "---\ntitle: Hello\n---\n\nHi.\n")
        let jobs = [BuildJob(source: .site(jekyll.root.appendingPathComponent("blog")), formats: [.atom])]
        _ = try await Publisher.publish(jobs, options: statOnly(jekyll))
        #expect(try await Publisher.publish(jobs, options: statOnly(jekyll)).upToDate)
        try jekyll.write("blog/_config.yml", "title: Other Title\nurl: https://example.org\n")
        let changed = try await Publisher.publish(jobs, options: statOnly(jekyll))
        #expect(!changed.upToDate)
        #expect(jekyll.text("feed.xml").contains("Other Title"))
    }

    @Test func aScheduledPostIsPublishedWhenDueAndNotBefore() async throws {
        let site = try PublishSite()
        try site.post("past", day: 1)
        try site.post("scheduled", day: 10)
        let day9 = Date(timeIntervalSince1970: 1_704_067_200 + 9 * 86_400)
        _ = try await site.publish(statOnly(site, now: day9))

        let early = try await site.publish(statOnly(site, now: day9.addingTimeInterval(86_400)))
        #expect(early.upToDate, "the post is due at 09:00 on day 10")
        let due = try await site.publish(statOnly(site, now: day9.addingTimeInterval(86_400 + 9 * 3_600)))
        #expect(!due.upToDate)
        #expect(site.text("feed.xml").contains("Post scheduled"))
        #expect(try await site.publish(statOnly(site, now: day9.addingTimeInterval(2 * 86_400))).upToDate)

        // A clock set back before the post's time builds again and leaves it out.
        let back = try await site.publish(statOnly(site, now: day9))
        #expect(!back.upToDate)
        #expect(!site.text("feed.xml").contains("Post scheduled"))
    }

    @Test func anExpiredPostLeavesTheFeedOnTheFirstRunAfterItsExpiry() async throws {
        let site = try PublishSite()
        try site.write("hugo/hugo.toml", "title = \"Hugo Site\"\nbaseURL = \"https://example.org/\"\n")
        try site.write("hugo/content/posts/keep.md", "---\ntitle: Keep\ndate: 2024-01-01T00:00:00Z\n---\n\nKept.\n")
        try site.write("hugo/content/posts/gone.md", "---\ntitle: Gone\ndate: 2024-01-02T00:00:00Z\nexpiryDate: 2024-02-01T00:00:00Z\n---\n\nGone soon.\n")
        let jobs = [BuildJob(source: .site(site.root.appendingPathComponent("hugo")), formats: [.atom])]
        let january = Date(timeIntervalSince1970: 1_705_000_000)
        _ = try await Publisher.publish(jobs, options: statOnly(site, now: january))
        #expect(site.text("feed.xml").contains("Gone soon."))
        #expect(try await Publisher.publish(jobs, options: statOnly(site, now: january.addingTimeInterval(3_600))).upToDate)

        let february = Date(timeIntervalSince1970: 1_706_745_600)  // 2024-02-01T00:00:00Z
        let expired = try await Publisher.publish(jobs, options: statOnly(site, now: february))
        #expect(!expired.upToDate)
        #expect(!site.text("feed.xml").contains("Gone soon."))
        #expect(site.text("feed.xml").contains("Kept."))
    }

    /// A Hugo `_index` page's `cascade` reaches posts that did not change: editing it
    /// makes the next run build, and the cached posts take the new cascade.
    @Test func aCascadeChangedInAnIndexPageIsPublished() async throws {
        let site = try PublishSite()
        try site.write("hugo/hugo.toml", "title = \"Hugo Site\"\nbaseURL = \"https://example.org/\"\n")
        try site.write("hugo/content/posts/keep.md", "---\ntitle: Keep\ndate: 2024-01-01T00:00:00Z\n---\n\nKept.\n")
        try site.write("hugo/content/notes/hide.md", "---\ntitle: Hide\ndate: 2024-01-02T00:00:00Z\n---\n\nHidden soon.\n")
        try site.write("hugo/content/notes/_index.md", "---\ntitle: Notes\n---\n")
        try site.write("hugo/content/pages/stay.md", "---\ntitle: Stay\ndate: 2024-01-03T00:00:00Z\n---\n\nStays.\n")
        let jobs = [BuildJob(source: .site(site.root.appendingPathComponent("hugo")), formats: [.atom])]
        _ = try await Publisher.publish(jobs, options: statOnly(site))
        #expect(site.text("feed.xml").contains("Hidden soon."))
        #expect(try await Publisher.publish(jobs, options: statOnly(site)).upToDate)

        try site.write("hugo/content/notes/_index.md", "---\ntitle: Notes\ncascade:\n  draft: true\n---\n")
        let hidden = try await Publisher.publish(jobs, options: statOnly(site))
        #expect(!hidden.upToDate)
        #expect(!site.text("feed.xml").contains("Hidden soon."))
        #expect(site.text("feed.xml").contains("Kept."))
        #expect(try await Publisher.publish(jobs, options: statOnly(site)).upToDate)

        // A new `_index` page with a cascade is found too.
        try site.write("hugo/content/posts/_index.md", "---\ntitle: Posts\ncascade:\n  _build:\n    list: never\n---\n")
        let unlisted = try await Publisher.publish(jobs, options: statOnly(site))
        #expect(!unlisted.upToDate)
        #expect(!site.text("feed.xml").contains("Kept."))
        #expect(site.text("feed.xml").contains("Stays."))
    }

    @Test func aPublishedFileDeletedOrEditedByHandIsPutBack() async throws {
        let site = try PublishSite()
        try site.post("one", day: 1)
        _ = try await site.publish(statOnly(site))
        let good = try #require(site.bytes("feed.xml"))
        let rss = site.output.appendingPathComponent("feed.rss")
        let goodRSS = try Data(contentsOf: rss)

        try FileManager.default.removeItem(at: site.output.appendingPathComponent("feed.xml"))
        let deleted = try await site.publish(statOnly(site))
        #expect(!deleted.upToDate)
        #expect(deleted.written.map(\.path) == ["feed.xml"])
        #expect(site.bytes("feed.xml") == good)

        // Same size, modification time put back: the status-change time still tells.
        let mtime = modificationTime(rss)
        var edited = goodRSS
        edited[edited.count - 2] = UInt8(ascii: "X")
        try edited.write(to: rss)
        setModificationTime(rss, nanoseconds: mtime)
        let repaired = try await site.publish(statOnly(site))
        #expect(!repaired.upToDate)
        #expect(repaired.written.map(\.path) == ["feed.rss"])
        #expect(try Data(contentsOf: rss) == goodRSS)
        #expect(try await site.publish(statOnly(site)).upToDate)
    }

    @Test func otherFormatsLimitsFutureOrDraftsBuildAgain() async throws {
        let site = try PublishSite("formats: [atom]")
        try site.post("one", day: 1)
        try site.post("two", day: 2)
        let future = Date().addingTimeInterval(400 * 86_400)
        try site.write("posts/later.md", "---\ntitle: Later\ndate: \(FeedDates.rfc3339(future))\n---\n\nLater.\n")
        try site.write("posts/draft.md", "---\ntitle: Drafty\ndate: 2024-01-05T00:00:00Z\ndraft: true\n---\n\nDraft.\n")
        let definition = try FeedDefinition.load(site.definition)
        func jobs(_ formats: [FeedFormat]) -> [BuildJob] { [BuildJob(source: definition.source, definition: definition, formats: formats)] }
        _ = try await Publisher.publish(jobs([.atom]), options: statOnly(site))
        #expect(try await Publisher.publish(jobs([.atom]), options: statOnly(site)).upToDate)

        let rss = try await Publisher.publish(jobs([.atom, .rss]), options: statOnly(site))
        #expect(!rss.upToDate && rss.written.map(\.path) == ["feed.rss"])

        var limited = statOnly(site)
        limited.build.limit = 1
        let one = try await Publisher.publish(jobs([.atom, .rss]), options: limited)
        #expect(!one.upToDate && one.written.first?.entryCount == 1)
        #expect(try await Publisher.publish(jobs([.atom, .rss]), options: limited).upToDate)

        var withFuture = statOnly(site)
        withFuture.build.includeFuture = true
        let later = try await Publisher.publish(jobs([.atom, .rss]), options: withFuture)
        #expect(!later.upToDate)
        #expect(site.text("feed.xml").contains("Later."))

        var withDrafts = withFuture
        withDrafts.build.includeDrafts = true
        let drafts = try await Publisher.publish(jobs([.atom, .rss]), options: withDrafts)
        #expect(!drafts.upToDate)
        #expect(site.text("feed.xml").contains("Drafty"))
        #expect(try await Publisher.publish(jobs([.atom, .rss]), options: withDrafts).upToDate)

        var uncached = withDrafts
        uncached.useCache = false
        #expect(try await !Publisher.publish(jobs([.atom, .rss]), options: uncached).upToDate, "--no-cache builds")
    }

    @Test func aRunThatFailsLeavesNoManifestThatCouldSkipTheNextAndWarningsAreShownAgain() async throws {
        let site = try PublishSite()
        try site.post("one", day: 1)
        try site.write("posts/undated.md", "---\ntitle: Undated\n---\n\nNo date.\n")
        let first = try await site.publish(statOnly(site))
        #expect(first.build.warnings.contains { $0.path.hasSuffix("undated.md") })
        let again = try await site.publish(statOnly(site))
        #expect(again.upToDate)
        #expect(again.build.warnings == first.build.warnings)

        try Data([0x2D, 0x2D, 0x2D, 0x0A, 0x74, 0x3A, 0x20, 0xFF, 0x0A, 0x2D, 0x2D, 0x2D, 0x0A]).write(to: site.posts.appendingPathComponent("broken.md"))
        for _ in 0..<2 {
            let failed = try await site.publish(statOnly(site))
            #expect(!failed.succeeded && !failed.upToDate)
            #expect(failed.build.postErrors.contains { $0.path.hasSuffix("broken.md") })
        }
    }

    @Test func theCacheKeepsAnIndexAndAPackDropsDeletedPostsAndOldScopesAndShrugsOffABadIndex() async throws {
        let site = try PublishSite()
        try site.post("one", day: 1)
        let two = try site.post("two", day: 2)
        _ = try await site.publish(statOnly(site))
        let cacheFolder = site.options().cacheFolder
        let scopes = try #require(FileIO.names(in: cacheFolder.path))
        #expect(scopes.count == 1)
        let folder = cacheFolder.appendingPathComponent(scopes[0])
        let index = folder.appendingPathComponent(DiskPostCache.indexName)
        func indexed(_ name: String) -> Bool { FileIO.read(index.path)?.firstRange(of: Array("\(name).md".utf8)) != nil }
        #expect(FileIO.names(in: folder.path)?.count == 2, "an index and a pack")
        #expect(indexed("one") && indexed("two"))

        try FileManager.default.removeItem(at: two)
        _ = try await site.publish(statOnly(site))
        #expect(indexed("one") && !indexed("two"))
        #expect(FileIO.names(in: folder.path)?.count == 2)

        // A damaged or torn index is a miss for every post: they are rendered again and
        // the index is written anew, naming a new pack (the old one is removed).
        try Data("CRIERCACHE garbage".utf8).write(to: index)
        try site.post("three", day: 3)
        let report = try await site.publish(statOnly(site))
        #expect(report.succeeded && report.cacheMisses == 2 && report.cacheHits == 0)
        #expect(site.text("feed.xml").contains("Post one"))
        #expect(indexed("one") && indexed("three"))
        #expect(FileIO.names(in: folder.path)?.count == 2)
        try Data(contentsOf: index).dropLast(2).write(to: index)
        try site.post("four", day: 4)
        let torn = try await site.publish(statOnly(site))
        #expect(torn.succeeded && torn.cacheMisses == 3 && torn.cacheHits == 0)
        var zeroed = try Data(contentsOf: index)
        zeroed.replaceSubrange(zeroed.count - 8..<zeroed.count, with: [UInt8](repeating: 0, count: 8))
        try zeroed.write(to: index)
        try site.post("five", day: 5)
        let blank = try await site.publish(statOnly(site))
        #expect(blank.succeeded && blank.cacheMisses == 4 && blank.cacheHits == 0)
        try site.post("six", day: 6)
        let whole = try await site.publish(statOnly(site))
        #expect(whole.succeeded && whole.cacheMisses == 1 && whole.cacheHits == 4)

        // Another configuration: a new scope folder, the old one removed.
        try site.define("description: changed")
        _ = try await site.publish(statOnly(site))
        let after = try #require(FileIO.names(in: cacheFolder.path))
        #expect(after.count == 1 && after != scopes)
    }
}
