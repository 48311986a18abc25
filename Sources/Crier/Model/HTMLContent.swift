import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A post's or an entry's HTML: the `String` a render made, or what the post cache stored,
/// with its SHA-256 beside it. A publish that copies an unchanged entry from the file it
/// published before never needs the entry's text, so a cached post's content is left in
/// its cache file until a writer asks for it, and its digest is known without reading it.
struct HTMLContent: Sendable {
    private enum Storage: Sendable {
        /// A render's text, with its SHA-256 once `digested()` took it.
        case text(String, sha256: [UInt8]?)
        /// Bytes that were a `String`'s UTF-8 when stored, and their SHA-256.
        case stored(utf8: ArraySlice<UInt8>, sha256: ArraySlice<UInt8>)
        /// Still in a post cache file, which must be as it was when its header was read.
        case cached(CachedText)
    }

    private var storage: Storage

    init(_ text: String) { storage = .text(text, sha256: nil) }

    /// Content read back from the post cache: `utf8` is what a `String` was, `sha256` its
    /// SHA-256 (32 bytes).
    init(utf8: ArraySlice<UInt8>, sha256: ArraySlice<UInt8>) {
        storage = .stored(utf8: utf8, sha256: sha256)
    }

    /// Content left in a post cache file, read when it is needed.
    init(_ cached: CachedText) { storage = .cached(cached) }

    /// The text; for content left in a cache file, read now. Throws
    /// `CachedText.Changed` when that file is not as it was when the post was read.
    func readText() throws -> String {
        switch storage {
        case .text(let text, _): text
        case .stored(let utf8, _): String(decoding: utf8, as: UTF8.self)
        case .cached(let cached): String(decoding: try cached.read(), as: UTF8.self)
        }
    }

    /// The text, or an empty string for content whose cache file changed or vanished
    /// since its post was read (`readText()` says so instead; the writers use that).
    var text: String { (try? readText()) ?? "" }

    /// This content with its SHA-256 remembered: a publish takes it once for the cache and
    /// the entry digest alike.
    func digested() -> HTMLContent {
        guard case .text(let text, nil) = storage else { return self }
        var content = self
        content.storage = .text(text, sha256: sha256)
        return content
    }

    /// The content held in memory, read from its cache file if it was left there.
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
    /// content that is not blank; known for content left in a cache file, which is only
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

    /// Calls `body` with the text's UTF-8 bytes (read from the cache file if need be).
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
    /// The same text, however each is held (content whose cache file changed equals nothing).
    static func == (a: HTMLContent, b: HTMLContent) -> Bool {
        guard a.utf8Count == b.utf8Count, let x = try? a.loaded(), let y = try? b.loaded() else { return false }
        return (try? x.withUTF8 { x in try y.withUTF8 { y in x.elementsEqual(y) } }) ?? false
    }
}

/// Content left in a post cache file: where it is, its digest, and the `stat` of the file
/// when the rest of the post was read from it.
struct CachedText: Sendable {
    var path: String
    var offset: Int
    var count: Int
    var sha256: [UInt8]
    var identity: FileIO.Identity

    /// The cache file changed, could not be read or no longer holds the content it did,
    /// after the post's header was read.
    struct Changed: Error, CustomStringConvertible {
        var path: String
        var description: String {
            "the post cache file \(path) changed, vanished or no longer holds what it did while this run used it; it is removed, so run again"
        }
    }

    /// The content's bytes, if the file is still the one the post was read from and they
    /// are the bytes the digest was taken of (a rewrite within one tick of the file
    /// system's clock can leave the `stat` as it was; the digest still tells). A file
    /// that fails either check is removed, so the next run renders its post again.
    func read() throws -> [UInt8] {
        let bytes = FileIO.withRegularFile(path) { fd, info in
            FileIO.Identity(info) == identity ? FileIO.pread(fd, count: count, at: offset) : nil
        }
        guard let bytes, bytes.withUnsafeBufferPointer(PublishDigest.sha256) == sha256 else {
            unlink(path)
            throw Changed(path: path)
        }
        return bytes
    }
}
