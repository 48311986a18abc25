import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// The post cache `crier publish` keeps between runs, in a folder per build job
/// (`<output>/.crier/cache/<scope>/`): an `index` of the cached posts and one pack file
/// (`pack-<id>`) of their content.
///
/// A post is reused only when its file's path, size, modification time and SHA-256 all
/// match (`PostCacheKey`), or, without reading the file, when its `stat` is the one
/// remembered with the post once the file had stopped changing (`StatTrustingPostCache`).
/// What else shapes a rendered post (the site's configuration files, the feed definition,
/// the source folder, Crier's version and executable) goes into the folder's *scope*:
/// change any of it and the job starts with an empty folder.
///
/// The pack holds the posts' content (the rendered HTML's UTF-8) and is only ever
/// appended to: `save()` adds the content of the posts rendered in this run at its end in
/// one write, and a post found in the cache keeps its content where it is. The index
/// names the pack and holds, for each post, everything but its content, and where the
/// content is in the pack with its length, SHA-256 and whether it has a printable
/// character; `save()` writes it whole (a temporary file renamed over it, not flushed),
/// with only the posts asked about in this run (deleted files drop out). A pack holding
/// more dead content (of posts changed or deleted since) than live, and over
/// `compactionThreshold`, is replaced: `save()` copies the live content into a new pack
/// before the index names it. `save()` also removes every file of the folder that the
/// index does not name (old packs, what a killed run left).
///
/// The index is read in one piece on the first lookup; the posts the loader asks about
/// by their files' `stat` are decoded all at once, in parallel (`posts(unchangedAt:)`),
/// and the others one by one as the loader's worker threads ask for them. A torn, foreign or unreadable
/// index is a miss for every post: the cache only ever saves time. A post's content stays
/// in the pack until a writer needs it (`CachedText`, which checks it by its SHA-256),
/// unless it has no printable character (`FeedBuilder` must look at it): a publish that
/// copies unchanged entries from the published feed never reads theirs. The files are
/// Crier's to write (under the publish lock): content changed or removed by something
/// else while a run uses it fails the feed files that needed it, with a message to run
/// again, and its post is dropped from the cache (`CacheDamage`), so the next run
/// renders it again.
public final class DiskPostCache: StatTrustingPostCache, @unchecked Sendable {
    /// Bumped whenever the stored format or the meaning of a cached post changes.
    static let formatVersion: UInt16 = 7
    static let magic = "CRIERCACHE"
    /// The last bytes of a complete index.
    static let trailer = "END"
    /// The index's file name.
    static let indexName = "index"
    /// How every pack's file name starts.
    static let packPrefix = "pack-"
    /// Dead bytes a pack may hold before `save()` compacts it (when they outweigh the live too).
    static let compactionThreshold = 1 << 20

    /// The folder of this job's cached posts.
    public let folder: URL
    private let folderPath: String
    /// Fingerprint of everything besides the post file that shapes a loaded post.
    public let scope: String
    /// Whether posts are taken from the cache; `false` renders every post and only
    /// refreshes the folder (`crier publish --no-cache`).
    public let reuse: Bool
    /// Files last changed before this moment (nanoseconds since 1970, on the file clock)
    /// have stopped changing: their `stat` is remembered and vouches for them next time.
    let settledBefore: Int64
    /// Posts whose content was found damaged in the pack: `save()` leaves them out.
    let damage = CacheDamage()

    // Guarded by `lock`: the loader calls in from its worker threads.
    private let lock = NSLock()
    private var indexRead = false
    /// The index as read (or as `save()` last wrote it); `nil` when there is none to use.
    private var index: Index?
    /// The posts to keep, by the relative path of their file: found or rendered this run.
    private var entries: [String: Entry] = [:]
    /// Content hashes of the file versions asked about, by relative path.
    private var hashes: [String: String] = [:]
    private var hitCount = 0
    private var statHitCount = 0
    private var missCount = 0

    /// The index file in memory.
    private struct Index {
        var bytes: [UInt8]
        /// Each post's record in `bytes` (after its length), by its file's relative path.
        var records: [String: Range<Int>]
        /// The pack's file name.
        var pack: String
        /// The pack's path (`CachedText` holds it).
        var packPath: String
        /// The pack's size when the index was read: no record reaches beyond it.
        var packSize: Int
    }

    /// A post `save()` keeps.
    private enum Entry {
        /// Found in the cache, and written again as the index holds it (its record there).
        case indexed(Range<Int>)
        /// Rendered in this run (`content` is `nil`: appended to the pack), or found in the
        /// cache with a newly remembered `stat`, its content staying at `content`.
        case post(CachedPost, content: PackedContent?)
    }

    /// Where a post's content is in the pack, and what it is.
    struct PackedContent {
        var offset: Int
        var count: Int
        var sha256: [UInt8]
        var hasPrintableASCII: Bool

        /// Its size in an index record, at the record's start.
        static let size = 8 + 8 + 32 + 1
    }

    /// Opens (or starts) the cache folder `folder` for `scope`.
    public convenience init(folder: URL, scope: String, reuse: Bool = true) {
        self.init(folder: folder, scope: scope, reuse: reuse, racyMargin: PublishManifest.racyMargin)
    }

    /// A file changed less than `racyMargin` nanoseconds before now could change again
    /// within the same timestamp tick: its `stat` is not remembered. `identities` are the
    /// post files' `stat`s by relative path, taken before anything is loaded (a publish
    /// has them from its snapshot of the inputs), which the loader uses instead of its own.
    init(folder: URL, scope: String, reuse: Bool, racyMargin: Int64, identities: [String: FileIO.Identity] = [:]) {
        self.folder = folder
        folderPath = folder.path
        self.scope = scope
        self.reuse = reuse
        self.identities = identities
        settledBefore = FileIO.fileClockNanoseconds() - racyMargin
    }

    /// The post files' `stat`s given when the cache was opened.
    private let identities: [String: FileIO.Identity]

    func identity(of path: String) -> FileIO.Identity? { identities[path] }

    /// The name of the folder of the job whose scope is `scope`.
    static func folderName(scope: String) -> String { String(scope.prefix(24)) }

    /// The path of the file `name` in the folder.
    private func path(of name: String) -> String { folderPath + "/" + name }

    /// The post remembered for exactly this file version (never with `reuse` off).
    public func post(for key: PostCacheKey) -> Post? {
        post(for: key, identity: nil)
    }

    func post(for key: PostCacheKey, identity: FileIO.Identity?) -> Post? {
        let found: (Index, Range<Int>)? = lock.withLock {
            hashes[key.path] = key.contentHash
            return record(of: key.path)
        }
        // Decoded outside the lock: the loader's threads look up their posts in parallel.
        var cached: CachedPost?
        var packed: PackedContent?
        if let (index, range) = found, let (post, content) = decode(range, of: index), post.key == key {
            cached = self.content(content, in: index, for: post)
            packed = content
        }
        return lock.withLock {
            guard var cached, let packed, let (_, range) = found else {
                missCount += 1
                return nil
            }
            hitCount += 1
            // A file that has stopped changing since: remember its `stat` from now on.
            if let settled = settled(identity), cached.identity != settled {
                cached.identity = settled
                entries[key.path] = .post(cached, content: packed)
            } else {
                entries[key.path] = .indexed(range)
            }
            return cached.post
        }
    }

    /// The post remembered for the file at `path` (relative to the source) when `identity`,
    /// its `stat` now, is the one remembered: `posts(unchangedAt:)` for one file.
    func post(unchangedAt path: String, identity: FileIO.Identity) -> Post? {
        guard reuse, let index = lock.withLock({ currentIndex() }),
              let found = unchanged(at: path, identity: identity, in: index) else { return nil }
        lock.withLock { remember([(path, found.contentHash)], in: index) }
        return found.post
    }

    func posts(unchangedAt files: [PostFile]) -> [Post?] {
        guard reuse, !files.isEmpty, let index = lock.withLock({ currentIndex() }) else { return Array(repeating: nil, count: files.count) }
        // Decoded in parallel from this copy of the index, with no lock: two threads
        // taking a lock for each of ten thousand posts spent a quarter of their time
        // waiting for each other, in the kernel.
        let found = parallelMap(files.count, workers: ProcessInfo.processInfo.activeProcessorCount) { at -> (post: Post, contentHash: String)? in
            let file = files[at]
            // No `stat` taken for a file the index has no record of (a new post).
            guard index.records[file.relativePath] != nil,
                  let identity = identities[file.relativePath] ?? FileIO.identity(file.path) else { return nil }
            return unchanged(at: file.relativePath, identity: identity, in: index)
        }
        var hits: [(path: String, contentHash: String)] = []
        hits.reserveCapacity(found.count)
        for (file, found) in zip(files, found) {
            if let found { hits.append((file.relativePath, found.contentHash)) }
        }
        lock.withLock { remember(hits, in: index) }
        return found.map { $0?.post }
    }

    /// The post of the record for `path` in `index` and the content hash of its file,
    /// when `identity` (the file's `stat` now) is settled and the one remembered; reads
    /// nothing shared but `index`.
    private func unchanged(at path: String, identity: FileIO.Identity, in index: Index) -> (post: Post, contentHash: String)? {
        guard let identity = settled(identity), let range = index.records[path],
              var record = decodeRecord(range, of: index), record.key.path == path, record.identity == identity,
              let content = content(record.content, in: index, path: path) else { return nil }
        record.post.content = content
        return (record.post, record.key.contentHash)
    }

    /// Keeps the posts of the files at `hits`, found unchanged in `index`, as its records
    /// hold them (under `lock`).
    private func remember(_ hits: [(path: String, contentHash: String)], in index: Index) {
        for hit in hits {
            guard let range = index.records[hit.path] else { continue }
            // Unchanged since it was read: the content hash recorded then still holds.
            hashes[hit.path] = hit.contentHash
            entries[hit.path] = .indexed(range)
        }
        hitCount += hits.count
        statHitCount += hits.count
    }

    /// Remembers a freshly loaded post; its content is written by `save()`.
    public func store(_ post: Post, for key: PostCacheKey) {
        store(post, for: key, identity: nil)
    }

    func store(_ post: Post, for key: PostCacheKey, identity: FileIO.Identity?) {
        var cached = CachedPost(key: key, post: post)
        cached.identity = settled(identity)
        lock.withLock { entries[key.path] = .post(cached, content: nil) }
    }

    /// `identity` when the file it describes had stopped changing when this run began.
    private func settled(_ identity: FileIO.Identity?) -> FileIO.Identity? {
        guard let identity, identity.lastChange < settledBefore, identity.hasSubsecondTimestamps else { return nil }
        return identity
    }

    /// Posts found in the cache so far.
    public var hits: Int { lock.withLock { hitCount } }
    /// Posts found by their file's `stat` alone, without reading the file (among `hits`).
    var statHits: Int { lock.withLock { statHitCount } }
    /// Posts looked up and not found (rendered again).
    public var misses: Int { lock.withLock { missCount } }

    /// The SHA-256 (hex) of the version of the post file at `path` (relative to the
    /// source) that the loader read in this run, if it asked about it.
    func contentHash(of path: String) -> String? { lock.withLock { hashes[path] } }

    /// The index and the record in it of the post file at `path`, if any (under `lock`).
    private func record(of path: String) -> (Index, Range<Int>)? {
        guard reuse, let index = currentIndex(), let range = index.records[path] else { return nil }
        return (index, range)
    }

    /// The index, read on first use (under `lock`); never with `reuse` off.
    private func currentIndex() -> Index? {
        if !indexRead {
            indexRead = true
            index = reuse ? readIndex() : nil
            // Most posts are found again: room for them all at once, not grown step by step.
            entries.reserveCapacity(index?.records.count ?? 0)
            hashes.reserveCapacity(index?.records.count ?? 0)
        }
        return index
    }

    /// The index file, with where each record is, or `nil` when there is none or it is
    /// torn, foreign, of another scope or names no pack there is.
    private func readIndex() -> Index? {
        guard let bytes = FileIO.read(path(of: DiskPostCache.indexName)),
              var r = StateReader(bytes, magic: DiskPostCache.magic, version: DiskPostCache.formatVersion),
              r.string() == scope, let pack = r.string(), DiskPostCache.isPackName(pack),
              let count = r.int(width: 4), count <= bytes.count else { return nil }
        var records: [String: Range<Int>] = [:]
        records.reserveCapacity(count)
        for _ in 0..<count {
            guard let length = r.int(width: 4), let record = r.fixed(length) else { return nil }
            var fields = StateReader(bytes, in: record.indices)
            guard fields.fixed(PackedContent.size) != nil, let path = fields.string() else { return nil }
            records[path] = record.indices
        }
        guard r.string() == DiskPostCache.trailer, r.atEnd,
              let pack = FileIO.identity(path(of: pack)).map({ (name: pack, info: $0) }),
              pack.info.mode & S_IFMT == S_IFREG else { return nil }
        return Index(bytes: bytes, records: records, pack: pack.name, packPath: path(of: pack.name), packSize: Int(pack.info.size))
    }

    /// Whether `name` can be a pack's file name (an index names no other file).
    static func isPackName(_ name: String) -> Bool {
        name.hasPrefix(packPrefix) && name.count <= 64 && !name.contains("/")
    }

    /// Writes what this run rendered and the index of every post asked about, and removes
    /// what the folder holds besides. Returns whether anything on disk changed. Called once
    /// the lookups are done, and the content of the posts found read: a compacted pack
    /// replaces the one they point into.
    @discardableResult
    public func save() throws -> Bool {
        let (index, entries) = lock.withLock { (currentIndex(), self.entries) }
        let damaged = damage.reported
        var keep = entries.sorted { $0.key < $1.key }
        if !damaged.isEmpty { keep.removeAll { damaged.contains($0.key) } }
        // The pack as it is now: one that vanished leaves its posts nothing to keep.
        let packSize = index.flatMap { FileIO.identity($0.packPath) }.map { Int($0.size) }
        if packSize == nil { keep.removeAll { packed($0.value, in: index) != nil } }

        // The content rendered in this run, to go at the end of the pack in this order.
        var appended: [HTMLContent] = []
        var appendedCount = 0
        var appendedContent: [String: PackedContent] = [:]
        var failure: String?
        keep.removeAll { path, entry in
            guard case .post(let cached, nil) = entry else { return false }
            do {
                let content = try cached.content.loaded()
                appendedContent[path] = PackedContent(offset: appendedCount, count: content.utf8Count, sha256: content.sha256,
                                                      hasPrintableASCII: content.hasPrintableASCII)
                appendedCount += content.utf8Count
                appended.append(content)
                return false
            } catch {
                failure = failure ?? "\(error)"
                return true
            }
        }

        let live = keep.reduce(0) { $0 + (packed($1.value, in: index)?.count ?? 0) }
        let dead = (packSize ?? 0) - live
        let compact = live > 0 && dead > live + appendedCount && dead > DiskPostCache.compactionThreshold
        let unchanged = !compact && appended.isEmpty && keep.count == index?.records.count
            && keep.allSatisfy { if case .indexed = $0.value { true } else { false } }
        var changed = false
        if keep.isEmpty {
            lock.withLock {
                self.index = nil
                self.entries = [:]
            }
        } else if !unchanged {
            do {
                try write(keep, appended: appended, at: appendedContent, index: index,
                          appendingTo: live > 0 && !compact ? index?.pack : nil, compacting: compact)
                changed = true
            } catch {
                failure = failure ?? "\(error)"
            }
        }
        let indexPath = path(of: DiskPostCache.indexName)
        // Content found damaged after the posts to keep were taken: only the next run can
        // leave them out, reading no index.
        if let current = lock.withLock({ self.index }),
           damage.saved(pack: current.packPath, index: indexPath, leavingOut: damaged) {
            unlink(indexPath)
            lock.withLock {
                self.index = nil
                self.entries = [:]
            }
        }
        // Whatever the index does not name goes, also when a post could not be written.
        let named: Set<String> = lock.withLock { self.index.map { [DiskPostCache.indexName, $0.pack] } ?? [] }
        for name in FileIO.names(in: folderPath) ?? [] where !named.contains(name) && !name.hasPrefix(".") {
            if unlink(path(of: name)) == 0 { changed = true }
        }
        if !AtomicFile.removeStaleTemporaryFiles(in: folder).isEmpty { changed = true }
        if let failure { throw CacheError(reason: failure) }
        return changed
    }

    /// Writes the pack, then the index of `keep` (whose `.indexed` records are in `index`):
    /// `appended` (where `appendedContent` says each post's content is in it) goes at the
    /// end of the pack `existing`, or with none into a new pack, after the live content of
    /// the pack of `index` when `compacting`.
    private func write(_ keep: [(key: String, value: Entry)], appended: [HTMLContent], at appendedContent: [String: PackedContent],
                       index: Index?, appendingTo existing: String?, compacting: Bool) throws {
        if let failure = FileIO.makeFolders(folderPath) {
            throw AtomicFile.WriteError(path: failure.folder, reason: failure.reason)
        }
        let pack = existing ?? DiskPostCache.packPrefix + String(UInt64.random(in: 0...UInt64.max), radix: 16)
        let packPath = path(of: pack)
        let fd = open(packPath, existing == nil ? O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC : O_WRONLY | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw AtomicFile.WriteError(path: packPath, reason: String(cString: strerror(errno))) }
        var size = 0
        var moved: [Int: Int] = [:]
        var appendedAt = 0
        do {
            defer { close(fd) }
            // Not opened to append: the kernel does not copy into such a file.
            if existing != nil {
                guard let end = FileIO.identity(descriptor: fd)?.size, lseek(fd, off_t(end), SEEK_SET) == off_t(end) else {
                    throw AtomicFile.WriteError(path: packPath, reason: String(cString: strerror(errno)))
                }
                size = Int(end)
            }
            let output = OutputFile(descriptor: fd, path: packPath, writeBehind: false)
            if compacting, let index {
                (moved, size) = try copyLive(keep.compactMap { packed($0.value, in: index) }, of: index, to: output)
            }
            appendedAt = size
            // One sequential write, put together a few megabytes at a time rather than
            // with a second copy of every post's content in memory.
            var piece: [UInt8] = []
            for content in appended {
                try content.withUTF8 { piece.append(contentsOf: $0) }
                size += content.utf8Count
                if piece.count >= OutputFile.writeBehindStep {
                    try output.write(piece[...])
                    piece.removeAll(keepingCapacity: true)
                }
            }
            try output.write(piece[...])
        } catch {
            if existing == nil { unlink(packPath) }
            throw error
        }

        var w = StateWriter(magic: DiskPostCache.magic, version: DiskPostCache.formatVersion)
        // About the size of the index read, when most posts were found in it.
        w.reserveCapacity((index?.bytes.count ?? 0) + appendedContent.count * 1024)
        w.string(scope)
        w.string(pack)
        w.int(keep.count, width: 4)
        var records: [String: Range<Int>] = [:]
        records.reserveCapacity(keep.count)
        for (path, entry) in keep {
            let start = w.bytes.count + 4
            w.counted { w in
                switch entry {
                case .indexed(let range):
                    let bytes = index!.bytes
                    if let offset = DiskPostCache.offset(of: range, in: bytes), let to = moved[offset] {
                        w.int(to)
                        w.fixed(bytes[(range.lowerBound + 8)..<range.upperBound])
                    } else {
                        w.fixed(bytes[range])
                    }
                case .post(let cached, var content):
                    if content == nil {
                        content = appendedContent[path]
                        content?.offset += appendedAt
                    } else if let to = moved[content!.offset] {
                        content?.offset = to
                    }
                    encode(cached, at: content!, into: &w)
                }
            }
            records[path] = start..<w.bytes.count
        }
        w.string(DiskPostCache.trailer)
        try AtomicFile.write(w.bytes, to: URL(fileURLWithPath: path(of: DiskPostCache.indexName)), sync: false)
        lock.withLock {
            self.index = Index(bytes: w.bytes, records: records, pack: pack, packPath: packPath, packSize: size)
            indexRead = true
            entries = records.mapValues { .indexed($0) }
        }
    }

    /// Copies `contents` from the pack of `index` to `output`, the start of a new pack,
    /// adjacent pieces at once and in the order they are in; returns where each piece's
    /// offset moved to, and how much was copied.
    private func copyLive(_ contents: [PackedContent], of index: Index, to output: OutputFile) throws -> (moved: [Int: Int], count: Int) {
        let sourcePath = index.packPath
        let source = open(sourcePath, O_RDONLY | O_CLOEXEC)
        guard source >= 0 else { throw AtomicFile.WriteError(path: sourcePath, reason: String(cString: strerror(errno))) }
        defer { close(source) }
        var moved: [Int: Int] = [:]
        var copied = 0
        var run: Range<Int>?
        func copyRun() throws {
            guard let run else { return }
            try FileIO.copy(run, from: source, to: output) { piece in
                guard let bytes = FileIO.pread(source, count: piece.count, at: piece.lowerBound) else {
                    throw AtomicFile.WriteError(path: sourcePath, reason: "ends before the content the index places in it")
                }
                return bytes
            }
            copied += run.count
        }
        for content in contents.sorted(by: { $0.offset < $1.offset }) {
            if let current = run, content.offset <= current.upperBound {
                run = current.lowerBound..<max(current.upperBound, content.offset + content.count)
            } else {
                try copyRun()
                run = content.offset..<content.offset + content.count
            }
            moved[content.offset] = copied + content.offset - run!.lowerBound
        }
        try copyRun()
        return (moved, copied)
    }

    /// A cache file that could not be written.
    struct CacheError: Error, CustomStringConvertible {
        var reason: String
        var description: String { reason }
    }

    /// Removes what `cacheFolder` holds besides the folders of `scopes`: caches of
    /// configurations no longer in use, and the caches of earlier versions.
    static func removeOthers(in cacheFolder: URL, keeping scopes: [String]) {
        let keep = Set(scopes.map(folderName))
        for name in FileIO.names(in: cacheFolder.path) ?? [] where !keep.contains(name) && !name.hasPrefix(".") {
            try? FileManager.default.removeItem(at: cacheFolder.appendingPathComponent(name))
        }
    }

    /// Writes the index record of `cached`, whose content is at `content` in the pack:
    /// where the content is first, as `save()` may move it.
    private func encode(_ cached: CachedPost, at content: PackedContent, into w: inout StateWriter) {
        w.int(content.offset)
        w.int(content.count)
        w.fixed(content.sha256)
        w.bool(content.hasPrintableASCII)
        w.string(cached.key.path)
        w.int(cached.key.size)
        w.double(cached.key.modified)
        w.string(cached.key.contentHash)
        w.optional(cached.identity) { $1.write(to: &$0) }
        w.string(cached.sourcePath)
        w.string(cached.title)
        w.double(cached.published.timeIntervalSinceReferenceDate)
        w.optional(cached.updated) { $0.double($1.timeIntervalSinceReferenceDate) }
        w.optional(cached.expires) { $0.double($1.timeIntervalSinceReferenceDate) }
        w.string(cached.url)
        w.optional(cached.explicitID) { $0.string($1) }
        w.int(cached.authors.count, width: 4)
        for author in cached.authors {
            w.string(author.name)
            w.optional(author.email) { $0.string($1) }
            w.optional(author.uri) { $0.string($1) }
        }
        w.strings(cached.tags)
        w.strings(cached.categories)
        w.optional(cached.summaryHTML) { $0.string($1) }
        w.optional(cached.language) { $0.string($1) }
        w.bool(cached.isUndated)
    }

    /// The offset in the pack that the record at `range` of `bytes` gives its content.
    private static func offset(of range: Range<Int>, in bytes: [UInt8]) -> Int? {
        var r = StateReader(bytes, in: range)
        return r.int()
    }

    /// Where the content of `entry` is in the pack of `index`: `nil` for a post rendered
    /// in this run.
    private func packed(_ entry: Entry, in index: Index?) -> PackedContent? {
        switch entry {
        case .indexed(let range):
            guard let index else { return nil }
            var r = StateReader(index.bytes, in: range)
            return DiskPostCache.packedContent(&r, packSize: index.packSize)
        case .post(_, let content):
            return content
        }
    }

    /// Where a record says its content is, when that is inside a pack of `packSize` bytes.
    private static func packedContent(_ r: inout StateReader, packSize: Int) -> PackedContent? {
        guard let offset = r.int(), let count = r.int(), let sha256 = r.fixed(32), let printable = r.bool(),
              offset >= 0, count >= 0, count <= packSize - offset else { return nil }
        return PackedContent(offset: offset, count: count, sha256: Array(sha256), hasPrintableASCII: printable)
    }

    /// The post in the index record at `range` (its content left out) and where its
    /// content is, or `nil` when the record is not understood or reaches beyond the pack.
    private func decode(_ range: Range<Int>, of index: Index) -> (CachedPost, PackedContent)? {
        guard let record = decodeRecord(range, of: index) else { return nil }
        var cached = CachedPost(key: record.key, post: record.post)
        cached.identity = record.identity
        return (cached, record.content)
    }

    /// The fields of the index record at `range`: what `decode(_:of:)` gives, with the
    /// post as a `Post` (its content left out).
    private func decodeRecord(_ range: Range<Int>, of index: Index)
        -> (key: PostCacheKey, identity: FileIO.Identity?, post: Post, content: PackedContent)? {
        var r = StateReader(index.bytes, in: range)
        guard let content = DiskPostCache.packedContent(&r, packSize: index.packSize),
              let path = r.string(), let size = r.int(), let modified = r.double(), let hash = r.string(),
              let identity = r.optional({ FileIO.Identity.read(from: &$0) }),
              let sourcePath = r.string(), let title = r.string(), let published = r.double(),
              let updated = r.optional({ $0.double() }), let expires = r.optional({ $0.double() }),
              let url = r.string(), let explicitID = r.optional({ $0.string() }),
              let authorCount = r.int(width: 4), authorCount <= range.count else { return nil }
        var authors: [Person] = []
        for _ in 0..<authorCount {
            guard let name = r.string(), let email = r.optional({ $0.string() }), let uri = r.optional({ $0.string() }) else { return nil }
            authors.append(Person(name: name, email: email, uri: uri))
        }
        guard let tags = r.strings(), let categories = r.strings(), let summary = r.optional({ $0.string() }),
              let language = r.optional({ $0.string() }), let undated = r.bool(), r.atEnd else { return nil }
        var post = Post(sourcePath: sourcePath, title: title, published: Date(timeIntervalSinceReferenceDate: published),
                        updated: updated.map(Date.init(timeIntervalSinceReferenceDate:)),
                        expires: expires.map(Date.init(timeIntervalSinceReferenceDate:)),
                        url: url, explicitID: explicitID, authors: authors, tags: tags, categories: categories,
                        summaryHTML: summary, contentHTML: "", language: language)
        post.isUndated = undated
        return (PostCacheKey(path: path, size: size, modified: modified, contentHash: hash), identity, post, content)
    }

    /// `cached` with its content, which is at `packed` in the pack of `index`: left there
    /// until a writer needs it, or, without a printable character, read now (`nil` when
    /// the pack no longer holds it).
    private func content(_ packed: PackedContent, in index: Index, for cached: CachedPost) -> CachedPost? {
        guard let content = content(packed, in: index, path: cached.key.path) else { return nil }
        var cached = cached
        cached.content = content
        return cached
    }

    /// The content at `packed` in the pack of `index`, of the post file at `path`.
    private func content(_ packed: PackedContent, in index: Index, path: String) -> HTMLContent? {
        let text = CachedText(path: index.packPath, offset: packed.offset, count: packed.count, sha256: packed.sha256,
                              post: path, damage: damage)
        if packed.hasPrintableASCII { return HTMLContent(text) }
        guard let bytes = text.readIfIntact() else { return nil }
        return HTMLContent(utf8: bytes[...], sha256: packed.sha256[...])
    }

    /// Fingerprint of a job's inputs other than the post files, and of whether drafts are
    /// included (a draft loaded for a `--drafts` run is no post for a run without).
    static func scope(of job: BuildJob, includeDrafts: Bool) -> String {
        var digest = PublishDigest()
        digest.update("crier \(Generator.version) cache \(formatVersion)\n")
        digest.update("drafts \(includeDrafts)\n")
        // A rebuilt Crier may render Markdown differently under the same version number.
        digest.update("executable \(PublishManifest.executableIdentity)\n")
        switch job.source {
        case .site(let folder):
            digest.update("site \(folder.standardizedFileURL.path)\n")
            // Which of Hugo's config/ folders apply (all of them are digested below).
            if SiteConfiguration.isHugo(root: folder) { digest.update("hugo environment \(SiteConfiguration.hugoEnvironment)\n") }
            for file in configurationFiles(of: folder) {
                digest.update("file \(file.path)\n")
                digest.update(FileIO.read(file.path) ?? [])
                digest.update("\n")
            }
        case .folder(let folder, let site):
            digest.update("folder \(folder.standardizedFileURL.path)\n")
            digest.update(String(reflecting: site))
        }
        if let definition = job.definition {
            digest.update("definition \(definition.file.path)\n")
            digest.update(FileIO.read(definition.file.path) ?? [])
            digest.update(String(reflecting: definition.overrides))
        }
        return digest.finishHex()
    }

    /// Files of a Jekyll or Hugo site that can change how every post renders: the
    /// configuration files at the top of the site (`_config.yml`, `hugo.toml`, ...), and
    /// everything under `_data/` (authors) and Hugo's `config/`.
    static func configurationFiles(of folder: URL) -> [URL] {
        let manager = FileManager.default
        var files: [URL] = []
        let top = (try? manager.contentsOfDirectory(at: folder, includingPropertiesForKeys: [.isRegularFileKey])) ?? []
        for file in top where ["yml", "yaml", "toml", "json"].contains(file.pathExtension.lowercased()) {
            if (try? file.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true { files.append(file) }
        }
        // Hugo's `_index` pages, whose `cascade` reaches the pages below them.
        if SiteConfiguration.isHugo(root: folder) {
            let content = (try? SiteConfiguration.hugoConfiguration(root: folder))?.table.value("contentDir")?.scalarText ?? "content"
            files += HugoCascade.indexFiles(in: folder.appendingPathComponent(content)).map(\.url)
        }
        for name in ["_data", "config"] {
            let sub = folder.appendingPathComponent(name)
            guard let walker = manager.enumerator(at: sub, includingPropertiesForKeys: [.isRegularFileKey]) else { continue }
            for case let file as URL in walker where (try? file.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true {
                files.append(file)
            }
        }
        return files.sorted { $0.path < $1.path }
    }
}

/// A post and the file version it was loaded from. The model stays free of storage
/// concerns, so the cache keeps its own mirror (a test checks it has every field).
struct CachedPost: Equatable {
    var key: PostCacheKey
    /// The file's `stat` before it was read, when it had stopped changing by then.
    var identity: FileIO.Identity?
    var sourcePath: String
    var title: String
    var published: Date
    var updated: Date?
    var expires: Date?
    var url: String
    var explicitID: String?
    var authors: [Person]
    var tags: [String]
    var categories: [String]
    var summaryHTML: String?
    var content: HTMLContent
    var language: String?
    var isUndated: Bool

    init(key: PostCacheKey, post: Post) {
        self.key = key
        sourcePath = post.sourcePath
        title = post.title
        published = post.published
        updated = post.updated
        expires = post.expires
        url = post.url
        explicitID = post.explicitID
        authors = post.authors
        tags = post.tags
        categories = post.categories
        summaryHTML = post.summaryHTML
        content = post.content
        language = post.language
        isUndated = post.isUndated
    }

    var post: Post {
        var post = Post(sourcePath: sourcePath, title: title, published: published, updated: updated, expires: expires,
                        url: url, explicitID: explicitID, authors: authors, tags: tags, categories: categories,
                        summaryHTML: summaryHTML, contentHTML: "", language: language)
        post.content = content
        post.isUndated = isUndated
        return post
    }
}

/// The posts whose content a cache's `CachedText` found damaged in its pack: shared by
/// the cache and the content it hands out, so that `save()` leaves them out of the index
/// (the next run renders them again). Content found damaged once `save()` has written the
/// index, in the pack it names, can only be left out by removing the index.
final class CacheDamage: Sendable {
    private struct State {
        var posts: Set<String> = []
        /// The pack and index paths of the last `save()`.
        var saved: (pack: String, index: String)?
    }

    private let state = Mutex(State())

    /// The content of the post file `post` (relative path) in the pack at `pack` is not
    /// what the index says.
    func report(post: String, pack: String) {
        let index: String? = state.withLock { state in
            state.posts.insert(post)
            return state.saved.flatMap { $0.pack == pack ? $0.index : nil }
        }
        if let index { unlink(index) }
    }

    /// The posts reported so far.
    var reported: Set<String> { state.withLock { $0.posts } }

    /// Notes that `save()` has put the index at `index`, naming the pack at `pack`, and
    /// left out the posts `leftOut`; returns whether others were reported meanwhile.
    func saved(pack: String, index: String, leavingOut leftOut: Set<String>) -> Bool {
        state.withLock { state in
            state.saved = (pack, index)
            return !state.posts.isSubset(of: leftOut)
        }
    }
}
