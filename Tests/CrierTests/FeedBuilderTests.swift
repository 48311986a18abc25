@testable import Crier
import Foundation
import Testing

@Suite struct FeedBuilderTests {
    let now = SamplePosts.date("2025-01-01T00:00:00Z")

    @Test func entriesAreNewestFirstWithTiesBrokenByPath() {
        let when = SamplePosts.date("2024-05-05T10:00:00Z")
        let posts = ["b.md", "a.md", "c.md"].map {
            Post(sourcePath: $0, title: $0, published: when, url: "https://example.org/\($0)", contentHTML: "")
        } + [Post(sourcePath: "z.md", title: "newest", published: when.addingTimeInterval(1), url: "https://example.org/z", contentHTML: "")]
        let entries = FeedBuilder(site: SamplePosts.site, now: now).feeds(from: posts)[0].feed.entries
        #expect(entries.map(\.title) == ["newest", "a.md", "b.md", "c.md"])
    }

    @Test func aLargeMainFeedBuiltInParallelHasEachPostsEntryInOrderAsBuiltOneAtATime() {
        // Enough posts for the main feed's entries to be built across the cores; shuffled,
        // some sharing a date, the last in the future.
        let count = FeedBuilder.parallelEntries + 45
        var generator = SystemRandomNumberGenerator()
        let start = SamplePosts.date("2024-01-01T00:00:00Z")
        let posts = (0..<count).map { i in
            Post(sourcePath: "p\(i).md", title: "Post \(i)", published: start.addingTimeInterval(Double(i / 3) * 3600),
                 url: "https://example.org/p\(i)", tags: ["t\(i % 7)"], contentHTML: "<p>\(i)</p>")
        }.shuffled(using: &generator)
        let now = start.addingTimeInterval(Double(count / 3 - 1) * 3600)
        let main = FeedBuilder(site: SamplePosts.site, now: now).feeds(from: posts)[0].feed.entries
        let due = posts.filter { $0.published <= now }
            .sorted { $0.published != $1.published ? $0.published > $1.published : $0.sourcePath < $1.sourcePath }
        #expect(main.count == due.count && due.count < count)
        #expect(main.map(\.title) == due.map(\.title))
        #expect(main.map(\.url) == due.map(\.url))
        #expect(main.map(\.contentHTML) == due.map(\.contentHTML))
        // The same entries as one at a time: too few for the parallel build.
        let fewer = FeedBuilder(site: SamplePosts.site, now: now, limit: FeedBuilder.parallelEntries - 1).feeds(from: posts)[0].feed.entries
        #expect(fewer.count == FeedBuilder.parallelEntries - 1)
        #expect(fewer == Array(main.prefix(fewer.count)))
    }

    @Test func futurePostsStayOutUntilTheirTimeComes() {
        var post = SamplePosts.posts[0]
        post.published = now.addingTimeInterval(3600)
        #expect(FeedBuilder(site: SamplePosts.site, now: now).feeds(from: [post])[0].feed.entries.isEmpty)
        #expect(FeedBuilder(site: SamplePosts.site, now: now.addingTimeInterval(3601)).feeds(from: [post])[0].feed.entries.count == 1)
        #expect(FeedBuilder(site: SamplePosts.site, now: now, includeFuture: true).feeds(from: [post])[0].feed.entries.count == 1)
    }

    @Test func expiredPostsAreLeftOut() {
        var post = SamplePosts.posts[0]
        post.expires = now.addingTimeInterval(-1)
        #expect(FeedBuilder(site: SamplePosts.site, now: now).feeds(from: [post])[0].feed.entries.isEmpty)
    }

    @Test func theLimitKeepsTheNewest() {
        let entries = FeedBuilder(site: SamplePosts.site, now: now, limit: 2).feeds(from: SamplePosts.posts)[0].feed.entries
        #expect(entries.map(\.title) == [SamplePosts.posts[1].title, SamplePosts.posts[0].title])
        var site = SamplePosts.site
        site.feed.postsLimit = 1
        #expect(FeedBuilder(site: site, now: now).feeds(from: SamplePosts.posts)[0].feed.entries.count == 1)
    }

    @Test func aFeedWithoutEntriesIsDatedByTheSitesNewestPostNotTheEpoch() throws {
        var site = SamplePosts.site
        site.feed.categories = ["nobody-writes-this"]
        var future = SamplePosts.posts[0]
        future.sourcePath = "future.md"
        future.published = now.addingTimeInterval(86_400)
        let posts = SamplePosts.posts + [future]
        let newest = try #require(FeedBuilder(site: site, now: now).feeds(from: posts).first?.feed.updated)
        #expect(newest > Date(timeIntervalSince1970: 0) && newest < now)
        // The empty category feed, and every feed of `--limit 0`, take the main feed's date
        // (the post not yet due does not count).
        let empty = try #require(FeedBuilder(site: site, now: now).feeds(from: posts).last)
        #expect(empty.feed.entries.isEmpty && empty.feed.updated == newest)
        #expect(FeedBuilder(site: site, now: now, limit: 0).feeds(from: posts).map(\.feed.updated) == [newest, newest])
        // Only a site with no due post at all has nothing better than the epoch.
        #expect(FeedBuilder(site: site, now: now).feeds(from: [future]).map(\.feed.updated) == [Date(timeIntervalSince1970: 0), Date(timeIntervalSince1970: 0)])
    }

    @Test func entryIDsDoNotChangeWhenTheTitleChanges() {
        var post = SamplePosts.posts[0]
        let before = EntryID.make(for: post, site: SamplePosts.site)
        post.title = "A better title"
        post.contentHTML = "<p>Rewritten.</p>"
        #expect(EntryID.make(for: post, site: SamplePosts.site) == before)
        #expect(before == "tag:example.org,2024-03-05:2024-03-05-hello")
        post.explicitID = "urn:uuid:1c7a3c4e-0000-4000-8000-000000000001"
        #expect(EntryID.make(for: post, site: SamplePosts.site) == "urn:uuid:1c7a3c4e-0000-4000-8000-000000000001")
    }

    @Test func entryIDsDropOnlyTheFileNamesExtension() {
        let cases = [
            "2024/post.md": "2024/post", "a.b/c": "a.b/c", "a.b/c.txt": "a.b/c", "noext": "noext", "a.tar.gz": "a.tar",
            "café.md": "caf%C3%A9", "dir.d/café": "dir.d/caf%C3%A9",
            // A dot with a combining accent is another character: no extension.
            "x.\u{301}md": "x.%CC%81md",
        ]
        for (path, stem) in cases {
            let post = Post(sourcePath: path, title: "T", published: SamplePosts.date("2024-03-05T10:00:00Z"), url: "https://example.org/", contentHTML: "")
            #expect(EntryID.make(for: post, site: SamplePosts.site) == "tag:example.org,2024-03-05:" + stem, "\(path)")
        }
    }

    @Test func entryIDPathsKeepWhatATagURIMayHoldAndPercentEncodeTheRest() {
        let kept = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~/!$'()*+,;=:@".utf8)
        for byte in UInt8(1)..<0x80 {
            let path = "_posts/a\(Character(Unicode.Scalar(byte)))b"
            let expected = kept.contains(byte) ? path : "_posts/a%" + String(format: "%02X", byte) + "b"
            #expect(EntryID.encode(path) == expected, "byte \(byte)")
        }
        #expect(EntryID.encode("_posts/café au lait") == "_posts/caf%C3%A9%20au%20lait")
        #expect(EntryID.encode("") == "")
    }

    @Test func tagFeedsUseReadableSlugsAndKeepTheRealName() throws {
        var site = SamplePosts.site
        site.feed.allTags = true
        site.feed.categories = ["essays"]
        let feeds = FeedBuilder(site: site, now: now).feeds(from: SamplePosts.posts)
        #expect(feeds.map(\.path) == ["feed.xml", "feed/essays.xml", "feed/by_tag/café-crème.xml", "feed/by_tag/swift.xml", "feed/by_tag/日本語.xml"])
        let japanese = try #require(feeds.first { $0.path.hasSuffix("日本語.xml") })
        #expect(japanese.feed.title == "Field Notes: 日本語")
        #expect(japanese.feed.entries.map(\.title) == ["Older"])
        #expect(japanese.feed.selfURLs[.atom] == "https://example.org/notes/feed/by_tag/%E6%97%A5%E6%9C%AC%E8%AA%9E.xml")
        let (_, entries) = try FeedReadBack.atom(try AtomWriter.write(japanese.feed))
        #expect(entries.first?.categories == ["日本語"])
        let swift = try #require(feeds.first { $0.path == "feed/by_tag/swift.xml" })
        #expect(swift.feed.entries.count == 2)
    }

    private func tagged(_ tagsOfPosts: [[String]], categories: [[String]] = []) -> [Post] {
        tagsOfPosts.enumerated().map { n, tags in
            Post(sourcePath: "p\(n).md", title: "post \(n)", published: now.addingTimeInterval(Double(n - 100) * 3600),
                 url: "https://example.org/notes/\(n)", tags: tags, categories: n < categories.count ? categories[n] : [], contentHTML: "<p>x</p>")
        }
    }

    @Test func spellingsOfATagThatDifferOnlyInCaseOrNormalisationShareOneFeed() throws {
        var site = SamplePosts.site
        site.feed.allTags = true
        site.feed.categories = ["Essays", "essays"]
        // Oldest first: SWIFT is the newest spelling, but Swift is the most used.
        let posts = tagged([["Swift"], ["swift"], ["Swift", "swift"], ["SWIFT"], ["Cafe\u{301}"], ["CAFÉ"]],
                           categories: [["essays"], ["ESSAYS"], [], ["Essays"]])
        let feeds = FeedBuilder(site: site, now: now).feeds(from: posts)
        #expect(feeds.map(\.path) == ["feed.xml", "feed/essays.xml", "feed/by_tag/café.xml", "feed/by_tag/swift.xml"])
        let swift = try #require(feeds.first { $0.path == "feed/by_tag/swift.xml" })
        #expect(swift.feed.title == "Field Notes: Swift")
        #expect(swift.feed.entries.map(\.title) == ["post 3", "post 2", "post 1", "post 0"])
        let essays = try #require(feeds.first { $0.path == "feed/essays.xml" })
        #expect(essays.feed.title == "Field Notes: Essays", "a configured list names the feed as listed first")
        #expect(essays.feed.entries.map(\.title) == ["post 3", "post 1", "post 0"])
        let cafe = try #require(feeds.first { $0.path == "feed/by_tag/café.xml" })
        #expect(cafe.feed.title == "Field Notes: CAFÉ", "one post each: the newest post's spelling")
        #expect(cafe.feed.entries.count == 2)
        // Excluding a tag excludes every spelling of it.
        site.feed.excludedTags = ["sWiFt"]
        #expect(!FeedBuilder(site: site, now: now).feeds(from: posts).contains { $0.path.contains("swift") })
    }

    /// The feed path of each tag (by feed title) when post n, older the smaller n, has
    /// the tags `tagsOfPosts[n]`.
    private func tagPaths(_ tagsOfPosts: [[String]], site: Site? = nil) -> [String: String] {
        var site = site ?? SamplePosts.site
        if site.feed.tags.isEmpty { site.feed.allTags = true }
        let feeds = FeedBuilder(site: site, now: now).feeds(from: tagged(tagsOfPosts))
        return Dictionary(uniqueKeysWithValues: feeds.dropFirst().map { (String($0.feed.title.dropFirst("Field Notes: ".count)), $0.path) })
    }

    @Test func aTagThatCollidesWithNoOtherKeepsThePlainSlugItAlwaysHad() {
        let alone = ["node.js": "node-js", "C++": "c", "C#": "c", "What's new": "what-s-new", "Swift 5.9": "swift-5-9", ".NET": "net", "🦜": "u1f99c"]
        for (tag, slug) in alone {
            #expect(tagPaths([[tag]]) == [tag: "feed/by_tag/\(slug).xml"])
        }
        #expect(tagPaths([["node.js"], ["Swift"], ["C++"], ["What's new"]])
            == ["node.js": "feed/by_tag/node-js.xml", "Swift": "feed/by_tag/swift.xml", "C++": "feed/by_tag/c.xml", "What's new": "feed/by_tag/what-s-new.xml"])
        // Case variants are one tag, not a collision.
        #expect(tagPaths([["Node.js"], ["node.js"], ["NODE.JS"]]).values.sorted() == ["feed/by_tag/node-js.xml"])
    }

    @Test func aNewerTagThatCollidesTakesTheSuffixAndTheOlderKeepsItsPath() {
        let sharp = "feed/by_tag/c_9629f5.xml", plus = "feed/by_tag/c_4c21a3.xml", c = "feed/by_tag/\(Slug.suffixed("C")).xml"
        #expect(tagPaths([["C#"]]) == ["C#": "feed/by_tag/c.xml"])
        #expect(tagPaths([["C#"], ["C++"]]) == ["C#": "feed/by_tag/c.xml", "C++": plus])
        #expect(tagPaths([["C#"], ["C++"], ["C"], ["C#"]]) == ["C#": "feed/by_tag/c.xml", "C++": plus, "C": c])
        #expect(tagPaths([["C++"], ["C#"]]) == ["C++": "feed/by_tag/c.xml", "C#": sharp])
        #expect(tagPaths([["C"], ["C++"], ["C#"]]) == ["C": "feed/by_tag/c.xml", "C++": plus, "C#": sharp])
        // A newer tag going moves nothing; the older going frees the plain slug.
        #expect(tagPaths([["C#"], ["C"]]) == ["C#": "feed/by_tag/c.xml", "C": c])
        #expect(tagPaths([["C++"], ["C"]]) == ["C++": "feed/by_tag/c.xml", "C": c])
        // Only the first post counts: a newer tag's many posts do not take the slug.
        #expect(tagPaths([["node.js"], ["Node JS"], ["Node JS"], ["node-js"]]) == ["node.js": "feed/by_tag/node-js.xml", "Node JS": "feed/by_tag/\(Slug.suffixed("node js")).xml"])
        // First used in the same post: the smaller key keeps the slug, whatever the order.
        #expect(tagPaths([["C++", "C#"]]) == ["C#": "feed/by_tag/c.xml", "C++": plus])
        #expect(tagPaths([["C#", "C++"]]) == ["C#": "feed/by_tag/c.xml", "C++": plus])
    }

    /// Long names are cut to `Slug.maxBytes` in their file names only: two tags that differ
    /// past the cut stay two feeds, the newer one's name suffixed, as for any shared slug.
    @Test func longTagsThatDifferOnlyPastTheCutStayTwoFeeds() {
        let long = String(repeating: "a", count: 250)
        let cut = String(repeating: "a", count: Slug.maxBytes)
        let paths = tagPaths([[long + "x"], [long + "y"]])
        #expect(paths == [long + "x": "feed/by_tag/\(cut).xml", long + "y": "feed/by_tag/\(cut)_\(Slug.suffixed(long + "y").suffix(6)).xml"], "\(paths)")
        #expect(Slug.key(long + "x") != Slug.key(long + "y"))
        #expect(Slug.suffixed(long + "x") != Slug.suffixed(long + "y"))
    }

    @Test func anExpiredFirstPostStillMakesItsTagTheOlder() throws {
        var site = SamplePosts.site
        site.feed.allTags = true
        var posts = tagged([["C++"], ["C#"], ["C++"]])
        posts[0].expires = now.addingTimeInterval(-1)
        let feeds = FeedBuilder(site: site, now: now).feeds(from: posts)
        #expect(feeds.map(\.path) == ["feed.xml", "feed/by_tag/c_9629f5.xml", "feed/by_tag/c.xml"])
        #expect(feeds[2].feed.entries.map(\.title) == ["post 2"])
    }

    @Test func configuredTagsAndCategoriesSettleCollisionsTheSameWay() {
        var site = SamplePosts.site
        site.feed.tags = ["C++", "C#", "Swift"]
        site.feed.categories = ["C#", "C++"]
        let posts = tagged([["C#"], ["C++", "Swift"]], categories: [["C++"], ["C#"]])
        let paths = FeedBuilder(site: site, now: now).feeds(from: posts).map(\.path)
        #expect(paths == ["feed.xml", "feed/c_9629f5.xml", "feed/c.xml", "feed/by_tag/c_4c21a3.xml", "feed/by_tag/c.xml", "feed/by_tag/swift.xml"])
        // A listed tag with no post yet is the newer one.
        site.feed.tags = ["C++", "C#"]
        site.feed.categories = []
        #expect(FeedBuilder(site: site, now: now).feeds(from: tagged([["C#"]])).map(\.path) == ["feed.xml", "feed/by_tag/c_4c21a3.xml", "feed/by_tag/c.xml"])
        #expect(FeedBuilder(site: site, now: now).feeds(from: []).map(\.path) == ["feed.xml", "feed/by_tag/c_4c21a3.xml", "feed/by_tag/c.xml"])
    }

    @Test func suffixedNamesArePinnedAndNeverAPlainSlug() {
        // Pinned: a changed hash would move every such feed.
        #expect(Slug.suffixed("C#") == "c_9629f5" && Slug.suffixed("C++") == "c_4c21a3" && Slug.suffixed("node.js") == "node-js_b89618")
        #expect(Slug.suffixed("C#") == Slug.suffixed("c#"))
        #expect(Slug.suffixed("Node JS") == Slug.suffixed("node-js"), "one tag, one name")
        #expect(Slug.suffixed("C#") != Slug.suffixed("C++"))
        #expect(Slug.suffixed("🦜").hasPrefix("u1f99c_"))
        #expect(Slug.key("Machine Learning") == Slug.key("machine-learning"))
        #expect(Slug.key("C#") != Slug.key("C++"))
    }

    @Test func slugsAreReadable() {
        #expect(Slug.make("Swift on Linux") == "swift-on-linux")
        #expect(Slug.make("  C++ & Rust!  ") == "c-rust")
        #expect(Slug.make("Ελληνικά") == "ελληνικά")
        #expect(Slug.make("🦜") == "u1f99c")
    }

    @Test func datesAreFormattedByHand() {
        let date = SamplePosts.date("2024-02-29T23:59:58Z")
        #expect(FeedDates.rfc3339(date) == "2024-02-29T23:59:58Z")
        #expect(FeedDates.rfc822(date) == "Thu, 29 Feb 2024 23:59:58 +0000")
        #expect(FeedDates.rfc3339(Date(timeIntervalSince1970: 0)) == "1970-01-01T00:00:00Z")
        #expect(FeedDates.rfc822(Date(timeIntervalSince1970: -86_400)) == "Wed, 31 Dec 1969 00:00:00 +0000")
        // Checked against Foundation's own formatting across many instants: spread over
        // the years 1590 to 9999 (before the Gregorian calendar, Foundation's dates are
        // Julian; RFC 3339's stay Gregorian), and seeded ones around now.
        let iso = ISO8601DateFormatter()
        let rfc822 = DateFormatter()
        rfc822.locale = Locale(identifier: "en_US_POSIX")
        rfc822.timeZone = TimeZone(identifier: "UTC")
        rfc822.dateFormat = "EEE, dd MMM yyyy HH:mm:ss Z"
        var random = SplitMix64(seed: 3339)
        let spread = stride(from: -11_990_000_000.0, to: 253_000_000_000.0, by: 1_234_567_890.5).map { $0.rounded(.down) }
        let recent = (0..<500).map { _ in Double(random.next() % 4_000_000_000) }
        for seconds in spread + recent {
            let d = Date(timeIntervalSince1970: seconds)
            #expect(FeedDates.rfc3339(d) == iso.string(from: d))
            #expect(FeedDates.rfc822(d) == rfc822.string(from: d))
            #expect(FeedDates.day(d) == String(iso.string(from: d).prefix(10)))
        }
        // Years past 9999 are written whole.
        let far = Date(timeIntervalSince1970: 253_402_300_800) // 10000-01-01
        #expect(FeedDates.rfc3339(far) == "10000-01-01T00:00:00Z")
        #expect(FeedDates.rfc822(far) == "Sat, 01 Jan 10000 00:00:00 +0000")
        #expect(FeedDates.day(far) == "10000-01-01")
    }
}
