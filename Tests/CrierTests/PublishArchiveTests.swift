@testable import Crier
import Foundation
import Synchronization
import Testing

@Suite struct PublishArchiveTests {
    let base = "https://example.org/blog/"

    private func titles(_ text: String) -> [String] {
        text.components(separatedBy: "<title>Post ").dropFirst().map { String($0.prefix { $0 != "<" }) }
    }

    @Test func theCurrentFeedKeepsTheNewestEntriesAndOlderOnesArePagedOldestFirstWithLinksBothWays() async throws {
        let site = try PublishSite("limit: 3\narchive: true\narchive_size: 2\nhub: http://127.0.0.1:9/hub")
        for day in 1...8 { try site.post("p\(day)", day: day) }
        var options = site.options()
        options.ping = PingPolicy(attempts: 1, firstDelay: 0, timeout: 1)
        let report = try await site.publish(options)
        #expect(report.succeeded, "\(report.build.feedFailures)")

        let current = site.text("feed.xml")
        #expect(titles(current) == ["p8", "p7", "p6"])
        #expect(current.contains("<link rel=\"prev-archive\" href=\"\(base)feed/archive/3.xml\" type=\"application/atom+xml\"/>"))
        #expect(!current.contains("fh:archive"))
        #expect(site.text("feed.rss").contains("<atom:link href=\"\(base)feed/archive/3.rss\" rel=\"prev-archive\" type=\"application/rss+xml\"/>"))
        let json = try JSONSerialization.jsonObject(with: Data(site.text("feed.json").utf8)) as? [String: Any]
        #expect((json?["items"] as? [Any])?.count == 3)

        // Five older entries, pages of two from the oldest: [p1 p2] [p3 p4] [p5].
        let pages = (1...3).map { site.text("feed/archive/\($0).xml") }
        #expect(pages.map(titles) == [["p2", "p1"], ["p4", "p3"], ["p5"]])
        for (index, page) in pages.enumerated() {
            let number = index + 1
            #expect(page.contains("<fh:archive xmlns:fh=\"http://purl.org/syndication/history/1.0\"/>"))
            #expect(page.contains("<link rel=\"current\" href=\"\(base)feed.xml\" type=\"application/atom+xml\"/>"))
            #expect(page.contains("<link rel=\"self\" type=\"application/atom+xml\" href=\"\(base)feed/archive/\(number).xml\"/>"))
            #expect(page.contains("rel=\"prev-archive\"") == (number > 1))
            #expect(page.contains("rel=\"next-archive\"") == (number < 3))
            #expect(!page.contains("rel=\"hub\""), "readers subscribe to the current document, not to archives")
        }
        #expect(pages[1].contains("<link rel=\"prev-archive\" href=\"\(base)feed/archive/1.xml\""))
        #expect(pages[1].contains("<link rel=\"next-archive\" href=\"\(base)feed/archive/3.xml\""))
        #expect(site.text("feed/archive/2.rss").contains("<fh:archive"))
        #expect(site.bytes("feed/archive/1.json") == nil, "JSON Feed has no archive relations")
        // Archive documents are never announced to hubs; the three current files are.
        #expect(Set(report.pings.map(\.ping.topic)) == ["\(base)feed.xml", "\(base)feed.rss", "\(base)feed.json"])
    }

    @Test func whenAnArchiveCannotBeWrittenTheFeedsThatLinkToItAreNotWrittenEither() async throws {
        let site = try PublishSite("limit: 3\narchive: true\narchive_size: 2\nformats: [atom]")
        for day in 1...5 { try site.post("p\(day)", day: day) }
        // A file where the archive folder must go: the archive documents cannot be written
        // (a permission would not stop root, which CI runs as).
        try site.write("public/feed/archive", "in the way")
        let report = try await site.publish()
        #expect(!report.succeeded && !report.writeErrors.isEmpty)
        #expect(report.written.isEmpty && report.withheld == 1, "the feed waits for its archives")
        #expect(site.bytes("feed.xml") == nil)

        try FileManager.default.removeItem(at: site.output.appendingPathComponent("feed/archive"))
        let next = try await site.publish()
        #expect(next.succeeded && site.text("feed.xml").contains("prev-archive"))
        #expect(site.bytes("feed/archive/1.xml") != nil)
    }

    @Test func aBuildWritesTheSameArchiveDocumentsAsAPublishEachValidated() async throws {
        let site = try PublishSite("limit: 3\narchive: true\narchive_size: 2")
        for day in 1...8 { try site.post("p\(day)", day: day) }
        let options = site.options()
        #expect(try await site.publish(options).succeeded)

        let checked = Mutex<Set<String>>([])
        var build = BuildOptions()
        build.now = options.build.now
        build.check = { file in
            checked.withLock { _ = $0.insert(file.path) }
            return FeedGate.check(file)
        }
        let outcome = BuildPipeline.run(try site.jobs(), options: build)
        #expect(outcome.succeeded)
        let paths = Set(outcome.files.map(\.path))
        #expect(paths.isSuperset(of: ["feed.xml", "feed.rss", "feed/archive/1.xml", "feed/archive/3.rss"]))
        #expect(checked.withLock { $0 } == paths)
        for file in outcome.files {
            #expect(site.bytes(file.path) == file.bytes, "\(file.path)")
        }
    }

    @Test func fullArchiveDocumentsNeverChangeAsNewPostsArrive() async throws {
        let site = try PublishSite("limit: 3\narchive: true\narchive_size: 2")
        for day in 1...7 { try site.post("p\(day)", day: day) }
        _ = try await site.publish()
        // Four older entries fill pages 1 and 2; page 3 is published empty so that page 2
        // can link to it from the start.
        #expect((1...3).map { titles(site.text("feed/archive/\($0).xml")) } == [["p2", "p1"], ["p4", "p3"], []])
        let full = ["feed/archive/1.xml", "feed/archive/1.rss", "feed/archive/2.xml", "feed/archive/2.rss"]
        let frozen = full.map(site.bytes)
        let before = site.snapshot()

        var seen: Set<String> = []
        for day in 8...11 {
            try site.post("p\(day)", day: day)
            let report = try await site.publish()
            #expect(report.succeeded)
            seen.formUnion(report.written.map(\.path))
            #expect(full.map(site.bytes) == frozen)
        }
        #expect(seen.isDisjoint(with: full))
        let after = site.snapshot()
        for path in full { #expect(after[path] == before[path]) }
        // Eight older entries now: four full pages and an empty fifth.
        #expect((1...5).map { titles(site.text("feed/archive/\($0).xml")) } == [["p2", "p1"], ["p4", "p3"], ["p6", "p5"], ["p8", "p7"], []])
        #expect(titles(site.text("feed.xml")) == ["p11", "p10", "p9"])
        #expect(site.text("feed.xml").contains("href=\"\(base)feed/archive/5.xml\""))
    }

    @Test func aDefinitionReadsTheArchiveKeysAndRefusesAnEmptyPageSize() throws {
        let site = try PublishSite("archive: true\narchive_size: 7")
        let definition = try FeedDefinition.load(site.definition)
        #expect(definition.archive && definition.archiveSize == 7)
        try site.define("archive_size: 0")
        #expect(throws: PostError.self) { try FeedDefinition.load(site.definition) }
        try site.define("")
        #expect(try !FeedDefinition.load(site.definition).archive)
    }

    @Test func archivePagesSitBesideTheFeedTheyBelongTo() {
        #expect(FeedArchive.pagePath(of: "blog/feed.xml", number: 3) == "blog/feed/archive/3.xml")
        #expect(FeedArchive.pagePath(of: "feed/by_tag/swift.xml", number: 1) == "feed/by_tag/swift/archive/1.xml")
        #expect(FeedArchive.pagePath(of: "atom", number: 2) == "atom/archive/2.xml")
    }
}
