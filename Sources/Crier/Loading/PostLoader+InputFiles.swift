import Foundation
#if canImport(Glibc)
import Glibc
#endif

extension PostLoader {
    /// A file `load` would read for a source.
    struct InputFile: Sendable {
        var path: String
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
            // The loader's own discovery, `markdown_ext` and all.
            files = PostFiles.files(of: context, includeDrafts: includeDrafts, warnings: &warnings)
        case .folder(let root, _):
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: root.path, isDirectory: &isDirectory), isDirectory.boolValue else { return nil }
            files = PostFiles.folder(root: root, includeDrafts: includeDrafts, warnings: &warnings)
        }
        return files.map { InputFile(path: $0.path, relativePath: $0.relativePath) }.sorted { $0.relativePath < $1.relativePath }
    }
}

extension PostLoader {
    /// The folders whose entries decide what `inputFiles(of:includeDrafts:)` finds: every
    /// folder its discovery may visit (hidden folders, and the folders a Jekyll site never
    /// keeps posts in, left out by the same name rules; `exclude:` ignored, so this is a
    /// superset). A file added, removed or renamed in any of them changes that folder's
    /// modification time, so while none of them changes, the list of input files is the
    /// same. `nil` when the site or folder cannot be read.
    static func inputFolders(of source: PostSource) -> [URL]? {
        var warnings: [PostError] = []
        var top: URL
        var jekyll = false
        switch source {
        case .site(let root):
            guard let context = try? SiteConfiguration.read(root: root, warnings: &warnings) else { return nil }
            switch context.flavor {
            case .jekyll:
                top = context.root
                jekyll = true
            case .hugo: top = context.root.appendingPathComponent(context.contentDirectory)
            case .folder: top = context.root
            }
        case .folder(let root, _):
            top = root
        }
        var folders: [URL] = []
        var visited = Set<String>()
        func visit(_ folder: URL, _ components: [String]) {
            guard visited.insert(folder.resolvingSymlinksInPath().path).inserted else { return }
            folders.append(folder)
            // As `PostFiles.walk` reads folders: the listing's entry types, a `stat` only
            // for links (and where the file system does not say).
            guard let entries = FileIO.entries(in: folder.path) else { return }
            for (name, listedAsDirectory) in entries.sorted(by: { $0.name < $1.name }) where !name.hasPrefix(".") && listedAsDirectory != false {
                let path = components + [name]
                // The loader's own rule (but for `exclude:`, which only narrows it).
                if jekyll && PostFiles.jekyllSkips(path) { continue }
                // (A name that is not UTF-8 reads back as another path: `stat` drops it.)
                if listedAsDirectory == nil || name.contains("\u{FFFD}") {
                    var info = stat()
                    guard stat(folder.appendingPathComponent(name, isDirectory: false).path, &info) == 0,
                          (info.st_mode & S_IFMT) == S_IFDIR else { continue }
                }
                visit(folder.appendingPathComponent(name, isDirectory: true), path)
            }
        }
        visit(top, [])
        return folders
    }
}
