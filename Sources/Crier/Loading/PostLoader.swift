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
        if let noAddress = context.noAddress, context.site.baseURL == configuredAddress {
            if options.requireAddress {
                // No feeds: published, they would link localhost, and every entry's id
                // would change once the address is set.
                let error = PostError(path: noAddress.path, line: noAddress.line,
                                      message: noAddress.message + "; published feeds must link the site's own address (their entries' ids are made from it too): set it there, give the feed definition a `base_url:`, or give --base-url with --site")
                var result = LoadResult(site: context.site, posts: [], errors: [error], warnings: warnings)
                result.unreadable = true
                return result
            }
            warnings.append(noAddress)
        }
        if case .site(let root) = source, context.site.title.allSatisfy(\.isWhitespace) {
            // An empty feed title fails the gate; jekyll-feed and Hugo would write one.
            let host = URL(string: context.site.baseURL)?.host ?? ""
            context.site.title = host.isEmpty || host == "localhost" ? root.standardizedFileURL.lastPathComponent : host
            warnings.append(PostError(path: SiteConfiguration.displayPath(root),
                                      message: "the site has no `title`: its feeds are titled \"\(context.site.title)\" until you set one"))
        }
        var files = PostFiles.files(of: context, includeDrafts: options.includeDrafts, warnings: &warnings)
        if files.isEmpty {
            // Said, not refused: a new site may have no posts yet; but a folder emptied or
            // not mounted would otherwise empty full feeds without a word.
            let folder = context.flavor == .jekyll ? context.root.appendingPathComponent("_posts")
                : context.flavor == .hugo ? context.root.appendingPathComponent(context.contentDirectory) : context.root
            warnings.append(PostError(path: SiteConfiguration.displayPath(folder),
                                      message: "no posts found: the feeds are written with no entries"))
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
        // The files a cache vouches for by their `stat` first, all at once; then the rest.
        let unchanged = (options.cache as? any StatTrustingPostCache)?.posts(unchangedAt: files) ?? []
        let rest = unchanged.isEmpty ? Array(files.indices) : files.indices.filter { unchanged[$0] == nil }
        // Several workers per core, so one slow post does not hold up a core's whole share.
        let loaded = parallelMap(rest.count, workers: ProcessInfo.processInfo.activeProcessorCount * 4) { at in
            PostRules.load(files[rest[at]], context: context, options: options)
        }
        guard !unchanged.isEmpty else { return loaded }
        var outcomes = unchanged.map { FileOutcome(result: .success($0), warnings: []) }
        for (at, outcome) in zip(rest, loaded) { outcomes[at] = outcome }
        return outcomes
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
    /// The extensions of a bare folder's Markdown posts (any case).
    static let markdownExtensions: Set<String> = ["md", "markdown", "mkd", "mkdn", "mdown", "mdwn"]
    static let htmlExtensions: Set<String> = ["html", "htm"]
    /// Jekyll's default `markdown_ext`: the extensions (any case) it renders as Markdown;
    /// a site's own `markdown_ext` replaces the list.
    static let jekyllMarkdownExtensions = ["markdown", "mkdown", "mkdn", "mkd", "md"]
    /// The extensions Hugo 0.111 reads as Markdown pages, and as HTML pages (as written:
    /// `post.MD` is a file Hugo copies, not a page).
    static let hugoMarkdownExtensions: Set<String> = ["md", "markdown", "mdown"]
    /// Hugo's other page formats, which need a converter Crier does not have, by name.
    static let hugoOtherFormats: [String: String] = [
        "ad": "AsciiDoc", "adoc": "AsciiDoc", "asciidoc": "AsciiDoc", "org": "Org", "pandoc": "Pandoc", "pdc": "Pandoc",
        "rest": "reStructuredText", "rst": "reStructuredText",
    ]

    /// The files of the site or folder of `context` that may be posts, as `load` and
    /// `inputFiles` both find them (so that the publisher's snapshot lists what is read).
    static func files(of context: SiteContext, includeDrafts: Bool, warnings: inout [PostError]) -> [PostFile] {
        switch context.flavor {
        case .jekyll:
            return jekyll(root: context.root, excluded: context.excluded, markdownExtensions: context.jekyllMarkdownExtensions,
                          includeDrafts: includeDrafts, warnings: &warnings)
        case .hugo: return hugo(root: context.root, contentDirectory: context.contentDirectory, warnings: &warnings)
        case .folder: return folder(root: context.root, includeDrafts: includeDrafts, warnings: &warnings)
        }
    }
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
        // The folders read so far, by device and inode: a symbolic link back up the tree
        // is followed once, not forever. (One `stat` a folder, where resolving its real
        // path took one `lstat` per component: the walk runs on every publish of a Hugo
        // site, for its `_index` pages.)
        var visited = Set<[UInt64]>()
        func visit(_ folder: URL, _ components: [String]) {
            let folderPath = folder.path
            var info = stat()
            if stat(folderPath, &info) == 0, !visited.insert([UInt64(info.st_dev), UInt64(info.st_ino)]).inserted { return }
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

    /// The files of a Jekyll site's `_posts` (and, with `includeDrafts`, `_drafts`) folders
    /// that Jekyll 4.3 publishes: every one with an extension (and, in `_posts`, a date),
    /// whatever the extension: those in `markdownExtensions` (lower case) are rendered as
    /// Markdown, the others are published as written. A file that looks like a post but is
    /// left out (no date, no extension) is a warning naming it.
    static func jekyll(root: URL, excluded: [String], markdownExtensions: Set<String> = Set(jekyllMarkdownExtensions), includeDrafts: Bool,
                       warnings: inout [PostError]) -> [PostFile] {
        var files: [PostFile] = []
        func isExcluded(_ path: [String]) -> Bool {
            let joined = path.joined(separator: "/")
            return excluded.contains { joined == $0 || joined.hasPrefix($0 + "/") }
        }
        let all = walk(root, warnings: &warnings) { folder in jekyllSkips(folder) || isExcluded(folder) }
        for (path, components) in all where !isExcluded(components) {
            let relative = components.joined(separator: "/")
            let name = components[components.count - 1]
            let postsIndex = components.firstIndex(of: "_posts")
            let draftsIndex = components.firstIndex(of: "_drafts")
            guard postsIndex != nil || draftsIndex != nil else { continue }
            // Jekyll ignores these (editor backups, partials).
            if name.hasPrefix("_") || name.hasPrefix("#") || name.hasSuffix("~") { continue }
            let (base, ext) = FileNames.split(name)
            let lowercased = ext.lowercased()
            // What an author may have meant as a post, said when left out; other files
            // (images beside the posts) are left out without a word, as Jekyll leaves them.
            let looksLikePost = ext.isEmpty || markdownExtensions.contains(lowercased) || Self.markdownExtensions.contains(lowercased)
                || htmlExtensions.contains(lowercased) || lowercased == "txt"
            let dated = FileNames.datePrefix(base, shortForms: true) != nil
            if let postsIndex {
                guard dated else {
                    // A name starting with a date's shape is meant as a post whatever its
                    // extension (Jekyll publishes `.textile` or `.adoc` posts as written).
                    let impossibleDate = FileNames.impossibleDatePrefix(base) ?? FileNames.shortDatePrefix(base)
                    guard looksLikePost || impossibleDate != nil else { continue }
                    let message: String
                    if let written = impossibleDate {
                        message = "left out: \(written) in the file name is not a real date (write the post's date as YYYY-MM-DD-title.md)"
                    } else {
                        message = "left out: a post's file name must start with its date (YYYY-MM-DD-title.md)"
                    }
                    warnings.append(PostError(path: SiteConfiguration.displayPath(URL(fileURLWithPath: path)), message: message))
                    continue
                }
                guard !ext.isEmpty else {
                    warnings.append(PostError(path: SiteConfiguration.displayPath(URL(fileURLWithPath: path)),
                                              message: "left out: the file name has no extension, and Jekyll publishes only posts with one (YYYY-MM-DD-title.md)"))
                    continue
                }
                files.append(PostFile(path: path, relativePath: relative, role: .jekyllPost(categories: Array(components[..<postsIndex]))))
            } else if let draftsIndex {
                guard includeDrafts else { continue }
                guard !ext.isEmpty else {
                    if dated || looksLikePost {
                        warnings.append(PostError(path: SiteConfiguration.displayPath(URL(fileURLWithPath: path)),
                                                  message: "left out: the file name has no extension, and Jekyll publishes only drafts with one (title.md)"))
                    }
                    continue
                }
                files.append(PostFile(path: path, relativePath: relative, role: .jekyllDraft(categories: Array(components[..<draftsIndex]))))
            }
        }
        return files
    }

    /// The pages of a Hugo site's content folder: Markdown (`.md`, `.markdown`, `.mdown`)
    /// and HTML (`.html`, `.htm`) files, as Hugo 0.111 reads them, but for `_index` list
    /// pages and the files of a leaf bundle other than its `index`. A page in a format
    /// Crier cannot convert (Org, AsciiDoc...), or a file named like Markdown that Hugo
    /// copies rather than reads (`.mkd`, `.MD`), is a warning naming it.
    static func hugo(root: URL, contentDirectory: String, warnings: inout [PostError]) -> [PostFile] {
        let content = root.appendingPathComponent(contentDirectory)
        let prefix = contentDirectory.split(separator: "/").map(String.init)
        let all = walk(content, warnings: &warnings) { _ in false }
        func isPage(_ ext: String) -> Bool { hugoMarkdownExtensions.contains(ext) || htmlExtensions.contains(ext) || hugoOtherFormats[ext] != nil }
        // A folder with an `index` page is a leaf bundle: its other files are resources
        // of that page, not pages.
        var bundles = Set<[String]>()
        for (_, components) in all {
            let (base, ext) = FileNames.split(components[components.count - 1])
            if base == "index" && isPage(ext) { bundles.insert(Array(components.dropLast())) }
        }
        var files: [PostFile] = []
        for (path, components) in all {
            let (base, ext) = FileNames.split(components[components.count - 1])
            let folder = Array(components.dropLast())
            let insideBundle = (0...folder.count).contains { bundles.contains(Array(folder.prefix($0))) }
            if insideBundle && !(base == "index" && bundles.contains(folder)) { continue }
            if base == "_index" { continue }
            let shown = { SiteConfiguration.displayPath(URL(fileURLWithPath: path)) }
            if hugoMarkdownExtensions.contains(ext) || htmlExtensions.contains(ext) {
                files.append(PostFile(path: path, relativePath: (prefix + components).joined(separator: "/"), role: .hugo))
            } else if let format = hugoOtherFormats[ext] {
                warnings.append(PostError(path: shown(), message: "left out: Hugo renders .\(ext) pages with an external \(format) converter, and Crier reads only Markdown (.md, .markdown, .mdown) and HTML (.html, .htm) pages"))
            } else if isPage(ext.lowercased()) || markdownExtensions.contains(ext.lowercased()) || ext.lowercased() == "mkdown" {
                warnings.append(PostError(path: shown(), message: "left out: Hugo copies a .\(ext) file as it is rather than making a page of it (its pages are .md, .markdown, .mdown, .html and .htm, in lower case); rename it to make it a post"))
            }
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

    /// The last component of a file's `path` (which does not end in `/`).
    static func name(ofFile path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return path }
        return String(path[path.index(after: slash)...])
    }

    /// `name` without its extension, as `URL.deletingPathExtension()` leaves it: `split`'s
    /// base, except for a name whose base would be dots alone (`..md`), which `URL` keeps
    /// whole and is asked about.
    static func baseName(_ name: String) -> String {
        let base = split(name).base
        guard base.contains(where: { $0 != "." }) else {
            return URL(fileURLWithPath: "/" + name, isDirectory: false).deletingPathExtension().lastPathComponent
        }
        return base
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

    /// The date and the rest of the name, when the name starts with `YYYY-MM-DD-`, or with
    /// `shortForms` (Jekyll's reading) also `YYYY-M-D-` (`2024-3-5-hello.md`).
    static func datePrefix(_ name: String, shortForms: Bool = false) -> (date: DateTimeValue, slug: String)? {
        let utf8 = Array(name.utf8)
        if utf8.count > 11, utf8[10] == UInt8(ascii: "-"),
           let date = DateTimeValue.parse(String(decoding: utf8[0..<10], as: UTF8.self)) {
            return (date, String(decoding: utf8[11...], as: UTF8.self))
        }
        guard shortForms, let short = shortDatePrefix(name), let date = DateTimeValue.parse(short) else { return nil }
        return (date, String(decoding: utf8[(short.utf8.count + 1)...], as: UTF8.self))
    }

    /// The date a name starts with when it is written with a month or day of one digit,
    /// as Jekyll also reads one (`2024-3-5-x`), not `YYYY-MM-DD`; `nil` otherwise.
    static func shortDatePrefix(_ name: String) -> String? {
        let parts = name.split(separator: "-", maxSplits: 3, omittingEmptySubsequences: false)
        guard parts.count == 4, !parts[3].isEmpty, parts[0].count == 4,
              [parts[1], parts[2]].allSatisfy({ (1...2).contains($0.count) }), parts[1].count + parts[2].count < 4,
              parts[0...2].allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } }) else { return nil }
        return parts[0...2].joined(separator: "-")
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
