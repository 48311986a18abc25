import Foundation

/// Readable file names for tag and category feeds.
public enum Slug {
    /// Lower-cased letters and digits of any script, other characters folded into single
    /// hyphens: `Swift on Linux` → `swift-on-linux`, `Café Crème` → `café-crème`,
    /// `日本語` → `日本語`. A name with no letter or digit at all gets a slug made of its
    /// code points, so every tag has a path. At most `maxBytes` bytes.
    public static func make(_ name: String) -> String {
        var slug = uncut(name)
        // A file name holds at most 255 bytes: the slug, a `suffixed` hash and `.json` fit.
        while slug.utf8.count > maxBytes || slug.hasSuffix("-") { slug.unicodeScalars.removeLast() }
        return slug.isEmpty ? "untitled" : slug
    }

    /// The slug of `make(_:)` at any length: what `key(_:)` compares, so that names which
    /// differ only past `maxBytes` stay two tags (their file names are then settled apart).
    private static func uncut(_ name: String) -> String {
        var slug = ""
        var pendingHyphen = false
        for scalar in name.lowercased().unicodeScalars {
            if keeps(scalar) {
                if pendingHyphen && !slug.isEmpty { slug.append("-") }
                pendingHyphen = false
                slug.unicodeScalars.append(scalar)
            } else {
                pendingHyphen = true
            }
        }
        if slug.isEmpty {
            slug = name.unicodeScalars.map { "u" + String($0.value, radix: 16) }.joined(separator: "-")
        }
        return slug
    }

    /// The longest slug, in UTF-8 bytes; a longer one is cut (names that share the first
    /// 240 bytes then share a plain slug, which ``FeedBuilder`` settles as for any other:
    /// their keys, and so their feeds and `suffixed` names, stay apart).
    static let maxBytes = 240

    /// The file name (without extension) of the feed of tag or category `name` when
    /// another tag's feed already has its plain slug: the plain slug (``make(_:)``), `_`,
    /// and six hex digits of a hash of the name's ``key(_:)`` (`C#` → `c_9629f5`,
    /// `node.js` → `node-js_b89618`). `_` never appears in a plain slug, so a suffixed name
    /// never takes another tag's plain slug; two names get the same suffixed name only if
    /// their hashes collide, which ``FeedBuilder`` still keeps apart.
    ///
    /// ``FeedBuilder`` decides which tag of those sharing a plain slug keeps it.
    public static func suffixed(_ name: String) -> String {
        make(name) + "_" + hash(key(name))
    }

    /// What makes two tag or category names one: equal once lower-cased and in Unicode
    /// canonical composition (NFC); for names of letters, digits and separators only, also
    /// whatever separates the words (`Machine learning`, `machine-learning`). Names with the
    /// same key share one feed; names with different keys (`C#`, `C++`, `C`) may share a
    /// plain slug, which ``FeedBuilder`` gives to one of them only.
    public static func key(_ name: String) -> String {
        let folded = fold(name)
        return isPlain(folded) ? uncut(folded) : folded
    }

    /// Lower-cased, then NFC, so every spelling of a name gives the same bytes.
    private static func fold(_ name: String) -> String {
        name.lowercased().precomposedStringWithCanonicalMapping
    }

    private static func keeps(_ scalar: Unicode.Scalar) -> Bool {
        let p = scalar.properties
        return p.isAlphabetic || p.numericType != nil || p.generalCategory == .nonspacingMark
    }

    /// At least one letter or digit, and nothing but letters, digits and separators.
    private static func isPlain(_ folded: String) -> Bool {
        var hasLetter = false
        for scalar in folded.unicodeScalars {
            if keeps(scalar) {
                hasLetter = true
            } else if !(scalar == "-" || scalar == "_" || scalar.properties.isWhitespace) {
                return false
            }
        }
        return hasLetter
    }

    /// FNV-1a (32 bits) of the UTF-8 bytes, top 24 bits in hex: the same on every machine
    /// and every run, unlike `Hasher`.
    private static func hash(_ folded: String) -> String {
        var h: UInt32 = 0x811c_9dc5
        for byte in folded.utf8 {
            h ^= UInt32(byte)
            h = h &* 0x0100_0193
        }
        let hex = String(h >> 8, radix: 16)
        return String(repeating: "0", count: 6 - hex.count) + hex
    }
}
