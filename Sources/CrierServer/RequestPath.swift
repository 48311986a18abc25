/// Maps a request path to a file inside the served folder, refusing anything that could
/// leave it: `..` segments (plain or percent-encoded), encoded slashes or backslashes, NUL,
/// and hidden files (the publisher's temporary files and cache start with a dot); and
/// anything that names no file: an empty segment (`//feed.xml`) or a trailing slash
/// (`/feed.xml/`, which names a folder, and folders are not listed).
enum RequestPath {
    /// The `/`-separated path relative to the served folder, or `nil` when the request
    /// must be answered 404.
    static func relativePath(_ rawPath: String) -> String? {
        let pathOnly = rawPath.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
        guard pathOnly.hasPrefix("/") else { return nil }
        var segments: [String] = []
        for rawSegment in pathOnly.dropFirst().split(separator: "/", omittingEmptySubsequences: false) {
            guard let segment = percentDecoded(rawSegment) else { return nil }
            if segment.isEmpty || segment == "." || segment == ".." || segment.hasPrefix(".") { return nil }
            if segment.contains("/") || segment.contains("\\") || segment.contains("\0") { return nil }
            segments.append(segment)
        }
        return segments.joined(separator: "/")
    }

    /// Percent-decodes one segment; `nil` for malformed escapes or invalid UTF-8.
    static func percentDecoded<S: StringProtocol>(_ segment: S) -> String? {
        var bytes: [UInt8] = []
        var utf8 = Array(segment.utf8)[...]
        while let byte = utf8.popFirst() {
            if byte == UInt8(ascii: "%") {
                guard utf8.count >= 2, let high = hex(utf8.removeFirst()), let low = hex(utf8.removeFirst()) else { return nil }
                bytes.append(high << 4 | low)
            } else {
                bytes.append(byte)
            }
        }
        return String(validating: bytes, as: UTF8.self)
    }

    private static func hex(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
