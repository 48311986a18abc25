@testable import Crier
import Foundation
import Testing

@Suite struct AtomicFileTests {
    @Test func holdsIsTrueOnlyForExactlyTheSameBytes() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("crier-atomic-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("sub/feed.xml")
        // Larger than one comparison block, so the comparison crosses blocks.
        let bytes = (0..<(3 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        #expect(!AtomicFile.holds(bytes, at: url))
        try AtomicFile.write(bytes, to: url, sync: false)
        #expect(try Array(Data(contentsOf: url)) == bytes)
        #expect(AtomicFile.holds(bytes, at: url))
        // The comparison reads blocks of (1 << 20) + 1 bytes: change each block's first
        // and last byte.
        for index in [0, 1 << 20, (1 << 20) + 1, 2 * ((1 << 20) + 1) - 1, 2 * ((1 << 20) + 1), bytes.count - 1] {
            var changed = bytes
            changed[index] &+= 1
            #expect(!AtomicFile.holds(changed, at: url), "a change at \(index) went unnoticed")
        }
        #expect(!AtomicFile.holds(Array(bytes.dropLast()), at: url))
        #expect(!AtomicFile.holds(bytes + [0], at: url))
        try AtomicFile.write([], to: url, sync: false)
        #expect(AtomicFile.holds([], at: url))
        #expect(!AtomicFile.holds([1], at: url))
    }
}
