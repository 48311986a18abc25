import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Writes files so that a reader sees either the old version or the new one, never a
/// part: the bytes go to a temporary file in the same folder, are flushed to disk, and
/// the temporary file is renamed over the old one.
public enum AtomicFile {
    /// A file or folder that could not be written, and why (`strerror`).
    public struct WriteError: Error, Sendable, CustomStringConvertible {
        /// The path that failed (the temporary file, the target, or the folder).
        public var path: String
        public var reason: String
        public var description: String { "\(path): \(reason)" }
    }

    /// Writes `bytes` to `url`, creating the folders above it.
    /// - Parameter sync: flush the file and its folder to disk (cron publishing wants
    ///   this; a local build can skip it).
    public static func write(_ bytes: [UInt8], to url: URL, sync: Bool = true) throws {
        try write(chunks: [bytes], to: url, sync: sync)
    }

    /// Writes the concatenation of `chunks` to `url`, as `write(_:to:sync:)` does.
    public static func write(chunks: [[UInt8]], to url: URL, sync: Bool = true) throws {
        let folder = url.deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        } catch {
            throw WriteError(path: folder.path, reason: "cannot create folder: \(error.localizedDescription)")
        }
        let temporary = folder.appendingPathComponent(".\(url.lastPathComponent).\(getpid()).\(UInt32.random(in: 0...UInt32.max)).tmp")
        let fd = open(temporary.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw WriteError(path: temporary.path, reason: String(cString: strerror(errno))) }
        var closed = false
        defer {
            if !closed { close(fd) }
        }
        do {
            try writeAll(chunks, to: fd, path: temporary.path)
            if sync && fsync(fd) != 0 { throw WriteError(path: temporary.path, reason: "fsync: " + String(cString: strerror(errno))) }
            closed = true
            if close(fd) != 0 { throw WriteError(path: temporary.path, reason: String(cString: strerror(errno))) }
            if rename(temporary.path, url.path) != 0 {
                throw WriteError(path: url.path, reason: "rename: " + String(cString: strerror(errno)))
            }
        } catch {
            unlink(temporary.path)
            throw error
        }
        if sync {
            let dirfd = open(folder.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
            if dirfd >= 0 {
                fsync(dirfd)
                close(dirfd)
            }
        }
    }

    /// Writes every chunk in order with `writev`, up to 64 chunks a call.
    private static func writeAll(_ chunks: [[UInt8]], to fd: Int32, path: String) throws {
        var index = 0
        var offset = 0
        while index < chunks.count {
            // Skip what is written (and empty chunks).
            if offset >= chunks[index].count {
                index += 1
                offset = 0
                continue
            }
            let end = min(chunks.count, index + 64)
            let written: Int = withChunkPointers(chunks[index..<end]) { vectors in
                vectors[0].iov_base = vectors[0].iov_base.map { $0 + offset }
                vectors[0].iov_len -= offset
                return writev(fd, vectors.baseAddress, Int32(vectors.count))
            }
            if written < 0 {
                if errno == EINTR { continue }
                throw WriteError(path: path, reason: String(cString: strerror(errno)))
            }
            var remaining = written
            while remaining > 0 {
                let left = chunks[index].count - offset
                if remaining >= left {
                    remaining -= left
                    index += 1
                    offset = 0
                } else {
                    offset += remaining
                    remaining = 0
                }
            }
        }
    }

    /// Calls `body` with an `iovec` for each chunk, valid only during the call.
    private static func withChunkPointers<R>(_ chunks: ArraySlice<[UInt8]>, _ body: (UnsafeMutableBufferPointer<iovec>) -> R) -> R {
        // Each chunk's storage is pinned by a nested `withUnsafeBufferPointer`.
        func pin(_ remaining: ArraySlice<[UInt8]>, _ vectors: inout [iovec]) -> R {
            guard let first = remaining.first else {
                return vectors.withUnsafeMutableBufferPointer { body($0) }
            }
            return first.withUnsafeBufferPointer { buffer in
                vectors.append(iovec(iov_base: UnsafeMutableRawPointer(mutating: buffer.baseAddress), iov_len: buffer.count))
                return pin(remaining.dropFirst(), &vectors)
            }
        }
        var vectors: [iovec] = []
        vectors.reserveCapacity(chunks.count)
        return pin(chunks, &vectors)
    }

    /// Whether the file at `url` holds exactly `bytes` (`false` when it does not exist or
    /// cannot be read), so unchanged files are left alone, modification time included.
    public static func holds(_ bytes: [UInt8], at url: URL) -> Bool {
        holds(chunks: [bytes], at: url)
    }

    /// Whether the file at `url` holds exactly the concatenation of `chunks`.
    public static func holds(chunks: [[UInt8]], at url: URL) -> Bool {
        let fd = open(url.path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        let total = chunks.reduce(0) { $0 + $1.count }
        var info = stat()
        guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG, Int(info.st_size) == total else { return false }
        var block = [UInt8](repeating: 0, count: 1 << 20)
        var filled = 0
        var used = 0
        for chunk in chunks {
            var compared = 0
            while compared < chunk.count {
                if used == filled {
                    let n = block.withUnsafeMutableBytes { read(fd, $0.baseAddress!, $0.count) }
                    if n < 0 && errno == EINTR { continue }
                    if n <= 0 { return false }
                    filled = n
                    used = 0
                }
                let count = min(chunk.count - compared, filled - used)
                let same = chunk.withUnsafeBytes { mine in
                    block.withUnsafeBytes { theirs in
                        memcmp(mine.baseAddress! + compared, theirs.baseAddress! + used, count) == 0
                    }
                }
                if !same { return false }
                compared += count
                used += count
            }
        }
        // The size matched, so nothing is left to read unless the file grew meanwhile.
        return true
    }

    /// Removes temporary files that `write` left in `folder` when its process was killed
    /// between creating and renaming them (`.NAME.PID.RANDOM.tmp` whose process is gone).
    /// Files of a live process are left alone: it may still be writing them.
    /// Returns the names removed.
    @discardableResult
    public static func removeStaleTemporaryFiles(in folder: URL) -> [String] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder.path) else { return [] }
        var removed: [String] = []
        for name in names where name.hasPrefix(".") && name.hasSuffix(".tmp") {
            let parts = name.dropLast(4).split(separator: ".", omittingEmptySubsequences: false)
            guard parts.count >= 4, let pid = pid_t(parts[parts.count - 2]), UInt32(parts[parts.count - 1]) != nil else { continue }
            if pid == getpid() { continue }
            if kill(pid, 0) == 0 || errno == EPERM { continue }
            if unlink(folder.appendingPathComponent(name).path) == 0 { removed.append(name) }
        }
        return removed
    }
}
