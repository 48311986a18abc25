import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Small file-system helpers for posts, published files and the state folder: whole-file
/// reads, folder listings and `stat` without Foundation's overhead (they run on every cron
/// tick, and for every post of a build).
enum FileIO {
    /// `body` with the regular file at `path` (a link followed) open for reading and its
    /// `stat`; `nil` when it is no regular file or cannot be opened. Opened non-blocking,
    /// so a FIFO where a file was expected is refused, not waited on; closed after `body`.
    static func withRegularFile<T>(_ path: String, _ body: (_ descriptor: Int32, _ info: stat) throws -> T?) rethrows -> T? {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return nil }
        return try body(fd, info)
    }

    /// Why the file at `path` cannot be read, in words: `strerror`'s text for a missing or
    /// forbidden file, or what it is instead of a regular file.
    static func unreadableReason(_ path: String) -> String {
        var info = stat()
        guard stat(path, &info) == 0 else { return String(cString: strerror(errno)) }
        switch info.st_mode & S_IFMT {
        case S_IFREG: break
        case S_IFDIR: return "it is a folder"
        default: return "it is not a regular file"
        }
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else { return String(cString: strerror(errno)) }
        close(fd)
        return "it changed while it was read"
    }

    /// Flushes the folder `path` to disk, so that the files just renamed into it or removed
    /// from it stay so after a crash (best effort: a folder that cannot be opened is left).
    static func syncFolder(_ path: String) {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { return }
        fsync(fd)
        close(fd)
    }

    /// Creates the folder `path` and those above it, as `mkdir -p` does; `nil` when it
    /// exists or was made, else the folder that failed and why (it is something else, or
    /// `strerror`'s reason it cannot be made).
    static func makeFolders(_ path: String) -> (folder: String, reason: String)? {
        var info = stat()
        if stat(path, &info) == 0 {
            return (info.st_mode & S_IFMT) == S_IFDIR ? nil : (path, "exists and is not a folder")
        }
        let parent = (path as NSString).deletingLastPathComponent
        if !parent.isEmpty, parent != path, let failure = makeFolders(parent) { return failure }
        if mkdir(path, 0o755) == 0 || errno == EEXIST { return nil }
        return (path, "cannot create the folder: " + String(cString: strerror(errno)))
    }

    /// The whole regular file (a link followed), or `nil` when it cannot be read.
    static func read(_ path: String) -> [UInt8]? {
        withRegularFile(path) { fd, info in read(fd, size: Int(info.st_size)) }
    }

    /// All of `fd`, whose size was `size` a moment ago.
    private static func read(_ fd: Int32, size: Int) -> [UInt8]? {
        // Read straight into uninitialised storage (no zero-filling first); one byte more
        // than the size tells a file that grew meanwhile, which is then read to its end.
        var failed = false
        var bytes = [UInt8](unsafeUninitializedCapacity: size + 1) { buffer, count in
            count = 0
            while count < buffer.count {
                let n = Glibc.read(fd, buffer.baseAddress! + count, buffer.count - count)
                if n < 0 {
                    if errno == EINTR { continue }
                    failed = true
                    return
                }
                if n == 0 { break }
                count += n
            }
        }
        if failed { return nil }
        guard bytes.count > size else { return bytes }
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress!, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                return nil
            }
            if n == 0 { return bytes }
            bytes += chunk[..<n]
        }
    }

    /// Reads from `fd` at `offset` until `buffer` is full or the file ends (retrying short
    /// reads and EINTR); the number of bytes read, or `nil` with `errno` set on an error.
    static func pread(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer, at offset: Int) -> Int? {
        var count = 0
        while count < buffer.count {
            let n = Glibc.pread(fd, buffer.baseAddress! + count, buffer.count - count, off_t(offset + count))
            if n > 0 {
                count += n
            } else if n == 0 {
                break
            } else if errno != EINTR {
                return nil
            }
        }
        return count
    }

    /// `count` bytes of `fd` from `offset`, or `nil` when fewer can be read.
    static func pread(_ fd: Int32, count: Int, at offset: Int) -> [UInt8]? {
        var complete = false
        let bytes = [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            let n = pread(fd, into: UnsafeMutableRawBufferPointer(buffer), at: offset)
            initialized = n ?? 0
            complete = n == count
        }
        return complete ? bytes : nil
    }

    /// Appends the bytes at `range` of the open file `source` to `output`, copied by the
    /// kernel from file to file (`copy_file_range`), or read with `read` and written,
    /// `copyPieceSize` bytes at a time, where it cannot.
    static func copy(_ range: Range<Int>, from source: Int32, to output: OutputFile,
                     reading read: (Range<Int>) throws -> [UInt8]) throws {
        var offset = off_t(range.lowerBound)
        let end = off_t(range.upperBound)
        if let copyFileRange {
            while offset < end {
                let n = copyFileRange(source, &offset, output.descriptor, nil, min(Int(end - offset), OutputFile.writeBehindStep), 0)
                if n > 0 {
                    output.wrote(n)
                    continue
                }
                // Nothing copied (some file systems answer so rather than refuse), or
                // refused between these files (another file system, an old kernel, a
                // sandbox): copied by hand from here on, which tells a file that
                // became shorter.
                if n == 0 { break }
                let error = errno
                if error == EINTR { continue }
                guard copyRefusals.contains(error) else {
                    throw AtomicFile.WriteError(path: output.path, reason: String(cString: strerror(error)))
                }
                break
            }
        }
        while offset < end {
            let piece = Int(offset)..<min(Int(end), Int(offset) + copyPieceSize)
            try output.write(try read(piece)[...])
            offset += off_t(piece.count)
        }
    }

    /// What `copy_file_range` answers when it cannot copy between two files at all.
    private static let copyRefusals: Set<Int32> = [EXDEV, ENOSYS, EOPNOTSUPP, EINVAL, EPERM, EBADF, ETXTBSY]
    /// How much `copy` reads at a time when it copies by hand.
    static let copyPieceSize = 1 << 20

    /// The C library's `copy_file_range(2)`, found at run time: Swift's Glibc module
    /// leaves it out (it is a GNU extension); `nil` without it (glibc before 2.27).
    private typealias CopyFileRange = @convention(c) (Int32, UnsafeMutablePointer<off_t>?, Int32, UnsafeMutablePointer<off_t>?, Int, UInt32) -> Int
    private static let copyFileRange: CopyFileRange? = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "copy_file_range")
        .map { unsafeBitCast($0, to: CopyFileRange.self) }
    /// Whether `copy` can ask the kernel to copy (tests check it is used).
    static var copiesInTheKernel: Bool { copyFileRange != nil }

    /// Names in `folder` (without `.` and `..`), or `nil` when it cannot be listed.
    static func names(in folder: String) -> [String]? {
        entries(in: folder)?.map(\.name)
    }

    /// The entries of `folder` (without `.` and `..`) and whether each is a folder, as far
    /// as the listing itself tells (`nil` for a symbolic link, or on a file system whose
    /// listings do not say: ask `stat`); `nil` when the folder cannot be listed.
    static func entries(in folder: String) -> [(name: String, isDirectory: Bool?)]? {
        guard let dir = opendir(folder) else { return nil }
        defer { closedir(dir) }
        var entries: [(name: String, isDirectory: Bool?)] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            guard name != "." && name != ".." else { continue }
            switch Int32(entry.pointee.d_type) {
            case Int32(DT_DIR): entries.append((name, true))
            case Int32(DT_LNK), Int32(DT_UNKNOWN): entries.append((name, nil))
            default: entries.append((name, false))
            }
        }
        return entries
    }

    /// What `stat` says about a file, enough to tell any change made through the file
    /// system: a write changes the modification and status-change times, a replacement the
    /// inode.
    struct Identity: Equatable {
        var device: UInt64
        var inode: UInt64
        var size: Int64
        var mode: UInt32
        var modified: Int64
        var changed: Int64

        /// Nanoseconds since 1970 of the later of the modification and status-change times.
        var lastChange: Int64 { max(modified, changed) }

        /// Whether the file system keeps times finer than a second (both times landing
        /// on a whole second means, all but certainly, that it does not).
        var hasSubsecondTimestamps: Bool {
            modified % 1_000_000_000 != 0 || changed % 1_000_000_000 != 0
        }

        init(device: UInt64, inode: UInt64, size: Int64, mode: UInt32, modified: Int64, changed: Int64) {
            (self.device, self.inode, self.size, self.mode, self.modified, self.changed) = (device, inode, size, mode, modified, changed)
        }

        init(_ info: stat) {
            self.init(device: UInt64(info.st_dev), inode: UInt64(info.st_ino), size: Int64(info.st_size), mode: UInt32(info.st_mode),
                      modified: Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec),
                      changed: Int64(info.st_ctim.tv_sec) * 1_000_000_000 + Int64(info.st_ctim.tv_nsec))
        }
    }

    /// `stat` of `path` (following symbolic links), or `nil` when it does not exist.
    static func identity(_ path: String) -> Identity? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return Identity(info)
    }

    /// The `stat` of each of `paths`, in order, taken by every core at once: a publish
    /// with nothing or one post changed is mostly these calls, one per post.
    static func identities(_ paths: [String]) -> [Identity?] {
        guard paths.count > 256 else { return paths.map(identity) }
        return parallelMap(paths.count, workers: ProcessInfo.processInfo.activeProcessorCount) { identity(paths[$0]) }
    }

    /// `fstat` of an open file.
    static func identity(descriptor: Int32) -> Identity? {
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { return nil }
        return Identity(info)
    }

    /// The wall clock in nanoseconds since 1970.
    static func nowNanoseconds() -> Int64 {
        nanoseconds(CLOCK_REALTIME)
    }

    /// The clock file systems stamp changes with (the kernel's coarse wall clock; a file
    /// may be stamped with a finer reading, never an earlier one).
    static func fileClockNanoseconds() -> Int64 {
        nanoseconds(CLOCK_REALTIME_COARSE)
    }

    private static func nanoseconds(_ clock: clockid_t) -> Int64 {
        var spec = timespec()
        clock_gettime(clock, &spec)
        return Int64(spec.tv_sec) * 1_000_000_000 + Int64(spec.tv_nsec)
    }

    /// The identities of files this run just wrote, taken once the file-system clock has
    /// moved 20 ms past their last change, so that any later write to one of them (which stamps
    /// the file with the clock's time) changes its identity, even within one timestamp
    /// tick of this run. `nil` for a file that is gone, that changed while this waited,
    /// whose timestamps lie too far ahead of the clock, or whose file system keeps whole
    /// seconds only (where a later write could leave every field the same).
    static func settledIdentities(_ paths: [String]) -> [Identity?] {
        let first = paths.map(identity)
        // Once the file clock is past a change, later changes are stamped later.
        // A margin for file systems that stamp in coarser units than the clock's tick
        // (exFAT: 10 ms), where a later change could still get the same stamp.
        let latest = (first.compactMap { $0?.lastChange }.max() ?? 0) + 20_000_000
        let deadline = nanoseconds(CLOCK_MONOTONIC) + 100_000_000
        while fileClockNanoseconds() <= latest && nanoseconds(CLOCK_MONOTONIC) < deadline {
            usleep(1000)
        }
        let settledBefore = fileClockNanoseconds()
        return zip(paths, first).map { path, before in
            guard let before, before.lastChange < settledBefore, before.hasSubsecondTimestamps,
                  identity(path) == before else { return nil }
            return before
        }
    }
}
