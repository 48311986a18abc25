import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Cache keys for post files: path, size, modification time and SHA-256 of the bytes.
enum PostCacheKeys {
    /// The key of the version of `file` whose bytes are `data`, or `nil` when the file
    /// cannot be examined (then the post is simply rendered).
    static func key(for file: PostFile, data: [UInt8]) -> PostCacheKey? {
        var info = stat()
        guard stat(file.url.path, &info) == 0 else { return nil }
        let modified = Double(info.st_mtim.tv_sec) + Double(info.st_mtim.tv_nsec) / 1_000_000_000
        return PostCacheKey(path: file.relativePath, size: data.count, modified: modified, contentHash: PublishDigest.hex(bytes: data))
    }
}
