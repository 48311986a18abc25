/// The kind of document the validator recognised.
public enum FeedFormat: String, Sendable, Codable {
    /// An Atom 1.0 feed document (RFC 4287).
    case atom = "Atom 1.0"
    /// An Atom 1.0 entry document (RFC 4287 §4.1.2).
    case atomEntry = "Atom 1.0 entry"
    /// The pre-standard Atom 0.3 format.
    case atom03 = "Atom 0.3"
    /// RSS 2.0 (and the 0.91/0.92 dialects it absorbed, when the version says 2.0).
    case rss20 = "RSS 2.0"
    /// RSS 0.90, 0.91, 0.92, 0.93 or 0.94.
    case rss09x = "RSS 0.9x"
    /// RSS 1.0 (RDF Site Summary).
    case rss10 = "RSS 1.0"
    /// JSON Feed 1.1 (or a JSON Feed whose version is missing or not one there is).
    case jsonFeed = "JSON Feed 1.1"
    /// JSON Feed 1.0 (`"version": "https://jsonfeed.org/version/1"`), checked by the 1.1
    /// rules that still allow it.
    case jsonFeed10 = "JSON Feed 1.0"
    /// Nothing the validator knows how to check.
    case unknown = "unknown"
}
