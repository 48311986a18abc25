import Foundation

/// Loads posts from a Jekyll site, a Hugo site or a bare folder.
public enum PostLoader {
    /// Loads every post of `source`.
    public static func load(_ source: PostSource, options: LoadOptions) -> LoadResult {
        switch source {
        case .site:
            return LoadResult(site: Site(title: "", baseURL: "/"), posts: [], errors: [PostError(path: "", message: "not implemented yet")])
        case .folder(_, let site):
            return LoadResult(site: site, posts: [])
        }
    }
}
