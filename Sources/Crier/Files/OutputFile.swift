import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A file `AtomicFile` is writing: its descriptor, its path for errors, and with
/// `writeBehind` (a write that ends in a flush) a running start of the disk writes. Every
/// few megabytes written, the kernel is asked to start writing them out
/// (`sync_file_range`), so the disk works while the rest is written and the final flush
/// has little left to wait for.
final class OutputFile {
    let descriptor: Int32
    let path: String
    private let writeBehind: Bool
    /// Bytes written since the kernel was last asked to start writing them out.
    private var pending = 0

    /// How much is written between two requests to start writing out.
    static let writeBehindStep = 8 << 20

    init(descriptor: Int32, path: String, writeBehind: Bool) {
        self.descriptor = descriptor
        self.path = path
        self.writeBehind = writeBehind
    }

    /// Writes every byte of `bytes`.
    func write(_ bytes: ArraySlice<UInt8>) throws {
        var start = bytes.startIndex
        while start < bytes.endIndex {
            let end = min(bytes.endIndex, start + OutputFile.writeBehindStep)
            try AtomicFile.writeAll(bytes[start..<end], to: descriptor, path: path)
            wrote(end - start)
            start = end
        }
    }

    /// Accounts for `count` bytes put in the file by other means (a kernel copy); callers
    /// copy at most `writeBehindStep` bytes at a time.
    func wrote(_ count: Int) {
        guard writeBehind else { return }
        pending += count
        guard pending >= OutputFile.writeBehindStep else { return }
        pending = 0
        // From the start to the end of the file: pages already on their way are skipped.
        // Only a hint; the flush that ends the write is what makes the bytes durable.
        _ = OutputFile.syncFileRange?(descriptor, 0, 0, OutputFile.startWriting)
    }

    /// `SYNC_FILE_RANGE_WRITE`: start writing out the dirty pages, without waiting.
    private static let startWriting: UInt32 = 2
    /// The C library's `sync_file_range(2)`, found at run time as Swift's Glibc module
    /// leaves it out (a GNU extension); without it nothing is started early.
    private typealias SyncFileRange = @convention(c) (Int32, off_t, off_t, UInt32) -> Int32
    private static let syncFileRange: SyncFileRange? = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "sync_file_range")
        .map { unsafeBitCast($0, to: SyncFileRange.self) }
}
