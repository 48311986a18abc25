import CrierXML
import Foundation
import Testing

/// An entry as read back from a written feed, for comparing with the posts that went in.
struct ReadEntry: Equatable {
    var id: String
    var title: String
    var link: String
    var published: Date?
    var updated: Date?
    var content: String?
    var categories: [String]
}

/// Parses feeds Crier wrote with libxml2 and checks them, so tests compare real output.
enum FeedReadBack {
    static let atomNS = "http://www.w3.org/2005/Atom"

    static let atomSchema: RelaxNGSchema = {
        let url = Bundle.module.url(forResource: "Fixtures/schemas/atom", withExtension: "rng")!
        return try! RelaxNGSchema(source: Array(try! Data(contentsOf: url)))
    }()

    /// Parses an Atom document, checks it against RFC 4287's RELAX NG schema, and returns
    /// its entries.
    static func atom(_ bytes: [UInt8], sourceLocation: SourceLocation = #_sourceLocation) throws -> (feed: XMLElement, entries: [ReadEntry]) {
        let document = try XMLDocument(parsing: bytes)
        let violations = try atomSchema.validate(bytes)
        #expect(violations.isEmpty, "RELAX NG: \(violations)", sourceLocation: sourceLocation)
        let root = document.root
        #expect(root.name == "feed" && root.namespace == atomNS, sourceLocation: sourceLocation)
        let entries = root.elements(named: "entry", namespace: atomNS).map { entry in
            ReadEntry(
                id: entry.element(named: "id", namespace: atomNS)?.text ?? "",
                title: entry.element(named: "title", namespace: atomNS)?.text ?? "",
                link: entry.elements(named: "link", namespace: atomNS).first { ($0.attribute("rel") ?? "alternate") == "alternate" }?.attribute("href") ?? "",
                published: entry.element(named: "published", namespace: atomNS).flatMap { parseRFC3339($0.text) },
                updated: entry.element(named: "updated", namespace: atomNS).flatMap { parseRFC3339($0.text) },
                content: entry.element(named: "content", namespace: atomNS)?.text,
                categories: entry.elements(named: "category", namespace: atomNS).compactMap { $0.attribute("term") })
        }
        return (root, entries)
    }

    /// Parses an RSS 2.0 document, applies the structural checks of the RSS Advisory
    /// Board's profile that matter to readers, and returns its items.
    static func rss(_ bytes: [UInt8], sourceLocation: SourceLocation = #_sourceLocation) throws -> (channel: XMLElement, entries: [ReadEntry]) {
        let document = try XMLDocument(parsing: bytes)
        let root = document.root
        #expect(root.name == "rss" && root.attribute("version") == "2.0", sourceLocation: sourceLocation)
        let channels = root.elements(named: "channel", namespace: nil)
        #expect(channels.count == 1, sourceLocation: sourceLocation)
        let channel = channels.first ?? XMLElement(name: "channel")
        for required in ["title", "link", "description"] {
            #expect(channel.elements(named: required, namespace: nil).count == 1, "channel needs one <\(required)>", sourceLocation: sourceLocation)
        }
        let selfLinks = channel.elements(named: "link", namespace: atomNS).filter { $0.attribute("rel") == "self" }
        #expect(selfLinks.count == 1, "channel needs one atom:link rel=self", sourceLocation: sourceLocation)
        let contentNS = "http://purl.org/rss/1.0/modules/content/"
        let entries = channel.elements(named: "item", namespace: nil).map { item -> ReadEntry in
            #expect(item.element(named: "title", namespace: nil) != nil || item.element(named: "description", namespace: nil) != nil,
                    "an item needs a title or a description", sourceLocation: sourceLocation)
            for author in item.elements(named: "author", namespace: nil) {
                #expect(author.text.contains("@"), "RSS author must be an e-mail address", sourceLocation: sourceLocation)
            }
            let pubDate = item.element(named: "pubDate", namespace: nil)?.text
            return ReadEntry(
                id: item.element(named: "guid", namespace: nil)?.text ?? "",
                title: item.element(named: "title", namespace: nil)?.text ?? "",
                link: item.element(named: "link", namespace: nil)?.text ?? "",
                published: pubDate.flatMap(parseRFC822),
                updated: nil,
                content: item.element(named: "encoded", namespace: contentNS)?.text,
                categories: item.elements(named: "category", namespace: nil).map(\.text))
        }
        return (channel, entries)
    }

    /// Parses a JSON Feed 1.1 document, checks its required members, and returns its items.
    static func json(_ bytes: [UInt8], sourceLocation: SourceLocation = #_sourceLocation) throws -> (feed: [String: Any], entries: [ReadEntry]) {
        let object = try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any] ?? [:]
        #expect(object["version"] as? String == "https://jsonfeed.org/version/1.1", sourceLocation: sourceLocation)
        #expect(object["title"] is String, sourceLocation: sourceLocation)
        let items = object["items"] as? [[String: Any]] ?? []
        let entries = items.map { item -> ReadEntry in
            #expect(item["id"] is String, "every item needs a string id", sourceLocation: sourceLocation)
            #expect(item["content_html"] is String || item["content_text"] is String, sourceLocation: sourceLocation)
            return ReadEntry(
                id: item["id"] as? String ?? "",
                title: item["title"] as? String ?? "",
                link: item["url"] as? String ?? "",
                published: (item["date_published"] as? String).flatMap(parseRFC3339),
                updated: (item["date_modified"] as? String).flatMap(parseRFC3339),
                content: item["content_html"] as? String,
                categories: item["tags"] as? [String] ?? [])
        }
        return (object, entries)
    }

    static func parseRFC3339(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: text.trimmingCharacters(in: .whitespaces))
    }

    static func parseRFC822(_ text: String) -> Date? {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss Z"
        return formatter.date(from: text.trimmingCharacters(in: .whitespaces))
    }
}
