/// Searching post text for short ASCII markers (`{{`, `}}`, `]:`, `<!--more-->`, an excerpt
/// separator) without Foundation.
///
/// Foundation's `range(of:)` on a `String` or `Substring` bridges the whole text to an
/// `NSString` (UTF-16) on every call; on a loader's hot path that was a fifth of a build's
/// CPU. These scan the UTF-8 bytes in place. A match counts only when it starts and ends on
/// `Character` boundaries, as with Foundation's non-literal search, so a marker followed
/// by a combining mark is not taken for the marker.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

enum TextSearch {
    /// The first occurrence of `needle` in `text`; `nil` when there is none or `needle` is empty.
    static func firstRange(of needle: String, in text: Substring) -> Range<String.Index>? {
        var utf8 = needle
        return utf8.withUTF8 { pattern -> Range<String.Index>? in
            guard let first = pattern.first else { return nil }
            let found = text.utf8.withContiguousStorageIfAvailable { bytes -> Range<String.Index>? in
                let count = bytes.count
                let length = pattern.count
                guard length <= count, let start = bytes.baseAddress else { return nil }
                var i = 0
                let last = count - length
                while i <= last {
                    // The C library's vectorised scan finds candidates for the first byte.
                    guard let hit = memchr(start + i, Int32(first), last - i + 1) else { return nil }
                    i = UnsafeRawPointer(start).distance(to: UnsafeRawPointer(hit))
                    var k = 1
                    while k < length, bytes[i + k] == pattern[k] { k += 1 }
                    if k == length {
                        let lower = text.utf8.index(text.startIndex, offsetBy: i)
                        let upper = text.utf8.index(lower, offsetBy: length)
                        if isCharacterBoundary(lower, in: text), isCharacterBoundary(upper, in: text) {
                            return lower..<upper
                        }
                    }
                    i += 1
                }
                return nil
            }
            if let found { return found }
            // Not contiguous UTF-8 (a bridged string): search Character by Character.
            return text.firstRange(of: needle)
        }
    }

    /// The first occurrence of `needle` or of `other` in `text`, as the earlier of
    /// `firstRange(of: needle, in: text)` and `firstRange(of: other, in: text)`, read only
    /// as far as that one (both needles start with the same byte, and neither is a prefix
    /// of the other).
    static func firstRange(of needle: String, or other: String, in text: Substring) -> Range<String.Index>? {
        guard let first = needle.utf8.first, first < 0x80 else { return nil }
        precondition(other.utf8.first == first && !needle.hasPrefix(other) && !other.hasPrefix(needle))
        let firstByte = String(decoding: [first], as: UTF8.self)
        var rest = text
        while let candidate = firstByteRange(of: firstByte, in: rest) {
            let start = candidate.lowerBound
            for pattern in [needle, other] {
                let candidateText = text[start...]
                guard candidateText.utf8.starts(with: pattern.utf8) else { continue }
                let upper = text.utf8.index(start, offsetBy: pattern.utf8.count)
                if isCharacterBoundary(start, in: text), isCharacterBoundary(upper, in: text) { return start..<upper }
            }
            rest = text[candidate.upperBound...]
        }
        return nil
    }

    /// The first occurrence of `needle`'s bytes in `text`, wherever it starts and ends
    /// (inside a `Character` too, as a regular expression matches); `nil` when there is
    /// none or `needle` is empty.
    static func firstByteRange(of needle: String, in text: Substring) -> Range<String.Index>? {
        let pattern = Array(needle.utf8)
        guard let first = pattern.first else { return nil }
        let found = text.utf8.withContiguousStorageIfAvailable { bytes -> Int? in
            guard pattern.count <= bytes.count, let start = bytes.baseAddress else { return nil }
            var i = 0
            let last = bytes.count - pattern.count
            while i <= last {
                guard let hit = memchr(start + i, Int32(first), last - i + 1) else { return nil }
                i = UnsafeRawPointer(start).distance(to: UnsafeRawPointer(hit))
                if pattern.indices.allSatisfy({ bytes[i + $0] == pattern[$0] }) { return i }
                i += 1
            }
            return nil
        }
        let offset: Int?
        if let found {
            offset = found
        } else {
            // Not contiguous UTF-8 (a bridged string): byte by byte.
            let bytes = Array(text.utf8)
            offset = bytes.count < pattern.count ? nil
                : (0...(bytes.count - pattern.count)).first { bytes[$0..<($0 + pattern.count)].elementsEqual(pattern) }
        }
        guard let offset else { return nil }
        let lower = text.utf8.index(text.startIndex, offsetBy: offset)
        return lower..<text.utf8.index(lower, offsetBy: pattern.count)
    }

    /// Where `text.firstIndex(of: "\n")` is, found on the bytes instead of `Character` by
    /// `Character`: a line feed after a carriage return is inside a `"\r\n"` `Character`
    /// and is skipped there as here.
    ///
    /// A line feed always ends a `Character` and starts the next one but after a carriage
    /// return (Unicode's grapheme rules GB3–GB5), so only the byte before it needs looking at.
    static func firstLineFeed(in text: Substring) -> String.Index? {
        let found = text.utf8.withContiguousStorageIfAvailable { bytes -> Int? in
            guard let start = bytes.baseAddress else { return nil }
            var i = 0
            while i < bytes.count, let hit = memchr(start + i, 0x0A, bytes.count - i) {
                let offset = UnsafeRawPointer(start).distance(to: UnsafeRawPointer(hit))
                // At the text's start a line feed counts, as `firstRange(of:in:)` has it.
                if offset == 0 || bytes[offset - 1] != 0x0D { return offset }
                i = offset + 1
            }
            return nil
        }
        guard let found else { return firstRange(of: "\n", in: text)?.lowerBound }
        return found.map { text.utf8.index(text.startIndex, offsetBy: $0) }
    }

    /// Whether `bytes` holds `byte`.
    static func contains(byte: UInt8, in bytes: ArraySlice<UInt8>) -> Bool {
        offset(ofByte: byte, in: bytes) != nil
    }

    /// How far into `bytes` (from its start index) the first `byte` is, found with `memchr`.
    static func offset(ofByte byte: UInt8, in bytes: ArraySlice<UInt8>) -> Int? {
        bytes.withUnsafeBufferPointer { buffer in
            guard let start = buffer.baseAddress, let found = memchr(start, Int32(byte), buffer.count) else { return nil }
            return UnsafeRawPointer(found) - UnsafeRawPointer(start)
        }
    }

    static func firstRange(of needle: String, in text: String) -> Range<String.Index>? {
        firstRange(of: needle, in: Substring(text))
    }

    static func contains(_ needle: String, in text: String) -> Bool {
        firstRange(of: needle, in: Substring(text)) != nil
    }

    static func contains(_ needle: String, in text: Substring) -> Bool {
        firstRange(of: needle, in: text) != nil
    }

    /// Whether `index` (a UTF-8 position in `text`) falls between two `Character`s.
    private static func isCharacterBoundary(_ index: String.Index, in text: Substring) -> Bool {
        if index == text.startIndex || index == text.endIndex { return true }
        return String.Index(index, within: text) != nil
    }
}

extension Sequence<UInt8> {
    /// Whether every byte is ASCII (below 0x80): UTF-8 text in which each byte is a whole
    /// character, so the ASCII fast paths may work on the bytes.
    var isAllASCII: Bool { allSatisfy { $0 < 0x80 } }
}
