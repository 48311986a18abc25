import CrierXML
import Foundation

/// Writes RSS 2.0 following the RSS Advisory Board's profile, through libxml2's
/// `xmlTextWriter`.
public enum RSSWriter {
    static let atomNamespace = "http://www.w3.org/2005/Atom"
    static let contentNamespace = "http://purl.org/rss/1.0/modules/content/"
    static let dublinCoreNamespace = "http://purl.org/dc/elements/1.1/"

    /// The feed as an RSS 2.0 document.
    public static func write(_ feed: Feed) throws -> [UInt8] {
        try parts(feed).bytes
    }

    /// The feed as a document cut where its items are (written in parallel).
    public static func parts(_ feed: Feed) throws -> FeedParts {
        try parts(feed, digests: nil, reuse: nil)
    }

    /// The feed as an RSS 2.0 document in parts: the bytes before the items, each item's
    /// (written in parallel), and the bytes after them.
    ///
    /// - Parameters:
    ///   - digests: each entry's `EntryDigest`, kept in the result (for a publish).
    ///   - reuse: entries of an earlier version of the file, copied instead of written
    ///     again when their digest matches.
    ///   - escapes: entry contents escaped once for this feed's Atom and RSS files.
    static func parts(_ feed: Feed, digests: [String]? = nil, reuse: EntrySource? = nil, escapes: SharedEscapes? = nil) throws -> FeedParts {
        let w = try XMLWriter()
        if let stylesheet = feed.stylesheet {
            try w.processingInstruction("xml-stylesheet", StylesheetInstruction.content(href: stylesheet))
        }
        try w.startElement("rss", attributes: [
            "version": "2.0",
            "xmlns:atom": atomNamespace,
            "xmlns:content": contentNamespace,
            "xmlns:dc": dublinCoreNamespace,
        ])
        try w.startElement("channel")
        try w.element("title", feed.title)
        try w.element("link", feed.homeURL)
        try w.element("description", feed.subtitle ?? feed.title)
        if let selfURL = feed.selfURLs[.rss] {
            try w.emptyElement("atom:link", attributes: ["href": selfURL, "rel": "self", "type": FeedFormat.rss.mediaType])
        }
        for hub in feed.hubs {
            try w.emptyElement("atom:link", attributes: ["href": hub, "rel": "hub"])
        }
        for link in feed.links[.rss] ?? [] {
            try link.write(as: "atom:link", leading: ["href": link.href, "rel": link.rel], to: w)
        }
        if feed.isArchive {
            try w.emptyElement("fh:archive", attributes: ["xmlns:fh": FeedArchive.namespace])
        }
        if let language = feed.language { try w.element("language", language) }
        if let editor = feed.authors.first, let email = editor.email {
            try w.element("managingEditor", "\(email) (\(editor.name))")
        }
        try w.element("lastBuildDate", FeedDates.rfc822(feed.updated))
        try w.element("generator", "\(Generator.name) \(Generator.version)")
        let prefixCount = try w.byteCount()
        try w.endElement()
        try w.endElement()
        return try FeedParts(frame: w.finish(), prefixCount: prefixCount, entries: feed.entries, depth: 2,
                                 digests: digests, reuse: reuse) { index, entry, w in
            try write(entry, index, to: w, escapes: escapes)
        }
    }

    private static func write(_ entry: Entry, _ index: Int, to w: XMLWriter, escapes: SharedEscapes?) throws {
        try w.startElement("item")
        try w.element("title", entry.title)
        try w.element("link", entry.url)
        try w.element("guid", entry.id, attributes: ["isPermaLink": "false"])
        try w.element("pubDate", FeedDates.rfc822(entry.published))
        // RSS's <author> must hold an e-mail address; a name alone goes to dc:creator.
        for author in entry.authors {
            if let email = author.email {
                try w.element("author", "\(email) (\(author.name))")
            } else {
                try w.element("dc:creator", author.name)
            }
        }
        for category in entry.categories {
            try w.element("category", category.term)
        }
        for enclosure in entry.enclosures {
            try w.emptyElement("enclosure", attributes: ["url": enclosure.url, "length": String(enclosure.length), "type": enclosure.type])
        }
        // Read here, for content a publish left in the post cache.
        let content = try entry.content?.readText()
        if let description = entry.summaryHTML ?? content {
            try w.element("description", description)
        }
        if let content {
            try w.element("content:encoded", sharing: content, of: index, through: escapes)
        }
        try w.endElement()
    }
}
