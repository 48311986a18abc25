import Foundation

/// Site-wide settings, from `_config.yml`, `hugo.toml`/`config.toml`, a feed definition
/// in `feeds/`, or command-line options.
public struct Site: Sendable, Equatable {
    /// Plain text, the main feed's title and the start of each category and tag feed's. A
    /// Jekyll or Hugo site whose configuration gives none is titled after its host (or
    /// folder) by the loader, with a warning; a feed with an empty title fails the gate.
    public var title: String
    /// Plain text, the feeds' subtitle; `nil` when the configuration gives none.
    public var description: String?
    /// The site's absolute base URL including any `baseurl` path, ending in `/`.
    public var baseURL: String
    /// The feeds' authors, in order (Atom and JSON Feed name each; RSS's
    /// `managingEditor` is the first, when it has an email); when empty, a feed with an
    /// entry that names nobody gets the site's title as its author.
    public var authors: [Person]
    /// The first of `authors`; setting it makes it the only one (`nil`: none).
    public var author: Person? {
        get { authors.first }
        set { authors = newValue.map { [$0] } ?? [] }
    }
    /// BCP 47 language tag (`lang`, `languageCode`).
    public var language: String?
    /// Zone for dates written without one.
    public var timeZone: TimeZone
    /// Feed options: where the files go, the entry limit, category and tag feeds.
    public var feed: FeedSettings
    /// Permalink pattern for posts that do not set their own (Jekyll placeholders such as
    /// `/:year/:month/:day/:title/`, or a Jekyll style name: `date`, `pretty`, `ordinal`,
    /// `none`). `nil`: the loader's default for the kind of source (for a bare folder,
    /// `/:path/`, the file's path without its extension).
    public var permalink: String?

    /// Settings with no permalink pattern (the loader's default), UTC and the default feed
    /// options unless given.
    public init(title: String, description: String? = nil, baseURL: String, author: Person? = nil,
                language: String? = nil, timeZone: TimeZone = TimeZone(identifier: "UTC")!,
                feed: FeedSettings = FeedSettings()) {
        self.title = title
        self.description = description
        self.baseURL = baseURL
        self.authors = author.map { [$0] } ?? []
        self.language = language
        self.timeZone = timeZone
        self.feed = feed
    }
}

/// Feed options (jekyll-feed's `feed:` keys, or a feed definition's keys).
public struct FeedSettings: Sendable, Equatable {
    /// Output path of the main Atom feed relative to the output folder (`feed.xml`);
    /// RSS and JSON Feed are written beside it with `.rss` and `.json`.
    public var path: String = "feed.xml"
    /// Most entries per feed; `nil` for all.
    public var postsLimit: Int?
    /// Entries carry the summary only, no full content.
    public var excerptOnly: Bool = false
    /// Categories that get a feed of their own (`feed: categories:`).
    public var categories: [String] = []
    /// Tags that get a feed of their own; `allTags` for every tag (`feed: tags: true`).
    public var tags: [String] = []
    /// Every tag of the due posts gets a feed of its own, except `excludedTags`; `tags` is
    /// then ignored.
    public var allTags: Bool = false
    /// Tags left out when `allTags` is on (`feed: tags: except:`).
    public var excludedTags: [String] = []
    /// `href` of an `xml-stylesheet` processing instruction, if any.
    public var stylesheet: String?
    /// WebSub hubs announced in the feeds.
    public var hubs: [String] = []
    /// Raw HTML in Markdown passes through (authors are trusted); `false` drops it.
    public var allowRawHTML: Bool = true

    /// The defaults: `feed.xml`, every entry, full content, no category or tag feeds, raw
    /// HTML allowed.
    public init() {}
}
