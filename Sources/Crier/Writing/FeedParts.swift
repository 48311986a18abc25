import CrierXML
import Foundation

/// An XML feed document cut where its entries are: the bytes before the first entry (the
/// XML declaration and the feed's metadata), one run of bytes per entry, and the bytes
/// after the last. Joined, they are the document.
///
/// Entries are written apart, each by its own libxml2 writer and in parallel, indented as
/// in place; which lets the gate validate each entry on its own and a publish skip the
/// entries it validated before.
public struct FeedParts: Sendable, Equatable {
    /// Everything before the first entry.
    public var prefix: [UInt8]
    /// Each entry's bytes, in feed order.
    public var entries: [[UInt8]]
    /// Everything after the last entry.
    public var suffix: [UInt8]

    public init(prefix: [UInt8], entries: [[UInt8]], suffix: [UInt8]) {
        self.prefix = prefix
        self.entries = entries
        self.suffix = suffix
    }

    /// The whole document.
    public var joined: [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(byteCount)
        bytes += prefix
        for entry in entries { bytes += entry }
        bytes += suffix
        return bytes
    }

    /// The parts in document order, for writing without joining them first.
    public var chunks: [[UInt8]] { [prefix] + entries + [suffix] }

    /// The document's size in bytes.
    public var byteCount: Int { entries.reduce(prefix.count + suffix.count) { $0 + $1.count } }

    /// Cuts `document`, written without entries, at `prefixCount` and writes each of
    /// `entries` with `write` into a fragment writer `depth` elements deep, in parallel.
    init(document: [UInt8], prefixCount: Int, entries: [Entry], depth: Int,
         write: @Sendable (Entry, XMLWriter) throws -> Void) throws {
        prefix = Array(document[..<prefixCount])
        suffix = Array(document[prefixCount...])
        let slots = ResultSlots<Result<[UInt8], any Error>>(count: entries.count)
        DispatchQueue.concurrentPerform(iterations: entries.count) { index in
            let entry = entries[index]
            slots[index] = Result {
                let html = (entry.summaryHTML?.utf8.count ?? 0) + (entry.contentHTML?.utf8.count ?? 0)
                let w = try XMLWriter(fragmentAtDepth: depth, expectedSize: 1024 + html * 5 / 4)
                try write(entry, w)
                return try w.finishFragment()
            }
        }
        self.entries = try slots.values.map { try $0.get() }
    }
}
