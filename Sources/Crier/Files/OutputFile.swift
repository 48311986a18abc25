import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A file `AtomicFile` is writing: its descriptor, its path for errors, and how its bytes
/// go to the disk.
///
/// With `writeBehind` (a write that ends in a flush), every few megabytes written the
/// kernel is asked to start writing them out (`sync_file_range`), so the disk works while
/// the rest is written and the final flush has little left to wait for.
///
/// A `direct` file (opened with `O_DIRECT`) takes its bytes to the disk straight from a
/// block-aligned buffer, `directChunk` bytes at a time, not through the page cache: the
/// kernel does not copy them into memory it must first find and clear, which for a
/// build's two 109 MB feeds cost a tenth of the build's CPU. `finish()` writes the last
/// block whole and cuts the file to its size. Where a file system refuses a direct write,
/// the rest of the file is written the usual way.
final class OutputFile {
    let descriptor: Int32
    let path: String
    private let writeBehind: Bool
    /// Bytes written since the kernel was last asked to start writing them out.
    private var pending = 0
    /// A direct file's aligned buffer, `directChunk` bytes, of which `alignedCount` are
    /// filled; `nil` for a file written the usual way.
    private var aligned: UnsafeMutableRawPointer?
    private var alignedCount = 0
    /// The bytes a direct file holds so far, besides those in `aligned`.
    private var directSize = 0

    /// How much is written between two requests to start writing out.
    static let writeBehindStep = 8 << 20
    /// What direct writes align their buffer, sizes and offsets to.
    static let directAlignment = 4096
    /// The size of each direct write (a multiple of `directAlignment`).
    static let directChunk = 8 << 20

    /// `direct` asks for direct writes: `descriptor` must have been opened with
    /// `directFlag`.
    init(descriptor: Int32, path: String, writeBehind: Bool, direct: Bool = false) {
        self.descriptor = descriptor
        self.path = path
        self.writeBehind = writeBehind
        if direct {
            aligned = UnsafeMutableRawPointer.allocate(byteCount: OutputFile.directChunk, alignment: OutputFile.directAlignment)
        }
    }

    deinit { aligned?.deallocate() }

    /// Whether the file is still written directly: `false` once the file system refused a
    /// direct write and the rest went the usual way.
    var isDirect: Bool { aligned != nil }

    /// Writes every byte of `bytes` (a direct file keeps the last of them in its buffer
    /// until `finish()`).
    func write(_ bytes: ArraySlice<UInt8>) throws {
        var start = bytes.startIndex
        while start < bytes.endIndex, let buffer = aligned {
            let take = min(bytes.endIndex - start, OutputFile.directChunk - alignedCount)
            bytes[start..<start + take].withUnsafeBytes { (buffer + alignedCount).copyMemory(from: $0.baseAddress!, byteCount: take) }
            alignedCount += take
            start += take
            if alignedCount == OutputFile.directChunk { try flushDirect() }
        }
        while start < bytes.endIndex {
            let end = min(bytes.endIndex, start + OutputFile.writeBehindStep)
            try bytes[start..<end].withUnsafeBytes { try AtomicFile.writeAll($0, to: descriptor, path: path) }
            wrote(end - start)
            start = end
        }
    }

    /// Accounts for `count` bytes put in the file by other means (a kernel copy); callers
    /// copy at most `writeBehindStep` bytes at a time. Never for a direct file.
    func wrote(_ count: Int) {
        precondition(aligned == nil, "a kernel copy into a file written directly")
        guard writeBehind else { return }
        pending += count
        guard pending >= OutputFile.writeBehindStep else { return }
        pending = 0
        // From the start to the end of the file: pages already on their way are skipped.
        // Only a hint; the flush that ends the write is what makes the bytes durable.
        _ = OutputFile.syncFileRange?(descriptor, 0, 0, OutputFile.startWriting)
    }

    /// Writes what a direct file still holds in its buffer; called once, after the last
    /// `write`.
    func finish() throws {
        if alignedCount > 0 { try flushDirect() }
    }

    /// Writes the buffer of a direct file and empties it: a whole chunk, or (the last
    /// write) fewer bytes, padded to a whole block and cut off the file again. When the
    /// file system refuses, or writes short of a block, the rest goes the usual way and the
    /// file is no longer direct.
    private func flushDirect() throws {
        guard let buffer = aligned else { return }
        let count = alignedCount
        alignedCount = 0
        let alignment = OutputFile.directAlignment
        let padded = (count + alignment - 1) / alignment * alignment
        (buffer + count).initializeMemory(as: UInt8.self, repeating: 0, count: padded - count)
        var done = 0
        while done < padded {
            let n = Glibc.write(descriptor, buffer + done, padded - done)
            if n < 0 && errno == EINTR { continue }
            if n < 0 && !OutputFile.directRefusals.contains(errno) { throw AtomicFile.WriteError(path: path, reason: String(cString: strerror(errno))) }
            if n > 0 { done += n }
            if n <= 0 || n % alignment != 0 { break }
        }
        if done == padded {
            directSize += count
            if padded > count, ftruncate(descriptor, off_t(directSize)) != 0 {
                throw AtomicFile.WriteError(path: path, reason: "ftruncate: " + String(cString: strerror(errno)))
            }
            return
        }
        // The rest of the file the usual way, from the end of the bytes written.
        let kept = min(done, count)
        directSize += kept
        aligned = nil
        defer { buffer.deallocate() }
        let flags = fcntl(descriptor, F_GETFL)
        guard flags >= 0, fcntl(descriptor, F_SETFL, flags & ~OutputFile.directFlag) == 0,
              ftruncate(descriptor, off_t(directSize)) == 0, lseek(descriptor, off_t(directSize), SEEK_SET) >= 0 else {
            throw AtomicFile.WriteError(path: path, reason: String(cString: strerror(errno)))
        }
        try AtomicFile.writeAll(UnsafeRawBufferPointer(start: buffer + kept, count: count - kept), to: descriptor, path: path)
    }

    /// What `open` or `write` answers when a file system takes no direct writes (or not of
    /// this size or place).
    static let directRefusals: Set<Int32> = [EINVAL, EOPNOTSUPP, ENOTSUP]

    /// `O_DIRECT`, which Swift's Glibc module leaves out (a GNU extension); 0 where its
    /// value is not known here, which opens files the usual way.
    static let directFlag: Int32 = {
        #if os(Linux) && (arch(x86_64) || arch(i386))
        return 0o40000
        #elseif os(Linux) && arch(arm64)
        return 0o200000
        #else
        return 0
        #endif
    }()

    /// `SYNC_FILE_RANGE_WRITE`: start writing out the dirty pages, without waiting.
    private static let startWriting: UInt32 = 2
    /// The C library's `sync_file_range(2)`, found at run time as Swift's Glibc module
    /// leaves it out (a GNU extension); without it nothing is started early.
    private typealias SyncFileRange = @convention(c) (Int32, off_t, off_t, UInt32) -> Int32
    private static let syncFileRange: SyncFileRange? = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "sync_file_range")
        .map { unsafeBitCast($0, to: SyncFileRange.self) }
}
