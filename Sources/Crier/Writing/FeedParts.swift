import CrierXML
import Foundation

/// An XML feed document and where its entries are in it: the bytes before the first entry
/// (the XML declaration and the feed's metadata), each entry's bytes, and the bytes after
/// the last.
///
/// Entries are written apart, each by its own libxml2 writer and in parallel, indented as
/// in place, then copied into the document in order; which lets the gate validate entries
/// apart from one another and a publish skip the entries it validated before.
public struct FeedParts: Sendable, Equatable {
    /// The whole document.
    public private(set) var bytes: [UInt8]
    /// Where each entry is in `bytes`, in feed order.
    public private(set) var entryRanges: [Range<Int>]
    /// Where the entries start (where they would start, in a feed without any).
    private var entriesStart: Int
    private var entriesEnd: Int { entryRanges.last?.upperBound ?? entriesStart }

    /// Everything before the first entry.
    public var prefix: ArraySlice<UInt8> { bytes[..<entriesStart] }
    /// Everything after the last entry.
    public var suffix: ArraySlice<UInt8> { bytes[entriesEnd...] }
    /// Each entry's bytes.
    public var entries: [ArraySlice<UInt8>] { entryRanges.map { bytes[$0] } }

    /// A document made of these pieces.
    init(prefix: some Collection<UInt8>, entries: [some Collection<UInt8>], suffix: some Collection<UInt8>) {
        bytes = Array(prefix)
        entriesStart = bytes.count
        entryRanges = []
        entryRanges.reserveCapacity(entries.count)
        for entry in entries {
            let start = bytes.count
            bytes += entry
            entryRanges.append(start..<bytes.count)
        }
        bytes += suffix
    }

    /// A document with no entries to tell apart (a JSON Feed).
    public init(document: [UInt8]) {
        bytes = document
        entriesStart = document.count
        entryRanges = []
    }

    /// A guess at an entry's size once written, reserved up front: its HTML with a quarter
    /// more (escaping `<` and `&` makes markup larger) and a kilobyte for the rest.
    static func estimatedSize(of entry: Entry) -> Int {
        1024 + ((entry.summaryHTML?.utf8.count ?? 0) + (entry.contentHTML?.utf8.count ?? 0)) * 5 / 4
    }

    /// How many entries are written at once before they are copied into the document:
    /// enough to keep every core busy, few enough that only a little of the document is
    /// ever held twice.
    static let batchSize = 256

    /// Each entry's `EntryDigest`, when the writer was asked for them (a publish).
    public internal(set) var entryDigests: [String] = []
    /// Entries (indices) whose bytes were taken from `EntrySource` rather than written.
    public internal(set) var reusedEntries: Set<Int> = []

    /// SHA-256 of the bytes around the entries: two files with the same frame differ at
    /// most in their entries.
    var frameDigest: String {
        var digest = PublishDigest()
        digest.update(prefix)
        digest.update([0])
        digest.update(suffix)
        return digest.finishHex()
    }

    /// Cuts `frame`, the document written without entries, at `prefixCount` and writes
    /// each of `entries` with `write` into a fragment writer `depth` elements deep, in
    /// parallel a batch at a time, copying them in between. `digests` (each entry's
    /// `EntryDigest`, for a publish) are kept, and an entry whose digest `reuse` knows is
    /// copied from there instead of being written.
    init(frame: [UInt8], prefixCount: Int, entries: [Entry], depth: Int, digests: [String]?, reuse: EntrySource?,
         write: @Sendable (Entry, XMLWriter) throws -> Void) throws {
        let estimate = entries.reduce(frame.count) { $0 + FeedParts.estimatedSize(of: $1) }
        bytes = []
        bytes.reserveCapacity(estimate)
        bytes += frame[..<prefixCount]
        entriesStart = prefixCount
        entryRanges = []
        entryRanges.reserveCapacity(entries.count)
        precondition(digests.map { $0.count == entries.count } ?? (reuse == nil), "one digest per entry, to reuse entries")
        for batchStart in stride(from: 0, to: entries.count, by: FeedParts.batchSize) {
            let batch = entries[batchStart..<min(entries.count, batchStart + FeedParts.batchSize)]
            let slots = ResultSlots<Result<(digest: String?, bytes: [UInt8], reused: Bool), any Error>>(count: batch.count)
            DispatchQueue.concurrentPerform(iterations: batch.count) { index in
                let entry = batch[batch.startIndex + index]
                slots[index] = Result {
                    let digest = digests?[batch.startIndex + index]
                    if let digest, let old = reuse?.entry(digest) { return (digest, old, true) }
                    let w = try XMLWriter(fragmentAtDepth: depth, expectedSize: FeedParts.estimatedSize(of: entry))
                    try write(entry, w)
                    return (digest, try w.finishFragment(), false)
                }
            }
            for result in slots.values {
                let entry = try result.get()
                let start = bytes.count
                bytes += entry.bytes
                if entry.reused { reusedEntries.insert(entryRanges.count) }
                if let digest = entry.digest { entryDigests.append(digest) }
                entryRanges.append(start..<bytes.count)
            }
        }
        bytes += frame[prefixCount...]
    }
}
