import Foundation

/// Archived feeds (RFC 5005 §4): the subscription document holds the newest entries and
/// links `prev-archive` to the newest archive document; older entries sit in numbered
/// archive documents, each marked `<fh:archive/>` and linking `current`, `prev-archive`
/// and `next-archive`.
///
/// Pages are counted from the oldest entry, so that once a page is full its entries, its
/// links and therefore its bytes never change: archive 1 holds the oldest `pageSize`
/// entries, archive 2 the next, and so on. The newest archive is the only one that
/// grows. When every archive is full, an empty newest archive is still published, so the
/// full ones can link `next-archive` to a document that exists and never need that link
/// added later. The page an entry lands on depends only on how many entries are older,
/// so posts must be added at the new end for pages to stay put (a back-dated post shifts
/// every newer entry by one).
public enum FeedArchive {
    /// The `fh:` namespace of RFC 5005.
    public static let namespace = "http://purl.org/syndication/history/1.0"

    /// Formats that carry archive links: Atom, and RSS through `atom:link`. JSON Feed has
    /// no archive relations; its file holds the newest entries only.
    public static let formats: [FeedFormat] = [.atom, .rss]

    /// The path of archive page `number` of the feed at `path` (the Atom path):
    /// `blog/feed.xml` → `blog/feed/archive/3.xml`.
    public static func pagePath(of path: String, number: Int) -> String {
        let stem = FeedPaths.replacingExtension(of: path, with: "x").dropLast(2)
        return "\(stem)/archive/\(number).xml"
    }

    /// Splits a feed holding every entry into the subscription document (the newest
    /// `currentSize` entries) and its archive pages of `pageSize` entries, oldest first.
    /// `formats` are the formats the archive pages are written in.
    public static func split(_ planned: PlannedFeed, currentSize: Int, pageSize: Int,
                             formats: [FeedFormat], baseURL: String) -> (current: PlannedFeed, pages: [PlannedFeed]) {
        precondition(pageSize > 0, "archive pages hold at least one entry")
        let entries = planned.feed.entries
        var current = planned
        current.feed.entries = Array(entries.prefix(currentSize))
        current.feed.updated = current.feed.entries.map(\.updated).max() ?? planned.feed.updated
        let older = Array(entries.dropFirst(currentSize).reversed())
        guard !older.isEmpty, !formats.isEmpty else { return (current, []) }

        let pageCount = older.count / pageSize + 1
        func url(_ number: Int, _ format: FeedFormat) -> String {
            FeedPaths.absoluteURL(FeedPaths.replacingExtension(of: pagePath(of: planned.path, number: number), with: format.fileExtension), base: baseURL)
        }
        func link(_ rel: String, _ href: String?, _ format: FeedFormat) -> [Link] {
            href.map { [Link(href: $0, rel: rel, type: format.mediaType)] } ?? []
        }

        for format in formats {
            current.feed.links[format, default: []] += link("prev-archive", url(pageCount, format), format)
        }
        var pages: [PlannedFeed] = []
        for number in 1...pageCount {
            let start = (number - 1) * pageSize
            let members = Array(older[min(start, older.count)..<min(start + pageSize, older.count)])
            var feed = planned.feed
            feed.entries = members.reversed()
            // An empty newest page takes the newest archived date, so it too is stable
            // until entries arrive.
            feed.updated = (members.isEmpty ? older : members).map(\.updated).max()!
            feed.selfURLs = Dictionary(uniqueKeysWithValues: formats.map { ($0, url(number, $0)) })
            // Readers subscribe to the current document; archives are never pinged.
            feed.hubs = []
            feed.isArchive = true
            feed.links = [:]
            for format in formats {
                var links = link("current", planned.feed.selfURLs[format], format)
                if number > 1 { links += link("prev-archive", url(number - 1, format), format) }
                if number < pageCount { links += link("next-archive", url(number + 1, format), format) }
                feed.links[format] = links
            }
            // Atom wants an author on a feed whose entries do not all name one (an empty
            // page included); the feed builder's stand-in is the site's title.
            if feed.authors.isEmpty && (feed.entries.isEmpty || feed.entries.contains { $0.authors.isEmpty }) {
                feed.authors = [Person(name: planned.feed.title)]
            }
            pages.append(PlannedFeed(path: pagePath(of: planned.path, number: number), feed: feed))
        }
        return (current, pages)
    }
}
