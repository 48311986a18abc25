import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// An exclusive `flock` on a lock file, held for the whole of a publish run so that two
/// runs on the same output folder never interleave their writes.
///
/// `flock` locks belong to the open file, so the kernel releases the lock when the
/// process ends for any reason (including `kill -9`): a crashed run never leaves a stale
/// lock behind, and the file itself may stay on disk.
public final class PublishLock: Sendable {
    /// Another run held the lock for longer than the caller was willing to wait.
    public struct Busy: Error, Sendable, CustomStringConvertible {
        /// The lock file.
        public var path: String
        /// What the holder wrote into the lock file (`pid 1234 since 2026-11-21T09:40:00Z`), if readable.
        public var holder: String?
        /// How long this run waited, in seconds.
        public var waited: Double

        /// The message a run that gave up prints: who holds the lock, and how long this run
        /// waited.
        public var description: String {
            let who = holder.map { "another crier publish (\($0))" } ?? "another crier publish"
            let waitedText = waited > 0 ? "after waiting \(PublishLock.seconds(waited))" : "without waiting (use --wait SECONDS to wait for it)"
            return "\(who) holds the lock \(path); gave up \(waitedText)"
        }
    }

    /// The lock file could not be opened (a missing or read-only output folder).
    public struct Unavailable: Error, Sendable, CustomStringConvertible {
        /// The lock file.
        public var path: String
        /// `strerror`'s text, or why its folder could not be made.
        public var reason: String
        /// `cannot open lock file PATH: reason`.
        public var description: String { "cannot open lock file \(path): \(reason)" }
    }

    /// The lock file.
    public let url: URL
    private let fd: Int32

    private init(url: URL, fd: Int32) {
        self.url = url
        self.fd = fd
    }

    /// Takes the lock on `url`, creating the file and its folder if needed, polling until
    /// `wait` seconds have passed.
    public static func acquire(_ url: URL, wait: Double = 0, pollInterval: Double = 0.05) throws -> PublishLock {
        if let failure = FileIO.makeFolders(url.deletingLastPathComponent().path) {
            throw Unavailable(path: url.path, reason: "\(failure.folder): \(failure.reason)")
        }
        let fd = open(url.path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw Unavailable(path: url.path, reason: String(cString: strerror(errno))) }
        let start = Date()
        while flock(fd, LOCK_EX | LOCK_NB) != 0 {
            let failure = errno
            if failure == EINTR { continue }
            guard failure == EWOULDBLOCK else {
                close(fd)
                throw Unavailable(path: url.path, reason: String(cString: strerror(failure)))
            }
            let waited = Date().timeIntervalSince(start)
            if waited >= wait {
                let holder = readHolder(fd)
                close(fd)
                throw Busy(path: url.path, holder: holder, waited: wait > 0 ? waited : 0)
            }
            usleep(useconds_t(max(1_000, min(pollInterval, wait - waited) * 1_000_000)))
        }
        // Say who holds the lock, for the message a waiting run prints. The lock, not
        // this text, is what excludes other runs, so a failed write here is harmless.
        let note = "pid \(getpid()) since \(FeedDates.rfc3339(Date()))\n"
        _ = ftruncate(fd, 0)
        _ = note.withCString { pwrite(fd, $0, strlen($0), 0) }
        return PublishLock(url: url, fd: fd)
    }

    /// Releases the lock (also released when the process ends).
    public func release() {
        // Empty the note first, so that a reader never blames a run that has finished.
        _ = ftruncate(fd, 0)
        flock(fd, LOCK_UN)
        close(fd)
    }

    private static func readHolder(_ fd: Int32) -> String? {
        var buffer = [UInt8](repeating: 0, count: 256)
        let n = pread(fd, &buffer, buffer.count, 0)
        guard n > 0 else { return nil }
        let text = String(decoding: buffer[..<n], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return text.isEmpty ? nil : text
    }

    static func seconds(_ value: Double) -> String {
        value < 10 ? String(format: "%.1f s", value) : "\(Int(value.rounded())) s"
    }
}
