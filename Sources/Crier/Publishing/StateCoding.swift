import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The binary form of the publish state files (cached posts, the manifest): little-endian
/// integers, strings as a length and their UTF-8 bytes, optionals as a flag byte. No
/// reflection and no JSON, so that reading ten thousand cached posts costs about as much
/// as copying their bytes.
struct StateWriter {
    private(set) var bytes: [UInt8] = []

    init(magic: String, version: UInt16) {
        bytes.reserveCapacity(4096)
        bytes += Array(magic.utf8)
        int(Int(version), width: 2)
    }

    /// Makes room for `count` bytes in all, when the caller knows about how many it writes.
    mutating func reserveCapacity(_ count: Int) {
        bytes.reserveCapacity(count)
    }

    mutating func int(_ value: Int, width: Int = 8) {
        var v = UInt64(bitPattern: Int64(value))
        for _ in 0..<width {
            bytes.append(UInt8(truncatingIfNeeded: v))
            v >>= 8
        }
    }

    mutating func double(_ value: Double) { int(Int(Int64(bitPattern: value.bitPattern))) }

    mutating func bool(_ value: Bool) { bytes.append(value ? 1 : 0) }

    mutating func string(_ value: String) {
        var value = value
        value.withUTF8 { utf8 in
            int(utf8.count, width: 4)
            bytes.append(contentsOf: utf8)
        }
    }

    /// Bytes as they are, with their count (as `string` writes text, for text held as UTF-8).
    mutating func raw(_ value: UnsafeBufferPointer<UInt8>) {
        int(value.count, width: 4)
        bytes.append(contentsOf: value)
    }

    /// Exactly `value`, with no count: for a field of fixed size.
    mutating func fixed(_ value: some Collection<UInt8>) {
        bytes += value
    }

    /// What `body` writes, after its length in 4 bytes: a record a reader can step over.
    mutating func counted(_ body: (inout StateWriter) -> Void) {
        let start = bytes.count
        int(0, width: 4)
        body(&self)
        var length = UInt32(bytes.count - start - 4)
        for i in 0..<4 {
            bytes[start + i] = UInt8(truncatingIfNeeded: length)
            length >>= 8
        }
    }

    mutating func optional<T>(_ value: T?, _ write: (inout StateWriter, T) -> Void) {
        bool(value != nil)
        if let value { write(&self, value) }
    }

    mutating func strings(_ values: [String]) {
        int(values.count, width: 4)
        for value in values { string(value) }
    }
}

/// Reads what `StateWriter` wrote; every read fails (returns `nil`) past the end, so a
/// truncated or foreign file is simply not understood.
struct StateReader {
    private let bytes: [UInt8]
    private var offset = 0
    /// Where reading stops: the end of `bytes`, or of the record read.
    private let end: Int

    /// Starts after the magic and version, or fails when they are not `magic`/`version`.
    init?(_ bytes: [UInt8], magic: String, version: UInt16) {
        self.bytes = bytes
        end = bytes.count
        let magic = Array(magic.utf8)
        guard bytes.count >= magic.count + 2, bytes[..<magic.count].elementsEqual(magic) else { return nil }
        offset = magic.count
        guard int(width: 2) == Int(version) else { return nil }
    }

    /// Reads the bytes at `range` of `bytes` only (a record that `StateWriter.counted` wrote).
    init(_ bytes: [UInt8], in range: Range<Int>) {
        self.bytes = bytes
        offset = range.lowerBound
        end = range.upperBound
    }

    var atEnd: Bool { offset == end }
    /// Where the next read starts, counted from the start of the bytes.
    var position: Int { offset }

    mutating func int(width: Int = 8) -> Int? {
        guard width <= end - offset else { return nil }
        var v: UInt64 = 0
        for i in (0..<width).reversed() { v = v << 8 | UInt64(bytes[offset + i]) }
        offset += width
        if width < 8 { return Int(v) }
        return Int(Int64(bitPattern: v))
    }

    mutating func double() -> Double? {
        int().map { Double(bitPattern: UInt64(bitPattern: Int64($0))) }
    }

    mutating func bool() -> Bool? {
        guard offset < end, bytes[offset] <= 1 else { return nil }
        offset += 1
        return bytes[offset - 1] == 1
    }

    mutating func string() -> String? {
        guard let count = int(width: 4), count <= end - offset else { return nil }
        let value = String(decoding: bytes[offset..<offset + count], as: UTF8.self)
        offset += count
        return value
    }

    /// The next `count` bytes (a field of fixed size), as a slice of the bytes read.
    mutating func fixed(_ count: Int) -> ArraySlice<UInt8>? {
        guard count >= 0, count <= end - offset else { return nil }
        defer { offset += count }
        return bytes[offset..<offset + count]
    }

    /// `.some(nil)` for an absent value, `nil` when the bytes are not understood.
    mutating func optional<T>(_ read: (inout StateReader) -> T?) -> T?? {
        guard let present = bool() else { return nil }
        if !present { return .some(nil) }
        guard let value = read(&self) else { return nil }
        return .some(value)
    }

    mutating func strings() -> [String]? {
        guard let count = int(width: 4), count <= end - offset else { return nil }
        var values: [String] = []
        values.reserveCapacity(count)
        for _ in 0..<count {
            guard let value = string() else { return nil }
            values.append(value)
        }
        return values
    }
}

/// A file's identity in the state files.
extension FileIO.Identity {
    func write(to writer: inout StateWriter) {
        writer.int(Int(Int64(bitPattern: device)))
        writer.int(Int(Int64(bitPattern: inode)))
        writer.int(Int(size))
        writer.int(Int(mode), width: 4)
        writer.int(Int(modified))
        writer.int(Int(changed))
    }

    static func read(from reader: inout StateReader) -> FileIO.Identity? {
        guard let device = reader.int(), let inode = reader.int(), let size = reader.int(), let mode = reader.int(width: 4),
              let modified = reader.int(), let changed = reader.int() else { return nil }
        return FileIO.Identity(device: UInt64(bitPattern: Int64(device)), inode: UInt64(bitPattern: Int64(inode)), size: Int64(size),
                        mode: UInt32(mode), modified: Int64(modified), changed: Int64(changed))
    }
}
