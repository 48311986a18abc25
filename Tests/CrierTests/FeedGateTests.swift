@testable import Crier
import CrierXML
import Foundation
import Testing

/// The gate checks Atom and RSS a batch of entries at a time; what it reports must be what
/// validating the whole file reports, at the whole file's lines.
@Suite struct FeedGateTests {
    let now = SamplePosts.date("2025-01-01T00:00:00Z")

    /// The gate's problems without the post each names (`(in the entry of PATH)`), to
    /// compare with what validating the whole file says.
    func checked(_ file: RenderedFile) -> [String] {
        FeedGate.check(file).map { $0.replacing(/\ \(in the entry of [^)]*\)$/, with: "") }
    }

    /// A problem in an entry names the post it was made from: the file to fix.
    @Test(arguments: [Crier.FeedFormat.atom, .rss])
    func aProblemInAnEntryNamesItsPost(format: Crier.FeedFormat) throws {
        let good = try rendered(format)
        let (old, new) = format == .atom ? ("<published>", "<published>not a date") : ("<pubDate>", "<pubDate>not a date")
        let file = try breaking(good, entry: 2, old, new)
        let post = try #require(good.entrySources[2])
        #expect(good.entrySources.count == good.parts.entries.count)
        let problems = FeedGate.check(file)
        #expect(!problems.isEmpty && problems.allSatisfy { $0.hasSuffix(" (in the entry of \(post))") }, "\(problems)")
    }

    func rendered(_ format: Crier.FeedFormat) throws -> RenderedFile {
        let planned = FeedBuilder(site: SamplePosts.site, now: now).feeds(from: SamplePosts.posts)[0]
        return try FeedRenderer.renderOne(planned, format: format).get()
    }

    /// The entries of `sample`, `times` over, each copy's ids made its own.
    func copies(of sample: RenderedFile, _ times: Int) -> [ArraySlice<UInt8>] {
        let closing = sample.format == .atom ? "</id>" : "</guid>"
        return (0..<times).flatMap { copy in
            sample.parts.entries.map { entry in
                ArraySlice(String(decoding: entry, as: UTF8.self).replacingOccurrences(of: closing, with: "-\(copy)" + closing).utf8)
            }
        }
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
        #expect(checked(file) == [])
        #expect(FeedGate.problems(in: file.bytes, path: file.path) == [])
    }

    @Test(arguments: [Crier.FeedFormat.atom, .rss])
    func aBrokenEntryIsReportedAtItsLineInTheWholeFile(format: Crier.FeedFormat) throws {
        let good = try rendered(format)
        let (old, new) = format == .atom ? ("<published>", "<published>not a date") : ("<pubDate>", "<pubDate>not a date")
        let file = try breaking(good, entry: 2, old, new)
        let problems = checked(file)
        #expect(!problems.isEmpty)
        #expect(problems == FeedGate.problems(in: file.bytes, path: file.path))
    }

    @Test func aBrokenFeedHeaderIsReportedOnceAtItsLine() throws {
        var file = try rendered(.atom)
        let prefix = String(decoding: file.parts.prefix, as: UTF8.self)
        file.parts = FeedParts(prefix: Array(prefix.replacingOccurrences(of: "<updated>", with: "<updated>yesterday ").utf8),
                               entries: file.parts.entries, suffix: file.parts.suffix)
        let problems = checked(file)
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
        let problems = checked(file)
        #expect(!problems.isEmpty)
        #expect(problems == FeedGate.problems(in: file.bytes, path: file.path))
    }

    @Test func entriesKnownToBeValidAreNotValidatedAgain() throws {
        var file = try breaking(try rendered(.atom), entry: 1, "<published>", "<published>not a date")
        #expect(!checked(file).isEmpty)
        file.knownValidEntries = [1]
        #expect(checked(file) == [])
    }

    /// Entries are validated several to a document: a file of many entries, broken in
    /// entries that fall in different documents (and some skipped as known valid), reports
    /// what the whole file reports, at the whole file's lines.
    @Test(arguments: [Crier.FeedFormat.atom, .rss])
    func brokenEntriesInDifferentBatchesAreReportedAtTheirLines(format: Crier.FeedFormat) throws {
        let sample = try rendered(format)
        // Several documents' worth of entries.
        let entries = copies(of: sample, 20)
        #expect(entries.count > 2 * FeedGate.batchEntries)
        var file = sample
        file.parts = FeedParts(prefix: sample.parts.prefix, entries: entries, suffix: sample.parts.suffix)
        #expect(checked(file) == [])
        let (old, new) = format == .atom ? ("<published>", "<published>not a date") : ("<pubDate>", "<pubDate>not a date")
        for index in [0, 3, 17, 18, 35, entries.count - 1] {
            file = try breaking(file, entry: index, old, new)
        }
        let whole = FeedGate.problems(in: file.bytes, path: file.path)
        #expect(whole.count >= 6)
        #expect(checked(file) == whole)
        // Some entries known valid: the rest are batched across the gaps, lines still right.
        file.knownValidEntries = [1, 2, 4, 16, 19, 20]
        #expect(checked(file) == whole)
        file.knownValidEntries = [3, 18]
        #expect(checked(file) == whole.filter { !$0.contains(":\(self.line(of: 3, in: file)):") && !$0.contains(":\(self.line(of: 18, in: file)):") })
    }

    /// Files the gate splits into batches are checked one after another, the others side
    /// by side: either way each file's problems come back with it, in the files' order.
    @Test func largeAndSmallFilesComeBackInTheirOrderWithTheirOwnProblems() throws {
        let sample = try rendered(.atom)
        var large = sample
        large.parts = FeedParts(prefix: sample.parts.prefix, entries: copies(of: sample, 20), suffix: sample.parts.suffix)
        #expect(FeedGate.splits(large))
        #expect(!FeedGate.splits(sample))
        // Known valid but a few: what is left fits one batch, so it is checked side by side.
        var mostlyKnown = large
        mostlyKnown.knownValidEntries = Set(large.parts.entries.indices.dropFirst(3))
        #expect(!FeedGate.splits(mostlyKnown))

        let brokenLarge = try breaking(large, entry: 30, "<published>", "<published>not a date")
        let brokenSmall = try breaking(sample, entry: 1, "<published>", "<published>not a date")
        var files = [large, brokenSmall, sample, brokenLarge, mostlyKnown]
        for index in files.indices { files[index].path = "feed-\(index).xml" }
        let checked = BuildPipeline.check(files, with: FeedGate.check)
        #expect(checked.passed.map(\.path) == ["feed-0.xml", "feed-2.xml", "feed-4.xml"])
        #expect(checked.failures.map(\.path) == ["feed-1.xml", "feed-3.xml"])
        #expect(checked.failures.map(\.problems) == [FeedGate.check(files[1]), FeedGate.check(files[3])])
        #expect(checked.failures.allSatisfy { !$0.problems.isEmpty })
    }

    /// An entry that is not even well-formed stops the parser, so the documents it is
    /// checked in say nothing of what follows it: every other broken entry is still
    /// reported, at its line.
    @Test(arguments: [Crier.FeedFormat.atom, .rss])
    func anEntryThatStopsTheParserDoesNotHideTheEntriesAfterIt(format: Crier.FeedFormat) throws {
        let sample = try rendered(format)
        let entries = copies(of: sample, 4)
        var file = sample
        file.parts = FeedParts(prefix: sample.parts.prefix, entries: entries, suffix: sample.parts.suffix)
        let (old, new) = format == .atom ? ("<published>", "<published>not a date") : ("<pubDate>", "<pubDate>not a date")
        // Entry 1 never closes its title; entries 2 and 5, in the same batch, have bad dates.
        file = try breaking(file, entry: 1, "</title>", "</titl>")
        file = try breaking(file, entry: 2, old, new)
        file = try breaking(file, entry: 5, old, new)
        #expect(5 < FeedGate.batchEntries)
        let problems = checked(file)
        for index in [2, 5] {
            #expect(problems.contains { $0.contains(":\(line(of: index, in: file)):") }, "entry \(index): \(problems)")
        }
        let entryOne = file.parts.prefix.lineCount + file.parts.entries[..<1].reduce(0) { $0 + $1.lineCount } + 1
        let entryTwo = entryOne + file.parts.entries[1].lineCount
        #expect(problems.contains { message in
            (entryOne..<entryTwo).contains { message.contains(":\($0):") } && message.contains("error")
        }, "\(problems)")
    }

    /// The line of the whole file that the date of entry `index` is on.
    func line(of index: Int, in file: RenderedFile) -> Int {
        let before = file.parts.prefix.lineCount + file.parts.entries[..<index].reduce(0) { $0 + $1.lineCount }
        let entry = String(decoding: file.parts.entries[index], as: UTF8.self)
        let marker = entry.contains("<published>") ? "<published>" : "<pubDate>"
        return before + 1 + entry[..<entry.range(of: marker)!.lowerBound].filter { $0 == "\n" }.count
    }

    /// Ids are compared as written: one that differs only by a character XML forbids (which
    /// the writers drop) is the same id in the file.
    @Test(arguments: ["urn:example:same", "urn:example:same\u{07}"])
    func twoEntriesWithTheSameIDAreRefusedBeforeAnythingIsWritten(secondID: String) throws {
        var posts = SamplePosts.posts
        posts[1].explicitID = "urn:example:same"
        posts[2].explicitID = secondID
        let planned = FeedBuilder(site: SamplePosts.site, now: now).feeds(from: posts)[0]
        for format in Crier.FeedFormat.allCases {
            let result = FeedRenderer.renderOne(planned, format: format)
            guard case .failure(let failure) = result else {
                Issue.record("\(format) was rendered")
                continue
            }
            #expect(failure.problems.count == 1 && failure.problems[0].contains("urn:example:same"))
            // Both posts are named, newest first as in the feed.
            let names = planned.feed.entries.filter { XMLText.cleaned($0.id) == "urn:example:same" }.compactMap(\.sourcePath)
            #expect(failure.problems[0].contains("(the posts \(names[0]) and \(names[1]))"), "\(failure.problems[0])")
        }
    }

    /// `a.md` and `a.txt` of the same day get the same id, made from the file name without
    /// its extension: the advice says a file can be renamed too (a text post has no front
    /// matter to give it an id in).
    @Test func postsWhoseNamesDifferOnlyInTheirExtensionAreToldToRenameOne() throws {
        let temp = try TemporarySite()
        defer { temp.remove() }
        try temp.write("2024-01-01-a.txt", "A\n\nText a.\n")
        try temp.write("2024-01-01-a.md", "---\ntitle: A md\n---\nText.\n")
        let result = PostLoader.load(.folder(temp.root, Site(title: "T", baseURL: "https://e.example/")), options: LoadOptions())
        #expect(result.posts.count == 2 && result.errors.isEmpty, "\(result.errors)")
        let planned = FeedBuilder(site: result.site, now: now).feeds(from: result.posts)[0]
        guard case .failure(let failure) = FeedRenderer.renderOne(planned, format: .atom) else {
            Issue.record("the feed was rendered")
            return
        }
        #expect(failure.problems == ["two entries have the id tag:e.example,2024-01-01:2024-01-01-a (the posts 2024-01-01-a.md and 2024-01-01-a.txt); "
            + "give one of them its own `id:` (or `guid:`) in its front matter, or rename one of the files (an id made from a post's file name leaves out its extension)"])
    }

    /// Every shared id is told with every post that has it, so that one run shows all
    /// there is to mend: three posts of one id, two of another.
    @Test func everySharedIDIsToldWithAllItsPosts() throws {
        let temp = try TemporarySite()
        defer { temp.remove() }
        for (name, id) in [("2024-01-01-a", "urn:example:id1"), ("2024-01-02-b", "urn:example:id2"), ("2024-01-03-c", "urn:example:id1"),
                           ("2024-01-04-d", "urn:example:id3"), ("2024-01-05-e", "urn:example:id2"), ("2024-01-06-f", "urn:example:id1")] {
            try temp.write(name + ".md", "---\ntitle: \(name)\nid: \(id)\n---\nText.\n")
        }
        let result = PostLoader.load(.folder(temp.root, Site(title: "T", baseURL: "https://e.example/")), options: LoadOptions())
        #expect(result.posts.count == 6 && result.errors.isEmpty, "\(result.errors)")
        let planned = FeedBuilder(site: result.site, now: now).feeds(from: result.posts)[0]
        guard case .failure(let failure) = FeedRenderer.renderOne(planned, format: .rss) else {
            Issue.record("the feed was rendered")
            return
        }
        // Newest first, as in the feed: urn:example:id1 is met first (in f).
        #expect(failure.problems == [
            "3 entries have the id urn:example:id1 (the posts 2024-01-06-f.md, 2024-01-03-c.md and 2024-01-01-a.md); give all but one of them "
                + "their own `id:` (or `guid:`) in their front matter, or rename all but one of the files "
                + "(an id made from a post's file name leaves out its extension)",
            "two entries have the id urn:example:id2 (the posts 2024-01-05-e.md and 2024-01-02-b.md); give one of them its own `id:` "
                + "(or `guid:`) in its front matter, or rename one of the files (an id made from a post's file name leaves out its extension)",
        ])
    }

    /// A feed with many shared ids tells the first ten and how many more.
    @Test func manySharedIDsAreToldTenAndHowManyMore() {
        var posts: [Post] = []
        for k in 0..<26 {
            var post = SamplePosts.posts[2]
            post.sourcePath = "post-\(k).md"
            post.explicitID = "urn:example:id\(k / 2)"
            post.published = SamplePosts.date("2024-02-10T00:00:00Z").addingTimeInterval(Double(-k) * 60)
            posts.append(post)
        }
        let planned = FeedBuilder(site: SamplePosts.site, now: now).feeds(from: posts)[0]
        guard case .failure(let failure) = FeedRenderer.renderOne(planned, format: .atom) else {
            Issue.record("the feed was rendered")
            return
        }
        #expect(failure.problems.count == 11, "\(failure.problems)")
        #expect(failure.problems.first?.hasPrefix("two entries have the id urn:example:id0 (the posts post-0.md and post-1.md)") == true)
        #expect(failure.problems.last == "and 3 more ids shared by two or more entries")
    }
}
