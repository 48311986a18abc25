@testable import Crier
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

@Suite struct AtomicFileTests {
    /// `FeedParts.matches(fileAt:)`, which tells a publish whether a file is already on disk.
    @Test func aDocumentMatchesAFileOnlyWithExactlyTheSameBytes() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("crier-atomic-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("sub/feed.xml")
        // Larger than one comparison block, so the comparison crosses blocks.
        let bytes = (0..<(3 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        #expect(!FeedParts(document: bytes).matches(fileAt: url.path))
        try AtomicFile.write(bytes, to: url, sync: false)
        #expect(try Array(Data(contentsOf: url)) == bytes)
        #expect(FeedParts(document: bytes).matches(fileAt: url.path))
        // The comparison reads blocks of 1 << 20 bytes: change each block's first and last
        // byte (and those of blocks one larger).
        for index in [0, (1 << 20) - 1, 1 << 20, (1 << 20) + 1, 2 * ((1 << 20) + 1) - 1, 2 * ((1 << 20) + 1), bytes.count - 1] {
            var changed = bytes
            changed[index] &+= 1
            #expect(!FeedParts(document: changed).matches(fileAt: url.path), "a change at \(index) went unnoticed")
        }
        #expect(!FeedParts(document: Array(bytes.dropLast())).matches(fileAt: url.path))
        #expect(!FeedParts(document: bytes + [0]).matches(fileAt: url.path))
        try AtomicFile.write([], to: url, sync: false)
        #expect(FeedParts(document: []).matches(fileAt: url.path))
        #expect(!FeedParts(document: [1]).matches(fileAt: url.path))
    }

    /// A flushed write asks the kernel to start writing out every few megabytes, in steps
    /// that cut writes and kernel copies: every byte still arrives once, in order.
    @Test func aFlushedWriteOfManyStepsWritesEveryByteInOrder() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("crier-atomic-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let step = OutputFile.writeBehindStep
        let bytes = (0..<(2 * step + 12_345)).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ $0 >> 13) }
        let url = folder.appendingPathComponent("feed.xml")
        try AtomicFile.write(bytes, to: url, sync: true)
        #expect(FileIO.read(url.path) == bytes)

        // Kernel copies of more than a step, from inside the file to another.
        let copy = folder.appendingPathComponent("copy.xml")
        let input = open(url.path, O_RDONLY)
        let output = open(copy.path, O_WRONLY | O_CREAT | O_EXCL, 0o644)
        #expect(input >= 0 && output >= 0)
        let span = 5..<(bytes.count - 3)
        try EntrySource.OpenFile(descriptor: input, path: url.path).copy(span, to: OutputFile(descriptor: output, path: copy.path, writeBehind: true))
        close(input)
        close(output)
        #expect(FileIO.read(copy.path) == Array(bytes[span]))
    }
}
