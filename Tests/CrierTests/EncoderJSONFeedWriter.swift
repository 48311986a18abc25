@testable import Crier
import CrierXML
import Foundation

/// The JSON Feed writer as it was written with `JSONEncoder`: the oracle the hand-written
/// writer must match byte for byte.
enum EncoderJSONFeedWriter {
    /// The feed as a JSON Feed document: keys sorted, so identical input gives identical bytes.
    static func write(_ feed: Feed) throws -> [UInt8] {
        let document = JSONFeedDocument(
            version: "https://jsonfeed.org/version/1.1",
            title: XMLText.cleaned(feed.title),
            home_page_url: XMLText.cleaned(feed.homeURL),
            feed_url: feed.selfURLs[.json].map(XMLText.cleaned),
            description: feed.subtitle.map(XMLText.cleaned),
            language: feed.language.map(XMLText.cleaned),
            authors: feed.authors.isEmpty ? nil : feed.authors.map { JSONFeedAuthor($0, base: feed.homeURL) },
            hubs: feed.hubs.isEmpty ? nil : feed.hubs.map { JSONFeedHub(type: "WebSub", url: XMLText.cleaned($0)) },
            items: try feed.entries.map { entry in
                // Read here, for content a publish left in the post cache.
                let content = try entry.content?.readText()
                return JSONFeedItem(
                    id: XMLText.cleaned(entry.id),
                    url: XMLText.cleaned(entry.url),
                    title: XMLText.cleaned(entry.title),
                    content_html: XMLText.cleaned(content ?? entry.summaryHTML ?? ""),
                    summary: content == nil ? nil : entry.summaryHTML.map { XMLText.cleaned(HTMLFragment.plainText($0)) },
                    date_published: FeedDates.rfc3339(entry.published),
                    date_modified: FeedDates.rfc3339(entry.updated),
                    authors: entry.authors.isEmpty ? nil : entry.authors.map { JSONFeedAuthor($0, base: feed.homeURL) },
                    tags: entry.categories.isEmpty ? nil : entry.categories.map { XMLText.cleaned($0.term) },
                    attachments: entry.enclosures.isEmpty ? nil : entry.enclosures.map {
                        JSONFeedAttachment(url: XMLText.cleaned($0.url), mime_type: XMLText.cleaned($0.type), size_in_bytes: $0.length)
                    })
            })
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        var bytes = Array(try encoder.encode(document))
        bytes.append(0x0A)
        return bytes
    }
}

private struct JSONFeedDocument: Encodable {
    var version: String
    var title: String
    var home_page_url: String
    var feed_url: String?
    var description: String?
    var language: String?
    var authors: [JSONFeedAuthor]?
    var hubs: [JSONFeedHub]?
    var items: [JSONFeedItem]
}

private struct JSONFeedAuthor: Encodable {
    var name: String
    var url: String?
    /// A relative `uri` is resolved against `base` (the site's address): JSON Feed has no
    /// base of its own to resolve it against, as Atom has.
    init(_ person: Person, base: String) {
        name = XMLText.cleaned(person.name)
        url = (person.uri.map { HTMLFragment.resolve($0, against: base) } ?? person.email.map { "mailto:\($0)" }).map(XMLText.cleaned)
    }
}

private struct JSONFeedHub: Encodable {
    var type: String
    var url: String
}

private struct JSONFeedItem: Encodable {
    var id: String
    var url: String
    var title: String
    var content_html: String
    var summary: String?
    var date_published: String
    var date_modified: String
    var authors: [JSONFeedAuthor]?
    var tags: [String]?
    var attachments: [JSONFeedAttachment]?
}

private struct JSONFeedAttachment: Encodable {
    var url: String
    var mime_type: String
    var size_in_bytes: Int
}
