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
        let (type, isFeed) = MediaTypes.type(forPath: path, prefix: bytes.prefix(1024))
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
    static func type(forPath path: String, prefix: ArraySlice<UInt8>) -> (String, Bool) {
        let ext = path.split(separator: ".").last.map { $0.lowercased() } ?? ""
        switch ext {
        case "xml", "atom", "rss":
            let head = String(decoding: prefix, as: UTF8.self)
            if head.contains("<rss") || head.contains("<rdf:RDF") { return ("application/rss+xml; charset=utf-8", true) }
            if head.contains("<feed") || head.contains("<entry") { return ("application/atom+xml; charset=utf-8", true) }
            return ("application/xml; charset=utf-8", false)
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
