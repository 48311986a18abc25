import CrierMarkdown
import CrierXML
import Dispatch
import Foundation

/// Loads posts from a Jekyll site, a Hugo site or a bare folder: front matter read,
/// Markdown rendered to HTML, relative URLs made absolute, dates resolved.
///
/// `load` never throws: a post that cannot be loaded (invalid UTF-8, broken front matter,
/// an unknown date format) is an entry of `LoadResult.errors` naming the file and line,
/// and the other posts still load. A site that cannot be read at all (no such folder,
/// not a Jekyll or Hugo site, a configuration file with a syntax error or an unknown time
/// zone) gives no posts and one error naming the folder or the configuration file.
public enum PostLoader {
    /// Loads every post of `source`, in parallel, ordered by `sourcePath`.
    ///
    /// Drafts (`_drafts/` folders of a Jekyll site or a bare folder, `draft: true`) are left out unless
    /// `options.includeDrafts`; `published: false` posts are always left out; posts dated
    /// in the future are included (the feed builder decides what is due).
    public static func load(_ source: PostSource, options: LoadOptions) -> LoadResult {
        var warnings: [PostError] = []
        var context: SiteContext
        switch source {
        case .site(let root):
            do {
                context = try SiteConfiguration.read(root: root, warnings: &warnings)
            } catch {
                var result = LoadResult(site: Site(title: "", baseURL: "http://localhost/"), posts: [], errors: [error], warnings: warnings)
                result.unreadable = true
                return result
            }
        case .folder(let root, let site):
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: root.path, isDirectory: &isDirectory), isDirectory.boolValue else {
                var result = LoadResult(site: site, posts: [], errors: [PostError(path: SiteConfiguration.displayPath(root), message: "no such folder")])
                result.unreadable = true
                return result
            }
            context = SiteContext(flavor: .folder, root: root, site: site, permalink: Permalink.jekyllPattern(site.permalink ?? "/:path/"))
        }
        let configuredAddress = context.site.baseURL
        if let siteOverrides = options.siteOverrides { context.site = siteOverrides(context.site) }
        // Said only when no override gave the site an address instead.
        if let noAddress = context.noAddress, context.site.baseURL == configuredAddress { warnings.append(noAddress) }
        if case .site(let root) = source, context.site.title.allSatisfy(\.isWhitespace) {
            // An empty feed title fails the gate; jekyll-feed and Hugo would write one.
            let host = URL(string: context.site.baseURL)?.host ?? ""
            context.site.title = host.isEmpty || host == "localhost" ? root.standardizedFileURL.lastPathComponent : host
            warnings.append(PostError(path: SiteConfiguration.displayPath(root),
                                      message: "the site has no `title`: its feeds are titled \"\(context.site.title)\" until you set one"))
        }
        var files: [PostFile]
        switch context.flavor {
        case .jekyll: files = PostFiles.jekyll(root: context.root, excluded: context.excluded, includeDrafts: options.includeDrafts, warnings: &warnings)
        case .hugo: files = PostFiles.hugo(root: context.root, contentDirectory: context.contentDirectory, warnings: &warnings)
        case .folder: files = PostFiles.folder(root: context.root, includeDrafts: options.includeDrafts, warnings: &warnings)
        }
        files.sort { $0.relativePath < $1.relativePath }
        if context.flavor == .jekyll { context.postLinks = SitePostLinks(files: files, context: context, options: options) }

        let outcomes = loadInParallel(files, context: context, options: options)
        var posts: [Post] = []
        var errors: [PostError] = []
        posts.reserveCapacity(outcomes.count)
        for outcome in outcomes {
            warnings += outcome.warnings
            switch outcome.result {
            case .success(let post?): posts.append(post)
            case .success(nil): break
            case .failure(let error): errors.append(error)
            }
        }
        return LoadResult(site: context.site, posts: posts, errors: errors, warnings: warnings)
    }

    /// Loads `files` across all cores; the result is in the order of `files`.
    static func loadInParallel(_ files: [PostFile], context: SiteContext, options: LoadOptions) -> [FileOutcome] {
        // Several workers per core, so one slow post does not hold up a core's whole share.
        parallelMap(files.count, workers: ProcessInfo.processInfo.activeProcessorCount * 4) { index in
            PostRules.load(files[index], context: context, options: options)
        }
    }
}

/// The URLs of a Jekyll site's posts, each worked out (from that post's front matter and
/// file name, without rendering it) the first time another post names it.
final class SitePostLinks: JekyllLiquid.Links, @unchecked Sendable {
    private let files: [PostFile]
    private let context: SiteContext
    private let options: LoadOptions
    private let lock = NSLock()
    /// The names each file answers to, made on the first lookup (under `lock`): most
    /// sites never use `post_url` or `link`, and a run that takes every post from the
    /// cache renders none.
    private var names: Names?
    /// Relative path to URL (`nil`: the file gives no post).
    private var urls: [String: String?] = [:]

    private struct Names {
        /// Index in `files` of the first file (by path) each name finds: the relative path
        /// without its extension, and each of its ends after a `/` (`post_url` names).
        var byName: [String: Int] = [:]
        /// Index in `files` by relative path (`link` paths).
        var byPath: [String: Int] = [:]

        init(_ files: [PostFile]) {
            byName.reserveCapacity(files.count * 2)
            byPath.reserveCapacity(files.count)
            for (index, file) in files.enumerated() {
                byPath[file.relativePath] = byPath[file.relativePath] ?? index
                let path = (file.relativePath as NSString).deletingPathExtension
                byName[path] = byName[path] ?? index
                var end = path[...]
                while let slash = end.firstIndex(of: "/") {
                    end = end[end.index(after: slash)...]
                    byName[String(end)] = byName[String(end)] ?? index
                }
            }
        }
    }

    /// Links among `files`, loaded with `context` and `options` (without a cache, and only
    /// as far as their URLs).
    init(files: [PostFile], context: SiteContext, options: LoadOptions) {
        self.files = files
        var context = context
        context.postLinks = nil
        self.context = context
        var options = options
        options.cache = nil
        options.urlOnly = true
        self.options = options
    }

    /// The URL of the first post (by path) named `name`, as `{% post_url %}` finds it.
    func url(ofPostNamed name: String) -> String? {
        lookUp { $0.byName[name] }.flatMap { url(of: files[$0]) }
    }

    /// The URL of the post at `path`, as `{% link %}` finds it.
    func url(ofPostAt path: String) -> String? {
        lookUp { $0.byPath[path] }.flatMap { url(of: files[$0]) }
    }

    private func lookUp(_ find: (Names) -> Int?) -> Int? {
        lock.withLock {
            if names == nil { names = Names(files) }
            return find(names!)
        }
    }

    private func url(of file: PostFile) -> String? {
        if let known = lock.withLock({ urls[file.relativePath] }) { return known }
        var warnings: [PostError] = []
        var linksToPosts = false
        let url = FileIO.read(file.path).flatMap { data in
            try? PostRules.build(file, data: data, context: context, options: options, warnings: &warnings, linksToPosts: &linksToPosts)?.url
        }
        lock.withLock { urls[file.relativePath] = .some(url) }
        return url
    }
}

/// One file that may be a post, and what its place in the site says about it.
struct PostFile: Sendable {
    enum Role: Sendable, Equatable {
        /// Jekyll `_posts/`; categories from the folders above `_posts`.
        case jekyllPost(categories: [String])
        case jekyllDraft(categories: [String])
        case hugo
        case folder
    }

    /// The file's path (as the listing found it: the folder's path and the name).
    var path: String
    /// Relative to the site or folder root, with `/`.
    var relativePath: String
    var role: Role

    /// The file as a URL, for path arithmetic and messages (made when asked: a URL costs
    /// more than reading a folder entry).
    var url: URL { URL(fileURLWithPath: path, isDirectory: false) }
}

/// The result of loading one file: a post, nothing (a draft, `published: false`), or an
/// error; and warnings either way.
struct FileOutcome: Sendable {
    var result: Result<Post?, PostError>
    var warnings: [PostError]
}

/// Finding the files that may be posts.
enum PostFiles {
    static let markdownExtensions: Set<String> = ["md", "markdown", "mkd", "mkdn", "mdown", "mdwn"]
    static let htmlExtensions: Set<String> = ["html", "htm"]
    /// Folders no site keeps posts in.
    static let skippedFolders: Set<String> = ["_site", "node_modules", "vendor", "public", "resources"]

    /// Every file under `root`, as paths relative to it, skipping hidden files and folders
    /// and the folders `skip` rejects. A folder below `root` that cannot be listed (its
    /// name is not UTF-8, so it cannot be opened by the name read back) is a warning: the
    /// posts in it are left out.
    ///
    /// Symbolic links are followed; whatever is not a folder is a file here, for the reader
    /// to accept or refuse: a dangling link too, so that one named like a post is an error
    /// ("cannot read the file: No such file or directory"), not a post silently missing. The listing says which entries
    /// are folders, so only links (and entries on file systems whose listings do not say)
    /// cost a `stat`.
    static func walk(_ root: URL, warnings: inout [PostError], skip: (_ relativeFolder: [String]) -> Bool) -> [(String, [String])] {
        var found: [(String, [String])] = []
        // Real paths of the folders read so far: a symbolic link back up the tree is
        // followed once, not forever.
        var visited = Set<String>()
        func visit(_ folder: URL, _ components: [String]) {
            let folderPath = folder.path
            guard visited.insert(folder.resolvingSymlinksInPath().path).inserted else { return }
            guard let entries = FileIO.entries(in: folderPath) else {
                let reason = String(cString: strerror(errno))
                if let name = components.last {
                    warnings.append(PostError(path: SiteConfiguration.displayPath(folder), message: FileNames.isNotUTF8(name, at: folderPath)
                        ? "left out, with any posts in it: the folder's name is not valid UTF-8 (� stands for the bytes that are not), so it cannot be opened by that name; rename it to a UTF-8 name"
                        : "left out, with any posts in it: cannot read the folder: \(reason)"))
                }
                return
            }
            // The paths of the entries, as `appendingPathComponent` makes them.
            let stem = folderPath.hasSuffix("/") ? folderPath : folderPath + "/"
            for (name, listedAsDirectory) in entries.sorted(by: { $0.name < $1.name }) where !name.hasPrefix(".") {
                let isDirectory: Bool
                if let listedAsDirectory {
                    isDirectory = listedAsDirectory
                } else {
                    var info = stat()
                    isDirectory = stat(stem + name, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
                }
                let path = components + [name]
                if isDirectory {
                    if !skip(path) { visit(folder.appendingPathComponent(name, isDirectory: true), path) }
                } else {
                    found.append((stem + name, path))
                }
            }
        }
        visit(root, [])
        return found
    }

    /// Whether Jekyll never looks inside `folder` (path components from the site root):
    /// the output and tool folders at the top, and every `_folder` but `_posts` and
    /// `_drafts` (and what is below them). `exclude:` comes on top of this. Shared with the
    /// publisher's list of input folders, so the two cannot disagree.
    static func jekyllSkips(_ folder: [String]) -> Bool {
        let name = folder[folder.count - 1]
        if skippedFolders.contains(name) && folder.count == 1 { return true }
        let insidePosts = folder.dropLast().contains("_posts") || folder.dropLast().contains("_drafts")
        return name.hasPrefix("_") && name != "_posts" && name != "_drafts" && !insidePosts
    }

    static func jekyll(root: URL, excluded: [String], includeDrafts: Bool, warnings: inout [PostError]) -> [PostFile] {
        var files: [PostFile] = []
        func isExcluded(_ path: [String]) -> Bool {
            let joined = path.joined(separator: "/")
            return excluded.contains { joined == $0 || joined.hasPrefix($0 + "/") }
        }
        let all = walk(root, warnings: &warnings) { folder in jekyllSkips(folder) || isExcluded(folder) }
        for (path, components) in all where !isExcluded(components) {
            let relative = components.joined(separator: "/")
            let name = components[components.count - 1]
            let (base, ext) = FileNames.split(name)
            guard markdownExtensions.contains(ext.lowercased()) || htmlExtensions.contains(ext.lowercased()) else { continue }
            // Jekyll ignores these (editor backups, partials).
            if name.hasPrefix("_") || name.hasPrefix("#") || name.hasSuffix("~") { continue }
            if let postsIndex = components.firstIndex(of: "_posts") {
                let categories = Array(components[..<postsIndex])
                guard FileNames.datePrefix(base) != nil else {
                    let message: String
                    if let written = FileNames.impossibleDatePrefix(base) {
                        message = "left out: \(written) in the file name is not a real date (write the post's date as YYYY-MM-DD-title.md)"
                    } else {
                        message = "left out: a post's file name must start with its date (YYYY-MM-DD-title.md)"
                    }
                    warnings.append(PostError(path: SiteConfiguration.displayPath(URL(fileURLWithPath: path)), message: message))
                    continue
                }
                files.append(PostFile(path: path, relativePath: relative, role: .jekyllPost(categories: categories)))
            } else if let draftsIndex = components.firstIndex(of: "_drafts") {
                guard includeDrafts else { continue }
                files.append(PostFile(path: path, relativePath: relative, role: .jekyllDraft(categories: Array(components[..<draftsIndex]))))
            }
        }
        return files
    }

    static func hugo(root: URL, contentDirectory: String, warnings: inout [PostError]) -> [PostFile] {
        let content = root.appendingPathComponent(contentDirectory)
        let prefix = contentDirectory.split(separator: "/").map(String.init)
        let all = walk(content, warnings: &warnings) { _ in false }.filter { markdownExtensions.contains(FileNames.split($0.1[$0.1.count - 1]).ext.lowercased()) }
        // A folder with an `index.md` is a leaf bundle: its other Markdown files are
        // resources of that page, not pages.
        var bundles = Set<[String]>()
        for (_, components) in all where FileNames.split(components[components.count - 1]).base == "index" {
            bundles.insert(Array(components.dropLast()))
        }
        var files: [PostFile] = []
        for (path, components) in all {
            let base = FileNames.split(components[components.count - 1]).base
            if base == "_index" { continue }
            let folder = Array(components.dropLast())
            let insideBundle = (0...folder.count).contains { bundles.contains(Array(folder.prefix($0))) }
            if insideBundle && !(base == "index" && bundles.contains(folder)) { continue }
            files.append(PostFile(path: path, relativePath: (prefix + components).joined(separator: "/"), role: .hugo))
        }
        return files
    }

    /// Whether a bare folder's walk leaves out `folder` (path components from the root):
    /// a `_drafts` folder, at any depth, unless drafts are asked for, as in a Jekyll site.
    /// `PostLoader.inputFolders(of:)` visits such folders either way (a superset).
    static func folderSkips(_ folder: [String], includeDrafts: Bool) -> Bool {
        !includeDrafts && folder[folder.count - 1] == "_drafts"
    }

    /// The files of a bare folder that may be posts (`_drafts/` only with `includeDrafts`).
    static func folder(root: URL, includeDrafts: Bool, warnings: inout [PostError]) -> [PostFile] {
        walk(root, warnings: &warnings) { folderSkips($0, includeDrafts: includeDrafts) }.compactMap { path, components in
            let (base, ext) = FileNames.split(components[components.count - 1])
            let lowercased = ext.lowercased()
            guard markdownExtensions.contains(lowercased) || htmlExtensions.contains(lowercased) || lowercased == "txt" else { return nil }
            // A folder's README describes the folder; it is not a post.
            if base.lowercased() == "readme" { return nil }
            return PostFile(path: path, relativePath: components.joined(separator: "/"), role: .folder)
        }
    }
}

/// Dates in file names: `2024-03-05-hello-world.md`.
enum FileNames {
    /// Whether `name`, read from a folder listing as the file or folder at `path`, was not
    /// UTF-8: its bytes were read back as U+FFFD, so `path` names nothing.
    static func isNotUTF8(_ name: String, at path: String) -> Bool {
        guard name.unicodeScalars.contains("\u{FFFD}") else { return false }
        var info = stat()
        return lstat(path, &info) != 0
    }

    /// A file name without its extension, and the extension (without the dot), as
    /// Foundation's `URL` splits them: at the last dot, unless the name starts or ends
    /// with it (`.md` and `notes.` have no extension). Without `URL`, which costs more than
    /// reading the folder when there are ten thousand posts.
    static func split(_ name: String) -> (base: String, ext: String) {
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex, name.index(after: dot) != name.endIndex else {
            return (name, "")
        }
        return (String(name[..<dot]), String(name[name.index(after: dot)...]))
    }

    /// The date and the rest of the name, when the name starts with `YYYY-MM-DD-`.
    static func datePrefix(_ name: String) -> (date: DateTimeValue, slug: String)? {
        let utf8 = Array(name.utf8)
        guard utf8.count > 11, utf8[10] == UInt8(ascii: "-"),
              let date = DateTimeValue.parse(String(decoding: utf8[0..<10], as: UTF8.self)) else { return nil }
        return (date, String(decoding: utf8[11...], as: UTF8.self))
    }

    /// The `YYYY-MM-DD` a name starts with when it has a date's shape (`2024-02-30-x`) but
    /// `datePrefix` refuses it because no such day exists; `nil` otherwise.
    static func impossibleDatePrefix(_ name: String) -> String? {
        let utf8 = Array(name.utf8)
        guard utf8.count > 11, utf8[10] == UInt8(ascii: "-"), datePrefix(name) == nil else { return nil }
        let isDigit = { (byte: UInt8) in byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
        for (index, byte) in utf8[0..<10].enumerated() {
            let expected = index == 4 || index == 7 ? byte == UInt8(ascii: "-") : isDigit(byte)
            guard expected else { return nil }
        }
        return String(decoding: utf8[0..<10], as: UTF8.self)
    }
}
