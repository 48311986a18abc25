import Foundation

/// Where each entry is in the Atom and RSS files the last publish wrote: for each file,
/// its format, its `stat` identity once settled (`StateFiles.settledIdentities`), the
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
        var identity: StateFiles.Identity
        var frame: String
        var validated: Bool
        var entries: [String: Range<Int>]
    }

    /// By output path (relative to the output folder).
    var records: [String: Record] = [:]

    /// The record of a file just written, with its settled identity, or `nil` when it
    /// holds no entries or its entries' digests were not taken.
    static func record(of file: RenderedFile, identity: StateFiles.Identity, validated: Bool) -> Record? {
        let parts = file.parts
        guard !parts.entryRanges.isEmpty, parts.entryDigests.count == parts.entryRanges.count,
              identity.size == parts.bytes.count else { return nil }
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
              let bytes = StateFiles.read(file.path), var r = StateReader(bytes, magic: magic, version: formatVersion),
              r.string() == PublishManifest.executableIdentity, let count = r.int(width: 4), count <= bytes.count else {
            return PublishedEntries()
        }
        var published = PublishedEntries()
        for _ in 0..<count {
            guard let path = r.string(), let format = r.string().flatMap(FeedFormat.init(rawValue:)),
                  let identity = StateFiles.Identity.read(from: &r), let frame = r.string(), let validated = r.bool(),
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
