import Foundation

/// Stable entry ids.
///
/// An entry's id is a `tag:` URI (RFC 4151) made of the site's host, the day the post was
/// first published, and the post's source path without its extension:
/// `tag:example.org,2024-03-05:_posts/2024-03-05-hello`. Renaming the title, editing the
/// text or moving the site to another theme leaves it unchanged; a post can pin its own id
/// with `id:` (or `guid:`) in its front matter.
public enum EntryID {
    public static func make(for post: Post, site: Site) -> String {
        if let explicit = post.explicitID, !explicit.isEmpty { return explicit }
        var path = post.sourcePath
        if let dot = path.lastIndex(of: "."), !path[dot...].contains("/") {
            path = String(path[..<dot])
        }
        return "tag:\(authority(site.baseURL)),\(FeedDates.day(post.published)):\(encode(path))"
    }

    /// The host of the site's URL, or `localhost` when it has none.
    static func authority(_ baseURL: String) -> String {
        URLComponents(string: baseURL)?.host?.lowercased() ?? "localhost"
    }

    /// Percent-encodes what a tag URI's specific part may not hold.
    static func encode(_ path: String) -> String {
        path.addingPercentEncoding(withAllowedCharacters: allowed) ?? path
    }

    /// ASCII letters and digits and the sub-delimiters a tag URI's specific part may hold.
    private static let allowed: CharacterSet = {
        var set = CharacterSet.alphanumerics.intersection(CharacterSet(charactersIn: Unicode.Scalar(0)...Unicode.Scalar(127)))
        set.insert(charactersIn: "-._~/!$'()*+,;=:@")
        return set
    }()
}
