import CrierXML
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// An XML feed document and where its entries are in it: the bytes before the first entry
/// (the XML declaration and the feed's metadata), each entry's bytes, and the bytes after
/// the last.
///
/// Entries are written apart, each by its own libxml2 writer and in parallel, indented as
/// in place, then copied into the document in order; which lets the gate validate entries
/// apart from one another and a publish skip the entries it validated before.
///
/// A publish's parts may borrow entries from the file it published before
/// (`EntrySource`): their bytes stay in that file, are read from it only when something
/// asks for them, and are copied from file to file by the kernel when the document is
/// written (`write(to:path:)`).
public struct FeedParts: Sendable {
    /// The bytes this document holds itself: the prefix, then each entry it does not
    /// borrow, in order, then the suffix.
    private var storage: [UInt8]
    /// Where each entry's bytes are: in `storage`, or borrowed from `source`.
    private var pieces: [Piece]
    private var prefixCount: Int
    /// The file borrowed entries are in.
    private var source: EntrySource?
    /// Where each entry is in the document, in feed order.
    public private(set) var entryRanges: [Range<Int>]
    /// The size of the whole document.
    public private(set) var count: Int

    private enum Piece: Sendable, Equatable {
        /// At this range of `storage`.
        case own(Range<Int>)
        /// At this range of `source`.
        case borrowed(Range<Int>)

        var isBorrowed: Bool { if case .borrowed = self { true } else { false } }
        var range: Range<Int> {
            switch self {
            case .own(let range), .borrowed(let range): range
            }
        }
    }

    /// Everything before the first entry.
    public var prefix: ArraySlice<UInt8> { storage[..<prefixCount] }
    /// Everything after the last entry.
    public var suffix: ArraySlice<UInt8> { storage[suffixStart...] }
    /// Where the suffix starts in `storage`.
    private var suffixStart: Int
    /// Whether some entries are borrowed.
    private var borrows: Bool { source != nil && !reusedEntries.isEmpty }

    /// Calls `body` with a function that gives each entry's bytes by index, the borrowed
    /// ones read from their file, which is open meanwhile and checked unchanged after.
    func reading<T>(_ body: (_ entry: (Int) throws -> ArraySlice<UInt8>) throws -> T) throws -> T {
        guard borrows, let source else {
            return try body { index in
                guard case .own(let range) = pieces[index] else { preconditionFailure("an entry borrowed from no file") }
                return storage[range]
            }
        }
        return try source.reading { file in
            try body { index in
                switch pieces[index] {
                case .own(let range): return storage[range]
                case .borrowed(let range): return try file.read(range)[...]
                }
            }
        }
    }

    /// Each entry's bytes (borrowed ones read from their file: none if that fails).
    public var entries: [ArraySlice<UInt8>] {
        (try? reading { entry in try pieces.indices.map(entry) }) ?? []
    }

    /// The whole document (borrowed entries read from their file). Empty when a borrowed
    /// entry cannot be read back or its file changed; `write(to:path:)` reports why.
    public var bytes: [UInt8] {
        guard borrows else { return storage }
        return (try? reading { entry in
            var document: [UInt8] = []
            document.reserveCapacity(count)
            document += prefix
            for index in pieces.indices { document += try entry(index) }
            document += suffix
            return document
        }) ?? []
    }

    /// Whether the file at `path` holds exactly this document (`false` when it cannot be
    /// read, or a file entries are borrowed from changed meanwhile), compared a piece at a
    /// time. A borrowed entry is read only when the file is not the one it is borrowed
    /// from, unchanged, with the entry at the same place; a publish compares with that
    /// file, so what is read is mostly the bytes it wrote itself.
    func matches(fileAt path: String) -> Bool {
        FileIO.withRegularFile(path) { fd, info in matches(fd, identity: FileIO.Identity(info), path: path) } ?? false
    }

    private func matches(_ fd: Int32, identity: FileIO.Identity, path: String) -> Bool {
        guard identity.size == count else { return false }
        var block: [UInt8] = []
        /// Whether the file holds `bytes` at `offset`, read a megabyte at a time.
        func holds(_ bytes: ArraySlice<UInt8>, at offset: Int) -> Bool {
            var done = 0
            while done < bytes.count {
                let size = min(bytes.count - done, 1 << 20)
                if block.count < size { block = [UInt8](repeating: 0, count: size) }
                let read = block.withUnsafeMutableBytes { FileIO.pread(fd, into: UnsafeMutableRawBufferPointer(rebasing: $0[..<size]), at: offset + done) }
                guard read == size else { return false }
                let same = bytes.withUnsafeBytes { mine in block.withUnsafeBytes { memcmp(mine.baseAddress! + done, $0.baseAddress!, size) == 0 } }
                guard same else { return false }
                done += size
            }
            return true
        }
        guard borrows, let source else { return holds(storage[...], at: 0) }
        return (try? source.reading { file in
            let isSource = source.path == path && identity == source.identity
            guard holds(prefix, at: 0) else { return false }
            for (index, piece) in pieces.enumerated() {
                let offset = entryRanges[index].lowerBound
                switch piece {
                case .own(let range):
                    guard holds(storage[range], at: offset) else { return false }
                case .borrowed(let range):
                    if isSource && range.lowerBound == offset { continue }
                    guard holds(try file.read(range)[...], at: offset) else { return false }
                }
            }
            return holds(suffix, at: count - suffix.count)
        }) ?? false
    }

    /// Writes the whole document to `output`: its own bytes with `write`, each run of
    /// borrowed entries that lie together in their file with kernel copies. Throws if the
    /// file borrowed from changed meanwhile.
    func write(to output: OutputFile) throws {
        guard borrows, let source else { return try output.write(storage[...]) }
        try source.reading { file in
            try output.write(prefix)
            var index = 0
            while index < pieces.count {
                // The run of pieces from `index` of the same kind that lie end to end.
                let borrowed = pieces[index].isBorrowed
                let start = pieces[index].range.lowerBound
                var end = start
                while index < pieces.count, pieces[index].isBorrowed == borrowed, pieces[index].range.lowerBound == end {
                    end = pieces[index].range.upperBound
                    index += 1
                }
                if borrowed {
                    try file.copy(start..<end, to: output)
                } else {
                    try output.write(storage[start..<end])
                }
            }
            try output.write(suffix)
        }
    }

    /// A document made of these pieces.
    init(prefix: some Collection<UInt8>, entries: [some Collection<UInt8>], suffix: some Collection<UInt8>) {
        storage = Array(prefix)
        prefixCount = storage.count
        entryRanges = []
        entryRanges.reserveCapacity(entries.count)
        pieces = []
        pieces.reserveCapacity(entries.count)
        for entry in entries {
            let start = storage.count
            storage += entry
            entryRanges.append(start..<storage.count)
            pieces.append(.own(start..<storage.count))
        }
        suffixStart = storage.count
        storage += suffix
        count = storage.count
    }

    /// A document with no entries to tell apart (a JSON Feed).
    public init(document: [UInt8]) {
        storage = document
        prefixCount = document.count
        entryRanges = []
        pieces = []
        suffixStart = document.count
        count = document.count
    }

    /// A guess at an entry's size once written, reserved up front: its HTML with a quarter
    /// more (escaping `<` and `&` makes markup larger) and a kilobyte for the rest.
    static func estimatedSize(of entry: Entry) -> Int {
        1024 + ((entry.summaryHTML?.utf8.count ?? 0) + (entry.content?.utf8Count ?? 0)) * 5 / 4
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
    /// each of `entries` with `write` (given its index) into a fragment writer `depth` elements deep, in
    /// parallel a batch at a time, copying them in between. `digests` (each entry's
    /// `EntryDigest`, for a publish) are kept, and an entry whose digest `reuse` knows is
    /// borrowed from there instead of being written.
    init(frame: [UInt8], prefixCount: Int, entries: [Entry], depth: Int, digests: [String]?, reuse: EntrySource?,
         write: @Sendable (_ index: Int, Entry, XMLWriter) throws -> Void) throws {
        precondition(digests.map { $0.count == entries.count } ?? (reuse == nil), "one digest per entry, to reuse entries")
        // What the entries to write take; the borrowed ones stay where they are.
        let borrowed: [Range<Int>?] = entries.indices.map { index in digests.flatMap { reuse?.range(of: $0[index]) } }
        // By index: an `Entry` is a dozen references, each retained and released on a copy.
        var estimate = frame.count
        for index in entries.indices where borrowed[index] == nil { estimate += FeedParts.estimatedSize(of: entries[index]) }
        storage = []
        storage.reserveCapacity(estimate)
        storage += frame[..<prefixCount]
        self.prefixCount = prefixCount
        source = reuse
        entryRanges = []
        entryRanges.reserveCapacity(entries.count)
        pieces = []
        pieces.reserveCapacity(entries.count)
        var position = prefixCount
        for batchStart in stride(from: 0, to: entries.count, by: FeedParts.batchSize) {
            let batch = batchStart..<min(entries.count, batchStart + FeedParts.batchSize)
            let results = parallelMap(batch.count, workers: batch.count) { offset in
                let index = batchStart + offset
                return Result<[UInt8], any Error> {
                    if borrowed[index] != nil { return [] }
                    let w = try XMLWriter(fragmentAtDepth: depth, expectedSize: FeedParts.estimatedSize(of: entries[index]))
                    try write(index, entries[index], w)
                    return try w.finishFragment()
                }
            }
            for (offset, result) in results.enumerated() {
                let written = try result.get()
                let index = batchStart + offset
                if let digest = digests?[index] { entryDigests.append(digest) }
                if let range = borrowed[index] {
                    reusedEntries.insert(index)
                    pieces.append(.borrowed(range))
                    entryRanges.append(position..<position + range.count)
                    position += range.count
                } else {
                    let start = storage.count
                    storage += written
                    pieces.append(.own(start..<storage.count))
                    entryRanges.append(position..<position + written.count)
                    position += written.count
                }
            }
        }
        suffixStart = storage.count
        storage += frame[prefixCount...]
        count = position + frame.count - prefixCount
    }
}

extension FeedParts: Equatable {
    /// The same document, cut at the same places, with the same entries borrowed from the
    /// same version of the same file (compared without reading it).
    public static func == (a: FeedParts, b: FeedParts) -> Bool {
        a.count == b.count && a.entryRanges == b.entryRanges && a.prefixCount == b.prefixCount && a.pieces == b.pieces
            && a.storage == b.storage && a.entryDigests == b.entryDigests && a.reusedEntries == b.reusedEntries
            && a.source?.path == b.source?.path && a.source?.identity == b.source?.identity
    }
}
