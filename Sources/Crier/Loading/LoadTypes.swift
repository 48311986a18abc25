import Foundation

/// Where posts come from.
public enum PostSource: Sendable, Equatable {
    /// A Jekyll or Hugo site, detected from its files (`_config.yml`, `hugo.toml`, ...).
    case site(URL)
    /// A bare folder of posts; the site settings are given.
    case folder(URL, Site)
}

/// Options for loading posts.
public struct LoadOptions: Sendable {
    /// Include the posts in `_drafts/` (of a Jekyll site or a bare folder) and those marked
    /// `draft: true`.
    public var includeDrafts: Bool = false
    /// The date of posts with no date in their front matter or file name; `nil` takes the
    /// file's modification time. Either way the loader warns, naming the file.
    public var defaultDate: Date?
    /// Posts remembered from earlier runs (publish); `nil` renders every post.
    public var cache: (any PostCache)?
    /// Laid over the site's own settings before any post is read (a feed definition's
    /// keys, `--base-url`), so that posts' URLs, dates and HTML follow them.
    public var siteOverrides: (@Sendable (Site) -> Site)?
    /// A site whose configuration gives no address of its own (Jekyll's `url`, Hugo's
    /// `baseURL`), nor an override, is an error rather than a warning: its links would
    /// point at localhost. `crier publish` asks for this; a local build or `serve` does not.
    public var requireAddress = false
    /// Stop once a post's URL is known: the post comes back without content or summary,
    /// for `{% post_url %}` and `{% link %}`, which need only that.
    var urlOnly = false
    /// The defaults: no drafts, modification time for undated posts, no cache, no
    /// overrides.
    public init() {}
}

/// A problem with one post (or with a site's configuration file), naming the file and,
/// where known, the line.
public struct PostError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Path of the file, as the user would type it.
    public var path: String
    /// 1-based line, or `nil` when the problem is not at one line.
    public var line: Int?
    /// What is wrong, a sentence for the user; `description` adds the path and line.
    public var message: String

    /// A problem in the file at `path`, at `line` when known.
    public init(path: String, line: Int? = nil, message: String) {
        self.path = path
        self.line = line
        self.message = message
    }

    /// `path:line: message`, or `path: message` when there is no line.
    public var description: String {
        if let line { return "\(path):\(line): \(message)" }
        return "\(path): \(message)"
    }
}

/// What loading a site or folder produced.
public struct LoadResult: Sendable {
    /// The settings the posts were loaded with: the site's configuration (or the folder's
    /// given settings) with `LoadOptions.siteOverrides` laid over it, and a Jekyll or Hugo
    /// site without a title titled after its host or folder. A site or folder that could
    /// not be read gives an untitled placeholder (the site's) or the given settings
    /// (the folder's), and is marked unreadable: no feed is built from it.
    public var site: Site
    /// Every post that loaded, drafts excluded unless asked for, future posts included
    /// (the feed builder decides what is due).
    public var posts: [Post]
    /// Posts that did not load; nothing is written when this is non-empty unless the user
    /// asked to keep going.
    public var errors: [PostError]
    /// Things worth telling the user (a date taken from the file's modification time).
    public var warnings: [PostError]
    /// The site or folder itself could not be read (its one error says why): there are
    /// no settings to build feeds with.
    var unreadable = false

    /// A result with `posts` and no problems unless given.
    public init(site: Site, posts: [Post], errors: [PostError] = [], warnings: [PostError] = []) {
        self.site = site
        self.posts = posts
        self.errors = errors
        self.warnings = warnings
    }
}

/// Identifies one version of one post file: a cached post is reused only when all four
/// match.
public struct PostCacheKey: Sendable, Hashable, Codable {
    /// Path relative to the site or posts folder.
    public var path: String
    /// Size of the file in bytes.
    public var size: Int
    /// Modification time, in seconds since 1970 (with fractions).
    public var modified: Double
    /// SHA-256 of the file's bytes, hex.
    public var contentHash: String

    /// The key of the file version at `path` (relative to the source) with this size,
    /// modification time and content hash.
    public init(path: String, size: Int, modified: Double, contentHash: String) {
        self.path = path
        self.size = size
        self.modified = modified
        self.contentHash = contentHash
    }
}

/// Remembers loaded posts between runs so that a cron run does not render unchanged
/// posts again. Implementations must be safe to call from many threads.
public protocol PostCache: Sendable {
    /// The post loaded earlier from the file version `key`, if remembered.
    func post(for key: PostCacheKey) -> Post?
    /// Remembers `post` as loaded from the file version `key`.
    func store(_ post: Post, for key: PostCacheKey)
}

/// A `PostCache` that can vouch for a post file by its `stat` alone, without reading it:
/// it remembers the file's `stat` with the post once the file had stopped changing (its
/// last change older than a run's racy margin), after which any write to the file shows
/// in its `stat`.
protocol StatTrustingPostCache: PostCache {
    /// For each of `files` (in their order), the post remembered for it when its `stat` is
    /// the one remembered (the one `identity(of:)` gives or, without one, the file's own
    /// now); `nil` otherwise (the loader reads the file). Asked once, about every file.
    func posts(unchangedAt files: [PostFile]) -> [Post?]
    /// The `stat` of the file at `path` (relative to the source) taken before this run
    /// loaded anything, when the cache was given one; the loader then takes no other.
    func identity(of path: String) -> FileIO.Identity?
    /// `post(for:)`, remembering `identity` (the file's `stat` taken before it was read)
    /// with the post when the file has stopped changing since.
    func post(for key: PostCacheKey, identity: FileIO.Identity?) -> Post?
    /// `store(_:for:)`, with the file's `stat` taken before it was read.
    func store(_ post: Post, for key: PostCacheKey, identity: FileIO.Identity?)
}
