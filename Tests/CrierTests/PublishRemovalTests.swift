@testable import Crier
import Foundation
import Testing

/// A feed that a run no longer produces (a tag no post has any more, a feed whose
/// definition was removed) is removed from the output folder, so that a post withdrawn
/// with `published: false` does not stay online in it; but only what Crier published,
/// and only when the whole run succeeded.
@Suite struct PublishRemovalTests {
    static let tagFiles = ["feed/by_tag/incident.xml", "feed/by_tag/incident.rss", "feed/by_tag/incident.json"]

    func site() throws -> PublishSite {
        let site = try PublishSite("tags: true")
        try site.post("keep", day: 1, tags: ["general"])
        try site.post("leak", day: 2, tags: ["general", "incident"], body: "Secret details.")
        return site
    }

    func exists(_ site: PublishSite, _ path: String) -> Bool {
        FileManager.default.fileExists(atPath: site.output.appendingPathComponent(path).path)
    }

    /// The output folder reached through a symbolic link is the same folder: a run
    /// through the link removes what a run through the real path published.
    @Test func aRunThroughALinkToTheOutputFolderRemovesWhatWasPublishedThere() async throws {
        let site = try site()
        #expect(try await site.publish().succeeded)
        let link = site.root.appendingPathComponent("public-link")
        try FileManager.default.createSymbolicLink(at: link, withDestinationURL: site.output)
        let text = try String(contentsOf: site.root.appendingPathComponent("posts/leak.md"), encoding: .utf8)
        try site.write("posts/leak.md", text.replacingOccurrences(of: "---\n\n", with: "published: false\n---\n\n"))
        var options = site.options()
        options.output = link
        options.stateFolder = link.appendingPathComponent(".crier", isDirectory: true)
        let report = try await Publisher.publish(try site.jobs(), options: options)
        #expect(report.succeeded)
        #expect(report.removed.sorted() == Self.tagFiles.sorted())
        #expect(!Self.tagFiles.contains { exists(site, $0) })
    }

    @Test func aWithdrawnPostsOnlyTagFeedIsRemoved() async throws {
        let site = try site()
        #expect(try await site.publish().succeeded)
        #expect(Self.tagFiles.allSatisfy { exists(site, $0) })
        let text = try String(contentsOf: site.root.appendingPathComponent("posts/leak.md"), encoding: .utf8)
        try site.write("posts/leak.md", text.replacingOccurrences(of: "---\n\n", with: "published: false\n---\n\n"))
        let report = try await site.publish()
        #expect(report.succeeded)
        #expect(report.removed.sorted() == Self.tagFiles.sorted())
        #expect(!Self.tagFiles.contains { exists(site, $0) })
        for path in ["feed.xml", "feed/by_tag/general.xml"] {
            let published = try String(contentsOf: site.output.appendingPathComponent(path), encoding: .utf8)
            #expect(!published.contains("Secret"), "\(path)")
        }
        // Nothing is left to remove the next time.
        #expect(try await site.publish().removed.isEmpty)
    }

    /// A format the definition no longer lists is removed (a `--format` on the command line
    /// only skips it for a run, above); a path another definition has taken over since is
    /// that one's, and stays.
    @Test func aFormatDroppedFromTheDefinitionGoesButAPathTakenOverStays() async throws {
        let site = try site()
        #expect(try await site.publish().succeeded)
        try site.define("tags: true\nformats: [atom]")
        let dropped = try await site.publish()
        #expect(dropped.succeeded)
        #expect(dropped.removed.sorted() == ["feed.json", "feed.rss", "feed/by_tag/general.json", "feed/by_tag/general.rss",
                                             "feed/by_tag/incident.json", "feed/by_tag/incident.rss"], "\(dropped.removed)")
        #expect(exists(site, "feed.xml") && !exists(site, "feed.rss") && !exists(site, "feed/by_tag/incident.json"))

        // The blog moves to blog.xml; a second definition takes feed.xml over and publishes
        // first; then the blog's run must not remove the other's feed.
        try site.write("feeds/blog.yml", "title: Publish Test\nbase_url: https://example.org/blog/\nposts: ../posts\npath: blog.xml\nformats: [atom]\n")
        try site.write("notes/2024-02-01-n.md", "---\ntitle: N\n---\nNote.\n")
        let notes = try site.write("other-feeds/notes.yml", "title: Notes\nbase_url: https://example.org/\nposts: ../notes\npath: feed.xml\nformats: [atom]\n")
        let definition = try FeedDefinition.load(notes)
        #expect(try await Publisher.publish([BuildJob(source: definition.source, definition: definition, formats: [.atom])], options: site.options()).succeeded)
        let blog = try await site.publish()
        #expect(blog.succeeded && !blog.removed.contains("feed.xml"), "\(blog.removed)")
        let feed = try String(contentsOf: site.output.appendingPathComponent("feed.xml"), encoding: .utf8)
        #expect(feed.contains("<title>Notes</title>"))
    }

    @Test func tagFeedsTurnedOffAreRemovedButNotTheUsersFiles() async throws {
        let site = try site()
        #expect(try await site.publish().succeeded)
        try site.write("public/robots.txt", "User-agent: *\n")
        try site.define("")
        let report = try await site.publish()
        #expect(report.removed.filter { $0.hasPrefix("feed/by_") }.count == 6, "\(report.removed)")
        #expect(!exists(site, "feed/by_tag/general.xml"))
        #expect(exists(site, "feed.xml") && exists(site, "robots.txt"))
    }

    @Test func aRunWithAFailedPostRemovesNothing() async throws {
        let site = try site()
        #expect(try await site.publish().succeeded)
        // The only post of the `incident` tag cannot be read for now.
        try site.write("posts/leak.md", "---\ntitle: [unclosed\n---\nx\n")
        var options = site.options()
        options.keepGoing = true
        let report = try await site.publish(options)
        #expect(!report.succeeded)
        #expect(report.removed.isEmpty)
        #expect(Self.tagFiles.allSatisfy { exists(site, $0) })
        // Mended, the post is back in its feed; withdrawn later, the feed goes.
        try site.post("leak", day: 2, tags: ["general"])
        let mended = try await site.publish()
        #expect(mended.succeeded)
        #expect(mended.removed.sorted() == Self.tagFiles.sorted())
    }

    /// A state folder shared with runs into another output folder: the record is that
    /// folder's, so nothing here is removed, hand-made files at the paths of feeds
    /// included.
    @Test func anotherOutputFolderWithTheSameStateRemovesNothing() async throws {
        let site = try site()
        #expect(try await site.publish().succeeded)
        try site.write("other/feed/by_tag/incident.xml", "<hand-made/>\n")
        try site.write("other/feed/by_tag/general.xml", "<hand-made/>\n")
        try site.define("")
        var options = PublishOptions(output: site.root.appendingPathComponent("other"), stateFolder: site.output.appendingPathComponent(".crier"))
        options.build.now = Date()
        let report = try await site.publish(options)
        #expect(report.succeeded && report.removed.isEmpty)
        #expect(FileManager.default.fileExists(atPath: site.root.appendingPathComponent("other/feed/by_tag/incident.xml").path))
        #expect(Self.tagFiles.allSatisfy { exists(site, $0) })
    }

    /// Two sources published into one folder (two cron lines, or `crier serve` beside
    /// cron) never remove each other's files, and a run for fewer formats leaves the
    /// other formats' files alone.
    @Test func runsOfOtherSourcesOrFewerFormatsRemoveNothingOfTheOthers() async throws {
        let site = try site()
        #expect(try await site.publish().succeeded)
        try site.write("notes/2024-02-01-n.md", "---\ntitle: N\ntags: [x]\n---\nNote.\n")
        let notes = try site.write("other-feeds/notes.yml", "title: Notes\nbase_url: https://example.org/notes/\nposts: ../notes\npath: notes/feed.xml\ntags: true\n")
        let definition = try FeedDefinition.load(notes)
        let other = try await Publisher.publish([BuildJob(source: definition.source, definition: definition, formats: FeedFormat.allCases)],
                                                options: site.options())
        #expect(other.succeeded && other.removed.isEmpty, "\(other.removed)")
        #expect(Self.tagFiles.allSatisfy { exists(site, $0) } && exists(site, "feed.xml"))
        // The blog again, Atom only, after its `incident` post is gone: only the Atom file
        // of that tag goes; the notes' files stay.
        try FileManager.default.removeItem(at: site.root.appendingPathComponent("posts/leak.md"))
        let atomOnly = try await Publisher.publish(try site.jobs().map { BuildJob(source: $0.source, definition: $0.definition, formats: [.atom]) },
                                                   options: site.options())
        #expect(atomOnly.succeeded)
        #expect(atomOnly.removed == ["feed/by_tag/incident.xml"], "\(atomOnly.removed)")
        #expect(exists(site, "feed/by_tag/incident.rss") && exists(site, "feed.json") && exists(site, "notes/feed.xml"))
        // The next run for every format removes the rest.
        #expect(try await site.publish().removed.sorted() == ["feed/by_tag/incident.json", "feed/by_tag/incident.rss"])
        #expect(exists(site, "notes/feed.xml") && exists(site, "notes/feed/by_tag/x.xml"))
    }
}

/// A lock that cannot be taken says why: the state folder that cannot be made, not
/// "No such file or directory" for the lock file inside it.
@Suite struct PublishLockFolderTests {
    @Test func aStateFolderThatCannotBeMadeIsNamed() throws {
        let site = try PublishSite()
        try site.write("public", "a file where the output folder should be\n")
        do {
            _ = try PublishLock.acquire(site.output.appendingPathComponent(".crier/lock"))
            Issue.record("the lock was taken")
        } catch let error as PublishLock.Unavailable {
            #expect(error.description.contains("\(site.output.path): exists and is not a folder"), "\(error)")
        }
    }
}

/// A feed definition deleted or renamed from the folder a publish reads its definitions
/// from withdraws its feeds; one in another folder published into the same output, or
/// one whose file is still there, does not.
@Suite struct PublishWithdrawnDefinitionTests {
    func jobs(_ folder: URL) throws -> [BuildJob] {
        try FeedDefinition.files(in: folder).map { file in
            let definition = try FeedDefinition.load(file)
            return BuildJob(source: definition.source, definition: definition, formats: definition.formats ?? FeedFormat.allCases)
        }
    }

    func definition(_ title: String, path: String) -> String {
        "title: \(title)\nbase_url: https://example.org/\nposts: ../posts\npath: \(path)\nformats: [atom, rss]\n"
    }

    /// A site with one post whose `feeds/` holds a definition per (name, path) instead of
    /// `blog.yml`; and that folder.
    func site(_ definitions: [(name: String, path: String)]) throws -> (PublishSite, URL) {
        let site = try PublishSite()
        try site.post("one", day: 1)
        try FileManager.default.removeItem(at: site.definition)
        for (name, path) in definitions { try site.write("feeds/\(name).yml", definition(name.capitalized, path: path)) }
        return (site, site.root.appendingPathComponent("feeds"))
    }

    @Test func aDeletedOrRenamedDefinitionTakesItsFilesWithIt() async throws {
        let (site, feeds) = try site([("main", "feed.xml"), ("podcast", "podcast/feed.xml"), ("renamed", "renamed.xml")])
        try site.write("elsewhere/notes.yml", definition("Notes", path: "notes.xml"))
        let notes = try FeedDefinition.load(site.root.appendingPathComponent("elsewhere/notes.yml"))
        let noteJob = BuildJob(source: notes.source, definition: notes, formats: [.atom, .rss])
        #expect(try await Publisher.publish(try jobs(feeds) + [noteJob], options: site.options()).succeeded)
        let all = ["feed.xml", "feed.rss", "podcast/feed.xml", "podcast/feed.rss", "renamed.xml", "renamed.rss", "notes.xml", "notes.rss"]
        #expect(all.allSatisfy { site.bytes($0) != nil })

        // podcast.yml deleted, renamed.yml renamed (its feed now at a new path), notes not
        // in this run.
        try FileManager.default.removeItem(at: feeds.appendingPathComponent("podcast.yml"))
        try FileManager.default.moveItem(at: feeds.appendingPathComponent("renamed.yml"), to: feeds.appendingPathComponent("moved.yml"))
        try site.write("feeds/moved.yml", definition("Moved", path: "moved.xml"))
        let report = try await Publisher.publish(try jobs(feeds), options: site.options())
        #expect(report.succeeded)
        #expect(report.removed.sorted() == ["podcast/feed.rss", "podcast/feed.xml", "renamed.rss", "renamed.xml"], "\(report.removed)")
        #expect(["feed.xml", "feed.rss", "moved.xml", "moved.rss", "notes.xml", "notes.rss"].allSatisfy { site.bytes($0) != nil })
        #expect(try await Publisher.publish(try jobs(feeds), options: site.options()).removed.isEmpty)
    }

    @Test func aDefinitionRenamedToTheSamePathKeepsItsFileAndOneLeftOutOfARunStays() async throws {
        let (site, feeds) = try site([("a", "a.xml"), ("b", "b.xml")])
        #expect(try await Publisher.publish(try jobs(feeds), options: site.options()).succeeded)
        // a.yml renamed to c.yml, same path: its files stay (produced again); b.yml still
        // in the folder but not in this run (an API caller's subset): its files stay.
        try FileManager.default.moveItem(at: feeds.appendingPathComponent("a.yml"), to: feeds.appendingPathComponent("c.yml"))
        let report = try await Publisher.publish(try jobs(feeds).filter { !$0.definition!.file.path.hasSuffix("b.yml") }, options: site.options())
        #expect(report.succeeded && report.removed.isEmpty, "\(report.removed)")
        #expect(["a.xml", "a.rss", "b.xml", "b.rss"].allSatisfy { site.bytes($0) != nil })
        // A run that fails withdraws nothing.
        try FileManager.default.removeItem(at: feeds.appendingPathComponent("b.yml"))
        try site.write("posts/broken.md", "---\ntitle: [unclosed\n---\nBody.\n")
        let failed = try await Publisher.publish(try jobs(feeds), options: site.options())
        #expect(!failed.succeeded && failed.removed.isEmpty)
        #expect(site.bytes("b.xml") != nil)
    }
}
