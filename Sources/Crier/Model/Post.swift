import Foundation

/// One post as loaded from disk: front matter and body resolved, Markdown rendered to
/// HTML with URLs made absolute. The feed builder turns posts into entries.
public struct Post: Sendable, Equatable {
    /// The fields, shared between copies until one of them changes (a post is copied
    /// from the loader to the builder and into sorted lists: one reference to count,
    /// instead of a dozen strings and arrays).
    private var storage: Storage

    /// Every field of a post, in one value: copied whole, compared whole.
    private struct Fields: Equatable {
        var sourcePath: String
        var title: String
        var published: Date
        var updated: Date?
        var expires: Date?
        var url: String
        var explicitID: String?
        var authors: [Person] = []
        var tags: [String] = []
        var categories: [String] = []
        var summaryHTML: String?
        var content: HTMLContent
        var language: String?
        var isUndated = false
    }

    /// Changed only while no other post holds it (`unique()`).
    private final class Storage: @unchecked Sendable {
        var fields: Fields
        init(_ fields: Fields) { self.fields = fields }
    }

    /// The storage, copied first when another post shares it.
    private mutating func unique() -> Storage {
        if !isKnownUniquelyReferenced(&storage) { storage = Storage(storage.fields) }
        return storage
    }

    public static func == (a: Post, b: Post) -> Bool {
        a.storage === b.storage || a.storage.fields == b.storage.fields
    }

    /// Path of the source file relative to the site or posts folder, with `/` separators.
    /// Used for stable entry ids and to break ties between posts with the same date.
    public var sourcePath: String {
        get { storage.fields.sourcePath }
        _modify { let storage = unique(); yield &storage.fields.sourcePath }
    }
    /// Plain text: front matter `title`, else a plain-text post's first line or a Markdown
    /// post's leading `# ` heading, else made from the file name (`hello-world` gives
    /// `Hello World`).
    public var title: String {
        get { storage.fields.title }
        _modify { let storage = unique(); yield &storage.fields.title }
    }
    /// When the post was published (front matter, else the file name, else mtime).
    public var published: Date {
        get { storage.fields.published }
        _modify { let storage = unique(); yield &storage.fields.published }
    }
    /// When the post was last changed, if the post says so (`last_modified_at`, `lastmod`).
    public var updated: Date? {
        get { storage.fields.updated }
        _modify { let storage = unique(); yield &storage.fields.updated }
    }
    /// The post stops being listed after this moment (Hugo `expiryDate`).
    public var expires: Date? {
        get { storage.fields.expires }
        _modify { let storage = unique(); yield &storage.fields.expires }
    }
    /// Absolute URL of the post's page.
    public var url: String {
        get { storage.fields.url }
        _modify { let storage = unique(); yield &storage.fields.url }
    }
    /// An explicit entry id from front matter: `guid`, or else `id`, when it is an absolute
    /// URI (the loader warns about and drops any other value); used verbatim.
    public var explicitID: String? {
        get { storage.fields.explicitID }
        _modify { let storage = unique(); yield &storage.fields.explicitID }
    }
    /// From front matter `author` or `authors` (a name, a mapping or a list; Jekyll names
    /// are looked up in `_data/authors.yml`); empty when the post names nobody.
    public var authors: [Person] {
        get { storage.fields.authors }
        _modify { let storage = unique(); yield &storage.fields.authors }
    }
    /// Front matter `tags` (and `tag`, outside Hugo), trimmed, each once, blank ones left
    /// out.
    public var tags: [String] {
        get { storage.fields.tags }
        _modify { let storage = unique(); yield &storage.fields.tags }
    }
    /// Front matter `categories` (and `category`, outside Hugo), after a Jekyll post's
    /// folders above `_posts`; trimmed, each once, blank ones left out.
    public var categories: [String] {
        get { storage.fields.categories }
        _modify { let storage = unique(); yield &storage.fields.categories }
    }
    /// A short HTML summary: front matter `description`/`summary`, or the excerpt.
    public var summaryHTML: String? {
        get { storage.fields.summaryHTML }
        _modify { let storage = unique(); yield &storage.fields.summaryHTML }
    }
    /// The full post rendered as HTML, URLs absolute.
    ///
    /// A post that `PostLoader` took from a `DiskPostCache` has its content read from the
    /// cache's pack here, when asked: empty if the pack no longer holds it (one replaced
    /// by `DiskPostCache.save()` too, which compacts a pack holding much dead content), so
    /// read it before saving the cache.
    public var contentHTML: String {
        get { content.text }
        set { content = HTMLContent(newValue) }
    }
    /// `contentHTML` as it is held: a cached post's stays undecoded until it is needed.
    var content: HTMLContent {
        get { storage.fields.content }
        _modify { let storage = unique(); yield &storage.fields.content }
    }
    /// Language of the post, if it names one (`lang`).
    public var language: String? {
        get { storage.fields.language }
        _modify { let storage = unique(); yield &storage.fields.language }
    }
    /// The post gives no date of its own, so the loader dated it by its file's
    /// modification time: its entry id is then its URL (`EntryID`), which editing the file
    /// does not change.
    var isUndated: Bool {
        get { storage.fields.isUndated }
        _modify { let storage = unique(); yield &storage.fields.isUndated }
    }

    /// A post made by hand (the loader makes the others); `contentHTML` is used as given,
    /// so its URLs should already be absolute.
    public init(sourcePath: String, title: String, published: Date, updated: Date? = nil,
                expires: Date? = nil, url: String, explicitID: String? = nil,
                authors: [Person] = [], tags: [String] = [], categories: [String] = [],
                summaryHTML: String? = nil, contentHTML: String, language: String? = nil) {
        storage = Storage(Fields(sourcePath: sourcePath, title: title, published: published, updated: updated, expires: expires,
                                 url: url, explicitID: explicitID, authors: authors, tags: tags, categories: categories,
                                 summaryHTML: summaryHTML, content: HTMLContent(contentHTML), language: language))
    }
}
