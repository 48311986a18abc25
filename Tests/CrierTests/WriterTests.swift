@testable import Crier
import CrierXML
import Foundation
import Testing

@Suite struct WriterTests {
    let now = SamplePosts.date("2025-01-01T00:00:00Z")

    func mainFeed(_ posts: [Post] = SamplePosts.posts, site: Site = SamplePosts.site) -> Feed {
        FeedBuilder(site: site, now: now).feeds(from: posts)[0].feed
    }

    func expectEntriesMatchPosts(_ entries: [ReadEntry], format: Crier.FeedFormat, sourceLocation: SourceLocation = #_sourceLocation) {
        let posts = SamplePosts.posts.sorted { $0.published > $1.published }
        #expect(entries.count == posts.count, sourceLocation: sourceLocation)
        for (entry, post) in zip(entries, posts) {
            #expect(entry.title == SamplePosts.xmlSafe(post.title), sourceLocation: sourceLocation)
            #expect(entry.link == post.url, sourceLocation: sourceLocation)
            #expect(entry.published == post.published, sourceLocation: sourceLocation)
            #expect(entry.id == EntryID.make(for: post, site: SamplePosts.site), sourceLocation: sourceLocation)
            #expect(entry.content == SamplePosts.xmlSafe(post.contentHTML), sourceLocation: sourceLocation)
        }
    }

    /// A feed written in Atom and RSS escapes each entry's content once for both: the
    /// files are byte for byte what each writer writes alone, for contents that need
    /// cleaning first, start with `>` or are long too, and nothing is left waiting once
    /// both are written. With no room to wait in, each writer escapes for itself.
    @Test(arguments: [32 << 20, 0])
    func atomAndRSSShareEscapedContentsAndWriteTheSameBytes(limit: Int) throws {
        var posts = SamplePosts.posts
        posts.append(Post(sourcePath: "2024-01-01-long.md", title: "Long", published: SamplePosts.date("2024-01-01T00:00:00Z"),
                          url: "https://example.org/notes/2024/01/01/long.html",
                          contentHTML: ">" + String(repeating: "<p>a & b ]]> c\r\n</p>\n", count: 200)))
        let feed = mainFeed(posts)
        #expect(feed.entries.contains { XMLText.cleaned($0.content?.text ?? "") != $0.content?.text })
        let escapes = SharedEscapes(count: feed.entries.count, limit: limit)
        let rss = try RSSWriter.parts(feed, escapes: escapes).bytes
        #expect(limit == 0 ? escapes.waitingBytes == 0 : escapes.waitingBytes > 3_000)
        let atom = try AtomWriter.parts(feed, escapes: escapes).bytes
        #expect(escapes.waitingBytes == 0)
        #expect(atom == (try AtomWriter.write(feed)))
        #expect(rss == (try RSSWriter.write(feed)))

        let planned = FeedBuilder(site: SamplePosts.site, now: now).feeds(from: posts)[0]
        let together = FeedRenderer.render([planned], formats: [.atom, .rss]).map { try? $0.get().bytes }
        #expect(together == [atom, rss])
    }

    /// Feeds render in parallel, JSON Feeds started first, and come back in a stable order:
    /// feed by feed, then Atom, RSS, JSON, each the bytes its writer writes alone.
    @Test func renderedFilesComeBackFeedByFeedInFormatOrder() throws {
        let builder = FeedBuilder(site: SamplePosts.site, now: now)
        let first = builder.feeds(from: SamplePosts.posts)[0]
        let second = builder.feeds(from: Array(SamplePosts.posts.prefix(1)))[0]
        let files = try FeedRenderer.render([first, second], formats: [.json, .rss, .atom]).map { try $0.get() }
        #expect(files.map(\.format) == [.atom, .rss, .json, .atom, .rss, .json])
        let expected = try [first, second].flatMap { planned in
            [try AtomWriter.write(planned.feed), try RSSWriter.write(planned.feed), try JSONFeedWriter.write(planned.feed)]
        }
        // Compared as one answer: a failure printing every byte of six files says no more.
        let sameBytes = files.map(\.bytes) == expected
        #expect(sameBytes)
    }

    @Test func atomOutputIsValidAgainstTheRFC4287SchemaAndHoldsEveryPost() throws {
        let bytes = try AtomWriter.write(mainFeed())
        let (feed, entries) = try FeedReadBack.atom(bytes)
        expectEntriesMatchPosts(entries, format: .atom)
        #expect(feed.element(named: "updated", namespace: FeedReadBack.atomNS)?.text == "2024-04-02T09:15:30Z")
        let selfLink = feed.elements(named: "link", namespace: FeedReadBack.atomNS).first { $0.attribute("rel") == "self" }
        #expect(selfLink?.attribute("href") == "https://example.org/notes/feed.xml")
        #expect(entries[0].updated == SamplePosts.date("2024-04-02T09:15:30Z"))
    }

    @Test func rssOutputHasTheProfileStructureAndHoldsEveryPost() throws {
        let bytes = try RSSWriter.write(mainFeed())
        let (channel, entries) = try FeedReadBack.rss(bytes)
        expectEntriesMatchPosts(entries, format: .rss)
        let selfLink = channel.elements(named: "link", namespace: FeedReadBack.atomNS).first { $0.attribute("rel") == "self" }
        #expect(selfLink?.attribute("href") == "https://example.org/notes/feed.rss")
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(text.contains("<pubDate>Mon, 01 Apr 2024 08:00:00 +0000</pubDate>"))
        #expect(text.contains("<dc:creator>Grace Hopper</dc:creator>"), "an author without e-mail goes to dc:creator")
    }

    @Test func jsonFeedOutputHoldsEveryPost() throws {
        let bytes = try JSONFeedWriter.write(mainFeed())
        let (object, entries) = try FeedReadBack.json(bytes)
        expectEntriesMatchPosts(entries, format: .json)
        #expect(object["feed_url"] as? String == "https://example.org/notes/feed.json")
        #expect(entries[0].categories == ["swift"])
    }

    @Test func hostileTextCannotBreakTheDocument() throws {
        for bytes in [try AtomWriter.write(mainFeed()), try RSSWriter.write(mainFeed())] {
            let text = String(decoding: bytes, as: UTF8.self)
            #expect(!text.contains("\u{0C}") && !text.contains("\u{1B}"))
            #expect(text.contains("]]&gt;"), "]]> is escaped, never written raw")
            #expect(text.contains("a=1&amp;b=2"), "& in URLs is escaped")
            #expect(text.contains("🦜 parrot") && text.contains("שלום עולם"))
            _ = try XMLDocument(parsing: bytes)
        }
    }

    /// Characters XML forbids are left out of every text of the JSON Feed too, not only
    /// of the entries' titles and content: the three formats say the same.
    @Test func theJSONFeedCleansEveryTextAsTheXMLFeedsDo() throws {
        var site = SamplePosts.site
        site.title = "Field\u{1B} Notes"
        site.description = "Notes\u{0C} from the field"
        site.author = Person(name: "Ada\u{1B} Lovelace")
        var post = SamplePosts.posts[0]
        post.tags = ["sw\u{1B}ift"]
        post.authors = []
        let feed = mainFeed([post], site: site)
        let (atom, entries) = try FeedReadBack.atom(try AtomWriter.write(feed))
        let (json, items) = try FeedReadBack.json(try JSONFeedWriter.write(feed))
        #expect(json["title"] as? String == atom.element(named: "title", namespace: FeedReadBack.atomNS)?.text)
        #expect(json["title"] as? String == "Field Notes")
        #expect(json["description"] as? String == "Notes from the field")
        #expect((json["authors"] as? [[String: String]])?.first?["name"] == "Ada Lovelace")
        #expect(items.map(\.categories) == entries.map(\.categories))
        #expect(items.first?.categories.contains("swift") == true)
    }

    @Test func identicalInputGivesIdenticalBytes() throws {
        let first = FeedBuilder(site: SamplePosts.site, now: now).feeds(from: SamplePosts.posts)
        let later = FeedBuilder(site: SamplePosts.site, now: now.addingTimeInterval(86_400 * 30)).feeds(from: SamplePosts.posts.reversed())
        #expect(try AtomWriter.write(first[0].feed) == AtomWriter.write(later[0].feed))
        #expect(try RSSWriter.write(first[0].feed) == RSSWriter.write(later[0].feed))
        #expect(try JSONFeedWriter.write(first[0].feed) == JSONFeedWriter.write(later[0].feed))
    }

    @Test func stylesheetInstructionComesBeforeTheRoot() throws {
        var site = SamplePosts.site
        site.feed.stylesheet = "/assets/feed.xsl"
        let text = String(decoding: try AtomWriter.write(mainFeed(site: site)), as: UTF8.self)
        let lines = text.split(separator: "\n")
        #expect(lines[1] == "<?xml-stylesheet type=\"text/xsl\" href=\"/assets/feed.xsl\"?>")
        _ = try FeedReadBack.atom(Array(text.utf8))
    }

    @Test func aFeedWithNoAuthorAnywhereNamesTheSiteAsAuthor() throws {
        var site = SamplePosts.site
        site.author = nil
        let posts = [SamplePosts.posts[0]]
        let (feed, _) = try FeedReadBack.atom(try AtomWriter.write(mainFeed(posts, site: site)))
        let author = feed.element(named: "author", namespace: FeedReadBack.atomNS)?.element(named: "name", namespace: FeedReadBack.atomNS)?.text
        #expect(author == "Field Notes")
    }

    @Test func hubsAreAnnouncedInEveryFormat() throws {
        var site = SamplePosts.site
        site.feed.hubs = ["https://hub.example.net/"]
        let feed = mainFeed(site: site)
        let atom = try FeedReadBack.atom(try AtomWriter.write(feed)).feed
        #expect(atom.elements(named: "link", namespace: FeedReadBack.atomNS).contains { $0.attribute("rel") == "hub" && $0.attribute("href") == "https://hub.example.net/" })
        let rss = try FeedReadBack.rss(try RSSWriter.write(feed)).channel
        #expect(rss.elements(named: "link", namespace: FeedReadBack.atomNS).contains { $0.attribute("rel") == "hub" })
        let json = try FeedReadBack.json(try JSONFeedWriter.write(feed)).feed
        #expect((json["hubs"] as? [[String: String]])?.first?["url"] == "https://hub.example.net/")
    }
}
