import Foundation

/// One rendered file of a feed, not yet on disk.
public struct RenderedFile: Sendable, Equatable {
    /// Path relative to the output folder, `/`-separated.
    public var path: String
    public var format: FeedFormat
    public var bytes: [UInt8]
    public var entryCount: Int
}

/// A feed file that could not be produced (the writer failed, or the validator found a
/// problem in the output): nothing is written for it.
public struct FeedFailure: Error, Sendable, Equatable, CustomStringConvertible {
    public var path: String
    public var problems: [String]
    public var description: String { "\(path): " + problems.joined(separator: "; ") }
}

/// Checks a rendered file before it may be written; returns the problems found (errors
/// and warnings alike), empty when the file is fit to publish.
public typealias FeedCheck = @Sendable (_ bytes: [UInt8], _ format: FeedFormat, _ path: String) -> [String]

/// Turns planned feeds into bytes, one writer per format.
public enum FeedRenderer {
    /// Renders every planned feed in every format, in parallel; the result is in a stable
    /// order (feed order, then atom, rss, json).
    public static func render(_ feeds: [PlannedFeed], formats: [FeedFormat], check: FeedCheck?) -> [Result<RenderedFile, FeedFailure>] {
        let formats = Array(Set(formats)).sorted()
        let jobs = feeds.flatMap { feed in formats.map { (feed, $0) } }
        let results = ResultSlots<Result<RenderedFile, FeedFailure>>(count: jobs.count)
        DispatchQueue.concurrentPerform(iterations: jobs.count) { index in
            let (planned, format) = jobs[index]
            results[index] = renderOne(planned, format: format, check: check)
        }
        return results.values
    }

    static func renderOne(_ planned: PlannedFeed, format: FeedFormat, check: FeedCheck?) -> Result<RenderedFile, FeedFailure> {
        let path = planned.path(for: format)
        do {
            let bytes: [UInt8]
            switch format {
            case .atom: bytes = try AtomWriter.write(planned.feed)
            case .rss: bytes = try RSSWriter.write(planned.feed)
            case .json: bytes = try JSONFeedWriter.write(planned.feed)
            }
            if let check {
                let problems = check(bytes, format, path)
                if !problems.isEmpty { return .failure(FeedFailure(path: path, problems: problems)) }
            }
            return .success(RenderedFile(path: path, format: format, bytes: bytes, entryCount: planned.feed.entries.count))
        } catch {
            return .failure(FeedFailure(path: path, problems: ["\(error)"]))
        }
    }
}

/// Fixed slots filled from concurrent iterations, each slot written by exactly one of them.
final class ResultSlots<Value>: @unchecked Sendable {
    private var storage: [Value?]
    private let lock = NSLock()

    init(count: Int) { storage = Array(repeating: nil, count: count) }

    subscript(index: Int) -> Value? {
        get { lock.withLock { storage[index] } }
        set { lock.withLock { storage[index] = newValue } }
    }

    var values: [Value] { lock.withLock { storage.map { $0! } } }
}
