import Foundation

extension PostLoader {
    /// A file `load` would read for a source.
    struct InputFile: Sendable {
        var url: URL
        /// Relative to the site or folder root, with `/` (the cache key's path).
        var relativePath: String
    }

    /// The files `load(source, options)` reads, sorted by relative path, found by the same
    /// discovery (site configuration, `exclude:`, drafts, Hugo bundles) without reading
    /// them; `nil` when the site or folder cannot be read (then `load` reports why).
    /// `crier publish` uses it to tell, from `stat` alone, that nothing changed.
    static func inputFiles(of source: PostSource, includeDrafts: Bool) -> [InputFile]? {
        var warnings: [PostError] = []
        let files: [PostFile]
        switch source {
        case .site(let root):
            guard let context = try? SiteConfiguration.read(root: root, warnings: &warnings) else { return nil }
            switch context.flavor {
            case .jekyll: files = PostFiles.jekyll(root: context.root, excluded: context.excluded, includeDrafts: includeDrafts, warnings: &warnings)
            case .hugo: files = PostFiles.hugo(root: context.root, contentDirectory: context.contentDirectory)
            case .folder: files = PostFiles.folder(root: context.root)
            }
        case .folder(let root, _):
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: root.path, isDirectory: &isDirectory), isDirectory.boolValue else { return nil }
            files = PostFiles.folder(root: root)
        }
        return files.map { InputFile(url: $0.url, relativePath: $0.relativePath) }.sorted { $0.relativePath < $1.relativePath }
    }
}
