import CrierValidation
import CrierXML
import Foundation
import Yams

/// A feed defined by a YAML file in `feeds/`: where its posts are, and how to publish it.
///
/// ```yaml
/// title: Field Notes
/// description: Notes from the field
/// base_url: https://example.org/notes/
/// author: { name: Ada Lovelace, email: ada@example.org }
/// lang: en
/// timezone: Europe/London
/// posts: notes            # a bare folder, relative to this file (or absolute); or
/// # site: ../my-jekyll    # a Jekyll or Hugo site (its config gives the defaults)
/// path: notes/feed.xml    # Atom file; .rss and .json beside it
/// formats: [atom, rss, json]
/// limit: 20
/// tags: true              # or a list of tags; also `categories: [...]`
/// stylesheet: /feed.xsl
/// hub: [https://hub.example.org/]
/// raw_html: true
/// archive: true           # RFC 5005 archives of older entries (crier publish)
/// archive_size: 50        # entries per archive document (default: limit)
/// ```
public struct FeedDefinition: Sendable {
    /// The definition file.
    public var file: URL
    /// Where the posts are: `posts:`, a bare folder (relative to the definition file, or absolute) with
    /// the definition's settings; or `site:`, a Jekyll or Hugo site.
    public var source: PostSource
    /// Formats to write; `nil` when the definition does not say (the command decides).
    public var formats: [FeedFormat]?
    /// Older entries go to RFC 5005 archive documents (`archive: true`).
    public var archive = false
    /// Entries per archive document (`archive_size`); `nil` for the feed's limit.
    public var archiveSize: Int?
    /// Settings the definition gives, laid over a site's own configuration.
    var overrides: Site
    var overriddenKeys: Set<String>

    /// The site settings after the definition's keys are laid over `site` (for a `site:`
    /// source, whose own configuration gives the defaults).
    public func applyingOverrides(to site: Site) -> Site {
        var result = site
        let given = overriddenKeys
        if given.contains("title") { result.title = overrides.title }
        if given.contains("description") { result.description = overrides.description }
        if given.contains("base_url") || given.contains("url") { result.baseURL = overrides.baseURL }
        if given.contains("author") { result.authors = overrides.authors }
        if given.contains("lang") || given.contains("language") { result.language = overrides.language }
        if given.contains("timezone") { result.timeZone = overrides.timeZone }
        if given.contains("path") { result.feed.path = overrides.feed.path }
        if given.contains("limit") { result.feed.postsLimit = overrides.feed.postsLimit }
        if given.contains("excerpt_only") { result.feed.excerptOnly = overrides.feed.excerptOnly }
        if given.contains("categories") { result.feed.categories = overrides.feed.categories }
        if given.contains("tags") {
            result.feed.tags = overrides.feed.tags
            result.feed.allTags = overrides.feed.allTags
        }
        if given.contains("stylesheet") { result.feed.stylesheet = overrides.feed.stylesheet }
        if given.contains("hub") || given.contains("hubs") { result.feed.hubs = overrides.feed.hubs }
        if given.contains("raw_html") { result.feed.allowRawHTML = overrides.feed.allowRawHTML }
        return result
    }

    /// Reads a definition; errors name the file and line.
    public static func load(_ file: URL) throws -> FeedDefinition {
        let path = file.path
        let text: String
        do {
            text = try String(contentsOf: file, encoding: .utf8)
        } catch {
            throw PostError(path: path, message: "cannot read feed definition: \(error.localizedDescription)")
        }
        let node: Node?
        do {
            node = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw PostError(path: path, line: YAMLErrors.line(of: error), message: "invalid YAML: \(YAMLErrors.message(of: error))")
        }
        guard let mapping = node?.mapping else {
            throw PostError(path: path, line: 1, message: "a feed definition is a mapping of keys such as `title:` and `posts:`")
        }
        var keys = DefinitionKeys(mapping: mapping, path: path)
        try keys.refuseUnknownKeys()
        try keys.refuseSynonymsGivenTwice()
        let folder = file.deletingLastPathComponent()
        let name = file.deletingPathExtension().lastPathComponent

        let title = try keys.string("title")
        if let title, XMLText.isBlankOnceCleaned(title) {
            throw keys.error("title", "blank: a feed needs a title (leave `title:` out to use the file's name, \(name))")
        }
        var site = Site(title: title ?? name, baseURL: "http://localhost/")
        site.description = try keys.string("description")
        if let base = try keys.string("base_url") ?? keys.string("url") {
            if let problem = Site.addressProblem(base) {
                throw keys.error(keys.node("base_url") != nil ? "base_url" : "url", "`\(base)` \(problem)")
            }
            site.baseURL = base.hasSuffix("/") ? base : base + "/"
        }
        site.author = try keys.person("author")
        if let raw = try keys.string("lang") ?? keys.string("language") {
            guard let tag = LanguageValue.tag(raw) else {
                throw keys.error(keys.node("lang") != nil ? "lang" : "language", "`\(raw)` is not a language tag such as en or en-US")
            }
            site.language = tag
        }
        if let zone = try keys.string("timezone") {
            guard let timeZone = TimeZone(identifier: zone) else {
                throw keys.error("timezone", "unknown time zone `\(zone)` (use an IANA name such as Europe/Paris)")
            }
            site.timeZone = timeZone
        }
        site.feed.path = try keys.string("path") ?? "\(name).xml"
        if let problem = FeedPaths.problem(with: site.feed.path) { throw keys.error("path", problem) }
        site.feed.postsLimit = try keys.int("limit")
        site.feed.excerptOnly = try keys.bool("excerpt_only") ?? false
        if let categories = keys.node("categories"), DefinitionKeys.bool(categories) != nil, categories.scalar?.style == .plain {
            throw keys.error("categories", "expected a list of categories, each of which gets a feed (`tags: true` gives every tag a feed; categories are listed)")
        }
        site.feed.categories = try keys.strings("categories")
        if let tags = keys.node("tags"), DefinitionKeys.bool(tags) != nil {
            site.feed.allTags = try keys.bool("tags") ?? false
        } else {
            site.feed.tags = try keys.strings("tags")
        }
        site.feed.stylesheet = try keys.string("stylesheet")
        site.feed.hubs = try keys.strings("hub") + keys.strings("hubs")
        if let problem = Site.hubProblem(site.feed.hubs) { throw keys.error(keys.node("hub") != nil ? "hub" : "hubs", problem) }
        site.feed.allowRawHTML = try keys.bool("raw_html") ?? true

        var formats: [FeedFormat]?
        let formatNames = try keys.strings("formats")
        if !formatNames.isEmpty {
            formats = try formatNames.map { name in
                guard let format = FeedFormat(rawValue: name.lowercased()) else {
                    throw keys.error("formats", "unknown format `\(name)` (atom, rss or json)")
                }
                return format
            }
        }

        let source: PostSource
        if keys.node("posts") != nil, keys.node("site") != nil {
            // Either could be the one meant: neither is picked silently.
            throw keys.error("site", "`site:` and `posts:` both say where the posts are; keep one (`site:` for a Jekyll or Hugo site, `posts:` for a bare folder)")
        }
        if let posts = try keys.string("posts") {
            guard keys.given.contains("base_url") || keys.given.contains("url") else {
                throw PostError(path: path, line: 1, message: "`base_url` is missing: say where the posts are published, such as `base_url: https://example.org/blog/` (readers need absolute links, and entry ids are made from its host)")
            }
            source = .folder(Self.resolve(posts, from: folder), site)
        } else if let sitePath = try keys.string("site") {
            source = .site(Self.resolve(sitePath, from: folder))
        } else {
            throw PostError(path: path, line: 1, message: "say where the posts are: `posts: FOLDER` or `site: FOLDER`")
        }
        let archive = try keys.bool("archive") ?? false
        let archiveSize = try keys.int("archive_size")
        if archiveSize == 0 { throw keys.error("archive_size", "an archive document holds at least one entry") }
        if archive, archiveSize == nil, site.feed.postsLimit == 0 {
            // Archive documents are as long as the feed unless sized: of no entry each.
            throw keys.error("limit", "is 0 with `archive: true`: give the feed at least one entry, or the archive documents an `archive_size`")
        }
        return FeedDefinition(file: file, source: source, formats: formats, archive: archive, archiveSize: archiveSize,
                              overrides: site, overriddenKeys: keys.given)
    }

    /// A `posts:` or `site:` folder: an absolute path as it is, any other relative to
    /// `folder`, the definition's own.
    static func resolve(_ given: String, from folder: URL) -> URL {
        (given.hasPrefix("/") ? URL(fileURLWithPath: given, isDirectory: true)
            : folder.appendingPathComponent(given)).standardizedFileURL
    }

    /// A definition that only lays a title and/or base URL over a site's own settings
    /// (`crier build --site DIR --title ... --base-url ...`).
    public static func overriding(site folder: URL, title: String?, baseURL: String?) -> FeedDefinition {
        var site = Site(title: title ?? "", baseURL: baseURL.map { $0.hasSuffix("/") ? $0 : $0 + "/" } ?? "")
        site.feed = FeedSettings()
        var keys: Set<String> = []
        if title != nil { keys.insert("title") }
        if baseURL != nil { keys.insert("base_url") }
        return FeedDefinition(file: folder, source: .site(folder), formats: nil, overrides: site, overriddenKeys: keys)
    }

    /// Every `*.yml`/`*.yaml` file in `folder`, sorted by name.
    public static func files(in folder: URL) throws -> [URL] {
        try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)
            .filter { ["yml", "yaml"].contains($0.pathExtension.lowercased()) }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
    }
}

/// Typed access to a definition's keys, with errors that name the key's line.
struct DefinitionKeys {
    let mapping: Node.Mapping
    let path: String
    private(set) var given: Set<String> = []

    init(mapping: Node.Mapping, path: String) {
        self.mapping = mapping
        self.path = path
    }

    /// The value of `key`; `nil` when it is absent or null (`~`, `null` or nothing): a key
    /// left empty is a setting not made.
    func node(_ key: String) -> Node? { mapping[key].flatMap { SourceText.isNull($0) ? nil : $0 } }

    /// A boolean written plain or quoted (`true`, `"yes"`), as `_config.yml` reads them.
    static func bool(_ node: Node) -> Bool? {
        node.bool ?? node.scalar.flatMap { ConfigValue.string($0.string).bool }
    }

    /// Every key a definition may have.
    static let known: Set<String> = [
        "title", "description", "base_url", "url", "author", "lang", "language", "timezone", "posts", "site", "path",
        "formats", "limit", "excerpt_only", "categories", "tags", "stylesheet", "hub", "hubs", "raw_html", "archive",
        "archive_size",
    ]

    /// Refuses a key that is not one of `known` (a misspelt key would otherwise be a
    /// setting silently not made), naming its line and the key it is closest to.
    func refuseUnknownKeys() throws {
        for (key, _) in mapping {
            guard let name = key.string, !DefinitionKeys.known.contains(name) else { continue }
            let closest = DefinitionKeys.known.map { (key: $0, distance: DefinitionKeys.distance(name, $0)) }
                .filter { $0.distance <= max(1, name.count / 3) }
                .min { ($0.distance, $0.key) < ($1.distance, $1.key) }
            let hint = closest.map { "; did you mean `\($0.key)`?" } ?? "; the keys are listed in the README under Feed definitions"
            throw PostError(path: path, line: key.mark?.line, message: "unknown key `\(name)`\(hint)")
        }
    }

    /// Keys that are two spellings of one setting: a definition may give one of each pair.
    static let synonyms = [("base_url", "url"), ("lang", "language")]

    /// Refuses a setting given under both its spellings (`base_url` and `url`), which would
    /// otherwise leave one value silently unused, naming the line of the second.
    func refuseSynonymsGivenTwice() throws {
        for (first, second) in DefinitionKeys.synonyms where node(first) != nil && node(second) != nil {
            let lines = [line(of: first) ?? 0, line(of: second) ?? 0]
            let later = lines[0] > lines[1] ? first : second
            throw error(later, "`\(first)` and `\(second)` are the same setting, given twice (lines \(lines.min()!) and \(lines.max()!)); keep one")
        }
    }

    /// Edits (insertions, deletions, substitutions) between two short keys.
    static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a.lowercased().replacingOccurrences(of: "-", with: "_")), b = Array(b)
        var row = Array(0...b.count)
        for i in 1...max(1, a.count) where !a.isEmpty {
            var previous = row[0]
            row[0] = i
            for j in 1...max(1, b.count) where !b.isEmpty {
                let current = row[j]
                row[j] = min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1] == b[j - 1] ? 0 : 1))
                previous = current
            }
        }
        return a.isEmpty ? b.count : row[b.count]
    }

    func error(_ key: String, _ message: String) -> PostError {
        PostError(path: path, line: line(of: key), message: "`\(key)`: \(message)")
    }

    /// The line `key` is written on.
    func line(of key: String) -> Int? {
        mapping.first { $0.key.string == key }.map { $0.key.mark?.line ?? 0 }
    }

    /// The text of `key`; throws when it is a list or a mapping, which would otherwise be
    /// dropped without a word.
    mutating func string(_ key: String) throws(PostError) -> String? {
        guard let node = node(key) else { return nil }
        guard let scalar = node.scalar else { throw error(key, "expected text, got \(node.sequence != nil ? "a list" : "a mapping")") }
        guard !scalar.string.isEmpty else { return nil }
        given.insert(key)
        return scalar.string
    }

    /// A list of texts, or one text of words separated by spaces; throws for a mapping,
    /// or a list holding one.
    mutating func strings(_ key: String) throws(PostError) -> [String] {
        guard let value = node(key) else { return [] }
        given.insert(key)
        if let sequence = value.sequence {
            var texts: [String] = []
            for item in sequence where !SourceText.isNull(item) {
                guard let scalar = item.scalar else { throw error(key, "expected a list of texts, but an item is \(item.sequence != nil ? "a list" : "a mapping")") }
                texts.append(scalar.string)
            }
            return texts
        }
        if let scalar = value.scalar?.string { return scalar.split(separator: " ").map(String.init) }
        throw error(key, "expected a list of texts, got a mapping")
    }

    mutating func int(_ key: String) throws -> Int? {
        guard let value = node(key) else { return nil }
        // Quoted too (`"20"`), as `_config.yml` reads it.
        let int = value.int ?? value.scalar.flatMap { ConfigValue.string($0.string).int }
        guard let int, int >= 0 else { throw error(key, "expected a whole number, got `\(value.scalar?.string ?? "?")`") }
        given.insert(key)
        return int
    }

    mutating func bool(_ key: String) throws -> Bool? {
        guard let value = node(key) else { return nil }
        guard let bool = DefinitionKeys.bool(value) else { throw error(key, "expected true or false") }
        given.insert(key)
        return bool
    }

    mutating func person(_ key: String) throws -> Person? {
        guard let value = node(key) else { return nil }
        given.insert(key)
        if let name = value.scalar?.string { return Person(name: name) }
        if let m = value.mapping, let name = m["name"]?.string {
            let email = m["email"]?.string
            if let email, !FeedValues.isEmailAddress(email) {
                // Said here, at its line, rather than by the gate at the line of the feed it is written into.
                throw PostError(path: path, line: m["email"]?.mark?.line ?? line(of: key), message: "`\(key)`: `email: \(email)` is not an email address such as ada@example.org")
            }
            let uriKey = m["uri"] != nil ? "uri" : "url"
            let uriNode = m[uriKey]
            if let uri = uriNode?.string, let problem = FeedValues.problem(withURI: uri) {
                throw PostError(path: path, line: uriNode?.mark?.line ?? line(of: key), message: "`\(key)`: `\(uriKey): \(uri)` \(problem)")
            }
            return Person(name: name, email: email, uri: uriNode?.string)
        }
        throw error(key, "expected a name, or a mapping with `name:` and optional `email:` and `uri:`")
    }
}

/// Line and message of a Yams error, for messages that name the line.
enum YAMLErrors {
    static func line(of error: YamlError) -> Int? {
        switch error {
        case .scanner(_, _, let mark, _), .parser(_, _, let mark, _), .composer(_, _, let mark, _):
            return mark.line
        default:
            return nil
        }
    }

    static func message(of error: YamlError) -> String {
        switch error {
        case .scanner(_, let problem, _, _), .parser(_, let problem, _, _), .composer(_, let problem, _, _):
            return problem
        default:
            return "\(error)"
        }
    }
}
