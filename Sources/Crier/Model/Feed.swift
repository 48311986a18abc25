import Foundation

/// A link from a feed or entry.
public struct Link: Sendable, Hashable {
    /// Target URL, written as given (the builder's archive links are absolute).
    public var href: String
    /// Link relation: `alternate` unless set (the builder uses `current`, `prev-archive`
    /// and `next-archive`).
    public var rel: String
    /// Media type of the target, written as `type`; `nil` for none.
    public var type: String?
    /// Human-readable `title` attribute; `nil` for none.
    public var title: String?

    /// A link to `href`; `rel` is `alternate` unless given.
    public init(href: String, rel: String = "alternate", type: String? = nil, title: String? = nil) {
        self.href = href
        self.rel = rel
        self.type = type
        self.title = title
    }
}

/// A category or tag of an entry: the real name in `term`.
public struct Category: Sendable, Hashable {
    /// The category or tag name as written (not a slug).
    public var term: String
    /// URI of the vocabulary `term` belongs to, Atom's `scheme` attribute (RSS and JSON
    /// Feed leave it out); `nil` for none, and the builder sets none.
    public var scheme: String?

    /// A category named `term`, with no scheme unless given.
    public init(term: String, scheme: String? = nil) {
        self.term = term
        self.scheme = scheme
    }
}

/// A media file attached to an entry (podcast episodes and the like).
public struct Enclosure: Sendable, Hashable {
    /// URL of the media file, written as given.
    public var url: String
    /// Size of the media file in bytes (RSS `length`, JSON Feed `size_in_bytes`).
    public var length: Int
    /// MIME type of the media file, such as `audio/mpeg`.
    public var type: String

    /// An enclosure of `length` bytes of media type `type` at `url`.
    public init(url: String, length: Int, type: String) {
        self.url = url
        self.length = length
        self.type = type
    }
}

/// One entry of a feed, format-neutral: the Atom, RSS and JSON Feed writers all read it.
public struct Entry: Sendable, Equatable {
    /// Permanent, globally unique id (a `tag:` URI unless the post names its own).
    public var id: String
    /// Plain text, not HTML: the post's title.
    public var title: String
    /// Absolute URL of the entry's page.
    public var url: String
    /// When the post was first published.
    public var published: Date
    /// When the entry last changed; the builder takes the post's `updated` when it is later
    /// than `published`, else `published`. RSS has no place for it.
    public var updated: Date
    /// The post's authors; empty when it names nobody (the feed's `authors` then stand in).
    public var authors: [Person]
    /// The post's categories, then those of its tags that are not also categories (JSON
    /// Feed writes them all as `tags`).
    public var categories: [Category]
    /// A short HTML summary; `nil` when there is none (a blank one is left out). RSS writes
    /// the content as `description` when it is `nil`; JSON Feed writes it as a plain-text
    /// `summary`, or as `content_html` when there is no content.
    public var summaryHTML: String?
    /// Full content as HTML; `nil` when the feed carries summaries only.
    public var contentHTML: String? {
        get { content?.text }
        set { content = newValue.map(HTMLContent.init) }
    }
    /// `contentHTML` as it is held: a cached post's stays undecoded until a writer needs it.
    var content: HTMLContent?
    /// Media files attached to the entry; the builder attaches none (posts have no
    /// enclosures).
    public var enclosures: [Enclosure]
    /// The post the entry was made from (its path in the source), so that a problem the
    /// gate finds in the entry can name it; `nil` for an entry made by hand.
    var sourcePath: String?

    /// An entry with no authors, categories, summary, content or enclosures unless given.
    public init(id: String, title: String, url: String, published: Date, updated: Date,
                authors: [Person] = [], categories: [Category] = [], summaryHTML: String? = nil,
                contentHTML: String? = nil, enclosures: [Enclosure] = []) {
        self.id = id
        self.title = title
        self.url = url
        self.published = published
        self.updated = updated
        self.authors = authors
        self.categories = categories
        self.summaryHTML = summaryHTML
        content = contentHTML.map(HTMLContent.init)
        self.enclosures = enclosures
    }
}

/// A feed ready to be written in any format.
public struct Feed: Sendable, Equatable {
    /// Permanent id, written in Atom only (`<id>`): the builder uses the Atom file's self
    /// URL.
    public var id: String
    /// Plain text: the site's title, and for a category or tag feed `Title: name`.
    public var title: String
    /// Plain text describing the feed (the site's `description`); when `nil`, RSS, which
    /// needs a description, repeats the title.
    public var subtitle: String?
    /// Absolute URL of the site's home page (category and tag feeds link it too).
    public var homeURL: String
    /// Absolute URL where this feed is published, per format; the writers use the one for
    /// their format as `rel="self"` and the others as `rel="alternate"`.
    public var selfURLs: [FeedFormat: String]
    /// WebSub hub URLs, announced as `rel="hub"` links (Atom, RSS) and as JSON Feed `hubs`.
    public var hubs: [String]
    /// BCP 47 language tag (Atom `xml:lang`, RSS `<language>`, JSON Feed `language`); `nil`
    /// writes none.
    public var language: String?
    /// Feed-level authors (Atom, JSON Feed; RSS puts the first in `managingEditor` when it
    /// has an e-mail address). The builder uses the site's author, else the site's title
    /// when an entry names nobody; empty otherwise.
    public var authors: [Person]
    /// The newest entry's `updated` (never the build time: identical input, identical bytes).
    public var updated: Date
    /// `href` of an `xml-stylesheet` processing instruction, if any.
    public var stylesheet: String?
    /// Newest first.
    public var entries: [Entry]
    /// Extra feed-level links per format, written after `self` and `hub` (RFC 5005
    /// archive links, which point at the document in the same format).
    public var links: [FeedFormat: [Link]] = [:]
    /// An RFC 5005 archive document: the Atom and RSS writers mark it `<fh:archive/>`.
    public var isArchive = false

    /// A feed with no extra `links`, not an archive document.
    public init(id: String, title: String, subtitle: String? = nil, homeURL: String,
                selfURLs: [FeedFormat: String], hubs: [String] = [], language: String? = nil,
                authors: [Person] = [], updated: Date, stylesheet: String? = nil, entries: [Entry]) {
        self.id = id
        self.title = title
        self.subtitle = subtitle
        self.homeURL = homeURL
        self.selfURLs = selfURLs
        self.hubs = hubs
        self.language = language
        self.authors = authors
        self.updated = updated
        self.stylesheet = stylesheet
        self.entries = entries
    }
}

/// The output formats.
public enum FeedFormat: String, Sendable, Hashable, CaseIterable, Comparable {
    case atom, rss, json

    /// The file extension of this format's file.
    public var fileExtension: String {
        switch self {
        case .atom: "xml"
        case .rss: "rss"
        case .json: "json"
        }
    }

    /// The media type served for this format.
    public var mediaType: String {
        switch self {
        case .atom: "application/atom+xml"
        case .rss: "application/rss+xml"
        case .json: "application/feed+json"
        }
    }

    /// Orders formats as they are declared: atom, rss, json (the order their files are
    /// rendered in).
    public static func < (a: FeedFormat, b: FeedFormat) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}
