import Foundation

/// A link from a feed or entry.
public struct Link: Sendable, Hashable {
    public var href: String
    public var rel: String
    public var type: String?
    public var title: String?

    public init(href: String, rel: String = "alternate", type: String? = nil, title: String? = nil) {
        self.href = href
        self.rel = rel
        self.type = type
        self.title = title
    }
}

/// A category or tag of an entry: the real name in `term`.
public struct Category: Sendable, Hashable {
    public var term: String
    public var scheme: String?

    public init(term: String, scheme: String? = nil) {
        self.term = term
        self.scheme = scheme
    }
}

/// A media file attached to an entry (podcast episodes and the like).
public struct Enclosure: Sendable, Hashable {
    public var url: String
    public var length: Int
    public var type: String

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
    public var title: String
    /// Absolute URL of the entry's page.
    public var url: String
    public var published: Date
    public var updated: Date
    public var authors: [Person]
    public var categories: [Category]
    public var summaryHTML: String?
    /// Full content as HTML; `nil` when the feed carries summaries only.
    public var contentHTML: String? {
        get { content?.text }
        set { content = newValue.map(HTMLContent.init) }
    }
    /// `contentHTML` as it is held: a cached post's stays undecoded until a writer needs it.
    var content: HTMLContent?
    public var enclosures: [Enclosure]

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
    public var id: String
    public var title: String
    public var subtitle: String?
    /// Absolute URL of the site's home page (or the tag page for a tag feed).
    public var homeURL: String
    /// Absolute URL where this feed is published, per format; the writers use the one for
    /// their format as `rel="self"` and the others as `rel="alternate"`.
    public var selfURLs: [FeedFormat: String]
    public var hubs: [String]
    public var language: String?
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

    public static func < (a: FeedFormat, b: FeedFormat) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}
