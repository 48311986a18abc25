import ArgumentParser
import Crier
import Foundation

/// Where posts come from and where feeds go: shared by `build`, `publish` and `serve`.
public struct SourceOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("A Jekyll or Hugo site folder (detected from _config.yml, hugo.toml or config.toml).", valueName: "dir"))
    var site: String?

    @Option(name: .long, help: ArgumentHelp("A bare folder of posts (.md and the other Markdown extensions, .txt, .html; a README is not a post); needs --base-url.", valueName: "dir"))
    var posts: String?

    @Option(name: .long, help: "Feed title for --posts (default: the folder's name), or the site's title for --site.")
    var title: String?

    @Option(name: .customLong("base-url"), help: ArgumentHelp("The site's absolute URL, for --posts (or to override a site's).", valueName: "url"))
    var baseURL: String?

    @Option(name: .long, help: ArgumentHelp("Folder of feed definitions (*.yml), used when neither --site nor --posts is given (default: feeds).", valueName: "dir"))
    var feeds: String?

    @Option(name: .shortAndLong, help: ArgumentHelp("Where the feed files are written.", valueName: "dir"))
    var output: String = "public"

    @Option(name: .long, help: ArgumentHelp("Formats to write, comma separated (default: atom,rss,json, or what a definition says).", valueName: "list"))
    var format: String?

    @Option(name: .long, parsing: .unconditional, help: "Most entries per feed (default: all, or the site's posts_limit).")
    var limit: Int?

    @Flag(name: .long, help: "Include posts dated in the future.")
    var future = false

    @Flag(name: .long, help: "Include drafts (_drafts/ folders, draft: true).")
    var drafts = false

    @Flag(name: .customLong("keep-going"), help: "Write the feeds that succeeded even when a post, a feed or a feed definition failed (still exits 1).")
    var keepGoing = false

    /// For ArgumentParser, which fills in the options.
    public init() {}

    /// Refuses (exit 2) `--site` with `--posts`, `--feeds` with either, `--title` or
    /// `--base-url` with neither (feed definitions set their own), `--posts` without
    /// `--base-url`, a `--base-url` that is not absolute, a negative `--limit`, an empty
    /// `--title` and an unknown `--format`.
    public mutating func validate() throws {
        if site != nil && posts != nil {
            throw ValidationError("--site and --posts cannot be used together.")
        }
        if feeds != nil && (site != nil || posts != nil) {
            throw ValidationError("--feeds cannot be used with --\(site != nil ? "site" : "posts"): the definitions in --feeds say where their posts are.")
        }
        if site == nil && posts == nil, let option = title != nil ? "--title" : baseURL != nil ? "--base-url" : nil {
            throw ValidationError("\(option) applies to --site or --posts; each feed definition in \(feeds ?? "feeds")/ sets its own `\(option == "--title" ? "title" : "base_url")`.")
        }
        if posts != nil && baseURL == nil {
            throw ValidationError("--posts needs --base-url, the absolute URL the posts are published under.")
        }
        if let baseURL, let problem = Site.addressProblem(baseURL) {
            throw ValidationError("--base-url `\(baseURL)` \(problem).")
        }
        if let limit, limit < 0 {
            throw ValidationError("--limit must be 0 or more.")
        }
        if let title, title.allSatisfy(\.isWhitespace) {
            throw ValidationError("--title must not be empty: a feed needs a title.")
        }
        _ = try parsedFormats()
    }

    func parsedFormats() throws -> [FeedFormat]? {
        guard let format else { return nil }
        let names = format.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }.filter { !$0.isEmpty }
        if names.isEmpty { throw ValidationError("--format needs at least one of atom, rss, json.") }
        return try names.map { name in
            guard let format = FeedFormat(rawValue: name) else {
                throw ValidationError("unknown format `\(name)` in --format (atom, rss or json).")
            }
            return format
        }
    }

    /// The build jobs these options describe, and the feed definitions left out because
    /// they could not be read (with `--keep-going`; empty otherwise). Throws
    /// `ValidationError` (exit 2) when the default feeds folder is missing, and
    /// `DefinitionErrors` (exit 1) naming every definition that could not be read, unless
    /// `--keep-going`.
    func jobs() throws -> (jobs: [BuildJob], skipped: [PostError]) {
        let formats = try parsedFormats()
        let cwd = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        func url(_ path: String) -> URL { URL(fileURLWithPath: path, relativeTo: cwd).standardizedFileURL }
        if let site {
            let folder = url(site)
            guard FileManager.default.fileExists(atPath: folder.path) else {
                throw ValidationError("--site: no such folder `\(site)`.")
            }
            let definition = (title != nil || baseURL != nil) ? FeedDefinition.overriding(site: folder, title: title, baseURL: baseURL) : nil
            return ([BuildJob(source: .site(folder), definition: definition, formats: formats ?? FeedFormat.allCases)], [])
        }
        if let posts {
            let folder = url(posts)
            guard FileManager.default.fileExists(atPath: folder.path) else {
                throw ValidationError("--posts: no such folder `\(posts)`.")
            }
            let base = baseURL!.hasSuffix("/") ? baseURL! : baseURL! + "/"
            let siteSettings = Site(title: title ?? folder.lastPathComponent, baseURL: base)
            return ([BuildJob(source: .folder(folder, siteSettings), formats: formats ?? FeedFormat.allCases)], [])
        }
        let feeds = self.feeds ?? "feeds"
        let folder = url(feeds)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ValidationError("no feed definitions folder `\(feeds)` here: run where feeds/ holds *.yml definitions, or give --site DIR or --posts DIR.")
        }
        let files = try FeedDefinition.files(in: folder)
        if files.isEmpty {
            throw ValidationError("\(feeds)/ holds no feed definition (*.yml).")
        }
        var jobs: [BuildJob] = []
        var errors: [PostError] = []
        for file in files {
            do {
                let definition = try FeedDefinition.load(file)
                jobs.append(BuildJob(source: definition.source, definition: definition,
                                     formats: formats ?? definition.formats ?? FeedFormat.allCases))
            } catch let error as PostError {
                errors.append(error)
            }
        }
        if !errors.isEmpty && !keepGoing { throw DefinitionErrors(errors: errors) }
        return (jobs, errors)
    }

    func buildOptions(now: Date = Date(), check: FeedCheck? = FeedGate.check) -> BuildOptions {
        var options = BuildOptions()
        options.now = now
        options.includeFuture = future
        options.includeDrafts = drafts
        options.limit = limit
        options.check = check
        return options
    }

    var outputFolder: URL {
        URL(fileURLWithPath: output, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath)).standardizedFileURL
    }
}

/// Feed definitions that could not be read: every one of them, so that a run names them
/// all at once.
struct DefinitionErrors: Error {
    var errors: [PostError]

    /// Says each error, then how many definitions could not be read and `consequence`
    /// ("nothing written (…)").
    func say(to console: Console, _ consequence: String) {
        for error in errors { console.error(error.description) }
        console.error("\(errors.count) feed \(errors.count == 1 ? "definition" : "definitions") could not be read\(consequence)")
    }
}
