import Foundation

/// Where a build's posts come from and how they are turned into feeds.
public struct BuildJob: Sendable {
    /// Where the posts are: a Jekyll or Hugo site, or a bare folder with its settings.
    public var source: PostSource
    /// Laid over the loaded site's settings (a feed definition's keys), if any.
    public var definition: FeedDefinition?
    /// Formats to write each of the job's feeds in; order and repeats do not matter (the
    /// files come out atom, rss, json), and an empty list writes nothing.
    public var formats: [FeedFormat]

    /// A job for the posts of `source`, with `definition`'s keys laid over their site's
    /// settings.
    public init(source: PostSource, definition: FeedDefinition? = nil, formats: [FeedFormat]) {
        self.source = source
        self.definition = definition
        self.formats = formats
    }
}

/// Options that apply to every job of a build.
public struct BuildOptions: Sendable {
    /// The moment that decides which posts are due and which have expired (the time the
    /// options were made, by default); it is never written into a feed.
    public var now: Date = Date()
    /// Posts dated after `now` go into the feeds too.
    public var includeFuture = false
    /// Load drafts (Jekyll `_drafts/`, `draft: true`) as posts.
    public var includeDrafts = false
    /// A site with no address of its own (nor one given) is an error, not a warning:
    /// `LoadOptions.requireAddress`. For `crier publish`.
    public var requireAddress = false
    /// Overrides every feed's entry limit.
    public var limit: Int?
    /// Validates each file before it may be written: Crier's validator by default.
    public var check: FeedCheck? = FeedGate.check

    /// The defaults: posts due now, no drafts, each feed's own limit, Crier's validator as
    /// the check.
    public init() {}
}

/// What a build produced: files ready to write, and every problem met on the way.
public struct BuildOutcome: Sendable {
    /// Files ready to write, in a stable order; after `BuildPipeline.run`, only those that
    /// passed the check. A path two jobs would both write is left out (a `feedFailures`
    /// entry).
    public var files: [RenderedFile] = []
    /// Posts (or configuration files) that could not be loaded, from every job.
    public var postErrors: [PostError] = []
    /// Loading's warnings, such as a date taken from a file's modification time; they fail
    /// nothing.
    public var warnings: [PostError] = []
    /// Files not produced: a writer failed, two entries share an id, two jobs want one
    /// path, or the check found problems.
    public var feedFailures: [FeedFailure] = []
    /// Posts loaded across all jobs, future and expired ones included (drafts only when
    /// asked for).
    public var postCount = 0
    /// Feeds planned across all jobs (main, category and tag feeds), each counted once
    /// whatever its formats; archive documents are not counted.
    public var feedCount = 0

    /// Whether every post loaded and every feed rendered and passed its check.
    public var succeeded: Bool { postErrors.isEmpty && feedFailures.isEmpty }
}

/// Loading, planning and rendering: everything of a build but writing to disk. `crier
/// build` runs it whole; `crier publish` plans with a post cache per job and copies
/// unchanged entries, then runs the gate only on the files that differ from the
/// published ones. Definitions that ask for RFC 5005 archives get their archive
/// documents either way.
public enum BuildPipeline {
    /// Every file of `jobs`, each validated with `options.check` (in parallel); a file
    /// that fails it is a `FeedFailure` and is left out.
    public static func run(_ jobs: [BuildJob], options: BuildOptions) -> BuildOutcome {
        var outcome = plan(jobs, options: options).outcome
        if let check = options.check { self.check(&outcome, with: check) }
        return outcome
    }

    /// Runs `check` on each of `outcome`'s files, in parallel, as `run` does with
    /// `options.check`: the files that pass stay, in their order, and each of the others
    /// becomes a `FeedFailure`.
    static func check(_ outcome: inout BuildOutcome, with check: @escaping FeedCheck) {
        let checked = self.check(outcome.files, with: check)
        outcome.files = checked.passed
        outcome.feedFailures += checked.failures
    }

    /// Runs `check` on each of `files`, in parallel: the files that pass, and a failure for
    /// each of the others, both in the order of `files`.
    ///
    /// Files the gate splits into batches it checks on every core (`FeedGate.splits`) are
    /// checked one after another, each with every core; meanwhile the other files (a JSON
    /// Feed, small feeds) are checked side by side as cores come free. Checked side
    /// by side with the rest, two large files would each get one core (Dispatch runs a
    /// parallel loop nested in another one iteration at a time), and the core that ends
    /// its file first would sit idle while the other ends the second.
    static func check(_ files: [RenderedFile], with check: @escaping FeedCheck) -> (passed: [RenderedFile], failures: [FeedFailure]) {
        let splits = files.map(FeedGate.splits)
        let large = files.indices.filter { splits[$0] }
        let small = files.indices.filter { !splits[$0] }
        // On one of Dispatch's threads, which starts them as soon as a core is free (a
        // thread of their own would take a core from the large files, and measured slower).
        // With one core, after the large files: no thread would be free until this one
        // waits.
        let smallProblems = ResultSlots<[[String]]>(count: 1)
        let done = DispatchGroup()
        let alongside = ProcessInfo.processInfo.activeProcessorCount > 1 && !large.isEmpty
        let checkSmall: @Sendable () -> Void = {
            smallProblems[0] = parallelMap(small.count, workers: small.count) { check(files[small[$0]]) }
        }
        if alongside, !small.isEmpty { DispatchQueue.global().async(group: done, execute: checkSmall) }
        var problems = [[String]](repeating: [], count: files.count)
        for index in large { problems[index] = check(files[index]) }
        if alongside { done.wait() } else if !small.isEmpty { checkSmall() }
        for (index, found) in zip(small, smallProblems[0] ?? []) { problems[index] = found }
        var passed: [RenderedFile] = []
        var failures: [FeedFailure] = []
        for (file, problems) in zip(files, problems) {
            if problems.isEmpty {
                passed.append(file)
            } else {
                failures.append(FeedFailure(path: file.path, problems: problems))
            }
        }
        return (passed, failures)
    }

    /// A feed file's WebSub topic (its self URL) and hubs.
    struct Topic: Sendable, Equatable {
        var topic: String
        var hubs: [String]
    }

    struct Plan: Sendable {
        var outcome = BuildOutcome()
        /// Paths of archive documents (written first, never pinged).
        var archivePaths: Set<String> = []
        /// Subscription documents (with their hubs, none for a feed without), by path.
        var topics: [String: Topic] = [:]
        /// The paths of the files each job rendered (or tried to), in the order of the jobs.
        var pathsByJob: [[String]] = []
        /// The same posts are due, so the same files come out, from `validFrom`
        /// (inclusive) to `validUntil` (exclusive), seconds since the reference date: the
        /// nearest `published` and `expires` dates on either side of `options.now`.
        var validFrom = -Double.infinity
        var validUntil = Double.infinity

        /// Narrows the window to the dates of `posts` around `now`.
        mutating func narrowWindow(for posts: [Post], now: Date, includeFuture: Bool) {
            let time = now.timeIntervalSinceReferenceDate
            func take(_ date: Date) {
                let t = date.timeIntervalSinceReferenceDate
                if t <= time { validFrom = max(validFrom, t) } else { validUntil = min(validUntil, t) }
            }
            for post in posts {
                // `FeedBuilder`: due when `published <= now`, listed while `expires > now`.
                if !includeFuture { take(post.published) }
                if let expires = post.expires { take(expires) }
            }
        }
    }

    /// Default size of an archived feed's current document and of its archive pages.
    static let defaultArchiveSize = 20

    /// Loads, plans and renders `jobs` (the files come back unchecked), with `caches[i]`
    /// as job `i`'s post cache and earlier entries from `reuse`, if given.
    static func plan(_ jobs: [BuildJob], options: BuildOptions, caches: [any PostCache] = [], reuse: EntryReuse? = nil) -> Plan {
        var plan = Plan()
        for (index, job) in jobs.enumerated() {
            var loadOptions = LoadOptions()
            loadOptions.includeDrafts = options.includeDrafts
            loadOptions.requireAddress = options.requireAddress
            loadOptions.cache = index < caches.count ? caches[index] : nil
            if let definition = job.definition {
                loadOptions.siteOverrides = { definition.applyingOverrides(to: $0) }
            }
            plan.pathsByJob.append([])
            let result = PostLoader.load(job.source, options: loadOptions)
            plan.outcome.postErrors += result.errors
            plan.outcome.warnings += result.warnings
            // No settings, no feeds: an empty one would only fail the gate besides.
            if result.unreadable { continue }
            plan.outcome.postCount += result.posts.count
            // `--future`, or the site's own setting (Jekyll's `future: true`).
            let includeFuture = options.includeFuture || result.site.feed.includeFuture
            plan.narrowWindow(for: result.posts, now: options.now, includeFuture: includeFuture)

            var site = result.site
            var limit = options.limit
            var archive: (current: Int, page: Int)?
            if let definition = job.definition, definition.archive {
                let current = options.limit ?? site.feed.postsLimit ?? definition.archiveSize ?? defaultArchiveSize
                archive = (current, definition.archiveSize ?? max(1, current))
                // The builder hands over every entry; the archive split does the limiting.
                site.feed.postsLimit = nil
                limit = nil
            }
            let builder = FeedBuilder(site: site, now: options.now, includeFuture: includeFuture, limit: limit)
            var feeds = builder.feeds(from: result.posts)
            plan.outcome.feedCount += feeds.count

            var pages: [PlannedFeed] = []
            let pageFormats = FeedArchive.formats.filter(job.formats.contains)
            if let archive {
                feeds = feeds.map { planned in
                    let split = FeedArchive.split(planned, currentSize: archive.current, pageSize: archive.page,
                                                  formats: pageFormats, baseURL: site.baseURL)
                    pages += split.pages
                    return split.current
                }
            }
            // Every feed, those without hubs too: a pending ping to a hub a feed no longer
            // names is dropped by what the feed's topic now lists.
            for planned in feeds {
                for format in job.formats {
                    guard let selfURL = planned.feed.selfURLs[format] else { continue }
                    plan.topics[planned.path(for: format)] = Topic(topic: selfURL, hubs: planned.feed.hubs)
                }
            }
            for page in pages {
                for format in pageFormats { plan.archivePaths.insert(page.path(for: format)) }
            }
            // No check here: `run` checks every file, a publish only the files that differ
            // from the published ones (an identical file replaces nothing).
            let rendered = FeedRenderer.render(pages, formats: pageFormats, reuse: reuse)
                + FeedRenderer.render(feeds, formats: job.formats, reuse: reuse)
            for result in rendered {
                switch result {
                case .success(let file): plan.pathsByJob[index].append(file.path)
                case .failure(let failure): plan.pathsByJob[index].append(failure.path)
                }
                switch result {
                case .success(let file): plan.outcome.files.append(file)
                case .failure(let failure): plan.outcome.feedFailures.append(failure)
                }
            }
        }
        // Two jobs writing the same path would overwrite each other: refuse both.
        let clashes = Dictionary(grouping: plan.outcome.files, by: \.path).filter { $0.value.count > 1 }
        for (path, _) in clashes.sorted(by: { $0.key < $1.key }) {
            plan.outcome.files.removeAll { $0.path == path }
            plan.outcome.feedFailures.append(FeedFailure(path: path, problems: ["two feeds would be written to this path; give one of them another `path:`"]))
        }
        return plan
    }
}
