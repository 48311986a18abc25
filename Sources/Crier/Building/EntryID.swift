import Foundation

/// Stable entry ids.
///
/// An entry's id is a `tag:` URI (RFC 4151) made of the site's host, the UTC day of the
/// post's date, and the post's source path without its extension:
/// `tag:example.org,2024-03-05:_posts/2024-03-05-hello`. (A site at an IPv6 address is
/// named by the address's `ip6.arpa` name: `Site.tagAuthority(ofHost:)`.) Renaming the
/// title, editing the text or moving the site to another theme leaves it unchanged; a post
/// can pin its own id, an absolute URI, with `guid:` or `id:` in its front matter. A post with no date of
/// its own (dated by its file's modification time, which every edit changes) has its URL
/// as its id.
///
/// The day is UTC's, as it has always been, so that no id changes when Crier is updated:
/// in a zone east of UTC a date-only post's id carries the day before its file name's, and
/// changing the site's `timezone` changes the ids of posts dated without a time.
public enum EntryID {
    /// The id of `post` on `site`: the post's own `guid:`, or else `id:`, when it is an
    /// absolute URI (`Post.explicitID`), else the `tag:` URI described above.
    public static func make(for post: Post, site: Site) -> String {
        make(for: post, authority: authority(site.baseURL))
    }

    /// `make(for:site:)` with the site's `authority` worked out once for all its posts.
    static func make(for post: Post, authority: String) -> String {
        if let explicit = post.explicitID, !explicit.isEmpty { return explicit }
        if post.isUndated { return post.url }
        let path = post.sourcePath
        var stem = path[...]
        if path.utf8.isAllASCII {
            // ASCII, where bytes are characters: found without comparing characters.
            let utf8 = path.utf8
            if let dot = utf8.lastIndex(of: UInt8(ascii: ".")), !utf8[dot...].contains(UInt8(ascii: "/")) { stem = path[..<dot] }
        } else if let dot = path.lastIndex(of: "."), !path[dot...].contains("/") {
            stem = path[..<dot]
        }
        let day = FeedDates.day(post.published)
        let encoded = encode(String(stem))
        var id = "tag:"
        id.reserveCapacity(6 + authority.utf8.count + day.utf8.count + encoded.utf8.count)
        id += authority
        id += ","
        id += day
        id += ":"
        id += encoded
        return id
    }

    /// The site's DNS name (`Site.tagAuthority(ofHost:)`) from the host of its URL as
    /// written in it (a non-ASCII host in its ASCII form: `URLComponents.host` would give
    /// it back decoded), or `localhost` when it has none. A host no DNS name can be made
    /// from, which the loaders refuse, is kept as it is, for the gate to refuse.
    static func authority(_ baseURL: String) -> String {
        guard let host = URLComponents(string: baseURL)?.encodedHost else { return "localhost" }
        return Site.tagAuthority(ofHost: host) ?? host.lowercased()
    }

    /// Percent-encodes what a tag URI's specific part may not hold.
    static func encode(_ path: String) -> String {
        // Most paths need nothing encoded: tell them by their bytes first.
        if path.utf8.allSatisfy({ $0 < 0x80 && allowedASCII[Int($0)] }) { return path }
        return path.addingPercentEncoding(withAllowedCharacters: allowed) ?? path
    }

    /// The sub-delimiters and other punctuation a tag URI's specific part may hold.
    private static let punctuation = "-._~/!$'()*+,;=:@"

    /// ASCII letters and digits and `punctuation`.
    private static let allowed: CharacterSet = {
        var set = CharacterSet.alphanumerics.intersection(CharacterSet(charactersIn: Unicode.Scalar(0)...Unicode.Scalar(127)))
        set.insert(charactersIn: punctuation)
        return set
    }()

    /// `allowed`, by ASCII byte.
    private static let allowedASCII: [Bool] = (0..<128).map { byte in
        allowed.contains(Unicode.Scalar(UInt8(byte)))
    }
}
