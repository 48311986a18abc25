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
        /// `strerror`'s text, after the call that failed where that helps (`fsync:`,
        /// `rename:`), or why a folder above the file could not be made.
        public var reason: String
        /// `path: reason`.
        public var description: String { "\(path): \(reason)" }
    }

    /// Writes `bytes` to `url`, creating the folders above it.
    /// - Parameters:
    ///   - sync: flush the file and its folder to disk (cron publishing wants this; a local
    ///     build can skip it).
    ///   - direct: without `sync`, send a large file (`directThreshold` bytes or more)
    ///     straight to the disk rather than through the page cache (`OutputFile`'s direct
    ///     writes): for a large file nothing reads again soon, such as a build's feeds.
    public static func write(_ bytes: [UInt8], to url: URL, sync: Bool = true, direct: Bool = false) throws {
        try stage(bytes, to: url, sync: sync, direct: direct).commit()
    }

    /// Writes the document `parts` to `url` as `write(_:to:sync:)` does; entries borrowed
    /// from the published file are copied from it by the kernel.
    static func write(_ parts: FeedParts, to url: URL, sync: Bool = true) throws {
        try write(to: url, sync: sync) { file in try parts.write(to: file) }
    }

    /// The least size of a file `write(_:to:sync:direct:)` writes directly: below it the
    /// page cache's copy costs little, and the wait for the disk would show.
    static let directThreshold = 32 << 20

    /// Creates a temporary file beside `url` (opened for direct writes with `direct`, where
    /// the file system allows), has `fill` write the bytes to it, flushes it and renames it
    /// over `url`.
    static func write(to url: URL, sync: Bool, direct: Bool = false, fill: (OutputFile) throws -> Void) throws {
        try stage(to: url, sync: sync, direct: direct, fill: fill).commit()
    }

    /// A file written in full beside its target, under a temporary name, and not yet in
    /// its place: `commit()` renames it over the target, `discard()` removes it. Until one
    /// of them runs, readers of the target see the old file.
    struct StagedFile: Sendable {
        /// The temporary file's path.
        let temporary: String
        /// Where the file goes.
        let target: URL
        let sync: Bool

        /// Renames the file over its target (then, with `sync`, flushes the folder).
        func commit() throws {
            if rename(temporary, target.path) != 0 {
                let reason = "rename: " + String(cString: strerror(errno))
                unlink(temporary)
                throw WriteError(path: target.path, reason: reason)
            }
            if sync { FileIO.syncFolder(target.deletingLastPathComponent().path) }
        }

        /// Removes the file; the target stays as it was.
        func discard() {
            unlink(temporary)
        }
    }

    /// Writes `bytes` beside `url` as `write(_:to:sync:direct:)` does, without putting
    /// them in its place: for a caller that decides only later whether they replace it
    /// (`crier build` writes its feeds while the gate checks them).
    static func stage(_ bytes: [UInt8], to url: URL, sync: Bool = true, direct: Bool = false) throws -> StagedFile {
        try stage(to: url, sync: sync, direct: direct && !sync && bytes.count >= directThreshold) { file in try file.write(bytes[...]) }
    }

    /// Creates a temporary file beside `url` (opened for direct writes with `direct`, where
    /// the file system allows), has `fill` write the bytes to it and, with `sync`, flushes
    /// it.
    static func stage(to url: URL, sync: Bool, direct: Bool = false, fill: (OutputFile) throws -> Void) throws -> StagedFile {
        let folder = url.deletingLastPathComponent()
        if let failure = FileIO.makeFolders(folder.path) {
            throw WriteError(path: failure.folder, reason: failure.reason)
        }
        // The name's first 200 bytes at most: with the dot, the process id and the random
        // number, the longest file name a file system takes (255 bytes) stays free for it.
        var stem = url.lastPathComponent
        while stem.utf8.count > 200 { stem.removeLast() }
        let temporary = folder.appendingPathComponent(".\(stem).\(getpid()).\(UInt32.random(in: 0...UInt32.max)).tmp")
        let flags = O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC
        let isDirect = direct && OutputFile.directFlag != 0
        let fd = open(temporary.path, flags | (isDirect ? OutputFile.directFlag : 0), 0o644)
        if fd < 0 && isDirect && OutputFile.directRefusals.contains(errno) {
            // A file system that opens no file for direct writes (having made it).
            unlink(temporary.path)
            return try stage(to: url, sync: sync, direct: false, fill: fill)
        }
        guard fd >= 0 else { throw WriteError(path: temporary.path, reason: String(cString: strerror(errno))) }
        var closed = false
        defer {
            if !closed { close(fd) }
        }
        do {
            let file = OutputFile(descriptor: fd, path: temporary.path, writeBehind: sync, direct: isDirect)
            try fill(file)
            try file.finish()
            if sync && fsync(fd) != 0 { throw WriteError(path: temporary.path, reason: "fsync: " + String(cString: strerror(errno))) }
            closed = true
            if close(fd) != 0 { throw WriteError(path: temporary.path, reason: String(cString: strerror(errno))) }
        } catch {
            unlink(temporary.path)
            throw error
        }
        return StagedFile(temporary: temporary.path, target: url, sync: sync)
    }

    /// Writes every byte of `bytes` to `fd` (retrying short writes and EINTR); `path` names
    /// the file in the error.
    static func writeAll(_ bytes: ArraySlice<UInt8>, to fd: Int32, path: String) throws {
        try bytes.withUnsafeBytes { raw in try writeAll(raw, to: fd, path: path) }
    }

    /// Writes every byte of `raw` to `fd`, as `writeAll(_:to:path:)` does.
    static func writeAll(_ raw: UnsafeRawBufferPointer, to fd: Int32, path: String) throws {
        var offset = 0
        while offset < raw.count {
            let n = Glibc.write(fd, raw.baseAddress! + offset, raw.count - offset)
            if n < 0 {
                if errno == EINTR { continue }
                throw WriteError(path: path, reason: String(cString: strerror(errno)))
            }
            offset += n
        }
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
