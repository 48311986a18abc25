import Foundation

/// The post cache `crier publish` keeps between runs, one JSON file per build job in the
/// state folder (`<output>/.crier/cache/<scope>.json`).
///
/// A post is reused only when its file's path, size, modification time and SHA-256 all
/// match (`PostCacheKey`). What else shapes a rendered post (the site's configuration
/// files, the feed definition, the source folder, Crier's version) goes into the file's
/// *scope*: change any of it and the job starts with an empty cache. The file is read
/// once, consulted from many threads, and rewritten only when something changed; posts
/// not asked for during the run (deleted files) are dropped when it is rewritten. An
/// unreadable or foreign cache file is treated as empty: the cache only ever saves time.
public final class DiskPostCache: PostCache, @unchecked Sendable {
    /// Bumped whenever the stored format or the meaning of a cached post changes.
    static let formatVersion = 1

    /// The cache file.
    public let file: URL
    /// Fingerprint of everything besides the post file that shapes a loaded post.
    public let scope: String
    /// Whether posts are taken from the cache; `false` renders every post and only
    /// refreshes the file (`crier publish --no-cache`).
    public let reuse: Bool

    // Guarded by `lock`: the loader calls in from its worker threads.
    private let lock = NSLock()
    private var stored: [String: CachedPost] = [:]
    private var used: [String: CachedPost] = [:]
    private var dirty = false
    private var hitCount = 0
    private var missCount = 0

    /// Opens (or starts) the cache file `file` for `scope`.
    public init(file: URL, scope: String, reuse: Bool = true) {
        self.file = file
        self.scope = scope
        self.reuse = reuse
        if let data = try? Data(contentsOf: file),
           let document = try? JSONDecoder().decode(CacheDocument.self, from: data),
           document.version == DiskPostCache.formatVersion, document.scope == scope {
            for post in document.posts { stored[post.key.path] = post }
        } else if FileManager.default.fileExists(atPath: file.path) {
            // A cache from another version or scope is rewritten even if no post changes.
            dirty = true
        }
    }

    /// The cache file for `job` in `folder`, its scope computed from the job's inputs.
    public convenience init(folder: URL, job: BuildJob, reuse: Bool = true) {
        let scope = DiskPostCache.scope(of: job)
        self.init(file: folder.appendingPathComponent(String(scope.prefix(16)) + ".json"), scope: scope, reuse: reuse)
    }

    /// The post remembered for exactly this file version (never with `reuse` off).
    public func post(for key: PostCacheKey) -> Post? {
        lock.withLock {
            guard reuse, let cached = stored[key.path] ?? used[key.path], cached.key == key else {
                missCount += 1
                return nil
            }
            used[key.path] = cached
            hitCount += 1
            return cached.post
        }
    }

    /// Remembers a freshly loaded post; the file is rewritten by `save()`.
    public func store(_ post: Post, for key: PostCacheKey) {
        let cached = CachedPost(key: key, post: post)
        lock.withLock {
            if used[key.path] != cached {
                used[key.path] = cached
                dirty = true
            }
        }
    }

    /// Posts found in the cache so far.
    public var hits: Int { lock.withLock { hitCount } }
    /// Posts looked up and not found (rendered again).
    public var misses: Int { lock.withLock { missCount } }

    /// Writes the posts used in this run, if anything differs from the file read at the
    /// start. Returns whether the file was written.
    @discardableResult
    public func save() throws -> Bool {
        let (document, changed): (CacheDocument, Bool) = lock.withLock {
            let unchanged = !dirty && used.count == stored.count && used.allSatisfy { stored[$0.key] == $0.value }
            let posts = used.values.sorted { $0.key.path < $1.key.path }
            return (CacheDocument(version: DiskPostCache.formatVersion, scope: scope, posts: posts), !unchanged)
        }
        guard changed else { return false }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = try encoder.encode(document)
        // A cache lost to a crash costs one slow run, so no fsync.
        try AtomicFile.write(Array(data), to: file, sync: false)
        lock.withLock {
            stored = Dictionary(uniqueKeysWithValues: document.posts.map { ($0.key.path, $0) })
            dirty = false
        }
        return true
    }

    /// Fingerprint of a job's inputs other than the post files.
    static func scope(of job: BuildJob) -> String {
        var digest = PublishDigest()
        digest.update("crier \(Generator.version) cache \(formatVersion)\n")
        switch job.source {
        case .site(let folder):
            digest.update("site \(folder.standardizedFileURL.path)\n")
            for file in configurationFiles(of: folder) {
                digest.update("file \(file.path)\n")
                digest.update((try? Data(contentsOf: file)) ?? Data())
                digest.update("\n")
            }
        case .folder(let folder, let site):
            digest.update("folder \(folder.standardizedFileURL.path)\n")
            digest.update(String(reflecting: site))
        }
        if let definition = job.definition {
            digest.update("definition \(definition.file.path)\n")
            digest.update((try? Data(contentsOf: definition.file)) ?? Data())
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

/// The stored form of the cache file.
struct CacheDocument: Codable {
    var version: Int
    var scope: String
    var posts: [CachedPost]
}

/// A post and the file version it was loaded from. `Post` itself is not `Codable` (the
/// model stays free of storage concerns), so the cache keeps its own mirror.
struct CachedPost: Codable, Equatable {
    var key: PostCacheKey
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
    var contentHTML: String
    var language: String?

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
        contentHTML = post.contentHTML
        language = post.language
    }

    var post: Post {
        Post(sourcePath: sourcePath, title: title, published: published, updated: updated, expires: expires,
             url: url, explicitID: explicitID, authors: authors, tags: tags, categories: categories,
             summaryHTML: summaryHTML, contentHTML: contentHTML, language: language)
    }
}
