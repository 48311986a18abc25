import CompressNIO
import Foundation
import NIOCore

/// One version of one published file, held in memory: every response is built from a
/// complete snapshot, so a reader never sees a file the publisher is halfway through
/// replacing (the publisher renames whole files into place; a snapshot is read from one
/// open file, that is one version).
struct FileSnapshot: Sendable {
    /// Identifies the version on disk: a rename gives a new inode, a rewrite a new mtime
    /// and a new ctime (which, unlike the mtime, no program can set back).
    struct Identity: Sendable, Equatable {
        var device: UInt64
        var inode: UInt64
        var size: Int64
        var modifiedNanoseconds: Int64
        var changedNanoseconds: Int64
    }

    let identity: Identity
    let body: ByteBuffer
    /// The gzip-compressed body, when compression pays.
    let gzipped: ByteBuffer?
    /// Strong validator computed from the bytes (FNV-1a 64 and the length).
    let etag: String
    let gzipETag: String
    /// Whole seconds since 1970.
    let lastModified: Int
    /// `lastModified` as an HTTP date, formatted once per version rather than per request.
    let lastModifiedHeader: String
    let contentType: String
    /// Feeds get `Access-Control-Allow-Origin: *`.
    let isFeed: Bool

    init(identity: Identity, bytes: [UInt8], path: String) {
        self.identity = identity
        self.body = ByteBuffer(bytes: bytes)
        let hash = FileSnapshot.fnv1a64(bytes)
        let tag = String(hash, radix: 16) + "-" + String(bytes.count, radix: 16)
        self.etag = "\"\(tag)\""
        self.gzipETag = "\"\(tag)-gz\""
        self.lastModified = Int(identity.modifiedNanoseconds / 1_000_000_000)
        self.lastModifiedHeader = HTTPDate.format(lastModified)
        let (type, isFeed) = MediaTypes.type(forPath: path, prefix: bytes.prefix(MediaTypes.prologLimit))
        self.contentType = type
        self.isFeed = isFeed
        if bytes.count >= 256 {
            var source = ByteBuffer(bytes: bytes)
            let compressed = try? source.compress(with: .gzip())
            self.gzipped = compressed.flatMap { $0.readableBytes < bytes.count ? $0 : nil }
        } else {
            self.gzipped = nil
        }
    }

    static func fnv1a64(_ bytes: [UInt8]) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01B3
        }
        return hash
    }
}

/// Media types of the files Crier publishes.
enum MediaTypes {
    /// How much of an XML file is read for its root element: past any prolog a feed has
    /// (a stylesheet instruction with a long `href`, comments).
    static let prologLimit = 64 << 10

    /// The name of the first element of the XML document starting with `bytes` (after its
    /// declaration, processing instructions, comments and document type), or `nil`.
    static func rootElement(_ bytes: ArraySlice<UInt8>) -> String? {
        var i = bytes.startIndex
        let lt = UInt8(ascii: "<")
        func starts(_ text: String, at index: Int) -> Bool {
            let t = Array(text.utf8)
            return index + t.count <= bytes.endIndex && bytes[index..<(index + t.count)].elementsEqual(t)
        }
        func skip(past end: String) -> Bool {
            let e = Array(end.utf8)
            while i + e.count <= bytes.endIndex {
                if bytes[i..<(i + e.count)].elementsEqual(e) { i += e.count; return true }
                i += 1
            }
            return false
        }
        if starts("\u{FEFF}", at: i) { i += 3 }
        while i < bytes.endIndex {
            let byte = bytes[i]
            if byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D { i += 1; continue }
            guard byte == lt else { return nil }
            if starts("<?", at: i) {
                guard skip(past: "?>") else { return nil }
            } else if starts("<!--", at: i) {
                guard skip(past: "-->") else { return nil }
            } else if starts("<!", at: i) {
                // A document type, with any internal subset in brackets.
                var depth = 0
                while i < bytes.endIndex {
                    let c = bytes[i]
                    i += 1
                    if c == UInt8(ascii: "[") { depth += 1 } else if c == UInt8(ascii: "]") { depth -= 1 } else if c == UInt8(ascii: ">") && depth <= 0 { break }
                }
            } else {
                let name = bytes[(i + 1)...].prefix { !($0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D || $0 == UInt8(ascii: ">") || $0 == UInt8(ascii: "/")) }
                return name.isEmpty ? nil : String(decoding: name, as: UTF8.self)
            }
        }
        return nil
    }

    static func type(forPath path: String, prefix: ArraySlice<UInt8>) -> (String, Bool) {
        let ext = path.split(separator: ".").last.map { $0.lowercased() } ?? ""
        switch ext {
        case "xml", "atom", "rss":
            switch rootElement(prefix).map({ $0.split(separator: ":").last.map(String.init) ?? $0 }) {
            case "rss", "RDF": return ("application/rss+xml; charset=utf-8", true)
            case "feed", "entry": return ("application/atom+xml; charset=utf-8", true)
            default: return ("application/xml; charset=utf-8", false)
            }
        case "json":
            return ("application/feed+json; charset=utf-8", true)
        case "xsl", "xslt": return ("text/xsl; charset=utf-8", false)
        case "css": return ("text/css; charset=utf-8", false)
        case "html", "htm": return ("text/html; charset=utf-8", false)
        case "txt": return ("text/plain; charset=utf-8", false)
        default: return ("application/octet-stream", false)
        }
    }
}
