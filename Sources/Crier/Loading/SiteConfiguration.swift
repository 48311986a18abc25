import CrierValidation
import CrierXML
import Foundation

/// The kind of source being loaded, which decides the rules for its posts.
enum SourceFlavor: Sendable, Equatable {
    case jekyll, hugo, folder
}

/// Everything per-site the post rules need, read once before the posts.
struct SiteContext: Sendable {
    var flavor: SourceFlavor
    var root: URL
    var site: Site
    /// Jekyll permalink pattern for posts (site `permalink`, default style `date`).
    var permalink: String
    /// Jekyll `excerpt_separator` (default: a blank line).
    var excerptSeparator: String = "\n\n"
    /// Jekyll `unpublished: true`: posts marked `published: false` are published too.
    var includeUnpublished = false
    /// Jekyll `_data/authors.yml`: author keys to `{name, email, uri}`.
    var authors: ConfigTable = ConfigTable()
    /// Jekyll `defaults:` entries that apply to posts, in the order written: (path prefix,
    /// whether the scope names a `type`, values).
    var frontMatterDefaults: [(path: String, typed: Bool, values: ConfigTable)] = []
    /// Jekyll `markdown_ext`, in lower case: the posts rendered as Markdown; Jekyll
    /// publishes the others as they are written.
    var jekyllMarkdownExtensions = Set(PostFiles.jekyllMarkdownExtensions)
    /// Jekyll `exclude:` paths, relative to the root, without leading or trailing `/`.
    var excluded: [String] = []
    /// Hugo `[permalinks]`: section to pattern.
    var hugoPermalinks: [String: String] = [:]
    /// Hugo `contentDir`.
    var contentDirectory = "content"
    /// A multilingual Hugo site's languages (`[languages]`, lower case), the default
    /// (`defaultContentLanguage`) first, and the content folders of the others; `nil` for a
    /// site of one language. Its feeds are the default language's.
    var hugoLanguages: (all: Set<String>, primary: String, otherFolders: [String], inSubdir: Bool)?
    /// How a Hugo post is dated: its `publishDate` handlers, then its `date` handlers, in
    /// order (front matter keys in lower case, `:filename`, `:filemodtime`, `:git`), as the
    /// site's `[frontmatter]` gives them, else Hugo's defaults.
    var hugoDateHandlers = SiteConfiguration.hugoPublishDateDefaults + SiteConfiguration.hugoDateDefaults
    /// Hugo `canonifyURLs`: a root-relative URL (`/images/a.png`) is relative to `baseURL`,
    /// its path included, as Hugo rewrites it.
    var hugoCanonifyURLs = false
    /// Hugo's folders (below the content folder) that have an `_index` page.
    var hugoSectionFolders: Set<[String]> = []
    /// Hugo `buildDrafts` and `buildExpired`: drafts, and posts past their `expiryDate`,
    /// are published, as Hugo then publishes them (`buildFuture` is the site's
    /// `includeFuture`).
    var hugoBuildDrafts = false
    var hugoBuildExpired = false
    /// Hugo `uglyURLs`: `true` for every section, or a table of sections; a page of such
    /// a section is published at `/section/name.html` rather than `/section/name/`.
    var hugoUglyURLs: (all: Bool, sections: [String: Bool]) = (false, [:])
    /// Hugo's `cascade`s (site configuration and `_index` pages), when there are any.
    var hugoCascade: HugoCascade?
    /// The warning that the configuration gives no address of its own (so links use
    /// localhost), given only if no override (`--base-url`, a definition's `base_url`)
    /// gives one either.
    var noAddress: PostError?
    /// The site's posts, for `{% post_url %}` and `{% link %}` (Jekyll); `nil` while
    /// finding another post's URL, so that a post linking back is not loaded again.
    var postLinks: (any JekyllLiquid.Links)?
}

/// Reading `_config.yml`, `hugo.toml`/`config.toml` (or `.yaml`, `.json`) into a `Site`.
enum SiteConfiguration {
    /// Hugo 0.111's `[frontmatter]` defaults: the keys `publishDate` and `date` are read
    /// from, in order (lower case).
    static let hugoPublishDateDefaults = ["publishdate", "pubdate", "published", "date"]
    static let hugoDateDefaults = ["date", "publishdate", "pubdate", "published", "lastmod", "modified"]

    /// A Hugo site's own configuration file at its root, the first of these there is.
    static let hugoRootConfigNames = [
        "hugo.toml", "hugo.yaml", "hugo.yml", "hugo.json",
        "config.toml", "config.yaml", "config.yml", "config.json",
    ]
    /// The files that make a folder a Hugo site when the environment is `environment`: a
    /// root file, or a `hugo.*` or `config.*` file in `config/_default/` or the
    /// environment's folder (the files `hugoConfiguration` reads).
    static func hugoConfigNames(environment: String) -> [String] {
        hugoRootConfigNames + hugoConfigFolders(environment: environment).flatMap { folder in hugoRootConfigNames.map { folder + "/" + $0 } }
    }

    /// A Jekyll site's configuration file, the first of these there is.
    static let jekyllConfigNames = ["_config.yml", "_config.yaml"]

    /// Whether `read(root:warnings:)` reads the site at `root` as a Hugo site: a Hugo
    /// configuration file and no Jekyll one.
    static func isHugo(root: URL) -> Bool {
        !jekyllConfigNames.contains { exists($0, in: root) } && hasHugoConfiguration(root)
    }

    /// Whether `root` holds a Hugo configuration file (Jekyll's aside).
    private static func hasHugoConfiguration(_ root: URL) -> Bool {
        hugoConfigNames(environment: hugoEnvironment).contains { exists($0, in: root) }
    }

    /// Whether `name` (relative, with `/`) is there in `root`.
    private static func exists(_ name: String, in root: URL) -> Bool {
        FileManager.default.fileExists(atPath: root.appendingPathComponent(name).path)
    }

    /// Detects the kind of site at `root` and reads its configuration.
    /// Problems that make the site unusable are thrown; others are warnings.
    static func read(root: URL, warnings: inout [PostError]) throws(PostError) -> SiteContext {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw PostError(path: displayPath(root), message: "no such folder")
        }
        if let name = jekyllConfigNames.first(where: { exists($0, in: root) }) {
            return try readJekyll(root: root, config: name, warnings: &warnings)
        }
        if hasHugoConfiguration(root) {
            return try readHugo(root: root, warnings: &warnings)
        }
        if exists("_posts", in: root) { return try readJekyll(root: root, config: nil, warnings: &warnings) }
        throw PostError(path: displayPath(root), message: "neither a Jekyll site (_config.yml, _posts/) nor a Hugo site (hugo.toml, config.toml); use --posts for a bare folder of posts")
    }

    static func loadTable(_ url: URL, path: String) throws(PostError) -> ConfigTable {
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw PostError(path: path, message: "cannot read the file: \(FileIO.unreadableReason(url.path))")
        }
        let text = try SourceText.decode(Array(data), path: path)
        if url.pathExtension == "toml" {
            do {
                return try TOML.parse(text)
            } catch {
                throw PostError(path: path, line: error.line, message: "TOML: \(error.message)")
            }
        }
        // YAML, and JSON, which YAML reads too.
        return try SourceText.parseYAML(text, path: path, firstLine: 1)
    }

    // MARK: Jekyll

    /// The site's title from `entry` of `table`, empty when there is none; a value of
    /// another kind (a list, a mapping) is a warning at its line saying so, and no title.
    static func siteTitle(_ entry: (key: String, value: ConfigValue)?, in table: ConfigTable, path: String, toml: Bool = false,
                          warnings: inout [PostError]) -> String {
        guard let entry else { return "" }
        if let text = entry.value.scalarText {
            // Only white space or characters no feed holds (U+0001): the feeds' title would
            // be empty, which the gate refuses naming the feed, not this line.
            if !text.isEmpty, XMLText.isBlankOnceCleaned(text) {
                warnings.append(PostError(path: path, line: table.line(of: entry.key),
                                          message: "`\(entry.key)` holds nothing a feed can show (only white space or control characters); ignored"))
                return ""
            }
            return text
        }
        warnings.append(PostError(path: path, line: table.line(of: entry.key),
                                  message: "`\(entry.key)` is \(entry.value.kindForUser(toml: toml)), not text; ignored"))
        return ""
    }

    static func readJekyll(root: URL, config: String?, warnings: inout [PostError]) throws(PostError) -> SiteContext {
        var table = ConfigTable()
        var configPath = displayPath(root.appendingPathComponent("_config.yml"))
        if let config {
            let url = root.appendingPathComponent(config)
            configPath = displayPath(url)
            table = try loadTable(url, path: configPath)
        }
        var site = Site(title: siteTitle(table.first("title", "name"), in: table, path: configPath, warnings: &warnings), baseURL: "")
        site.description = table.value("description")?.scalarText
        var url = table.value("url")?.scalarText ?? ""
        var noAddress: PostError?
        if !url.isEmpty && !HTMLFragment.hasScheme(url) {
            throw PostError(path: configPath, line: table.line(of: "url"),
                            message: "`url: \(url)` needs a scheme, such as https://\(url.drop { $0 == "/" }) (feed readers need absolute links)")
        }
        if url.isEmpty {
            url = "http://localhost:4000"
            noAddress = PostError(path: configPath, message: "no `url`: links use \(url) until you set one")
        }
        while url.hasSuffix("/") { url.removeLast() }
        var baseurl = table.value("baseurl")?.scalarText ?? ""
        baseurl = baseurl.split(separator: "/").joined(separator: "/")
        site.baseURL = url + "/" + (baseurl.isEmpty ? "" : baseurl + "/")
        if let problem = Site.addressProblem(site.baseURL) {
            // The line of `baseurl` when the address is sound without it.
            let key = table.value("url") != nil && (baseurl.isEmpty || Site.addressProblem(url + "/") != nil) ? "url" : "baseurl"
            throw PostError(path: configPath, line: table.line(of: key), message: "`url` and `baseurl` make `\(site.baseURL)`, which \(problem)")
        }
        site.language = language(table, keys: ["lang", "locale"], path: configPath, warnings: &warnings)
        if let zone = table.value("timezone"), zone.scalarText == nil {
            throw PostError(path: configPath, line: table.line(of: "timezone"), message: "`timezone` is \(zone.kindForUser()), not a time zone name such as Europe/Berlin")
        }
        if let zone = table.value("timezone")?.scalarText {
            guard let timeZone = TimeZone(identifier: zone) else {
                throw PostError(path: configPath, line: table.line(of: "timezone"), message: "unknown time zone '\(zone)' (use an IANA name such as Europe/Berlin)")
            }
            site.timeZone = timeZone
        }
        var authorsData = ConfigTable()
        for name in ["_data/authors.yml", "_data/authors.yaml", "_data/authors.json"] {
            let authorsURL = root.appendingPathComponent(name)
            if FileManager.default.fileExists(atPath: authorsURL.path) {
                authorsData = try loadTable(authorsURL, path: displayPath(authorsURL))
                break
            }
        }
        if let author = table.value("author") {
            site.authors = try PersonRules.checkedPeople(from: author, key: "author", authors: authorsData,
                                                          path: configPath, line: table.line(of: "author"))
        }
        if let feed = table.value("feed")?.table {
            site.feed = try feedSettings(feed, path: configPath, base: site.feed)
        } else if let feed = table.value("feed") {
            warnings.append(PostError(path: configPath, line: table.line(of: "feed"),
                                      message: "`feed` is \(feed.kindForUser()), not jekyll-feed's settings (path:, posts_limit:, tags:, ...); ignored"))
        }
        let style = table.value("permalink")?.scalarText ?? "date"
        site.permalink = style
        // Jekyll's switches for posts it would otherwise leave out, which its feed then lists.
        if table.value("future")?.bool == true { site.feed.includeFuture = true }
        var context = SiteContext(flavor: .jekyll, root: root, site: site, permalink: Permalink.jekyllPattern(style))
        context.includeUnpublished = table.value("unpublished")?.bool == true
        context.noAddress = noAddress
        if let separator = table.value("excerpt_separator")?.scalarText { context.excerptSeparator = separator }
        context.authors = authorsData
        if let value = table.value("markdown_ext") {
            if let list = value.scalarText {
                // Jekyll's reading: split at commas, each in lower case (not trimmed:
                // `md, mdx` names ` mdx`, which no file has).
                context.jekyllMarkdownExtensions = Set(list.split(separator: ",", omittingEmptySubsequences: false).map { $0.lowercased() })
            } else {
                warnings.append(PostError(path: configPath, line: table.line(of: "markdown_ext"),
                                          message: "`markdown_ext` is \(value.kindForUser()), not a list of extensions separated by commas (such as \"md,markdown\"); Jekyll's own list is used"))
            }
        }
        context.excluded = (table.value("exclude")?.stringList ?? []).map { path in
            String(path.drop(while: { $0 == "/" }).reversed().drop(while: { $0 == "/" }).reversed())
        }.filter { !$0.isEmpty }
        if case .array(let defaults)? = table.value("defaults") {
            for entry in defaults {
                guard let entry = entry.table, let values = entry["values"]?.table else { continue }
                let scope = entry["scope"]?.table
                let type = scope?["type"]?.scalarText
                guard type == nil || type == "posts" else { continue }
                let path = scope?["path"]?.scalarText ?? ""
                context.frontMatterDefaults.append((path, type != nil, values))
            }
        }
        return context
    }

    /// jekyll-feed's `feed:` keys.
    static func feedSettings(_ feed: ConfigTable, path: String, base: FeedSettings) throws(PostError) -> FeedSettings {
        var settings = base
        if let value = feed["path"]?.scalarText {
            // jekyll-feed's paths are site paths: `/feed.xml` is `feed.xml` in the output.
            settings.path = String(value.drop(while: { $0 == "/" }))
            if let problem = FeedPaths.problem(with: settings.path) {
                throw PostError(path: path, line: feed.line(of: "path"), message: "feed: path \(problem)")
            }
        }
        if let limit = feed["posts_limit"] {
            guard let n = limit.int, n >= 0 else {
                throw PostError(path: path, line: feed.line(of: "posts_limit"), message: "feed: posts_limit must be a whole number")
            }
            settings.postsLimit = n
        }
        if let excerptOnly = feed["excerpt_only"]?.bool { settings.excerptOnly = excerptOnly }
        if let categories = feed["categories"] { settings.categories = categories.stringList }
        switch feed["tags"] {
        case let value? where value.bool != nil:
            // jekyll-feed's `tags: true` (plain YAML values are read as text).
            settings.allTags = value.bool ?? false
        case .table(let tags)?:
            let only = tags["only"]?.stringList ?? []
            if only.isEmpty {
                settings.allTags = true
            } else {
                settings.tags = only
            }
            settings.excludedTags = tags["except"]?.stringList ?? []
        case .array?, .string?:
            settings.tags = feed["tags"]?.stringList ?? []
        default:
            break
        }
        if let stylesheet = feed["stylesheet"]?.scalarText { settings.stylesheet = stylesheet }
        if let hubs = feed["hubs"] ?? feed["hub"] {
            settings.hubs = hubs.stringList
            if let problem = Site.hubProblem(settings.hubs) {
                let key = feed["hubs"] != nil ? "hubs" : "hub"
                throw PostError(path: path, line: feed.line(of: key), message: "feed: \(key): \(problem)")
            }
        }
        return settings
    }

    // MARK: Hugo

    /// The first of `keys` in `table` as a language tag (`LanguageValue`); a value that is
    /// none is a warning naming its line, and no language.
    static func language(_ table: ConfigTable, keys: [String], path: String, warnings: inout [PostError]) -> String? {
        for key in keys {
            if let value = table.value(key), value.scalarText == nil {
                warnings.append(PostError(path: path, line: table.line(of: key), message: "`\(key)` is \(value.kindForUser()), not a language tag such as en or en-US; ignored"))
            }
        }
        guard let key = keys.first(where: { table.value($0)?.scalarText != nil }), let raw = table.value(key)?.scalarText,
              !raw.trimmingCharacters(in: .whitespaces).isEmpty else { return nil }
        guard let tag = LanguageValue.tag(raw) else {
            warnings.append(LanguageValue.warning(key: key, raw: raw, path: path, line: table.line(of: key)))
            return nil
        }
        return tag
    }

    /// The folders of Hugo's configuration directory that `hugo` reads in `environment`,
    /// in the order they are laid over the root file.
    static func hugoConfigFolders(environment: String) -> [String] { ["config/_default", "config/" + environment] }

    /// The environment `hugo` builds for, as Hugo 0.111 finds it (checked): the variable
    /// `HUGO_ENVIRONMENT`, or when it is not set `HUGO_ENV`; `production` when the one
    /// found is empty or neither is set (`hugo server` would build `development`).
    static var hugoEnvironment: String { hugoEnvironmentSetting.name }

    /// `hugoEnvironment`, and the variable that named it (`nil` for the default).
    static var hugoEnvironmentSetting: (name: String, variable: String?) {
        let variables = ProcessInfo.processInfo.environment
        guard let variable = ["HUGO_ENVIRONMENT", "HUGO_ENV"].first(where: { variables[$0] != nil }),
              let name = variables[variable], !name.isEmpty else { return ("production", nil) }
        return (name, variable)
    }

    /// Why `name` (set in `variable`) cannot be an environment (a folder of `config/`),
    /// or `nil` when it can.
    static func environmentProblem(_ name: String, variable: String?) -> String? {
        guard name.contains("/") || name.contains("\0") || name == "." || name == ".." else { return nil }
        return "\(variable.map { "\($0)=\(name)" } ?? "the environment \(name)") is not an environment name: it names a folder of config/ (production, staging, ...)"
    }

    /// A Hugo site's configuration as `hugo` merges it: the root file (`hugo.toml`,
    /// `config.toml`, ...), then each folder of `hugoConfigFolders(environment:)`: its `hugo.*` or
    /// `config.*` file, then its files named after a key (`params.toml` is `params`). A
    /// later file's keys replace earlier ones (tables are merged key by key). Returns the
    /// table and the file each top-level key was last set in (by lower-cased key).
    /// `environment` is `hugoEnvironment` unless given.
    static func hugoConfiguration(root: URL, environment given: String? = nil) throws(PostError)
        -> (table: ConfigTable, files: [String: String], main: String) {
        let (environment, variable) = given.map { ($0, nil) } ?? hugoEnvironmentSetting
        if let problem = environmentProblem(environment, variable: variable) { throw PostError(path: displayPath(root), message: problem) }
        let fm = FileManager.default
        var layers: [(url: URL, key: String?)] = []
        let extensions = ["toml", "yaml", "yml", "json"]
        if let name = hugoRootConfigNames.first(where: { exists($0, in: root) }) {
            layers.append((root.appendingPathComponent(name), nil))
        }
        for folder in hugoConfigFolders(environment: environment) {
            let directory = root.appendingPathComponent(folder)
            // (file, the key it holds: `nil` for the folder's own `hugo.*`/`config.*`)
            let files: [(url: URL, key: String?)] = ((try? fm.contentsOfDirectory(atPath: directory.path)) ?? []).sorted().compactMap { name in
                let (base, ext) = FileNames.split(name)
                guard extensions.contains(ext), !base.isEmpty, !base.contains(".") else { return nil }
                return (directory.appendingPathComponent(name), base == "hugo" || base == "config" ? nil : base)
            }
            // The folder's own file first, then the files of single keys.
            layers += files.filter { $0.key == nil } + files.filter { $0.key != nil }
        }
        var merged = ConfigTable()
        var files: [String: String] = [:]
        for layer in layers {
            let path = displayPath(layer.url)
            var table = try loadTable(layer.url, path: path)
            if let key = layer.key {
                var wrapped = ConfigTable()
                wrapped[key] = .table(table)
                table = wrapped
            }
            merged = overlay(table, on: merged)
            for key in table.keys { files[key.lowercased()] = path }
        }
        return (merged, files, layers.first.map { displayPath($0.url) } ?? displayPath(root))
    }

    /// `top` laid over `base`: each key of `top` replaces the key of `base` that differs
    /// from it only by case (Hugo's keys have none), tables being merged key by key.
    static func overlay(_ top: ConfigTable, on base: ConfigTable) -> ConfigTable {
        var merged = base
        for key in top.keys {
            guard let value = top[key] else { continue }
            let lower = key.lowercased()
            let existing = merged.keys.first { ConfigTable.lowercases($0, to: lower) }
            var newValue = value
            if let existing, case .table(let topTable) = value, case .table(let baseTable)? = merged[existing] {
                newValue = .table(overlay(topTable, on: baseTable))
            }
            if let existing {
                merged[existing] = nil
                merged.lines[existing] = nil
            }
            merged[key] = newValue
            merged.lines[key] = top.line(of: key)
        }
        return merged
    }

    static func readHugo(root: URL, warnings: inout [PostError]) throws(PostError) -> SiteContext {
        let (table, files, mainPath) = try hugoConfiguration(root: root)
        /// The file `key` was last set in.
        func file(of key: String) -> String { files[key.lowercased()] ?? mainPath }
        /// Whether `key` was set in YAML, where `yes` and `on` are booleans to Hugo.
        func isYAML(_ key: String) -> Bool { [".yaml", ".yml"].contains { file(of: key).lowercased().hasSuffix($0) } }
        let params = table.value("params")?.table ?? ConfigTable()
        let titlePath = file(of: "title")
        var site = Site(title: siteTitle(table.first("title"), in: table, path: titlePath, toml: titlePath.hasSuffix(".toml"), warnings: &warnings),
                        baseURL: "")
        var base = table.value("baseURL")?.scalarText ?? ""
        let baseURLLine = table.first("baseURL").flatMap { table.line(of: $0.key) }
        var noAddress: PostError?
        if base.isEmpty || !HTMLFragment.hasScheme(base) {
            noAddress = PostError(path: file(of: "baseURL"), line: baseURLLine,
                                  message: "no absolute `baseURL`: links use http://localhost:1313/ until you set one")
            base = "http://localhost:1313/"
        }
        if !base.hasSuffix("/") { base += "/" }
        if let problem = Site.addressProblem(base) {
            throw PostError(path: file(of: "baseURL"), line: baseURLLine, message: "`baseURL: \(base)` \(problem)")
        }
        site.baseURL = base
        let languageKey = table.first("languageCode", "defaultContentLanguage")?.key ?? "languageCode"
        site.language = language(table, keys: ["languageCode", "defaultContentLanguage"], path: file(of: languageKey), warnings: &warnings)
        site.description = params.value("description")?.scalarText ?? table.value("description")?.scalarText
        if let zoneEntry = table.first("timeZone") ?? params.first("timeZone") {
            let zone = zoneEntry.value.scalarText ?? ""
            guard let timeZone = TimeZone(identifier: zone) else {
                let inParams = table.first("timeZone") == nil
                throw PostError(path: file(of: inParams ? "params" : zoneEntry.key), line: inParams ? params.line(of: zoneEntry.key) : table.line(of: zoneEntry.key),
                                message: "unknown time zone '\(zone)' (use an IANA name such as Europe/Berlin)")
            }
            site.timeZone = timeZone
        }
        if let author = params.value("author") {
            site.authors = try PersonRules.checkedPeople(from: author, key: "author", authors: ConfigTable(),
                                                          path: file(of: "params"), line: params.line(of: "author"))
        } else if let author = table.value("author") {
            site.authors = try PersonRules.checkedPeople(from: author, key: "author", authors: ConfigTable(),
                                                          path: file(of: "author"), line: table.line(of: "author"))
        }
        var context = SiteContext(flavor: .hugo, root: root, site: site, permalink: "")
        context.noAddress = noAddress
        if let contentDir = table.value("contentDir")?.scalarText { context.contentDirectory = contentDir }
        // Content mounted from elsewhere (`[[module.mounts]]`) is not read: said, once per
        // mount, as its posts are missing from the feeds.
        if case .array(let mounts)? = table.value("module")?.table?.value("mounts") {
            for mount in mounts.compactMap(\.table) {
                guard let target = mount.value("target")?.scalarText, target == "content" || target.hasPrefix("content/"),
                      let source = mount.value("source")?.scalarText, source != context.contentDirectory else { continue }
                warnings.append(PostError(path: file(of: "module"), line: table.value("module")?.table?.line(of: "mounts"),
                                          message: "`[[module.mounts]]` mounts \(source) at \(target): Crier reads only the content folder, so the posts mounted there are not in the feeds"))
            }
        }
        let defaultLanguage = table.value("defaultContentLanguage")?.scalarText ?? "en"
        if let languages = table.value("languages")?.table, languages.keys.count > 1 {
            let primary = defaultLanguage.lowercased()
            var others: [String] = []
            for key in languages.keys {
                let folder = languages[key]?.table?.value("contentDir")?.scalarText
                if key.lowercased() == primary {
                    if let folder { context.contentDirectory = folder }
                    if let code = languages[key]?.table?.value("languageCode")?.scalarText { site.language = LanguageValue.tag(code) ?? site.language }
                } else if let folder {
                    others.append(folder.hasSuffix("/") ? folder : folder + "/")
                }
            }
            context.site.language = site.language
            context.hugoLanguages = (Set(languages.keys.map { $0.lowercased() }), primary, others,
                                     table.value("defaultContentLanguageInSubdir")?.hugoBool(yaml: isYAML("defaultContentLanguageInSubdir")) == true)
        }
        let cascade = try HugoCascade.read(config: table, content: root.appendingPathComponent(context.contentDirectory),
                                           environment: hugoEnvironment,
                                           language: defaultLanguage)
        if !cascade.isEmpty { context.hugoCascade = cascade }
        context.hugoSectionFolders = cascade.indexFolders
        if table.value("buildFuture")?.hugoBool(yaml: isYAML("buildFuture")) == true { context.site.feed.includeFuture = true }
        context.hugoBuildDrafts = table.value("buildDrafts")?.hugoBool(yaml: isYAML("buildDrafts")) == true
        if let frontmatter = table.value("frontmatter")?.table?.withLowercasedKeys() {
            func handlers(_ key: String, default defaults: [String]) -> [String] {
                guard let value = frontmatter[key] else { return defaults }
                return value.stringList.flatMap { $0.lowercased() == ":default" ? defaults : [$0.lowercased()] }
            }
            context.hugoDateHandlers = handlers("publishdate", default: hugoPublishDateDefaults) + handlers("date", default: hugoDateDefaults)
        }
        context.hugoCanonifyURLs = table.value("canonifyURLs")?.hugoBool(yaml: isYAML("canonifyURLs")) == true
        context.hugoBuildExpired = table.value("buildExpired")?.hugoBool(yaml: isYAML("buildExpired")) == true
        switch table.value("uglyURLs") {
        case .table(let sections)?:
            for key in sections.keys { context.hugoUglyURLs.sections[key.lowercased()] = sections[key]?.hugoBool(yaml: isYAML("uglyURLs")) ?? false }
        case let value?:
            context.hugoUglyURLs.all = value.hugoBool(yaml: isYAML("uglyURLs")) ?? false
        case nil:
            break
        }
        if let permalinks = table.value("permalinks")?.table {
            // Hugo 0.120 moved them under `page`; both forms are read.
            let pages = permalinks.value("page")?.table ?? permalinks
            for key in pages.keys {
                if let pattern = pages[key]?.scalarText { context.hugoPermalinks[key] = pattern }
            }
        }
        return context
    }

    /// The path to show for `url`: relative to the working directory when inside it.
    static func displayPath(_ url: URL) -> String {
        let path = url.standardizedFileURL.path
        return relativeToWorkingDirectory(path, cwd: FileManager.default.currentDirectoryPath)
    }

    /// `displayPath(_:)` of the file at `path` (absolute, or relative to the working
    /// directory), worked out without a `URL` when the path has nothing to tidy (no `.` or
    /// `..` component, no doubled or trailing slash): a `URL` costs more than reading a
    /// post, and every post needs its path.
    static func displayPath(filePath path: String) -> String {
        let components = path.split(separator: "/", omittingEmptySubsequences: false)
        let tidy = !path.isEmpty && components.dropFirst(path.hasPrefix("/") ? 1 : 0).allSatisfy { !$0.isEmpty && $0 != "." && $0 != ".." }
        guard tidy else { return displayPath(URL(fileURLWithPath: path, isDirectory: false)) }
        let cwd = FileManager.default.currentDirectoryPath
        let absolute = path.hasPrefix("/") ? path : (cwd.hasSuffix("/") ? cwd : cwd + "/") + path
        return relativeToWorkingDirectory(absolute, cwd: cwd)
    }

    private static func relativeToWorkingDirectory(_ path: String, cwd: String) -> String {
        if path.hasPrefix(cwd + "/") { return String(path.dropFirst(cwd.count + 1)) }
        return path
    }
}

/// Authors as people write them: a string, an object, a list, or a key into Jekyll's
/// `_data/authors.yml`.
enum PersonRules {
    static func people(from value: ConfigValue, authors: ConfigTable) -> [Person] {
        switch value {
        case .array(let items):
            return items.flatMap { people(from: $0, authors: authors) }
        case .table(let table):
            return person(from: table, fallbackName: nil).map { [$0] } ?? []
        case .null:
            return []
        default:
            guard let name = value.scalarText?.trimmingWhitespace, !name.isEmpty else { return [] }
            if let data = authors[name]?.table, let person = person(from: data, fallbackName: name) {
                return [person]
            }
            return [Person(name: name)]
        }
    }

    /// `people(from:authors:)`, refused with `problem(in:key:authors:)` as an error at `line`
    /// of `path`, where the value is written.
    static func checkedPeople(from value: ConfigValue, key: String, authors: ConfigTable, path: String, line: Int?) throws(PostError) -> [Person] {
        if let problem = problem(in: value, key: key, authors: authors) { throw PostError(path: path, line: line, message: problem) }
        return people(from: value, authors: authors)
    }

    /// What the validator would refuse in a feed in the people `value` names (the value of
    /// `key`, read as `people(from:authors:)` reads it): an e-mail address that is not one,
    /// or an address that is not a URI. Said where the value is written, as the gate would
    /// name only the feed's line; a person from the site's authors data says so.
    static func problem(in value: ConfigValue, key: String, authors: ConfigTable) -> String? {
        switch value {
        case .array(let items):
            return items.lazy.compactMap { problem(in: $0, key: key, authors: authors) }.first
        case .table(let table):
            return person(from: table, fallbackName: nil).flatMap { problem(with: $0, key: key) }
        case .null:
            return nil
        default:
            guard let name = value.scalarText?.trimmingWhitespace, !name.isEmpty, let data = authors[name]?.table,
                  let person = person(from: data, fallbackName: name) else { return nil }
            return problem(with: person, key: key).map { $0 + " (in the site's authors data, under `\(name)`)" }
        }
    }

    private static func problem(with person: Person, key: String) -> String? {
        if let email = person.email, !FeedValues.isEmailAddress(email) {
            return "the e-mail address of `\(key)` \(person.name), \"\(email)\", is not one (write it as name@example.com, or leave it out)"
        }
        if let uri = person.uri, let problem = FeedValues.problem(withURI: uri) {
            return "the address of `\(key)` \(person.name), \"\(uri)\", \(problem)"
        }
        return nil
    }

    static func person(from table: ConfigTable, fallbackName: String?) -> Person? {
        let name = table.value("name", "display_name", "displayName")?.scalarText ?? fallbackName
        guard let name, !name.isEmpty else { return nil }
        let email = table.value("email")?.scalarText
        let uri = table.value("uri", "url", "web", "website", "homepage")?.scalarText
        return Person(name: name, email: email?.isEmpty == true ? nil : email, uri: uri?.isEmpty == true ? nil : uri)
    }
}
