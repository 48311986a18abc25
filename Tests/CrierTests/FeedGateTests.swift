@testable import Crier
import CrierXML
import Foundation
import Testing

/// The gate checks Atom and RSS entry by entry; what it reports must be what validating
/// the whole file reports, at the whole file's lines.
@Suite struct FeedGateTests {
    let now = SamplePosts.date("2025-01-01T00:00:00Z")

    func rendered(_ format: Crier.FeedFormat) throws -> RenderedFile {
        let planned = FeedBuilder(site: SamplePosts.site, now: now).feeds(from: SamplePosts.posts)[0]
        return try FeedRenderer.renderOne(planned, format: format).get()
    }

    /// `file` with `old` replaced by `new` in entry `index` (which must hold `old`).
    func breaking(_ file: RenderedFile, entry index: Int, _ old: String, _ new: String) throws -> RenderedFile {
        var file = file
        var entries = file.parts.entries
        let text = String(decoding: entries[index], as: UTF8.self)
        #expect(text.contains(old))
        entries[index] = ArraySlice(text.replacingOccurrences(of: old, with: new).utf8)
        file.parts = FeedParts(prefix: file.parts.prefix, entries: entries, suffix: file.parts.suffix)
        return file
    }

    @Test(arguments: [Crier.FeedFormat.atom, .rss])
    func entryPartsJoinIntoTheDocumentAndEachStartsWhereAnEntryDoes(format: Crier.FeedFormat) throws {
        let file = try rendered(format)
        #expect(file.parts.entries.count == SamplePosts.posts.count)
        let pieces: [UInt8] = Array(file.parts.prefix) + Array(file.parts.entries.joined()) + Array(file.parts.suffix)
        #expect(pieces == file.bytes)
        let tag = format == .atom ? "  <entry>" : "    <item>"
        for entry in file.parts.entries {
            let text = String(decoding: entry, as: UTF8.self)
            #expect(text.hasPrefix(tag + "\n") && text.hasSuffix(tag.replacingOccurrences(of: "<", with: "</") + "\n"))
        }
        let read = format == .atom ? try FeedReadBack.atom(file.bytes).entries : try FeedReadBack.rss(file.bytes).entries
        #expect(read.count == SamplePosts.posts.count)
        #expect(FeedGate.check(file) == [])
        #expect(FeedGate.problems(in: file.bytes, path: file.path) == [])
    }

    @Test(arguments: [Crier.FeedFormat.atom, .rss])
    func aBrokenEntryIsReportedAtItsLineInTheWholeFile(format: Crier.FeedFormat) throws {
        let good = try rendered(format)
        let (old, new) = format == .atom ? ("<published>", "<published>not a date") : ("<pubDate>", "<pubDate>not a date")
        let file = try breaking(good, entry: 2, old, new)
        let problems = FeedGate.check(file)
        #expect(!problems.isEmpty)
        #expect(problems == FeedGate.problems(in: file.bytes, path: file.path))
    }

    @Test func aBrokenFeedHeaderIsReportedOnceAtItsLine() throws {
        var file = try rendered(.atom)
        let prefix = String(decoding: file.parts.prefix, as: UTF8.self)
        file.parts = FeedParts(prefix: Array(prefix.replacingOccurrences(of: "<updated>", with: "<updated>yesterday ").utf8),
                               entries: file.parts.entries, suffix: file.parts.suffix)
        let problems = FeedGate.check(file)
        #expect(problems.count == 1)
        #expect(problems == FeedGate.problems(in: file.bytes, path: file.path))
    }

    @Test(arguments: [Crier.FeedFormat.atom, .rss])
    func aBrokenFeedTailIsReportedAtItsLineInTheWholeFile(format: Crier.FeedFormat) throws {
        var file = try rendered(format)
        // An element after the entries where none may be, in the bytes after the last entry.
        let suffix = String(decoding: file.parts.suffix, as: UTF8.self)
        let closing = format == .atom ? "</feed>" : "</channel>"
        let broken = suffix.replacingOccurrences(of: closing, with: "<bogus>x</bogus>\n" + closing)
        file.parts = FeedParts(prefix: file.parts.prefix, entries: file.parts.entries, suffix: Array(broken.utf8))
        let problems = FeedGate.check(file)
        #expect(!problems.isEmpty)
        #expect(problems == FeedGate.problems(in: file.bytes, path: file.path))
    }

    @Test func entriesKnownToBeValidAreNotValidatedAgain() throws {
        var file = try breaking(try rendered(.atom), entry: 1, "<published>", "<published>not a date")
        #expect(!FeedGate.check(file).isEmpty)
        file.knownValidEntries = [1]
        #expect(FeedGate.check(file) == [])
    }

    @Test func twoEntriesWithTheSameIDAreRefusedBeforeAnythingIsWritten() throws {
        var posts = SamplePosts.posts
        posts[1].explicitID = "urn:example:same"
        posts[2].explicitID = "urn:example:same"
        let planned = FeedBuilder(site: SamplePosts.site, now: now).feeds(from: posts)[0]
        for format in Crier.FeedFormat.allCases {
            let result = FeedRenderer.renderOne(planned, format: format)
            guard case .failure(let failure) = result else {
                Issue.record("\(format) was rendered")
                continue
            }
            #expect(failure.problems.count == 1 && failure.problems[0].contains("urn:example:same"))
        }
    }
}
