import CrierXML
import Foundation

/// Writes Atom 1.0 (RFC 4287) through libxml2's `xmlTextWriter`.
public enum AtomWriter {
    static let namespace = "http://www.w3.org/2005/Atom"

    /// The feed as an Atom document.
    public static func write(_ feed: Feed) throws -> [UInt8] {
        try parts(feed).bytes
    }

    /// The feed as a document cut where its entries are (written in parallel).
    public static func parts(_ feed: Feed) throws -> FeedParts {
        try parts(feed, digests: nil, reuse: nil)
    }

    /// The feed as an Atom document in parts: the bytes before the entries, each entry's
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
        try w.startElement("feed", attributes: ["xmlns": namespace])
        if let language = feed.language { try w.attribute("xml:lang", language) }
        try w.element("id", feed.id)
        try w.element("title", feed.title)
        if let subtitle = feed.subtitle { try w.element("subtitle", subtitle) }
        try w.element("updated", FeedDates.rfc3339(feed.updated))
        try w.emptyElement("link", attributes: ["rel": "alternate", "type": "text/html", "href": feed.homeURL])
        if let selfURL = feed.selfURLs[.atom] {
            try w.emptyElement("link", attributes: ["rel": "self", "type": FeedFormat.atom.mediaType, "href": selfURL])
        }
        for hub in feed.hubs {
            try w.emptyElement("link", attributes: ["rel": "hub", "href": hub])
        }
        for link in feed.links[.atom] ?? [] {
            try link.write(as: "link", leading: ["rel": link.rel, "href": link.href], to: w)
        }
        if feed.isArchive {
            try w.emptyElement("fh:archive", attributes: ["xmlns:fh": FeedArchive.namespace])
        }
        for author in feed.authors { try person(author, in: w) }
        try w.element("generator", Generator.name, attributes: ["uri": Generator.uri, "version": Generator.version])
        let prefixCount = try w.byteCount()
        try w.endElement()
        return try FeedParts(frame: w.finish(), prefixCount: prefixCount, entries: feed.entries, depth: 1,
                                 digests: digests, reuse: reuse) { index, entry, w in
            try write(entry, index, to: w, escapes: escapes)
        }
    }

    private static func write(_ entry: Entry, _ index: Int, to w: XMLWriter, escapes: SharedEscapes?) throws {
        try w.startElement("entry")
        try w.element("id", entry.id)
        try w.element("title", entry.title)
        try w.emptyElement("link", attributes: ["rel": "alternate", "type": "text/html", "href": entry.url])
        try w.element("published", FeedDates.rfc3339(entry.published))
        try w.element("updated", FeedDates.rfc3339(entry.updated))
        for author in entry.authors { try person(author, in: w) }
        for category in entry.categories {
            try w.startElement("category", attributes: ["term": category.term])
            if let scheme = category.scheme { try w.attribute("scheme", scheme) }
            try w.endElement()
        }
        for enclosure in entry.enclosures {
            try w.emptyElement("link", attributes: ["rel": "enclosure", "type": enclosure.type,
                                                    "length": String(enclosure.length), "href": enclosure.url])
        }
        if let summary = entry.summaryHTML {
            try w.element("summary", summary, attributes: ["type": "html"])
        }
        // Read here, for content a publish left in the post cache.
        if let content = try entry.content?.readText() {
            try w.element("content", attributes: ["type": "html"], sharing: content, of: index, through: escapes)
        }
        try w.endElement()
    }

    private static func person(_ person: Person, in w: XMLWriter) throws {
        try w.startElement("author")
        try w.element("name", person.name)
        if let email = person.email { try w.element("email", email) }
        if let uri = person.uri { try w.element("uri", uri) }
        try w.endElement()
    }
}


/// What Crier says about itself in the feeds it writes.
public enum Generator {
    /// The name in the feeds' `<generator>`.
    public static let name = "Crier"
    /// Crier's version, written with the name (Atom's `version` attribute, after the name
    /// in RSS).
    public static let version = "0.1.0"
    /// Crier's home page, Atom's generator `uri` attribute.
    public static let uri = "https://github.com/crier-feeds/crier"
}

enum StylesheetInstruction {
    /// The content of an `xml-stylesheet` processing instruction; the type follows the
    /// file's extension (XSLT, or CSS).
    static func content(href: String) -> String {
        let type = href.lowercased().hasSuffix(".css") ? "text/css" : "text/xsl"
        // A pseudo-attribute may hold the predefined entities: escaping `<` and `>` too
        // keeps a `?>` in the value from ending the instruction.
        let escaped = href.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "\"", with: "&quot;")
            .replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
        return "type=\"\(type)\" href=\"\(escaped)\""
    }
}
