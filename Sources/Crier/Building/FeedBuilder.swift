import CrierXML
import Foundation

/// A feed and where its files go.
public struct PlannedFeed: Sendable, Equatable {
    /// Output path of the Atom file relative to the output folder (`feed.xml`,
    /// `feed/by_tag/swift.xml`); the other formats sit beside it (`.rss`, `.json`).
    public var path: String
    /// The feed to write, the same in every format.
    public var feed: Feed

    /// The path of this feed's file in `format`.
    public func path(for format: FeedFormat) -> String {
        FeedPaths.replacingExtension(of: path, with: format.fileExtension)
    }
}

/// What goes into the feeds: which posts are due, in what order, and which tag and
/// category feeds exist.
public struct FeedBuilder: Sendable {
    /// The settings the feeds follow: title, base URL, author, entry limit, and which
    /// category and tag feeds exist.
    public var site: Site
    /// Posts dated after this moment are left out unless `includeFuture`.
    public var now: Date
    /// Keep posts dated after `now` too.
    public var includeFuture: Bool = false
    /// Most entries per feed; overrides the site's `posts_limit`. `nil` keeps the site's.
    public var limit: Int?

    /// A builder for `site`'s feeds as of `now`.
    public init(site: Site, now: Date, includeFuture: Bool = false, limit: Int? = nil) {
        self.site = site
        self.now = now
        self.includeFuture = includeFuture
        self.limit = limit
    }

    /// The fewest entries the main feed must have for them to be built in parallel.
    static let parallelEntries = 256

    /// The main feed, then one per configured category and tag, in a stable order.
    public func feeds(from posts: [Post]) -> [PlannedFeed] {
        // Indices of the due posts, newest first, ties broken by source path so the order
        // never depends on the disk (by index: a post is a large value, and a sort moves
        // what it sorts).
        let dates = posts.map(\.published)
        let due = posts.indices
            .filter { (includeFuture || dates[$0] <= now) && (posts[$0].expires.map { $0 > now } ?? true) }
            .sorted { dates[$0] != dates[$1] ? dates[$0] > dates[$1] : posts[$0].sourcePath < posts[$1].sourcePath }
        // Each post's entry is built once, however many feeds it appears in.
        var made = [Entry?](repeating: nil, count: posts.count)
        let authority = EntryID.authority(site.baseURL)
        let limit = self.limit ?? site.feed.postsLimit
        /// The first `limit` of `chosen`, when there is a limit.
        func limited(_ chosen: [Int]) -> [Int] { limit.map { Array(chosen.prefix(max(0, $0))) } ?? chosen }
        // The main feed's entries, most often every due post's, built across the cores.
        let main = limited(due)
        if main.count >= FeedBuilder.parallelEntries {
            let built = parallelMap(main.count, workers: ProcessInfo.processInfo.activeProcessorCount) { at in
                entry(posts[main[at]], authority: authority)
            }
            for (index, entry) in zip(main, built) { made[index] = entry }
        }
        func entries(_ include: ((Int) -> Bool)?) -> [Entry] {
            limited(include.map { include in due.filter(include) } ?? due).map { index in
                if let built = made[index] { return built }
                let built = entry(posts[index], authority: authority)
                made[index] = built
                return built
            }
        }
        // A feed with no entries (a category no due post has, `--limit 0`) is dated when
        // the site last changed: its newest due post; the epoch only for a site with none.
        let siteUpdated = due.lazy.map { Self.updated(of: posts[$0]) }.max() ?? Date(timeIntervalSince1970: 0)
        func feed(title: String, path: String, entries: [Entry]) -> Feed {
            self.feed(title: title, path: path, homeURL: site.baseURL, entries: entries, emptyUpdated: siteUpdated)
        }
        var planned = [PlannedFeed(path: site.feed.path, feed: feed(title: site.title, path: site.feed.path, entries: entries(nil)))]

        // `TagNames.settleFileNames` gives tags that share a plain slug distinct file names;
        // the suffix here only keeps apart two names whose hashes collide too, so that no
        // file is written twice.
        var usedPaths: Set<String> = [site.feed.path]
        func uniquePath(_ base: String) -> String {
            var candidate = base + ".xml"
            var n = 2
            while usedPaths.contains(candidate) { candidate = "\(base)-\(n).xml"; n += 1 }
            usedPaths.insert(candidate)
            return candidate
        }
        var names = TagNames()
        let directory = FeedPaths.directory(of: site.feed.path)
        let feedFolder = directory.isEmpty ? "feed" : directory + "/feed"
        /// A feed in `folder` for each of `groups`, holding the due posts whose `names`
        /// (categories or tags) include the group's.
        func plan(_ groups: [TagNames.Group], in folder: String, names of: KeyPath<Post, [String]>) {
            guard !groups.isEmpty else { return }
            let keys = due.map { Set(posts[$0][keyPath: of].map { names.key($0) }) }
            for group in groups {
                let path = uniquePath("\(folder)/\(group.fileName)")
                let members = Set(due.indices.filter { keys[$0].contains(group.key) }.map { due[$0] })
                planned.append(PlannedFeed(path: path, feed: feed(title: "\(site.title): \(group.name)", path: path,
                                                                  entries: entries { members.contains($0) })))
            }
        }
        var categoryGroups = names.configured(site.feed.categories)
        names.settleFileNames(&categoryGroups, usedIn: posts, by: \.categories)
        plan(categoryGroups, in: feedFolder, names: \.categories)
        var tagGroups = site.feed.allTags
            ? names.used(due.map { posts[$0].tags }, excluding: site.feed.excludedTags)
            : names.configured(site.feed.tags)
        names.settleFileNames(&tagGroups, usedIn: posts, by: \.tags)
        plan(tagGroups, in: feedFolder + "/by_tag", names: \.tags)
        return planned
    }

    /// The date a post's entry says it was last updated: never before it was published.
    private static func updated(of post: Post) -> Date { max(post.updated ?? post.published, post.published) }

    private func feed(title: String, path: String, homeURL: String, entries: [Entry], emptyUpdated: Date) -> Feed {
        var selfURLs: [FeedFormat: String] = [:]
        for format in FeedFormat.allCases {
            selfURLs[format] = FeedPaths.absoluteURL(FeedPaths.replacingExtension(of: path, with: format.fileExtension), base: site.baseURL)
        }
        // Atom needs an author on the feed unless every entry has one; the site's name
        // stands in when nobody is named.
        var authors = site.authors
        if authors.isEmpty && entries.contains(where: { $0.authors.isEmpty }) {
            authors = [Person(name: site.title)]
        }
        return Feed(
            id: selfURLs[.atom]!,
            title: title,
            // A blank description is none: an empty <subtitle> is a validator warning.
            subtitle: site.description.flatMap { XMLText.isBlankOnceCleaned($0) ? nil : $0 },
            homeURL: homeURL,
            selfURLs: selfURLs,
            hubs: site.feed.hubs,
            language: site.language,
            authors: authors,
            updated: entries.map(\.updated).max() ?? emptyUpdated,
            stylesheet: site.feed.stylesheet,
            entries: entries)
    }

    private func entry(_ post: Post, authority: String) -> Entry {
        let updated = Self.updated(of: post)
        var categories = post.categories.map { Category(term: $0) }
        for tag in post.tags where !post.categories.contains(tag) {
            categories.append(Category(term: tag))
        }
        var entry = Entry(
            id: EntryID.make(for: post, authority: authority),
            title: post.title,
            url: post.url,
            published: post.published,
            updated: updated,
            authors: post.authors,
            categories: categories,
            summaryHTML: post.summaryHTML.flatMap { FeedBuilder.isBlank(HTMLContent($0)) ? nil : $0 })
        // Handed over as held: a cached post's content is not decoded here.
        entry.content = site.feed.excerptOnly || FeedBuilder.isBlank(post.content) ? nil : post.content
        entry.sourcePath = post.sourcePath
        return entry
    }

    /// Whether a post has nothing in `html` (an empty file, a body of blank lines): a feed
    /// leaves out an empty summary or content rather than write one. Blank as the gate
    /// judges it: white space of any kind (`Character.isWhitespace`) once the characters
    /// XML forbids are taken out, as the writers take them out.
    private static func isBlank(_ html: HTMLContent) -> Bool {
        // Nearly always settled by the first byte, without reading cached content.
        if html.hasPrintableASCII { return false }
        return XMLText.cleaned(html.text).allSatisfy(\.isWhitespace)
    }
}

/// The tags (or categories) that get a feed: spellings that are one tag (`Slug.key`)
/// grouped, each group with the name its feed shows and its file name.
///
/// A group's file name is the plain slug of its name (`Slug.make`), the one Crier has
/// always used, unless another group of the same run has the same plain slug (`C#`, `C++`
/// and `C` are all `c`). Then the group first used in the oldest post keeps the plain slug
/// and the others get `Slug.suffixed` names (`c_9629f5`). Tags appear over time, so a tag
/// that comes to collide with an existing one is the newer one and takes the suffix: the
/// existing feed's URL never moves. Only a post backdated before the older tag's first
/// post, or the removal of every post of the older tag, can move a URL.
struct TagNames {
    /// One tag, whichever way its posts spell it.
    struct Group: Equatable {
        /// What makes spellings one tag (`Slug.key`).
        var key: String
        /// The name in the feed's title.
        var name: String
        /// The feed's file name without extension: `Slug.make(name)`, until
        /// ``TagNames/settleFileNames(_:usedIn:by:)`` says otherwise.
        var fileName: String
    }

    private var keys: [String: String] = [:]

    /// `Slug.key(name)`, worked out once per spelling.
    mutating func key(_ name: String) -> String {
        if let known = keys[name] { return known }
        let key = Slug.key(name)
        keys[name] = key
        return key
    }

    /// Groups of a configured list (`categories: [...]`, `tags: [...]`), in its order.
    /// The name shown is the first spelling listed: the site's author chose it.
    mutating func configured(_ list: [String]) -> [Group] {
        var seen: Set<String> = []
        return list.compactMap { name in
            let key = key(name)
            return seen.insert(key).inserted ? Group(key: key, name: name, fileName: Slug.make(name)) : nil
        }
    }

    /// Groups of every tag in `tagsOfPosts` (newest post first) except those one with an
    /// `excluded` name, sorted by name. The name shown is the spelling the most posts
    /// use, so a stray `SWIFT` does not rename the feed of `Swift`; a tie goes to the
    /// spelling of the newest post among them, the author's current habit, which depends
    /// on the posts alone and not on the order files are read in.
    mutating func used(_ tagsOfPosts: [[String]], excluding excluded: [String]) -> [Group] {
        let excludedKeys = Set(excluded.map { key($0) })
        // Per key: each spelling's post count and the rank of its newest post.
        var spellings: [String: [String: (count: Int, newest: Int)]] = [:]
        for (rank, tags) in tagsOfPosts.enumerated() {
            for tag in Set(tags) {
                let key = key(tag)
                if excludedKeys.contains(key) { continue }
                spellings[key, default: [:]][tag, default: (0, rank)].count += 1
            }
        }
        return spellings.map { key, uses in
            let name = uses.min { a, b in
                a.value.count != b.value.count ? a.value.count > b.value.count
                    : a.value.newest != b.value.newest ? a.value.newest < b.value.newest : a.key < b.key
            }!.key
            return Group(key: key, name: name, fileName: Slug.make(name))
        }.sorted { $0.name != $1.name ? $0.name < $1.name : $0.key < $1.key }
    }

    /// Gives each group sharing its plain slug with another of `groups` a file name of its
    /// own: the group whose first post is the oldest keeps the plain slug (a tie goes to
    /// the smaller key, a group without posts comes last), and the others get
    /// `Slug.suffixed` names. Ages are read from every post of `posts` whose `names` hold
    /// a spelling of the group, due or not: an expiring post does not make its tag newer.
    /// Groups that share nothing keep their plain slugs, without reading a post.
    mutating func settleFileNames(_ groups: inout [Group], usedIn posts: [Post], by names: KeyPath<Post, [String]>) {
        var sharing: [String: [Int]] = [:]
        for (index, group) in groups.enumerated() { sharing[group.fileName, default: []].append(index) }
        let clashes = sharing.values.filter { $0.count > 1 }
        if clashes.isEmpty { return }
        let contested = Set(clashes.joined().map { groups[$0].key })
        var firstUse: [String: Date] = [:]
        for post in posts {
            for name in post[keyPath: names] {
                let key = key(name)
                guard contested.contains(key) else { continue }
                if let known = firstUse[key], known <= post.published { continue }
                firstUse[key] = post.published
            }
        }
        for clash in clashes {
            let oldest = clash.min { a, b in
                switch (firstUse[groups[a].key], firstUse[groups[b].key]) {
                case let (x?, y?) where x != y: x < y
                case (.some, nil): true
                case (nil, .some): false
                default: groups[a].key < groups[b].key
                }
            }
            for index in clash where index != oldest {
                groups[index].fileName = Slug.suffixed(groups[index].name)
            }
        }
    }
}

/// Path arithmetic for feed files (always `/`-separated, relative to the output folder).
enum FeedPaths {
    /// Why `path` cannot be where a feed's Atom file goes, relative to the output folder,
    /// or `nil` when it can: it must stay inside the folder and name a file that is not
    /// hidden (the RSS and JSON files go beside it).
    static func problem(with path: String) -> String? {
        let segments = path.split(separator: "/")
        if path.hasPrefix("/") || segments.contains("..") { return "must be a relative path inside the output folder, not `\(path)`" }
        if path.hasSuffix("/") || segments.last.map({ $0.hasPrefix(".") || $0.allSatisfy(\.isWhitespace) }) ?? true {
            return "names the Atom file, such as `notes/feed.xml` (the RSS and JSON files go beside it), not `\(path)`"
        }
        return nil
    }

    static func replacingExtension(of path: String, with ext: String) -> String {
        let name = path.split(separator: "/").last.map(String.init) ?? path
        if let dot = name.lastIndex(of: "."), dot != name.startIndex {
            return String(path.dropLast(name.distance(from: dot, to: name.endIndex))) + "." + ext
        }
        return path + "." + ext
    }

    static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "" }
        return String(path[..<slash])
    }

    /// `base` ends with `/`; `path` is relative. Each segment is percent-encoded so tag
    /// feeds with non-ASCII names get valid URLs.
    static func absoluteURL(_ path: String, base: String) -> String {
        let encoded = path.split(separator: "/", omittingEmptySubsequences: true).map {
            String($0).addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "/"))) ?? String($0)
        }.joined(separator: "/")
        return (base.hasSuffix("/") ? base : base + "/") + encoded
    }
}
