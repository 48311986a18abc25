import Foundation

/// Where each entry is in the Atom and RSS files the last publish wrote: for each file,
/// its `stat` identity just after it was written, the digest of its bytes around the
/// entries (`FeedParts.frameDigest`) and the byte range of each entry by `EntryDigest`.
///
/// The next publish copies an unchanged entry's bytes from the published file instead of
/// writing it again, and the gate skips it when the frame is unchanged too: every entry of
/// a published file passed the gate in that frame. A file whose identity changed (edited
/// or replaced by hand) is not used. Kept in `<state>/entries`; a file written by another
/// Crier executable is ignored, as its writer or validator may differ.
struct PublishedEntries: Equatable {
    static let magic = "CRIERENTRIES"
    static let formatVersion: UInt16 = 1

    struct Record: Equatable {
        var identity: StateFiles.Identity
        var frame: String
        var entries: [String: Range<Int>]
    }

    /// By output path (relative to the output folder).
    var records: [String: Record] = [:]

    /// The record of a file just written, or `nil` when it holds no entries or its
    /// entries' digests were not taken.
    static func record(of file: RenderedFile, identity: StateFiles.Identity) -> Record? {
        let parts = file.parts
        guard !parts.entryRanges.isEmpty, parts.entryDigests.count == parts.entryRanges.count else { return nil }
        return Record(identity: identity, frame: parts.frameDigest,
                      entries: Dictionary(zip(parts.entryDigests, parts.entryRanges), uniquingKeysWith: { first, _ in first }))
    }

    /// The old entries of the file at `path` in `output`, read from disk, when the file is
    /// still exactly as the last publish wrote it.
    func source(for path: String, in output: URL) -> EntrySource? {
        guard let record = records[path] else { return nil }
        let file = output.appendingPathComponent(path).path
        guard StateFiles.identity(file) == record.identity, let bytes = StateFiles.read(file),
              bytes.count == record.identity.size else { return nil }
        return EntrySource(bytes: bytes, ranges: record.entries, frame: record.frame)
    }

    /// The records in `file`, or none when there is no such file or it cannot be used.
    static func read(_ file: URL) -> PublishedEntries {
        guard let bytes = StateFiles.read(file.path), var r = StateReader(bytes, magic: magic, version: formatVersion),
              r.string() == PublishManifest.executableIdentity, let count = r.int(width: 4), count <= bytes.count else {
            return PublishedEntries()
        }
        var published = PublishedEntries()
        for _ in 0..<count {
            guard let path = r.string(), let identity = StateFiles.Identity.read(from: &r), let frame = r.string(),
                  let entryCount = r.int(width: 4), entryCount <= bytes.count else { return PublishedEntries() }
            var entries: [String: Range<Int>] = [:]
            entries.reserveCapacity(entryCount)
            for _ in 0..<entryCount {
                guard let digest = r.string(), let start = r.int(), let end = r.int(), start <= end else { return PublishedEntries() }
                entries[digest] = start..<end
            }
            published.records[path] = Record(identity: identity, frame: frame, entries: entries)
        }
        return published
    }

    func write(to file: URL) throws {
        var w = StateWriter(magic: PublishedEntries.magic, version: PublishedEntries.formatVersion)
        w.string(PublishManifest.executableIdentity)
        w.int(records.count, width: 4)
        for (path, record) in records.sorted(by: { $0.key < $1.key }) {
            w.string(path)
            record.identity.write(to: &w)
            w.string(record.frame)
            w.int(record.entries.count, width: 4)
            for (digest, range) in record.entries.sorted(by: { $0.value.lowerBound < $1.value.lowerBound }) {
                w.string(digest)
                w.int(range.lowerBound)
                w.int(range.upperBound)
            }
        }
        try StateFiles.overwrite(w.bytes, to: file.path)
    }
}
