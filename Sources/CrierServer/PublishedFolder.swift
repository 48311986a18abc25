import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// The folder being served, read through a cache of snapshots that is checked against
/// the disk (one `stat`) on every request and reloaded when the file changed.
final class PublishedFolder: Sendable {
    let root: String
    private let snapshots = Mutex<[String: FileSnapshot]>([:])
    /// Files larger than this are not served (feeds are far smaller).
    let maxFileSize: Int

    init(root: String, maxFileSize: Int = 256 << 20) {
        self.root = root
        self.maxFileSize = maxFileSize
    }

    /// The folder's real path now: resolved for each request, so that an output folder
    /// that is a symbolic link switched to another folder (as deployments switch them)
    /// is served from where it now points, as publish writes there.
    private var realRoot: String {
        guard let resolved = realpath(root, nil) else { return (root as NSString).resolvingSymlinksInPath }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// The current snapshot of `relativePath`, or `nil` when there is no regular file
    /// there inside the folder.
    func snapshot(_ relativePath: String) -> FileSnapshot? {
        let root = realRoot
        let full = root + "/" + relativePath
        var info = stat()
        guard stat(full, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return nil }
        let identity = Self.identity(info)
        if let cached = snapshots.withLock({ $0[relativePath] }), cached.identity == identity {
            return cached
        }
        guard let loaded = load(full, relativePath: relativePath, root: root) else { return nil }
        snapshots.withLock { $0[relativePath] = loaded }
        return loaded
    }

    private func load(_ full: String, relativePath: String, root: String) -> FileSnapshot? {
        // A symbolic link may point outside the folder: resolve, then insist on the prefix.
        guard let resolved = realpath(full, nil) else { return nil }
        let real = String(cString: resolved)
        free(resolved)
        guard real.hasPrefix(root + "/") else { return nil }
        let fd = open(real, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG, Int(info.st_size) <= maxFileSize else { return nil }
        var bytes = [UInt8](repeating: 0, count: Int(info.st_size))
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeMutableBytes { read(fd, $0.baseAddress! + offset, $0.count - offset) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            offset += n
        }
        guard offset == bytes.count else { return nil }
        return FileSnapshot(identity: Self.identity(info), bytes: bytes, path: relativePath)
    }

    static func identity(_ info: stat) -> FileSnapshot.Identity {
        FileSnapshot.Identity(
            device: UInt64(info.st_dev), inode: UInt64(info.st_ino), size: Int64(info.st_size),
            modifiedNanoseconds: Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec),
            changedNanoseconds: Int64(info.st_ctim.tv_sec) * 1_000_000_000 + Int64(info.st_ctim.tv_nsec))
    }
}
