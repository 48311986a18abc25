import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Hugo's `cascade`: front matter a section's `_index` page (or the site configuration)
/// hands down to the pages below it, as Hugo 0.111 applies it (checked with `hugo` here).
///
/// - A page's own front matter wins; then the nearest section's cascade, then those
///   further up, the site configuration's last. Within one list of cascades, the first
///   that gives a key wins.
/// - A cascade may be a list of tables, each with a `_target` saying which pages take
///   it: `path`, a glob over the page's path in the content folder with a leading `/`
///   and its extension (`/blog/**`; `*` stops at `/`, `**` does not), `kind` (`page`,
///   `section`, `home`...), `environment` and `lang`, each a glob.
/// - A section that is a draft (by its own `_index` front matter or by a cascade aimed
///   at it: `_target: {path: /private/_index.md}`, or `/private` for a section with no
///   `_index` page) takes all its pages out of the feed with it.
///   Sections are the folders at the top of the content folder, and below them the
///   folders that have an `_index` page.
struct HugoCascade: Sendable {
    /// One table of values and the pages it is for.
    struct Entry: Sendable {
        var values: ConfigTable
        var path: String?
        var kind: String?
        var environment: String?
        var language: String?
    }

    /// A section: its `_index` front matter (lower-case keys) and cascades.
    struct Section: Sendable {
        /// The `_index` page's file name (`_index.md`).
        var fileName = ""
        var frontMatter = ConfigTable()
        var cascades: [Entry] = []
        var yaml = true
    }

    /// By folder, in components below the content folder; `[]` is the home page.
    private(set) var sections: [[String]: Section] = [:]
    /// Every folder with an `_index` page, front matter or not: Hugo's sections below the
    /// top.
    var indexFolders: Set<[String]> { Set(sections.keys) }
    /// The site configuration's `cascade`, after the home page's own.
    private(set) var siteCascades: [Entry] = []
    var environment = "production"
    var language = "en"

    /// Whether there is anything to hand down, or any section a draft could be.
    var isEmpty: Bool { siteCascades.isEmpty && sections.values.allSatisfy { $0.cascades.isEmpty && $0.frontMatter.keys.isEmpty } }

    /// The `_index` pages of `content` (Markdown and HTML), with their folders, found by
    /// the loader's own walk.
    static func indexFiles(in content: URL) -> [(url: URL, folder: [String], name: String)] {
        var ignored: [PostError] = []
        return PostFiles.walk(content, warnings: &ignored) { _ in false }.compactMap { path, components in
            let name = components[components.count - 1]
            let (base, ext) = FileNames.split(name)
            guard base == "_index", PostFiles.hugoMarkdownExtensions.contains(ext) || PostFiles.htmlExtensions.contains(ext) else { return nil }
            return (URL(fileURLWithPath: path), Array(components.dropLast()), name)
        }
    }

    /// The cascades of the site whose configuration is `config` and content folder
    /// `content`. A `_index` page whose front matter cannot be read is an error naming it,
    /// as it is to Hugo: what it hands down (drafts, say) is unknown.
    static func read(config: ConfigTable, content: URL, environment: String, language: String) throws(PostError) -> HugoCascade {
        var cascade = HugoCascade()
        cascade.environment = environment
        cascade.language = language
        if let value = config.value("cascade") { cascade.siteCascades = entries(value) }
        for (url, folder, name) in indexFiles(in: content) {
            let path = SiteConfiguration.displayPath(url)
            guard let data = FileIO.read(url.path) else {
                throw PostError(path: path, message: "cannot read the file: \(FileIO.unreadableReason(url.path))")
            }
            let text = try SourceText.decodePost(data, path: path).text
            let document = try SourceText.split(text, path: path, json: true)
            // A section whatever its front matter, none included.
            var section = Section(fileName: name, frontMatter: document.frontMatter?.withLowercasedKeys() ?? ConfigTable(),
                                  yaml: document.syntax != .toml)
            if let value = section.frontMatter["cascade"] { section.cascades = entries(value) }
            section.frontMatter["cascade"] = nil
            cascade.sections[folder] = section
        }
        return cascade
    }

    /// A `cascade` value: one table, or a list of them. (Hugo 0.111 reads `_target` only
    /// in a list: a single table's is ignored, and its values reach every page below.)
    private static func entries(_ value: ConfigValue) -> [Entry] {
        let tables: [ConfigTable]
        var targeted = true
        switch value {
        case .table(let table):
            tables = [table]
            targeted = false
        case .array(let items): tables = items.compactMap(\.table)
        default: tables = []
        }
        return tables.map { table in
            var values = table.withLowercasedKeys()
            let target = targeted ? values["_target"]?.table?.withLowercasedKeys() : nil
            values["_target"] = nil
            return Entry(values: values, path: target?["path"]?.scalarText, kind: target?["kind"]?.scalarText,
                         environment: target?["environment"]?.scalarText, language: target?["lang"]?.scalarText)
        }
    }

    /// `frontMatter` (lower-case keys) of the page at `path` (components below the content
    /// folder, the file name last) with what the cascades hand down to it.
    func apply(to frontMatter: ConfigTable, page path: [String]) -> ConfigTable {
        var result = frontMatter
        for entry in cascades(reaching: Array(path.dropLast())) where matches(entry, path: "/" + path.joined(separator: "/"), kind: "page") {
            for key in entry.values.keys where !result.contains(key) {
                result[key] = entry.values[key]
            }
        }
        return result
    }

    /// Whether a section above the page at `path` is a draft, which takes the page out.
    func isInDraftSection(page path: [String]) -> Bool {
        let folders = Array(path.dropLast())
        guard !folders.isEmpty else { return false }
        for depth in 1...folders.count {
            let folder = Array(folders.prefix(depth))
            // Below the top, only a folder with an `_index` page is a section.
            guard depth == 1 || sections[folder] != nil else { continue }
            let section = sections[folder] ?? Section()
            var draft = section.frontMatter["draft"]
            if draft == nil {
                // A section's path is its `_index` page's (`/blog/_index.md`), or its
                // folder's without one (`/blog`).
                let path = "/" + (folder + (section.fileName.isEmpty ? [] : [section.fileName])).joined(separator: "/")
                // The section's own cascade reaches the section itself too, as Hugo applies it.
                for entry in cascades(reaching: folder)
                where entry.values["draft"] != nil && matches(entry, path: path, kind: "section") {
                    draft = entry.values["draft"]
                    break
                }
            }
            if draft?.hugoBool(yaml: section.yaml) == true { return true }
        }
        return false
    }

    /// The cascades that reach what is in `folder`: its own section's first, then those
    /// of the sections above it, then the site's.
    private func cascades(reaching folder: [String]) -> [Entry] {
        var found: [Entry] = []
        for depth in stride(from: folder.count, through: 0, by: -1) {
            if let section = sections[Array(folder.prefix(depth))] { found += section.cascades }
        }
        return found + siteCascades
    }

    private func matches(_ entry: Entry, path: String, kind: String) -> Bool {
        if let pattern = entry.path, !pattern.isEmpty, !Self.glob(pattern.lowercased(), matches: path.lowercased()) { return false }
        if let pattern = entry.kind, !pattern.isEmpty, !Self.glob(pattern.lowercased(), matches: kind) { return false }
        if let pattern = entry.environment, !pattern.isEmpty, !Self.glob(pattern, matches: environment) { return false }
        if let pattern = entry.language, !pattern.isEmpty, !Self.glob(pattern.lowercased(), matches: language.lowercased()) { return false }
        return true
    }

    /// Whether `text` matches the glob `pattern`, with `/` as the separator: `**` matches
    /// anything, `*` anything but `/`, `?` one character but `/`, `{a,b}` either. (Each
    /// place in the pattern is tried at each place in the text once.)
    static func glob(_ pattern: String, matches text: String) -> Bool {
        var failed = Set<[Int]>()
        return glob(Array(pattern), 0, Array(text), 0, &failed)
    }

    private static func glob(_ p: [Character], _ i: Int, _ t: [Character], _ j: Int, _ failed: inout Set<[Int]>) -> Bool {
        guard i < p.count else { return j == t.count }
        guard !failed.contains([p.count, i, j]) else { return false }
        let matched: Bool
        switch p[i] {
        case "*":
            let double = i + 1 < p.count && p[i + 1] == "*"
            let next = i + (double ? 2 : 1)
            var k = j
            var found = false
            while true {
                if glob(p, next, t, k, &failed) { found = true; break }
                guard k < t.count, double || t[k] != "/" else { break }
                k += 1
            }
            matched = found
        case "?":
            matched = j < t.count && t[j] != "/" && glob(p, i + 1, t, j + 1, &failed)
        case "{":
            if let close = p[i...].firstIndex(of: "}") {
                let rest = Array(p[(close + 1)...])
                matched = p[(i + 1)..<close].split(separator: ",", omittingEmptySubsequences: false).contains { option in
                    var own = Set<[Int]>()
                    return glob(Array(option) + rest, 0, t, j, &own)
                }
            } else {
                matched = j < t.count && t[j] == "{" && glob(p, i + 1, t, j + 1, &failed)
            }
        default:
            matched = j < t.count && t[j] == p[i] && glob(p, i + 1, t, j + 1, &failed)
        }
        if !matched { failed.insert([p.count, i, j]) }
        return matched
    }
}
