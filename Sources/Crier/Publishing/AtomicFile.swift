import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Writes files so that a reader sees either the old version or the new one, never a
/// part: the bytes go to a temporary file in the same folder, are flushed to disk, and
/// the temporary file is renamed over the old one.
public enum AtomicFile {
    public struct WriteError: Error, Sendable, CustomStringConvertible {
        public var path: String
        public var reason: String
        public var description: String { "\(path): \(reason)" }
    }

    /// Writes `bytes` to `url`, creating the folders above it.
    /// - Parameter sync: flush the file and its folder to disk (cron publishing wants
    ///   this; a local build can skip it).
    public static func write(_ bytes: [UInt8], to url: URL, sync: Bool = true) throws {
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
            try bytes.withUnsafeBytes { raw in
                var offset = 0
                while offset < raw.count {
                    let n = Glibc.write(fd, raw.baseAddress! + offset, raw.count - offset)
                    if n < 0 {
                        if errno == EINTR { continue }
                        throw WriteError(path: temporary.path, reason: String(cString: strerror(errno)))
                    }
                    offset += n
                }
            }
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
}
