import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Where each entry is in the Atom and RSS files the last publish wrote: for each file,
/// its format, its `stat` identity once settled (`FileIO.settledIdentities`), the
/// SHA-256 of its bytes around the entries (`FeedParts.frameDigest`), whether it passed
/// the gate, and the byte range of each entry by `EntryDigest`.
///
/// The next publish copies an unchanged entry's bytes from the published file instead of
/// writing it again, and the gate skips it when the frame is unchanged too: every entry of
/// a validated file passed the gate in that frame. A file whose identity changed (edited
/// or replaced by hand: the identity is taken once the clock has moved past the write, so
/// even an edit within the same timestamp tick changes it) is not used, nor one of another
/// format, nor one on a file system with whole-second times. Kept in `<state>/entries`; a
/// file written by another Crier executable is ignored, as its writer or validator may
/// differ.
struct PublishedEntries: Equatable {
    static let magic = "CRIERENTRIES"
    static let formatVersion: UInt16 = 3

    struct Record: Equatable {
        /// Entries are written differently in each format.
        var format: FeedFormat
        var identity: FileIO.Identity
        var frame: String
        var validated: Bool
        var entries: [String: Range<Int>]
    }

    /// By output path (relative to the output folder).
    var records: [String: Record] = [:]

    /// The record of a file just written, with its settled identity, or `nil` when it
    /// holds no entries or its entries' digests were not taken.
    static func record(of file: RenderedFile, identity: FileIO.Identity, validated: Bool) -> Record? {
        let parts = file.parts
        guard !parts.entryRanges.isEmpty, parts.entryDigests.count == parts.entryRanges.count,
              identity.size == parts.count else { return nil }
        return Record(format: file.format, identity: identity, frame: parts.frameDigest, validated: validated,
                      entries: Dictionary(zip(parts.entryDigests, parts.entryRanges), uniquingKeysWith: { first, _ in first }))
    }

    /// The old entries of the file at `path` in `output`, when the file is still the one
    /// the last publish wrote.
    func source(for path: String, format: FeedFormat, in output: URL) -> EntrySource? {
        guard let record = records[path], record.format == format else { return nil }
        return EntrySource(path: output.appendingPathComponent(path).path, identity: record.identity, ranges: record.entries,
                           frame: record.frame, validated: record.validated)
    }

    /// The records in `file`, or none when there is no such file or it cannot be used.
    static func read(_ file: URL) -> PublishedEntries {
        guard PublishManifest.executableIdentity != "unknown",
              let bytes = FileIO.read(file.path), var r = StateReader(bytes, magic: magic, version: formatVersion),
              r.string() == PublishManifest.executableIdentity, let count = r.int(width: 4), count <= bytes.count else {
            return PublishedEntries()
        }
        var published = PublishedEntries()
        for _ in 0..<count {
            guard let path = r.string(), let format = r.string().flatMap(FeedFormat.init(rawValue:)),
                  let identity = FileIO.Identity.read(from: &r), let frame = r.string(), let validated = r.bool(),
                  let entryCount = r.int(width: 4), entryCount <= bytes.count else { return PublishedEntries() }
            var entries: [String: Range<Int>] = [:]
            entries.reserveCapacity(entryCount)
            for _ in 0..<entryCount {
                guard let entry = r.string(), let start = r.int(), let end = r.int(), 0 <= start, start <= end else {
                    return PublishedEntries()
                }
                entries[entry] = start..<end
            }
            published.records[path] = Record(format: format, identity: identity, frame: frame, validated: validated, entries: entries)
        }
        return r.atEnd ? published : PublishedEntries()
    }

    func write(to file: URL) throws {
        var w = StateWriter(magic: PublishedEntries.magic, version: PublishedEntries.formatVersion)
        w.string(PublishManifest.executableIdentity)
        w.int(records.count, width: 4)
        for (path, record) in records.sorted(by: { $0.key < $1.key }) {
            w.string(path)
            w.string(record.format.rawValue)
            record.identity.write(to: &w)
            w.string(record.frame)
            w.bool(record.validated)
            w.int(record.entries.count, width: 4)
            for (digest, range) in record.entries.sorted(by: { $0.value.lowerBound < $1.value.lowerBound }) {
                w.string(digest)
                w.int(range.lowerBound)
                w.int(range.upperBound)
            }
        }
        try AtomicFile.write(w.bytes, to: file, sync: false)
    }
}

/// The entries of a file as a previous publish wrote it, by `EntryDigest`: `FeedParts`
/// borrow them, and they are read from the file only when asked for or copied by the
/// kernel into the new version; the old file is never held in memory, nor held open
/// between reads (a publish may borrow from a thousand archive pages).
final class EntrySource: Sendable {
    /// The old file's path.
    let path: String
    /// The old file's `stat` identity, checked whenever the file is opened and after each
    /// read from it.
    let identity: FileIO.Identity
    let ranges: [String: Range<Int>]
    /// The file's `FeedParts.frameDigest`.
    let frame: String
    /// Whether the file passed the gate when it was published (a publish without a check
    /// writes files nobody validated).
    let validated: Bool

    /// The file at `path`, when it is still the one with this `identity`.
    init?(path: String, identity: FileIO.Identity, ranges: [String: Range<Int>], frame: String, validated: Bool) {
        guard FileIO.identity(path) == identity else { return nil }
        self.path = path
        self.identity = identity
        self.ranges = ranges
        self.frame = frame
        self.validated = validated
    }

    /// Where the entry with this digest is in the old file, if it has one there.
    func range(of digest: String) -> Range<Int>? {
        guard let range = ranges[digest], range.lowerBound >= 0, range.upperBound <= identity.size else { return nil }
        return range
    }

    /// The old file, open for `body`, which reads or copies from it by offset: throws
    /// unless the file is still the one with `identity` when opened and once `body` is
    /// done (any write to it changes its status-change time), so what `body` read is the
    /// published file's.
    func reading<T>(_ body: (OpenFile) throws -> T) throws -> T {
        // Non-blocking: something other than a regular file put at the path (a FIFO)
        // must not stall the publish; its identity does not match anyway.
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else { throw AtomicFile.WriteError(path: path, reason: "cannot read entries back: " + String(cString: strerror(errno))) }
        defer { close(fd) }
        guard FileIO.identity(descriptor: fd) == identity else { throw changed }
        let result = try body(OpenFile(descriptor: fd, path: path))
        guard FileIO.identity(descriptor: fd) == identity else { throw changed }
        return result
    }

    private var changed: AtomicFile.WriteError {
        AtomicFile.WriteError(path: path, reason: "changed while this run copied entries from it; run again")
    }

    /// The old file while `reading` has it open.
    struct OpenFile {
        let descriptor: Int32
        let path: String

        /// The bytes at `range`.
        func read(_ range: Range<Int>) throws -> [UInt8] {
            var failure: Int32 = 0
            let bytes = [UInt8](unsafeUninitializedCapacity: range.count) { buffer, count in
                guard let n = FileIO.pread(descriptor, into: UnsafeMutableRawBufferPointer(buffer), at: range.lowerBound) else {
                    failure = errno
                    count = 0
                    return
                }
                count = n
                // A file that ends early is as broken as one that cannot be read.
                if n < buffer.count { failure = EIO }
            }
            guard failure == 0 else {
                throw AtomicFile.WriteError(path: path, reason: "cannot read entries back: " + String(cString: strerror(failure)))
            }
            return bytes
        }

        /// Appends the bytes at `range` to `output`, copied by the kernel from file to file
        /// where it can (`FileIO.copy`).
        func copy(_ range: Range<Int>, to output: OutputFile) throws {
            try FileIO.copy(range, from: descriptor, to: output, reading: read)
        }
    }

    /// Whether the old file is still as it was: a write to it changes its status-change time.
    var isIntact: Bool { FileIO.identity(path) == identity }

    /// Whether `parts`, made from this source, are byte for byte the old file: `true` when
    /// every entry was copied to where it was, around the same frame (`sameFrame`: equal
    /// `FeedParts.frameDigest`); `false` when the sizes differ; `nil` when only reading the
    /// old file can tell.
    func isSameFile(as parts: FeedParts, sameFrame: Bool) -> Bool? {
        guard parts.count == identity.size else { return false }
        guard sameFrame, parts.reusedEntries.count == parts.entryRanges.count, parts.entryDigests.count == parts.entryRanges.count,
              zip(parts.entryDigests, parts.entryRanges).allSatisfy({ ranges[$0] == $1 }) else {
            return nil
        }
        return true
    }
}
