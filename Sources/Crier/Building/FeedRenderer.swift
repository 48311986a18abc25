import CrierXML
import Foundation

/// One rendered file of a feed, not yet on disk.
public struct RenderedFile: Sendable, Equatable {
    /// Path relative to the output folder, `/`-separated.
    public var path: String
    /// The format the bytes are in.
    public var format: FeedFormat
    /// The file's bytes, and for Atom and RSS where each entry is in them.
    public var parts: FeedParts
    /// Entries (RSS items) in the file.
    public var entryCount: Int
    /// Entries (indices into `parts.entries`) already known to pass the gate within these
    /// `parts.prefix` and `parts.suffix`: the gate need not validate them again.
    public internal(set) var knownValidEntries: Set<Int> = []
    /// Whether these are the bytes of the published file, when copying entries from it
    /// told (`EntrySource.isSameFile(as:)`); `nil` when nobody knows yet.
    var matchesPublished: Bool?
    /// The post each entry was made from (`Entry.sourcePath`), in the file's order, for
    /// the gate's messages.
    var entrySources: [String?] = []

    /// A file of `format` to be written at `path` (relative to the output folder).
    public init(path: String, format: FeedFormat, parts: FeedParts, entryCount: Int) {
        self.path = path
        self.format = format
        self.parts = parts
        self.entryCount = entryCount
    }

    /// The whole file.
    public var bytes: [UInt8] { parts.bytes }
}

/// A feed file that could not be produced (the writer failed, or the validator found a
/// problem in the output): nothing is written for it.
public struct FeedFailure: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file that was not produced, relative to the output folder, `/`-separated.
    public var path: String
    /// What went wrong, one line each: the writer's error, the validator's findings, or why
    /// the feed was refused; never empty.
    public var problems: [String]
    /// `path: problem; problem`.
    public var description: String { "\(path): " + problems.joined(separator: "; ") }
}

/// Checks a rendered file before it may be written; returns the problems found (errors
/// and warnings alike), empty when the file is fit to publish.
public typealias FeedCheck = @Sendable (_ file: RenderedFile) -> [String]

/// Where a publish finds the entries of the files it published before: a file's old
/// entries by its path and format, `nil` for a file it cannot vouch for.
typealias EntryReuse = @Sendable (_ path: String, _ format: FeedFormat) -> EntrySource?

/// Turns planned feeds into bytes, one writer per format. The files come back unchecked:
/// `BuildPipeline` runs the gate on them.
enum FeedRenderer {
    /// Renders every planned feed in every format, in parallel; the result is in a stable
    /// order (feed order, then atom, rss, json). With `reuse` (a publish), Atom and RSS
    /// entries unchanged since the file was last published are copied from it rather than
    /// written, and those the gate passed before in the same surrounding bytes are marked
    /// `knownValidEntries`.
    static func render(_ feeds: [PlannedFeed], formats: [FeedFormat], reuse: EntryReuse? = nil) -> [Result<RenderedFile, FeedFailure>] {
        let formats = Array(Set(formats)).sorted()
        // A publish tells entries apart by digest, taken once for all formats.
        let digests = reuse == nil ? nil : entryDigests(feeds)
        let jobs = feeds.indices.flatMap { feed in formats.map { (feed, $0) } }
        // A feed written in Atom and RSS escapes each entry's content once for both.
        let escapes = feeds.map { planned in
            formats.contains(.atom) && formats.contains(.rss) ? SharedEscapes(count: planned.feed.entries.count) : nil
        }
        // JSON Feeds first: one is written on one core and takes longest, while the cores
        // left take the Atom and RSS files, so the last to start is not the longest.
        let order = jobs.indices.filter { jobs[$0].1 == .json } + jobs.indices.filter { jobs[$0].1 != .json }
        let rendered = parallelMap(order.count, workers: order.count) { position in
            let (feed, format) = jobs[order[position]]
            return renderOne(feeds[feed], format: format, digests: digests?[feed], reuse: reuse, escapes: escapes[feed])
        }
        var files = rendered
        for (position, job) in order.enumerated() { files[job] = rendered[position] }
        return files
    }

    /// Each entry's `EntryDigest`, feed by feed, taken in parallel.
    private static func entryDigests(_ feeds: [PlannedFeed]) -> [[String]] {
        let entries = feeds.flatMap(\.feed.entries)
        var all = parallelMap(entries.count, workers: ProcessInfo.processInfo.activeProcessorCount) { EntryDigest.of(entries[$0]) }[...]
        return feeds.map { planned in
            defer { all = all.dropFirst(planned.feed.entries.count) }
            return Array(all.prefix(planned.feed.entries.count))
        }
    }

    static func renderOne(_ planned: PlannedFeed, format: FeedFormat, digests: [String]? = nil, reuse: EntryReuse? = nil,
                          escapes: SharedEscapes? = nil) -> Result<RenderedFile, FeedFailure> {
        let path = planned.path(for: format)
        let shared = sharedIDs(in: planned.feed.entries)
        if !shared.isEmpty {
            return .failure(FeedFailure(path: path, problems: sharedIDProblems(shared)))
        }
        do {
            func write(reusing source: EntrySource?) throws -> FeedParts {
                switch format {
                case .atom: try AtomWriter.parts(planned.feed, digests: digests, reuse: source, escapes: escapes)
                case .rss: try RSSWriter.parts(planned.feed, digests: digests, reuse: source, escapes: escapes)
                case .json: FeedParts(document: try JSONFeedWriter.write(planned.feed))
                }
            }
            var source = format == .json || digests == nil ? nil : reuse?(path, format)
            var parts = try write(reusing: source)
            if let old = source, !old.isIntact {
                // Written to while entries were copied from it: copy nothing.
                source = nil
                parts = try write(reusing: nil)
            }
            var file = RenderedFile(path: path, format: format, parts: parts, entryCount: planned.feed.entries.count)
            file.entrySources = planned.feed.entries.map(\.sourcePath)
            // The old file passed the gate as a whole: its entries passed in its frame.
            if let source {
                let sameFrame = parts.frameDigest == source.frame
                if source.validated, !parts.reusedEntries.isEmpty, sameFrame {
                    file.knownValidEntries = parts.reusedEntries
                }
                file.matchesPublished = source.isSameFile(as: parts, sameFrame: sameFrame)
            }
            return .success(file)
        } catch {
            return .failure(FeedFailure(path: path, problems: ["\(error)"]))
        }
    }
}

/// The entry ids that two or more entries share as written (cleaned of the characters XML
/// forbids, as the writers write it), in the order each is first met, with the source
/// paths of all the posts that have it, in feed order: readers would show them as one,
/// and the validator's rules across entries (duplicate ids, guids) would fail the feed.
func sharedIDs(in entries: [Entry]) -> [(id: String, posts: [String?])] {
    var first: [String: Int] = [:]
    first.reserveCapacity(entries.count)
    // Indices of the entries that share each id, for the ids seen twice or more.
    var groups: [Int: [Int]] = [:]
    // By index: copying each `Entry` would retain and release every reference it holds.
    for index in entries.indices {
        let id = XMLText.cleaned(entries[index].id)
        if let earlier = first[id] {
            groups[earlier, default: [earlier]].append(index)
        } else {
            first[id] = index
        }
    }
    return groups.keys.sorted().map { earliest in
        (XMLText.cleaned(entries[earliest].id), groups[earliest]!.map { entries[$0].sourcePath })
    }
}

/// At most this many shared ids are told, each with its posts; then how many more.
let sharedIDsTold = 10

/// One problem for each id in `shared` (up to `sharedIDsTold`), naming its posts and what
/// to do.
func sharedIDProblems(_ shared: [(id: String, posts: [String?])]) -> [String] {
    var problems = shared.prefix(sharedIDsTold).map { group in
        let named = group.posts.compactMap { $0 }
        let which = named.count == group.posts.count ? " (the posts \(listed(named)))" : ""
        let count = group.posts.count
        let advice = count == 2
            ? "give one of them its own `id:` (or `guid:`) in its front matter, or rename one of the files"
            : "give all but one of them their own `id:` (or `guid:`) in their front matter, or rename all but one of the files"
        return "\(count == 2 ? "two" : String(count)) entries have the id \(group.id)\(which); \(advice) "
            + "(an id made from a post's file name leaves out its extension)"
    }
    if shared.count > sharedIDsTold {
        let more = shared.count - sharedIDsTold
        problems.append("and \(more) more \(more == 1 ? "id" : "ids") shared by two or more entries")
    }
    return problems
}

/// `a`, `a and b`, `a, b and c`.
private func listed(_ names: [String]) -> String {
    names.count < 2 ? names.joined() : names.dropLast().joined(separator: ", ") + " and " + names.last!
}
