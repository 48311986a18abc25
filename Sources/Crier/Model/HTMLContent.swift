import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A post's or an entry's HTML: the `String` a render made, or what the post cache stored,
/// with its SHA-256 beside it. A publish that copies an unchanged entry from the file it
/// published before never needs the entry's text, so a cached post's content is left in
/// the cache's pack until a writer asks for it, and its digest is known without reading it.
struct HTMLContent: Sendable {
    private enum Storage: Sendable {
        /// A render's text, with its SHA-256 once `digested()` took it.
        case text(String, sha256: [UInt8]?)
        /// Bytes that were a `String`'s UTF-8 when stored, and their SHA-256.
        case stored(utf8: ArraySlice<UInt8>, sha256: ArraySlice<UInt8>)
        /// Still in a post cache's pack, checked by its SHA-256 when read.
        case cached(CachedText)
    }

    private var storage: Storage

    init(_ text: String) { storage = .text(text, sha256: nil) }

    /// Content read back from the post cache: `utf8` is what a `String` was, `sha256` its
    /// SHA-256 (32 bytes).
    init(utf8: ArraySlice<UInt8>, sha256: ArraySlice<UInt8>) {
        storage = .stored(utf8: utf8, sha256: sha256)
    }

    /// Content left in a post cache's pack, read when it is needed.
    init(_ cached: CachedText) { storage = .cached(cached) }

    /// The text; for content left in a cache's pack, read now. Throws
    /// `CachedText.Changed` when the pack no longer holds it.
    func readText() throws -> String {
        switch storage {
        case .text(let text, _): text
        case .stored(let utf8, _): String(decoding: utf8, as: UTF8.self)
        case .cached(let cached): String(decoding: try cached.read(), as: UTF8.self)
        }
    }

    /// The text, or an empty string for content the cache's pack no longer holds
    /// (`readText()` says so instead; the writers use that).
    var text: String { (try? readText()) ?? "" }

    /// This content with its SHA-256 remembered: a publish takes it once for the cache and
    /// the entry digest alike.
    func digested() -> HTMLContent {
        guard case .text(let text, nil) = storage else { return self }
        var content = self
        content.storage = .text(text, sha256: sha256)
        return content
    }

    /// The content held in memory, read from the cache's pack if it was left there.
    func loaded() throws -> HTMLContent {
        guard case .cached(let cached) = storage else { return self }
        let bytes = try cached.read()
        return HTMLContent(utf8: bytes[...], sha256: cached.sha256[...])
    }

    /// The length of the text in UTF-8 bytes.
    var utf8Count: Int {
        switch storage {
        case .text(let text, _): text.utf8.count
        case .stored(let utf8, _): utf8.count
        case .cached(let cached): cached.count
        }
    }

    /// Whether the text has a printable ASCII character (`!` to `~`), which makes it
    /// content that is not blank; known for content left in a cache's pack, which is only
    /// ever left there when it has one.
    var hasPrintableASCII: Bool {
        switch storage {
        case .text(var text, _): text.withUTF8 { HTMLContent.hasPrintableASCII($0) }
        case .stored(let utf8, _): utf8.withUnsafeBufferPointer { HTMLContent.hasPrintableASCII($0) }
        case .cached: true
        }
    }

    static func hasPrintableASCII(_ utf8: UnsafeBufferPointer<UInt8>) -> Bool {
        utf8.contains { (0x21...0x7E).contains($0) }
    }

    /// Calls `body` with the text's UTF-8 bytes (read from the cache's pack if need be).
    func withUTF8<Result>(_ body: (UnsafeBufferPointer<UInt8>) throws -> Result) throws -> Result {
        switch storage {
        case .text(var text, _): return try text.withUTF8(body)
        case .stored(let utf8, _): return try utf8.withUnsafeBufferPointer(body)
        case .cached(let cached): return try cached.read().withUnsafeBufferPointer(body)
        }
    }

    /// SHA-256 of the UTF-8 text (32 bytes): remembered for cached and `digested()`
    /// content, computed for other text.
    var sha256: [UInt8] {
        switch storage {
        case .text(_, let sha256?): return sha256
        case .text(var text, nil): return text.withUTF8(PublishDigest.sha256)
        case .stored(_, let sha256): return Array(sha256)
        case .cached(let cached): return cached.sha256
        }
    }
}

extension HTMLContent: Equatable {
    /// The same text, however each is held (content its cache's pack lost equals nothing).
    static func == (a: HTMLContent, b: HTMLContent) -> Bool {
        guard a.utf8Count == b.utf8Count, let x = try? a.loaded(), let y = try? b.loaded() else { return false }
        return (try? x.withUTF8 { x in try y.withUTF8 { y in x.elementsEqual(y) } }) ?? false
    }
}

/// Content left in a post cache's pack (`DiskPostCache`): where it is, its digest, and
/// the post it is the content of.
struct CachedText: Sendable {
    /// The pack's path.
    var path: String
    var offset: Int
    var count: Int
    var sha256: [UInt8]
    /// The post's file, relative to the source (the cache's name for the post).
    var post: String
    /// Where damaged content is reported, for the cache to drop its post.
    var damage: CacheDamage?

    /// The pack could not be read or no longer holds the content it did when the post was
    /// read from the cache.
    struct Changed: Error, CustomStringConvertible {
        var path: String
        var post: String
        var description: String {
            "the post cache pack \(path) no longer holds the content of \(post) it did while this run used it; the post is dropped from the cache, so run again"
        }
    }

    /// The content's bytes, if the pack still holds the bytes the digest was taken of (the
    /// pack is only appended to, so a `stat` of it tells nothing; the digest does).
    func readIfIntact() -> [UInt8]? {
        guard offset >= 0, count >= 0,
              let bytes = FileIO.withRegularFile(path, { fd, _ in FileIO.pread(fd, count: count, at: offset) }),
              bytes.withUnsafeBufferPointer(PublishDigest.sha256) == sha256 else { return nil }
        return bytes
    }

    /// The content's bytes; throws `Changed` when the pack no longer holds them, after
    /// reporting the post damaged, so the next run renders it again.
    func read() throws -> [UInt8] {
        guard let bytes = readIfIntact() else {
            damage?.report(post: post, pack: path)
            throw Changed(path: path, post: post)
        }
        return bytes
    }
}
