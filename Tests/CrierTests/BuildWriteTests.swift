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

        // With the check passing everything, every file is replaced.
        let all = BuildPipeline.write(jobs, options: BuildOptions(), to: out, keepGoing: false)
        #expect(all.wrote && all.writeErrors == [nil, nil, nil])
        for file in all.outcome.files { #expect(FileIO.read(out.appendingPathComponent(file.path).path) == file.bytes) }
        #expect(try names() == ["feed.json", "feed.rss", "feed.xml"])
    }

    /// A file that cannot be put in its place (a folder is there) is that file's error;
    /// the others are written, and nothing temporary stays.
    @Test func aFileThatCannotReplaceItsPlaceFailsAloneAndLeavesNothing() throws {
        let site = try TemporarySite()
        defer { site.remove() }
        let jobs = try jobs(site)
        let out = site.root.appendingPathComponent("out")
        try site.write("out/feed.rss/occupied", "a folder where the RSS file goes\n")
        let result = BuildPipeline.write(jobs, options: BuildOptions(), to: out, keepGoing: false)
        #expect(result.wrote && result.outcome.files.map(\.path) == ["feed.xml", "feed.rss", "feed.json"])
        #expect(result.writeErrors[0] == nil && result.writeErrors[2] == nil)
        #expect(result.writeErrors[1]?.contains("rename") == true, "\(result.writeErrors)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: out.path).sorted() == ["feed.json", "feed.rss", "feed.xml"])
    }
}
