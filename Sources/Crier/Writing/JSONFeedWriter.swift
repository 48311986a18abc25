import CrierXML
import Foundation

/// Writes JSON Feed 1.1 (https://jsonfeed.org/version/1.1) from the same model.
///
/// Every text is cleaned of the characters XML forbids here too (`XMLText.cleaned`), as
/// the Atom and RSS writers clean it, so a feed reads the same in all three formats.
///
/// The document is written as `JSONEncoder` writes it with `.prettyPrinted`,
/// `.sortedKeys` and `.withoutEscapingSlashes` (a test holds the two to the same bytes),
/// without going through `Encodable`: escaping ten thousand posts' HTML a character at a
/// time was most of a JSON Feed's cost.
public enum JSONFeedWriter {
    /// The feed as a JSON Feed document: keys sorted, so identical input gives identical bytes.
    public static func write(_ feed: Feed) throws -> [UInt8] {
        var out = JSONOutput()
        out.bytes.reserveCapacity(4096 + feed.entries.reduce(0) { $0 + ($1.content?.utf8Count ?? 0) } * 11 / 10)
        // Keys in sorted order, as `.sortedKeys` puts them.
        var document = out.object(depth: 0)
        if !feed.authors.isEmpty {
            document.key("authors", &out)
            out.array(feed.authors, depth: 1) { out, person, depth in out.author(person, base: feed.homeURL, depth: depth) }
        }
        if let subtitle = feed.subtitle { document.key("description", &out); out.string(XMLText.cleaned(subtitle)) }
        if let url = feed.selfURLs[.json] { document.key("feed_url", &out); out.string(XMLText.cleaned(url)) }
        document.key("home_page_url", &out)
        out.string(XMLText.cleaned(feed.homeURL))
        if !feed.hubs.isEmpty {
            document.key("hubs", &out)
            out.array(feed.hubs, depth: 1) { out, hub, depth in
                var object = out.object(depth: depth)
                object.key("type", &out)
                out.string("WebSub")
                object.key("url", &out)
                out.string(XMLText.cleaned(hub))
                object.end(&out)
            }
        }
        document.key("items", &out)
        try out.array(feed.entries, depth: 1) { out, entry, depth in try out.item(entry, base: feed.homeURL, depth: depth) }
        if let language = feed.language { document.key("language", &out); out.string(XMLText.cleaned(language)) }
        document.key("title", &out)
        out.string(XMLText.cleaned(feed.title))
        document.key("version", &out)
        out.string("https://jsonfeed.org/version/1.1")
        document.end(&out)
        out.bytes.append(0x0A)
        return out.bytes
    }
}

/// A JSON document written out as `JSONEncoder` pretty-prints one.
struct JSONOutput {
    var bytes: [UInt8] = []

    /// An object being written at `depth`: `key` before each value, `end` after the last.
    struct Object {
        let depth: Int
        var first = true

        mutating func key(_ name: StaticString, _ out: inout JSONOutput) {
            if !first { out.bytes.append(UInt8(ascii: ",")) }
            first = false
            out.newLine(depth + 1)
            out.bytes.append(UInt8(ascii: "\""))
            name.withUTF8Buffer { out.bytes.append(contentsOf: $0) }
            out.bytes.append(contentsOf: "\" : ".utf8)
        }

        func end(_ out: inout JSONOutput) {
            out.newLine(depth)
            out.bytes.append(UInt8(ascii: "}"))
        }
    }

    mutating func object(depth: Int) -> Object {
        bytes.append(UInt8(ascii: "{"))
        return Object(depth: depth)
    }

    mutating func newLine(_ depth: Int) {
        bytes.append(0x0A)
        bytes.append(contentsOf: repeatElement(UInt8(ascii: " "), count: 2 * depth))
    }

    /// `elements`, each written by `element` at the depth it is given, one per line.
    mutating func array<Element>(_ elements: [Element], depth: Int, _ element: (inout JSONOutput, Element, Int) throws -> Void) rethrows {
        bytes.append(UInt8(ascii: "["))
        for (index, value) in elements.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            newLine(depth + 1)
            try element(&self, value, depth + 1)
        }
        // An empty list as `JSONEncoder` writes it: over three lines, the middle one empty.
        if elements.isEmpty { bytes.append(0x0A) }
        newLine(depth)
        bytes.append(UInt8(ascii: "]"))
    }

    mutating func strings(_ values: [String], depth: Int) {
        array(values, depth: depth) { out, value, _ in out.string(XMLText.cleaned(value)) }
    }

    mutating func author(_ person: Person, base: String, depth: Int) {
        var object = object(depth: depth)
        object.key("name", &self)
        string(XMLText.cleaned(person.name))
        // A relative `uri` is resolved against `base` (the site's address): JSON Feed has
        // no base of its own to resolve it against, as Atom has.
        if let url = person.uri.map({ HTMLFragment.resolve($0, against: base) }) ?? person.email.map({ "mailto:\($0)" }) {
            object.key("url", &self)
            string(XMLText.cleaned(url))
        }
        object.end(&self)
    }

    mutating func item(_ entry: Entry, base: String, depth: Int) throws {
        // Read here, for content a publish left in the post cache.
        let content = try entry.content?.readText()
        var object = object(depth: depth)
        if !entry.enclosures.isEmpty {
            object.key("attachments", &self)
            array(entry.enclosures, depth: depth + 1) { out, enclosure, depth in
                var attachment = out.object(depth: depth)
                attachment.key("mime_type", &out)
                out.string(XMLText.cleaned(enclosure.type))
                attachment.key("size_in_bytes", &out)
                out.bytes.append(contentsOf: String(enclosure.length).utf8)
                attachment.key("url", &out)
                out.string(XMLText.cleaned(enclosure.url))
                attachment.end(&out)
            }
        }
        if !entry.authors.isEmpty {
            object.key("authors", &self)
            array(entry.authors, depth: depth + 1) { out, person, depth in out.author(person, base: base, depth: depth) }
        }
        object.key("content_html", &self)
        string(XMLText.cleaned(content ?? entry.summaryHTML ?? ""))
        object.key("date_modified", &self)
        string(FeedDates.rfc3339(entry.updated))
        object.key("date_published", &self)
        string(FeedDates.rfc3339(entry.published))
        object.key("id", &self)
        string(XMLText.cleaned(entry.id))
        if content != nil, let summary = entry.summaryHTML {
            object.key("summary", &self)
            string(XMLText.cleaned(HTMLFragment.plainText(summary)))
        }
        if !entry.categories.isEmpty {
            object.key("tags", &self)
            strings(entry.categories.map(\.term), depth: depth + 1)
        }
        object.key("title", &self)
        string(XMLText.cleaned(entry.title))
        object.key("url", &self)
        string(XMLText.cleaned(entry.url))
        object.end(&self)
    }

    /// `text` quoted, with `"`, `\` and the control characters escaped as `JSONEncoder`
    /// escapes them (`/` is left alone): runs of other bytes are copied at once.
    mutating func string(_ text: String) {
        bytes.append(UInt8(ascii: "\""))
        var text = text
        text.withUTF8 { utf8 in
            var start = 0
            for (index, byte) in utf8.enumerated() where byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start..<index]))
                start = index + 1
                switch byte {
                case UInt8(ascii: "\""): bytes.append(contentsOf: #"\""#.utf8)
                case UInt8(ascii: "\\"): bytes.append(contentsOf: #"\\"#.utf8)
                case 0x08: bytes.append(contentsOf: #"\b"#.utf8)
                case 0x0C: bytes.append(contentsOf: #"\f"#.utf8)
                case 0x0A: bytes.append(contentsOf: #"\n"#.utf8)
                case 0x0D: bytes.append(contentsOf: #"\r"#.utf8)
                case 0x09: bytes.append(contentsOf: #"\t"#.utf8)
                default:
                    let hex = Array("0123456789abcdef".utf8)
                    bytes.append(contentsOf: #"\u00"#.utf8)
                    bytes.append(hex[Int(byte >> 4)])
                    bytes.append(hex[Int(byte & 0x0F)])
                }
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start...]))
        }
        bytes.append(UInt8(ascii: "\""))
    }
}
