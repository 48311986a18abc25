import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The post cache `crier publish` keeps between runs: one small binary file per post, in a
/// folder per build job (`<output>/.crier/cache/<scope>/<hash of the post's path>`).
///
/// A post is reused only when its file's path, size, modification time and SHA-256 all
/// match (`PostCacheKey`), or, without reading the file, when its `stat` is the one
/// remembered with the post once the file had stopped changing (`StatTrustingPostCache`).
/// What else shapes a rendered post (the site's configuration files, the feed definition,
/// the source folder, Crier's version and executable) goes into the folder's *scope*:
/// change any of it and the job starts with an empty folder. Posts are read lazily, on
/// the loader's worker threads, only for the files the loader asks about; `save()` writes
/// only the posts rendered in this run and removes the files of posts not asked about
/// (deleted files). An unreadable, truncated or foreign file is a miss: the cache only
/// ever saves time. A long post's content is left in its file until a writer needs it
/// (`CachedText`): a publish that copies unchanged entries from the published feed reads
/// only the start of each file. The files are Crier's to write (under the publish lock):
/// one changed or removed by something else while a run uses it fails the feed files
/// that needed its content, with a message to run again, and nothing else.
public final class DiskPostCache: StatTrustingPostCache, @unchecked Sendable {
    /// Bumped whenever the stored format or the meaning of a cached post changes.
    static let formatVersion: UInt16 = 6
    static let magic = "CRIERPOST"
    /// The last bytes of a complete cached post.
    static let trailer = "END"

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

    // Guarded by `lock`: the loader calls in from its worker threads.
    private let lock = NSLock()
    /// Posts rendered this run, to be written by `save()`, by file name.
    private var fresh: [String: CachedPost] = [:]
    /// File names of every post asked about (they stay; the others are removed).
    private var asked: Set<String> = []
    /// Content hashes of the file versions asked about, by relative path.
    private var hashes: [String: String] = [:]
    private var hitCount = 0
    private var statHitCount = 0
    private var missCount = 0

    /// Opens (or starts) the cache folder `folder` for `scope`.
    public convenience init(folder: URL, scope: String, reuse: Bool = true) {
        self.init(folder: folder, scope: scope, reuse: reuse, racyMargin: PublishManifest.racyMargin)
    }

    /// A file changed less than `racyMargin` nanoseconds before now could change again
    /// within the same timestamp tick: its `stat` is not remembered.
    init(folder: URL, scope: String, reuse: Bool, racyMargin: Int64) {
        self.folder = folder
        folderPath = folder.path
        self.scope = scope
        self.reuse = reuse
        settledBefore = FileIO.fileClockNanoseconds() - racyMargin
    }

    /// The name of the folder of the job whose scope is `scope`.
    static func folderName(scope: String) -> String { String(scope.prefix(24)) }

    /// The path of the cache file `name`.
    private func path(of name: String) -> String { folderPath + "/" + name }

    /// The name of the cached post for the file at `path` (relative to the source).
    static func fileName(for path: String) -> String { String(PublishDigest.hex(path).prefix(32)) }

    /// The post remembered for exactly this file version (never with `reuse` off).
    public func post(for key: PostCacheKey) -> Post? {
        post(for: key, identity: nil)
    }

    func post(for key: PostCacheKey, identity: FileIO.Identity?) -> Post? {
        let name = DiskPostCache.fileName(for: key.path)
        lock.withLock {
            asked.insert(name)
            hashes[key.path] = key.contentHash
        }
        // Read outside the lock: the loader's threads read their posts in parallel.
        let cached = reuse ? read(path(of: name)) : nil
        return lock.withLock {
            guard var cached, cached.key == key else {
                missCount += 1
                return nil
            }
            hitCount += 1
            // A file that has stopped changing since: remember its `stat` from now on.
            if let settled = settled(identity), cached.identity != settled {
                cached.identity = settled
                fresh[name] = cached
            }
            return cached.post
        }
    }

    func post(unchangedAt path: String, identity: FileIO.Identity) -> Post? {
        guard reuse, let identity = settled(identity) else { return nil }
        let name = DiskPostCache.fileName(for: path)
        guard let cached = read(self.path(of: name)),
              cached.key.path == path, cached.identity == identity else { return nil }
        return lock.withLock {
            asked.insert(name)
            // Unchanged since it was read: the content hash recorded then still holds.
            hashes[path] = cached.key.contentHash
            hitCount += 1
            statHitCount += 1
            return cached.post
        }
    }

    /// Remembers a freshly loaded post; the file is written by `save()`.
    public func store(_ post: Post, for key: PostCacheKey) {
        store(post, for: key, identity: nil)
    }

    func store(_ post: Post, for key: PostCacheKey, identity: FileIO.Identity?) {
        let name = DiskPostCache.fileName(for: key.path)
        var cached = CachedPost(key: key, post: post)
        cached.identity = settled(identity)
        lock.withLock {
            asked.insert(name)
            fresh[name] = cached
        }
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

    /// Writes the posts rendered in this run and removes the files of posts nobody asked
    /// about. Returns whether anything on disk changed.
    @discardableResult
    public func save() throws -> Bool {
        let (posts, keep): ([(String, CachedPost)], Set<String>) = lock.withLock {
            let posts = fresh.sorted { $0.key < $1.key }
            fresh = [:]
            return (posts, asked)
        }
        var changed = false
        var failure: String?
        if !posts.isEmpty {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            let failures = ResultSlots<String?>(count: posts.count)
            DispatchQueue.concurrentPerform(iterations: posts.count) { index in
                let (name, post) = posts[index]
                do {
                    // Written in place, not flushed: a file torn by a crash or a kill fails
                    // its length or trailer check and is a miss, which costs one render.
                    try FileIO.overwrite(try encode(post), to: path(of: name))
                    failures[index] = .some(nil)
                } catch {
                    failures[index] = .some("\(error)")
                }
            }
            failure = failures.values.compactMap({ $0 }).first
            changed = true
        }
        // The files of deleted posts go even when another file could not be written.
        for name in FileIO.names(in: folder.path) ?? [] where !keep.contains(name) && !name.hasPrefix(".") {
            if unlink(path(of: name)) == 0 { changed = true }
        }
        if let failure { throw CacheError(reason: failure) }
        return changed
    }

    /// A cache file that could not be written.
    struct CacheError: Error, CustomStringConvertible {
        var reason: String
        var description: String { reason }
    }

    /// Removes what `cacheFolder` holds besides the folders of `scopes`: caches of
    /// configurations no longer in use, and the single-file caches of earlier versions.
    static func removeOthers(in cacheFolder: URL, keeping scopes: [String]) {
        let keep = Set(scopes.map(folderName))
        for name in FileIO.names(in: cacheFolder.path) ?? [] where !keep.contains(name) && !name.hasPrefix(".") {
            try? FileManager.default.removeItem(at: cacheFolder.appendingPathComponent(name))
        }
    }

    /// The file of `cached`; throws when its content was left in a cache file that has
    /// changed since.
    func encode(_ cached: CachedPost) throws -> [UInt8] {
        let content = try cached.content.loaded()
        var w = StateWriter(magic: DiskPostCache.magic, version: DiskPostCache.formatVersion)
        w.string(scope)
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
        // The content last, after its SHA-256, whether it has a printable character and
        // its length: a post read back leaves it in the file until a writer needs it.
        w.fixed(content.sha256)
        w.bool(content.hasPrintableASCII)
        try content.withUTF8 { w.raw($0) }
        w.string(DiskPostCache.trailer)
        return w.bytes
    }

    /// How much of a cache file is read at first: a file no longer than this is read
    /// whole; of a longer one, the post without its content (mostly well under this), the
    /// content being left in the file until a writer needs it.
    static let headerReadSize = 4096

    /// The post cached in the file at `path`, or `nil` when there is none or it is torn,
    /// foreign or of another scope.
    func read(_ path: String) -> CachedPost? {
        FileIO.withRegularFile(path) { fd, info in read(fd, info: info, path: path) }
    }

    private func read(_ fd: Int32, info: stat, path: String) -> CachedPost? {
        let size = Int(info.st_size)
        // The cache is written only under the publish lock, so its files hold still.
        func whole() -> CachedPost? { FileIO.pread(fd, count: size, at: 0).flatMap { decode($0) } }
        guard size > DiskPostCache.headerReadSize else { return whole() }
        guard let head = FileIO.pread(fd, count: DiskPostCache.headerReadSize, at: 0),
              let tail = FileIO.pread(fd, count: DiskPostCache.trailerBytes.count, at: size - DiskPostCache.trailerBytes.count),
              tail == DiskPostCache.trailerBytes else { return nil }
        let file = CachedFile(path: path, size: size, identity: FileIO.Identity(info))
        // A header longer than the first read, or content without a printable character
        // (which `FeedBuilder` must look at): the whole file.
        return decode(head, leavingContentIn: file) ?? whole()
    }

    /// The bytes that end every complete cache file (`trailer` as `StateWriter` writes it).
    static let trailerBytes: [UInt8] = {
        var w = StateWriter(magic: "", version: 0)
        let start = w.bytes.count
        w.string(trailer)
        return Array(w.bytes[start...])
    }()

    /// A cache file whose content is left where it is.
    struct CachedFile {
        var path: String
        var size: Int
        var identity: FileIO.Identity
    }

    /// The post in `bytes`: a whole cache file, or with `file` the start of that file (its
    /// trailer checked), whose content is then left in it.
    func decode(_ bytes: [UInt8], leavingContentIn file: CachedFile? = nil) -> CachedPost? {
        guard var r = StateReader(bytes, magic: DiskPostCache.magic, version: DiskPostCache.formatVersion),
              r.string() == scope,
              let path = r.string(), let size = r.int(), let modified = r.double(), let hash = r.string(),
              let identity = r.optional({ FileIO.Identity.read(from: &$0) }),
              let sourcePath = r.string(), let title = r.string(), let published = r.double(),
              let updated = r.optional({ $0.double() }), let expires = r.optional({ $0.double() }),
              let url = r.string(), let explicitID = r.optional({ $0.string() }),
              let authorCount = r.int(width: 4), authorCount <= bytes.count else { return nil }
        var authors: [Person] = []
        for _ in 0..<authorCount {
            guard let name = r.string(), let email = r.optional({ $0.string() }), let uri = r.optional({ $0.string() }) else { return nil }
            authors.append(Person(name: name, email: email, uri: uri))
        }
        guard let tags = r.strings(), let categories = r.strings(), let summary = r.optional({ $0.string() }),
              let language = r.optional({ $0.string() }), let undated = r.bool(), let sha256 = r.fixed(32), let printable = r.bool(),
              let count = r.int(width: 4) else { return nil }
        let content: HTMLContent
        if let file {
            guard printable, file.size == r.position + count + DiskPostCache.trailerBytes.count else { return nil }
            content = HTMLContent(CachedText(path: file.path, offset: r.position, count: count, sha256: Array(sha256), identity: file.identity))
        } else {
            guard let utf8 = r.fixed(count), r.string() == DiskPostCache.trailer, r.atEnd else { return nil }
            content = HTMLContent(utf8: utf8, sha256: sha256)
        }
        var post = Post(sourcePath: sourcePath, title: title, published: Date(timeIntervalSinceReferenceDate: published),
                        updated: updated.map(Date.init(timeIntervalSinceReferenceDate:)),
                        expires: expires.map(Date.init(timeIntervalSinceReferenceDate:)),
                        url: url, explicitID: explicitID, authors: authors, tags: tags, categories: categories,
                        summaryHTML: summary, contentHTML: "", language: language)
        post.content = content
        post.isUndated = undated
        var cached = CachedPost(key: PostCacheKey(path: path, size: size, modified: modified, contentHash: hash), post: post)
        cached.identity = identity
        return cached
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
