import Crypto
import Foundation

/// SHA-256 (swift-crypto) for the publish state: the post cache's scope and the publish
/// manifest's fingerprint.
struct PublishDigest {
    private var hasher = SHA256()

    mutating func update<Bytes: Sequence>(_ bytes: Bytes) where Bytes.Element == UInt8 {
        if let done = bytes.withContiguousStorageIfAvailable({ hasher.update(bufferPointer: UnsafeRawBufferPointer($0)) }) {
            return done
        }
        hasher.update(data: Array(bytes))
    }

    mutating func update(_ data: Data) { hasher.update(data: data) }

    mutating func update(_ text: String) {
        var text = text
        text.withUTF8 { hasher.update(bufferPointer: UnsafeRawBufferPointer($0)) }
    }

    /// The digest as lower-case hex; the value is used up.
    mutating func finishHex() -> String {
        PublishDigest.hex(of: hasher.finalize())
    }

    /// The digest's 32 bytes; the value is used up.
    mutating func finishBytes() -> [UInt8] {
        Array(hasher.finalize())
    }

    /// SHA-256 of `bytes` (32 bytes).
    static func sha256(_ bytes: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        var digest = PublishDigest()
        digest.update(bytes)
        return digest.finishBytes()
    }

    static func hex(_ text: String) -> String {
        var digest = PublishDigest()
        digest.update(text)
        return digest.finishHex()
    }

    /// SHA-256 of `bytes`, lower-case hex.
    static func hex<Bytes: ContiguousBytes>(bytes: Bytes) -> String {
        bytes.withUnsafeBytes { hex(of: SHA256.hash(data: $0)) }
    }

    private static let digits = Array("0123456789abcdef".utf8)

    private static func hex(of digest: SHA256.Digest) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(64)
        for byte in digest {
            bytes.append(digits[Int(byte >> 4)])
            bytes.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
