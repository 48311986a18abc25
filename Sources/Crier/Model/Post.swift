import Foundation

/// One post as loaded from disk: front matter and body resolved, Markdown rendered to
/// HTML with URLs made absolute. The feed builder turns posts into entries.
public struct Post: Sendable, Equatable {
    /// Path of the source file relative to the site or posts folder, with `/` separators.
    /// Used for stable entry ids and to break ties between posts with the same date.
    public var sourcePath: String
    /// Plain text: front matter `title`, else a plain-text post's first line or a Markdown
    /// post's leading `# ` heading, else made from the file name (`hello-world` gives
    /// `Hello World`).
    public var title: String
    /// When the post was published (front matter, else the file name, else mtime).
    public var published: Date
    /// When the post was last changed, if the post says so (`last_modified_at`, `lastmod`).
    public var updated: Date?
    /// The post stops being listed after this moment (Hugo `expiryDate`).
    public var expires: Date?
    /// Absolute URL of the post's page.
    public var url: String
    /// An explicit entry id from front matter: `guid`, or else `id`, when it is an absolute
    /// URI (the loader warns about and drops any other value); used verbatim.
    public var explicitID: String?
    /// From front matter `author` or `authors` (a name, a mapping or a list; Jekyll names
    /// are looked up in `_data/authors.yml`); empty when the post names nobody.
    public var authors: [Person]
    /// Front matter `tags` (and `tag`, outside Hugo), trimmed, each once, blank ones left
    /// out.
    public var tags: [String]
    /// Front matter `categories` (and `category`, outside Hugo), after a Jekyll post's
    /// folders above `_posts`; trimmed, each once, blank ones left out.
    public var categories: [String]
    /// A short HTML summary: front matter `description`/`summary`, or the excerpt.
    public var summaryHTML: String?
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
    var content: HTMLContent
    /// Language of the post, if it names one (`lang`).
    public var language: String?
    /// The post gives no date of its own, so the loader dated it by its file's
    /// modification time: its entry id is then its URL (`EntryID`), which editing the file
    /// does not change.
    var isUndated = false

    /// A post made by hand (the loader makes the others); `contentHTML` is used as given,
    /// so its URLs should already be absolute.
    public init(sourcePath: String, title: String, published: Date, updated: Date? = nil,
                expires: Date? = nil, url: String, explicitID: String? = nil,
                authors: [Person] = [], tags: [String] = [], categories: [String] = [],
                summaryHTML: String? = nil, contentHTML: String, language: String? = nil) {
        self.sourcePath = sourcePath
        self.title = title
        self.published = published
        self.updated = updated
        self.expires = expires
        self.url = url
        self.explicitID = explicitID
        self.authors = authors
        self.tags = tags
        self.categories = categories
        self.summaryHTML = summaryHTML
        content = HTMLContent(contentHTML)
        self.language = language
    }
}
