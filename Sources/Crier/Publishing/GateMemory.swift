import Foundation

/// What the gate validated in earlier publishes: for each Atom and RSS file, the SHA-256
/// of its bytes around the entries (the "frame") and of each entry that passed within that
/// frame. An entry whose bytes and frame are both unchanged passed the same validator on
/// the same bytes before, so a publish after one post changed validates that post's entry
/// alone (`RenderedFile.knownValidEntries`). Kept in `<state>/gate`; a file written by
/// another Crier executable is ignored, as the validator may have changed.
struct GateMemory: Equatable {
    static let magic = "CRIERGATE"
    static let formatVersion: UInt16 = 1

    /// One file's frame and the entries that passed in it.
    struct Record: Equatable {
        var frame: String
        var entries: Set<String>
    }

    /// By output path.
    var records: [String: Record] = [:]

    /// The digests of a file's frame and of each of its entries (computed in parallel).
    static func digests(of parts: FeedParts) -> (frame: String, entries: [String]) {
        var frame = PublishDigest()
        frame.update(parts.prefix)
        frame.update([0])
        frame.update(parts.suffix)
        let entries = ResultSlots<String>(count: parts.entryRanges.count)
        DispatchQueue.concurrentPerform(iterations: parts.entryRanges.count) { index in
            entries[index] = PublishDigest.hex(bytes: parts.bytes[parts.entryRanges[index]])
        }
        return (frame.finishHex(), entries.values)
    }

    /// Marks the entries of `file` this memory vouches for; returns the file's digests.
    func markKnown(_ file: inout RenderedFile) -> (frame: String, entries: [String])? {
        guard !file.parts.entryRanges.isEmpty else { return nil }
        let digests = GateMemory.digests(of: file.parts)
        if let record = records[file.path], record.frame == digests.frame {
            file.knownValidEntries = Set(digests.entries.indices.filter { record.entries.contains(digests.entries[$0]) })
        }
        return digests
    }

    /// The memory in `file`, or an empty one when there is none or it cannot be used.
    static func read(_ file: URL) -> GateMemory {
        guard let bytes = StateFiles.read(file.path), var r = StateReader(bytes, magic: magic, version: formatVersion),
              r.string() == PublishManifest.executableIdentity, let count = r.int(width: 4), count <= bytes.count else {
            return GateMemory()
        }
        var memory = GateMemory()
        for _ in 0..<count {
            guard let path = r.string(), let frame = r.string(), let entries = r.strings() else { return GateMemory() }
            memory.records[path] = Record(frame: frame, entries: Set(entries))
        }
        return memory
    }

    func write(to file: URL) throws {
        var w = StateWriter(magic: GateMemory.magic, version: GateMemory.formatVersion)
        w.string(PublishManifest.executableIdentity)
        w.int(records.count, width: 4)
        for (path, record) in records.sorted(by: { $0.key < $1.key }) {
            w.string(path)
            w.string(record.frame)
            w.strings(record.entries.sorted())
        }
        try StateFiles.overwrite(w.bytes, to: file.path)
    }
}
