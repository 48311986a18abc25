import Foundation

/// SHA-256 of every field of an `Entry` (for the content, of its SHA-256), each with its
/// length, so two entries have the same digest only when a writer would write the same
/// bytes for both. A publish takes an unchanged entry's bytes from the file it published
/// before instead of writing them again.
enum EntryDigest {
    /// The number of stored properties of `Entry` the digest covers; a test compares it
    /// with `Entry`'s, so a new field cannot be left out unnoticed.
    static let coveredFields = 10
    /// The stored properties of `Entry` that are written nowhere, so left out of the
    /// digest: the post an entry was made from names it in the gate's messages only.
    static let unwrittenFields: Set<String> = ["sourcePath"]

    static func of(_ entry: Entry) -> String {
        var d = PublishDigest()
        d.field(entry.id)
        d.field(entry.title)
        d.field(entry.url)
        d.field(entry.published)
        d.field(entry.updated)
        d.count(entry.authors.count)
        for author in entry.authors {
            d.field(author.name)
            d.field(author.email)
            d.field(author.uri)
        }
        d.count(entry.categories.count)
        for category in entry.categories {
            d.field(category.term)
            d.field(category.scheme)
        }
        d.field(entry.summaryHTML)
        // The content's own digest stands for it: a cached post's is stored with it, so
        // an unchanged entry's digest is taken without reading its content.
        d.field(entry.content?.sha256)
        d.count(entry.enclosures.count)
        for enclosure in entry.enclosures {
            d.field(enclosure.url)
            d.count(enclosure.length)
            d.field(enclosure.type)
        }
        return d.finishHex()
    }
}

private extension PublishDigest {
    mutating func count(_ value: Int) {
        withUnsafeBytes(of: Int64(value).littleEndian) { update($0) }
    }

    mutating func field(_ value: String?) {
        guard var text = value else { return count(-1) }
        text.withUTF8 { utf8 in
            count(utf8.count)
            update(utf8)
        }
    }

    mutating func field(_ bytes: [UInt8]?) {
        guard let bytes else { return count(-1) }
        count(bytes.count)
        update(bytes)
    }

    mutating func field(_ date: Date) {
        withUnsafeBytes(of: date.timeIntervalSinceReferenceDate.bitPattern.littleEndian) { update($0) }
    }
}
