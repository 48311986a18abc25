import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Site-wide settings, from `_config.yml`, `hugo.toml`/`config.toml`, a feed definition
/// in `feeds/`, or command-line options.
public struct Site: Sendable, Equatable {
    /// Plain text, the main feed's title and the start of each category and tag feed's. A
    /// Jekyll or Hugo site whose configuration gives none is titled after its host (or
    /// folder) by the loader, with a warning; a feed with an empty title fails the gate.
    public var title: String
    /// Plain text, the feeds' subtitle; `nil` when the configuration gives none.
    public var description: String?
    /// The site's absolute base URL including any `baseurl` path, ending in `/`. One
    /// written in other than ASCII is kept in ASCII, as a `tag:` id and an RSS link need
    /// it: its host in IDNA form (`bücher.example` is `xn--bcher-kva.example`), other
    /// characters percent-encoded.
    public var baseURL: String {
        didSet { baseURL = Site.asciiHost(baseURL) }
    }
    /// The feeds' authors, in order (Atom and JSON Feed name each; RSS's
    /// `managingEditor` is the first, when it has an email); when empty, a feed with an
    /// entry that names nobody gets the site's title as its author.
    public var authors: [Person]
    /// The first of `authors`; setting it makes it the only one (`nil`: none).
    public var author: Person? {
        get { authors.first }
        set { authors = newValue.map { [$0] } ?? [] }
    }
    /// BCP 47 language tag (`lang`, `languageCode`).
    public var language: String?
    /// Zone for dates written without one.
    public var timeZone: TimeZone
    /// Feed options: where the files go, the entry limit, category and tag feeds.
    public var feed: FeedSettings
    /// Permalink pattern for posts that do not set their own (Jekyll placeholders such as
    /// `/:year/:month/:day/:title/`, or a Jekyll style name: `date`, `pretty`, `ordinal`,
    /// `none`). `nil`: the loader's default for the kind of source (for a bare folder,
    /// `/:path/`, the file's path without its extension).
    public var permalink: String?

    /// Settings with no permalink pattern (the loader's default), UTC and the default feed
    /// options unless given.
    public init(title: String, description: String? = nil, baseURL: String, author: Person? = nil,
                language: String? = nil, timeZone: TimeZone = TimeZone(identifier: "UTC")!,
                feed: FeedSettings = FeedSettings()) {
        self.title = title
        self.description = description
        self.baseURL = Site.asciiHost(baseURL)
        self.authors = author.map { [$0] } ?? []
        self.language = language
        self.timeZone = timeZone
        self.feed = feed
    }
}

/// Feed options (jekyll-feed's `feed:` keys, or a feed definition's keys).
public struct FeedSettings: Sendable, Equatable {
    /// Output path of the main Atom feed relative to the output folder (`feed.xml`);
    /// RSS and JSON Feed are written beside it with `.rss` and `.json`.
    public var path: String = "feed.xml"
    /// Most entries per feed; `nil` for all.
    public var postsLimit: Int?
    /// Entries carry the summary only, no full content.
    public var excerptOnly: Bool = false
    /// Posts dated after the build go in the feeds too, as with `--future` (Jekyll's
    /// `future: true`, with which Jekyll publishes them).
    public var includeFuture: Bool = false
    /// Categories that get a feed of their own (`feed: categories:`).
    public var categories: [String] = []
    /// Tags that get a feed of their own; `allTags` for every tag (`feed: tags: true`).
    public var tags: [String] = []
    /// Every tag of the due posts gets a feed of its own, except `excludedTags`; `tags` is
    /// then ignored.
    public var allTags: Bool = false
    /// Tags left out when `allTags` is on (`feed: tags: except:`).
    public var excludedTags: [String] = []
    /// `href` of an `xml-stylesheet` processing instruction, if any.
    public var stylesheet: String?
    /// WebSub hubs announced in the feeds.
    public var hubs: [String] = []
    /// Raw HTML in Markdown passes through (authors are trusted); `false` drops it.
    public var allowRawHTML: Bool = true

    /// The defaults: `feed.xml`, every entry, full content, no category or tag feeds, raw
    /// HTML allowed.
    public init() {}
}

extension Site {
    /// Why `url` cannot be a site's address, or `nil` when it can: it must be an absolute
    /// http(s) URL with a host, and, as every link is made by adding to it, hold no query,
    /// fragment or white space.
    public static func addressProblem(_ url: String) -> String? {
        let example = "an absolute http(s) URL such as https://example.org/blog/ (readers need absolute links)"
        // Foundation's parser would take the space and encode it.
        if url.contains(where: \.isWhitespace) { return "has white space (write a space as %20)" }
        // Characters RFC 3986 lets no URI hold as written; Foundation's parser would take
        // some of them, and the feeds' ids and links would then be refused by the gate.
        if let bad = url.unicodeScalars.first(where: { $0.value < 0x20 || $0.value == 0x7F || "\"<>\\^`{|}".unicodeScalars.contains($0) }) {
            let hex = (bad.value < 0x10 ? "0" : "") + String(bad.value, radix: 16, uppercase: true)
            let shown = bad.value < 0x20 || bad.value == 0x7F ? "U+00\(hex)" : "`\(bad)`"
            return "has \(shown), which no URL holds as written: write it percent-encoded (%\(hex))"
        }
        // `[` and `]` only around an IPv6 host; `%` only before two hex digits.
        let afterHost = url.range(of: "://").map { url[$0.upperBound...].drop { $0 != "/" } } ?? url[...]
        if let bracket = afterHost.first(where: { $0 == "[" || $0 == "]" }) {
            return "has `\(bracket)` after its host, which no URL holds as written: write it percent-encoded (%\(bracket == "[" ? "5B" : "5D"))"
        }
        let bytes = Array(url.utf8)
        let isHex = { (b: UInt8) in (0x30...0x39).contains(b) || (0x41...0x46).contains(b) || (0x61...0x66).contains(b) }
        if let percent = bytes.indices.first(where: { bytes[$0] == 0x25 && !($0 + 2 < bytes.count && isHex(bytes[$0 + 1]) && isHex(bytes[$0 + 2])) }) {
            let written = String(decoding: bytes[percent..<min(bytes.count, percent + 3)], as: UTF8.self)
            return "has `\(written)`, and `%` must start two hex digits (write a `%` itself as %25)"
        }
        guard isHTTPURL(url), let components = URLComponents(string: url) else { return "is not \(example)" }
        if components.query != nil { return "has a query (`?\(components.percentEncodedQuery ?? "")`): links are made by adding to it, so it cannot hold one" }
        if components.fragment != nil { return "has a fragment (`#\(components.percentEncodedFragment ?? "")`): links are made by adding to it, so it cannot hold one" }
        if components.user != nil || components.password != nil {
            return "has a user name or password (`…@`) before its host: every link and id would publish it (RFC 3986 §3.2.1 deprecates it); write the address without it"
        }
        if let host = URLComponents(string: asciiHost(url))?.encodedHost, tagAuthority(ofHost: host) == nil {
            if host.hasPrefix("[") {
                return "has the host `\(host)`, which is no IPv6 address a link can hold (a zone such as `%25eth0` means something on this machine only): write the address without a zone, or a host name"
            }
            return "has the host `\(host)`, which is no DNS name (labels of letters, digits and `-`, joined by `.`, none empty or starting or ending with `-`): entries' ids (`tag:` URIs, RFC 4151) name the site by its DNS name, so write one, such as localhost or example.org"
        }
        return nil
    }

    /// The DNS name entries' `tag:` ids name the site by (RFC 4151's authorityName), made
    /// from the host of its URL as `URLComponents.encodedHost` gives it; `nil` when none
    /// can be made (a host with `_` or `%`, an IPv6 address with a zone).
    ///
    /// A DNS name, or an IPv4 address (whose dotted form has a DNS name's shape, and has
    /// always been used as it is), is taken in lower case. An IPv6 address, which a tag
    /// cannot hold as written (`[::1]`), is named by its own DNS name under `ip6.arpa`
    /// (RFC 3596): `[::1]` is `1.0.0.0.…0.ip6.arpa`, 32 hex digits from the last; as
    /// unique and as stable as the address.
    static func tagAuthority(ofHost host: String) -> String? {
        let host = host.lowercased()
        if host.hasPrefix("["), host.hasSuffix("]") {
            var address = in6_addr()
            guard inet_pton(AF_INET6, String(host.dropFirst().dropLast()), &address) == 1 else { return nil }
            let digits = Array("0123456789abcdef")
            var name = ""
            for byte in withUnsafeBytes(of: address, Array.init).reversed() {
                name.append(digits[Int(byte & 0x0F)])
                name.append(".")
                name.append(digits[Int(byte >> 4)])
                name.append(".")
            }
            return name + "ip6.arpa"
        }
        let isNameByte = { (b: UInt8) in
            (b >= UInt8(ascii: "a") && b <= UInt8(ascii: "z")) || (b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9"))
                || b == UInt8(ascii: ".") || b == UInt8(ascii: "-")
        }
        guard !host.isEmpty, host.utf8.count <= 254, host.utf8.allSatisfy(isNameByte) else { return nil }
        // Labels of 1 to 63 bytes, neither starting nor ending with `-` (RFC 1123). One
        // final dot (a fully qualified name) is kept as written, so that the ids of a site
        // configured so stay what they were.
        var labels = host.split(separator: ".", omittingEmptySubsequences: false)
        if labels.count > 1, labels.last?.isEmpty == true { labels.removeLast() }
        guard labels.allSatisfy({ !$0.isEmpty && $0.utf8.count <= 63 && $0.first != "-" && $0.last != "-" }) else { return nil }
        return host
    }

    /// What is wrong with the first of `hubs` that is no absolute http(s) URL, or `nil`.
    static func hubProblem(_ hubs: [String]) -> String? {
        hubs.first { !isHTTPURL($0) }.map { "`\($0)` is not the absolute http(s) URL of a WebSub hub, such as https://pubsubhubbub.appspot.com/" }
    }

    /// Whether `url` is an absolute http(s) URL with a host (a WebSub hub's, say).
    static func isHTTPURL(_ url: String) -> Bool {
        let components = URLComponents(string: url)
        guard let scheme = components?.scheme?.lowercased(), scheme == "http" || scheme == "https" else { return false }
        return components?.host?.isEmpty == false
    }

    /// `url` in ASCII, as a URI (which an RSS link must be) rather than an IRI: a host with
    /// other characters is converted as IDNA says (`bücher.example` becomes
    /// `xn--bcher-kva.example`), and other non-ASCII characters are percent-encoded
    /// (`/blög/` becomes `/bl%C3%B6g/`). ASCII is left as it is.
    static func asciiHost(_ url: String) -> String {
        guard !url.utf8.isAllASCII else { return url }
        var url = url
        if let components = URLComponents(string: url), let host = components.host, !host.utf8.isAllASCII,
           let ascii = components.encodedHost, ascii.utf8.isAllASCII, let scheme = url.range(of: "://") {
            let rest = url[scheme.upperBound...]
            let authorityEnd = rest.firstIndex(where: { "/?#".contains($0) }) ?? rest.endIndex
            if let found = rest[..<authorityEnd].range(of: host, options: .caseInsensitive) {
                url = url.replacingCharacters(in: found, with: ascii)
            }
        }
        var encoded = ""
        for byte in url.utf8 {
            if byte < 0x80 {
                encoded.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                encoded += "%" + String(byte, radix: 16, uppercase: true)
            }
        }
        return encoded
    }
}
