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

    /// A staged file is written in full but stays out of its place: readers see the old
    /// file until `commit()`, and `discard()` leaves the folder as it was.
    @Test func aStagedFileReplacesItsTargetOnlyWhenCommitted() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("crier-atomic-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("feed.xml")
        try AtomicFile.write(Array("old".utf8), to: url, sync: false)
        // Direct, as a build stages its feeds: over the threshold, so it really is.
        let bytes = (0..<(AtomicFile.directThreshold + 4_321)).map { UInt8(truncatingIfNeeded: $0 &* 13 &+ $0 >> 11) }
        let names = { try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() }

        let discarded = try AtomicFile.stage(bytes, to: url, sync: false, direct: true)
        #expect(FileIO.read(url.path) == Array("old".utf8))
        #expect(try names().count == 2)
        discarded.discard()
        #expect(try names() == ["feed.xml"])
        #expect(FileIO.read(url.path) == Array("old".utf8))

        let committed = try AtomicFile.stage(bytes, to: url, sync: true)
        #expect(FileIO.read(url.path) == Array("old".utf8))
        try committed.commit()
        #expect(FileIO.read(url.path) == bytes)
        #expect(try names() == ["feed.xml"])
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

    /// A direct write goes out a whole aligned chunk at a time and pads its last block, cut
    /// off again after: whatever the file's size and however its bytes are handed over,
    /// the file holds exactly them.
    @Test func aDirectWriteHoldsExactlyItsBytesWhateverTheirSizeAndPieces() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("crier-atomic-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let chunk = OutputFile.directChunk, block = OutputFile.directAlignment
        let sizes = [0, 1, block - 1, block, block + 1, chunk - 1, chunk, chunk + 1, 2 * chunk + block + 3]
        let pieceSizes = [1, 3000, block, 70_000, chunk - 5, 9, chunk + block + 1]
        for (round, size) in sizes.enumerated() {
            let bytes = (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 13 &+ $0 >> 11 &+ round) }
            let url = folder.appendingPathComponent("feed-\(size).xml")
            try AtomicFile.write(to: url, sync: false, direct: true) { file in
                var start = 0, piece = round
                while start < size {
                    let end = min(size, start + pieceSizes[piece % pieceSizes.count])
                    try file.write(bytes[start..<end])
                    start = end
                    piece += 1
                }
            }
            let read = FileIO.read(url.path)
            let same = read == bytes  // apart, so that a failure does not print megabytes
            #expect(same, "a file of \(size) bytes read back as \(read?.count ?? -1) bytes, not the same")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() == sizes.map { "feed-\($0).xml" }.sorted())
    }

    /// Where the file system refuses a direct write, the file goes on the usual way from the
    /// last byte written directly, and holds exactly its bytes: refused at the first chunk,
    /// or after a whole chunk went out directly. The refusal is real: ext4 and XFS refuse a
    /// direct write at an offset that is not block aligned (`EINVAL`), and the test moves
    /// the descriptor to one; where the file system takes such a write (tmpfs), the test
    /// says so and checks only that a direct write holds its bytes.
    @Test func aRefusedDirectWriteGoesOnTheUsualWayWithoutLosingAByte() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("crier-atomic-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let chunk = OutputFile.directChunk, block = OutputFile.directAlignment
        func openDirect(_ name: String) throws -> Int32 {
            let fd = open(folder.appendingPathComponent(name).path, O_WRONLY | O_CREAT | O_EXCL | OutputFile.directFlag, 0o644)
            try #require(fd >= 0, "cannot open \(name) for direct writes: errno \(errno)")
            return fd
        }
        // Does this file system refuse a misaligned direct write?
        let probe = try openDirect("probe")
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: block, alignment: block)
        buffer.initializeMemory(as: UInt8.self, repeating: 0x61, count: block)
        lseek(probe, 1, SEEK_SET)
        let refuses = write(probe, buffer, block) < 0 && OutputFile.directRefusals.contains(errno)
        buffer.deallocate()
        close(probe)
        if !refuses { print("refused direct write test: \(folder.path) takes misaligned direct writes; only the bytes are checked") }

        // `afterChunks` whole chunks go out directly before the descriptor is misaligned.
        for afterChunks in [0, 1] {
            let size = 2 * chunk + block + 77
            let bytes = (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ $0 >> 13 &+ afterChunks) }
            let name = "refused-after-\(afterChunks).xml"
            let fd = try openDirect(name)
            let file = OutputFile(descriptor: fd, path: name, writeBehind: false, direct: true)
            var start = 0
            if afterChunks > 0 {
                try file.write(bytes[0..<afterChunks * chunk])
                start = afterChunks * chunk
                #expect(file.isDirect, "a whole chunk went out directly")
            }
            // Misaligned only where that is refused: elsewhere the write would land a byte on.
            if refuses { lseek(fd, 1, SEEK_CUR) }
            try file.write(bytes[start...])
            try file.finish()
            close(fd)
            #expect(file.isDirect == !refuses, "refused: \(refuses), still direct: \(file.isDirect)")
            let read = FileIO.read(folder.appendingPathComponent(name).path)
            let same = read == bytes  // apart, so that a failure does not print megabytes
            #expect(same, "refused after \(afterChunks) chunks: \(read?.count ?? -1) bytes read back of \(size), not the same")
        }
    }

    /// A build's feed (a large file written without a flush, direct asked for) goes to the
    /// disk without filling the page cache; a flushed one, as a publish writes, and one
    /// written without asking, go through it. Only on ext4 and XFS (on tmpfs every file is
    /// in memory; Btrfs may send direct writes of checksummed files through the cache).
    @Test func aLargeUnflushedFileIsWrittenPastThePageCache() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("crier-atomic-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        // The file system of the longest mount point above the folder.
        let mounts = (try? String(contentsOfFile: "/proc/mounts", encoding: .utf8)) ?? ""
        var type: String?, longest = -1
        for line in mounts.split(separator: "\n") {
            let fields = line.split(separator: " ").map(String.init)
            guard fields.count > 2 else { continue }
            let point = fields[1] == "/" ? "/" : fields[1] + "/"
            if (folder.path + "/").hasPrefix(point) && point.count > longest {
                longest = point.count
                type = fields[2]
            }
        }
        guard let type, ["ext4", "xfs"].contains(type) else {
            print("page cache test skipped: \(folder.path) is on \(type ?? "an unknown file system"), not ext4 or XFS")
            return
        }
        let bytes = [UInt8](repeating: 0x61, count: AtomicFile.directThreshold + 12_345)
        let direct = folder.appendingPathComponent("built.xml"), flushed = folder.appendingPathComponent("published.xml")
        try AtomicFile.write(bytes, to: direct, sync: false, direct: true)
        try AtomicFile.write(bytes, to: flushed, sync: true, direct: true)
        let same = FileIO.read(direct.path) == bytes
        #expect(same)
        func residentPages(_ url: URL) -> Int {
            let fd = open(url.path, O_RDONLY)
            defer { close(fd) }
            guard fd >= 0, let map = mmap(nil, bytes.count, PROT_READ, MAP_SHARED, fd, 0), map != MAP_FAILED else { return -1 }
            defer { munmap(map, bytes.count) }
            let pages = (bytes.count + Int(getpagesize()) - 1) / Int(getpagesize())
            var vector = [UInt8](repeating: 0, count: pages)
            guard mincore(map, bytes.count, &vector) == 0 else { return -1 }
            return vector.reduce(0) { $0 + Int($1 & 1) }
        }
        let fresh = folder.appendingPathComponent("fresh.xml"), cached = folder.appendingPathComponent("cached.xml")
        try AtomicFile.write(bytes, to: fresh, sync: false, direct: true)
        try AtomicFile.write(bytes, to: cached, sync: false)  // not asked for: the post cache's index, say
        let pages = (bytes.count + Int(getpagesize()) - 1) / Int(getpagesize())
        #expect(residentPages(fresh) == 0, "\(residentPages(fresh)) of \(pages) pages in the page cache")
        #expect(residentPages(flushed) > pages / 2, "\(residentPages(flushed)) of \(pages) pages in the page cache")
        #expect(residentPages(cached) > pages / 2, "\(residentPages(cached)) of \(pages) pages in the page cache")
    }
}
