@testable import Crier
import Foundation
import Testing

/// `BuildPipeline.write`, what `crier build` runs: the files go to disk under temporary
/// names while the check runs, and only those it passes replace anything.
@Suite struct BuildWriteTests {
    /// A check that fails every Atom file, as the gate would one it finds a problem in.
    static let refusingAtom: FeedCheck = { file in file.format == .atom ? ["refused for the test"] : [] }

    func jobs(_ site: TemporarySite) throws -> [BuildJob] {
        try site.write("posts/2024-05-01-good.md", "---\ntitle: Good\n---\nFine.\n")
        return [BuildJob(source: .folder(site.root.appendingPathComponent("posts"), Site(title: "T", baseURL: "https://example.org/")),
                         formats: [.atom, .rss, .json])]
    }

    @Test func aFileTheCheckFailsReplacesNothingAndLeavesNoTemporaryFile() throws {
        let site = try TemporarySite()
        defer { site.remove() }
        let jobs = try jobs(site)
        let out = site.root.appendingPathComponent("out")
        try site.write("out/feed.xml", "old atom\n")
        try site.write("out/feed.rss", "old rss\n")
        let names = { try FileManager.default.contentsOfDirectory(atPath: out.path).sorted() }
        var options = BuildOptions()
        options.check = BuildWriteTests.refusingAtom

        let stopped = BuildPipeline.write(jobs, options: options, to: out, keepGoing: false)
        #expect(!stopped.wrote && stopped.outcome.feedFailures.map(\.path) == ["feed.xml"])
        #expect(FileIO.read(out.appendingPathComponent("feed.xml").path) == Array("old atom\n".utf8))
        #expect(FileIO.read(out.appendingPathComponent("feed.rss").path) == Array("old rss\n".utf8))
        #expect(try names() == ["feed.rss", "feed.xml"])

        let kept = BuildPipeline.write(jobs, options: options, to: out, keepGoing: true)
        #expect(kept.wrote && kept.outcome.files.map(\.path) == ["feed.rss", "feed.json"] && kept.writeErrors == [nil, nil])
        #expect(FileIO.read(out.appendingPathComponent("feed.xml").path) == Array("old atom\n".utf8))
        #expect(FileIO.read(out.appendingPathComponent("feed.rss").path) == kept.outcome.files[0].bytes)
        #expect(try names() == ["feed.json", "feed.rss", "feed.xml"])

        // Folders made for files that are then not put in place go again; the temporary
        // file of an interrupted build (its process gone) goes too.
        let fresh = site.root.appendingPathComponent("fresh/out")
        #expect(!BuildPipeline.write(jobs, options: options, to: fresh, keepGoing: false).wrote)
        #expect(!FileManager.default.fileExists(atPath: site.root.appendingPathComponent("fresh").path))
        try site.write("out/.feed.xml.999999999.42.tmp", "left by a killed build\n")

        // With the check passing everything, every file is replaced.
        let all = BuildPipeline.write(jobs, options: BuildOptions(), to: out, keepGoing: false)
        #expect(all.wrote && all.writeErrors == [nil, nil, nil])
        for file in all.outcome.files { #expect(FileIO.read(out.appendingPathComponent(file.path).path) == file.bytes) }
        #expect(try names() == ["feed.json", "feed.rss", "feed.xml"])
    }

    /// A relative author address is valid in Atom (resolved against the feed's own
    /// address) but not in a JSON Feed, which has nothing to resolve it against: the JSON
    /// writer resolves it, and the build passes the gate in every format.
    @Test func aRelativeAuthorAddressPassesTheGateInEveryFormat() throws {
        let site = try TemporarySite()
        defer { site.remove() }
        try site.write("posts/2024-05-01-a.md", "---\ntitle: A\nauthor:\n  name: Ann\n  uri: /about/ann/\n---\nText.\n")
        let job = BuildJob(source: .folder(site.root.appendingPathComponent("posts"), Site(title: "T", baseURL: "https://example.org/blog/")),
                           formats: [.atom, .rss, .json])
        let outcome = BuildPipeline.run([job], options: BuildOptions())
        #expect(outcome.succeeded, "\(outcome.postErrors) \(outcome.feedFailures)")
        let json = try #require(outcome.files.first { $0.format == .json })
        #expect(String(decoding: json.bytes, as: UTF8.self).contains("\"url\" : \"https://example.org/about/ann/\""))
    }

    /// A site with a feed per tag has many files: they are written by a few threads (one
    /// per core), every one of them arrives, and nothing temporary stays.
    @Test func manyFilesAreAllWrittenAndNothingTemporaryStays() throws {
        let site = try TemporarySite()
        defer { site.remove() }
        for day in 1...28 {
            try site.write(String(format: "posts/2024-02-%02d-p.md", day), "---\ntitle: P\(day)\ntags: [t\(day)]\n---\nText \(day).\n")
        }
        var settings = Site(title: "T", baseURL: "https://example.org/")
        settings.feed.allTags = true
        let job = BuildJob(source: .folder(site.root.appendingPathComponent("posts"), settings), formats: [.atom, .rss, .json])
        let out = site.root.appendingPathComponent("out")
        let result = BuildPipeline.write([job], options: BuildOptions(), to: out, keepGoing: false)
        #expect(result.wrote && result.outcome.files.count == 29 * 3, "\(result.outcome.files.count) \(result.outcome.feedFailures)")
        #expect(result.writeErrors.allSatisfy { $0 == nil })
        for file in result.outcome.files { #expect(FileIO.read(out.appendingPathComponent(file.path).path) == file.bytes, "\(file.path)") }
        let everything = FileManager.default.enumerator(atPath: out.path)?.allObjects.compactMap { $0 as? String } ?? []
        #expect(everything.filter { $0.hasSuffix(".tmp") }.isEmpty && everything.filter { !$0.hasSuffix("/") }.count >= 29 * 3)
    }

    /// A file that cannot be put in its place (a folder is there) is that file's error. A
    /// build writes all its files or none: without keep-going the others stay unwritten
    /// too; with it they are written. Nothing temporary stays either way.
    @Test func aFileThatCannotReplaceItsPlaceStopsTheOthersUnlessKeepingGoing() throws {
        let site = try TemporarySite()
        defer { site.remove() }
        let jobs = try jobs(site)
        let out = site.root.appendingPathComponent("out")
        try site.write("out/feed.rss/occupied", "a folder where the RSS file goes\n")
        let stopped = BuildPipeline.write(jobs, options: BuildOptions(), to: out, keepGoing: false)
        #expect(stopped.wrote && stopped.outcome.files.map(\.path) == ["feed.xml", "feed.rss", "feed.json"])
        #expect(stopped.heldBack && stopped.writeErrors[0] == nil && stopped.writeErrors[2] == nil)
        #expect(stopped.writeErrors[1]?.contains("feed.rss: a folder is where the file goes") == true, "\(stopped.writeErrors)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: out.path).sorted() == ["feed.rss"])

        let kept = BuildPipeline.write(jobs, options: BuildOptions(), to: out, keepGoing: true)
        #expect(!kept.heldBack && kept.writeErrors[0] == nil && kept.writeErrors[2] == nil)
        #expect(kept.writeErrors[1]?.contains("rename") == true, "\(kept.writeErrors)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: out.path).sorted() == ["feed.json", "feed.rss", "feed.xml"])

        // A symbolic link to a folder is no folder in the way: the rename replaces the link.
        let linked = site.root.appendingPathComponent("linked")
        try FileManager.default.createDirectory(at: linked, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: linked.appendingPathComponent("feed.rss").path, withDestinationPath: out.path)
        let replaced = BuildPipeline.write(jobs, options: BuildOptions(), to: linked, keepGoing: false)
        #expect(!replaced.heldBack && replaced.writeErrors.allSatisfy { $0 == nil }, "\(replaced.writeErrors)")
        #expect(FileIO.read(linked.appendingPathComponent("feed.rss").path) == replaced.outcome.files[1].bytes)
    }

    /// A file that cannot even be written beside its place (a file is where its folder
    /// goes) stops the build's other files before any is put in place: the published
    /// feeds stay as they were. Tag feeds whose names are long get file names that fit.
    @Test func aFileThatCannotBeWrittenLeavesEveryFileAsItWas() throws {
        let site = try TemporarySite()
        defer { site.remove() }
        let long = String(repeating: "tagname", count: 60)  // 420 letters: the slug is cut to 240 bytes
        try site.write("posts/2024-05-01-good.md", "---\ntitle: Good\ntags: [swift, \(long)]\n---\nFine.\n")
        var siteSettings = Site(title: "T", baseURL: "https://example.org/")
        siteSettings.feed.allTags = true
        let jobs = [BuildJob(source: .folder(site.root.appendingPathComponent("posts"), siteSettings), formats: [.atom, .rss, .json])]
        let out = site.root.appendingPathComponent("out")
        try site.write("out/feed.xml", "old atom\n")
        try site.write("out/feed", "a file where the tag feeds' folder goes\n")
        let stopped = BuildPipeline.write(jobs, options: BuildOptions(), to: out, keepGoing: false)
        let failed = zip(stopped.outcome.files, stopped.writeErrors).filter { $0.1 != nil }
        #expect(stopped.heldBack && !failed.isEmpty && failed.allSatisfy { $0.0.path.hasPrefix("feed/by_tag/") }, "\(stopped.writeErrors)")
        #expect(FileIO.read(out.appendingPathComponent("feed.xml").path) == Array("old atom\n".utf8))
        #expect(try FileManager.default.contentsOfDirectory(atPath: out.path).sorted() == ["feed", "feed.xml"])

        try FileManager.default.removeItem(at: out.appendingPathComponent("feed"))
        let all = BuildPipeline.write(jobs, options: BuildOptions(), to: out, keepGoing: false)
        #expect(!all.heldBack && all.writeErrors.allSatisfy { $0 == nil }, "\(all.writeErrors)")
        let longFeed = "feed/by_tag/" + String(String(repeating: "tagname", count: 60).utf8.prefix(Slug.maxBytes))! + ".json"
        #expect(all.outcome.files.map(\.path).contains(longFeed), "\(all.outcome.files.map(\.path))")
        for file in all.outcome.files {
            let same = FileIO.read(out.appendingPathComponent(file.path).path) == file.bytes  // apart: no bytes printed
            #expect(same, "\(file.path)")
        }
    }
}
