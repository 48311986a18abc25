import Foundation

/// Cache keys for post files: path, size, modification time and SHA-256 of the bytes.
enum PostCacheKeys {
    /// The key of the version of `file` whose bytes are `data`, or `nil` when the file
    /// cannot be examined (then the post is simply rendered). `identity` is the file's
    /// `stat` taken before it was read, when the caller has one: its modification time is
    /// used rather than asking again (a write since then changes the time, and the next
    /// run reads the file afresh).
    static func key(for file: PostFile, data: [UInt8], identity: FileIO.Identity? = nil) -> PostCacheKey? {
        let nanoseconds: Int64
        if let identity {
            nanoseconds = identity.modified
        } else {
            guard let fresh = FileIO.identity(file.path) else { return nil }
            nanoseconds = fresh.modified
        }
        // Seconds and their fraction apart, as `stat` gives them (one rounding, the same
        // whichever way the time was read).
        let (seconds, fraction) = nanoseconds.quotientAndRemainder(dividingBy: 1_000_000_000)
        let (wholeSeconds, nanos) = fraction < 0 ? (seconds - 1, fraction + 1_000_000_000) : (seconds, fraction)
        let modified = Double(wholeSeconds) + Double(nanos) / 1_000_000_000
        return PostCacheKey(path: file.relativePath, size: data.count, modified: modified, contentHash: PublishDigest.hex(bytes: data))
    }
}
