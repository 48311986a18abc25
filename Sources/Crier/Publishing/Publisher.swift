import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Options for a publish run.
public struct PublishOptions: Sendable {
    /// Where the feed files go (the folder a web server serves).
    public var output: URL
    /// Where the lock file, the post cache and pending pings live; `<output>/.crier`
    /// unless given.
    public var stateFolder: URL
    /// The build's options; `build.check` is the gate (Crier's validator by default) and
    /// `build.now` decides which scheduled posts are due.
    public var build = BuildOptions()
    /// Write the feeds that succeeded even when a post or feed failed.
    public var keepGoing = false
    /// Publish a job's feeds when none of them has an entry and the last publish wrote
    /// some. Off, they fail (an emptied or unmounted posts folder, most likely), and the
    /// published files stay as they were.
    public var allowEmpty = false
    /// Problems met before the jobs were made, such as a feed definition left out with
    /// keep-going because it could not be read: they are the run's post errors, so that
    /// it fails and removes no published file (those of the definition left out among
    /// them). A run whose jobs all succeeded is recorded as done with them: the next run
    /// finds nothing changed only if it meets the same problems (and still fails).
    public var earlierErrors: [PostError] = []
    /// Seconds to wait for another run's lock.
    public var wait: Double = 0
    /// Reuse posts rendered by earlier runs (the cache is refreshed either way).
    public var useCache = true
    /// Flush every written file and its folder to disk before going on.
    public var sync = true
    /// How hard to try WebSub hubs.
    public var ping = PingPolicy()
    /// Input files changed this many nanoseconds before a run (or later) are checked by
    /// content by the next run, not by `stat` (tests set 0 to exercise `stat` alone).
    var racyMargin = PublishManifest.racyMargin

    /// Options for publishing into `output`, state in `stateFolder` (`<output>/.crier`).
    public init(output: URL, stateFolder: URL? = nil) {
        self.output = output
        self.stateFolder = stateFolder ?? output.appendingPathComponent(".crier", isDirectory: true)
    }

    /// The lock file: `<state>/lock`.
    public var lockFile: URL { stateFolder.appendingPathComponent("lock") }
    /// The post cache folder: `<state>/cache/`, a folder per job (an index and a pack).
    public var cacheFolder: URL { stateFolder.appendingPathComponent("cache", isDirectory: true) }
    /// Pings that failed and are tried again on the next run: `<state>/pending-pings.json`.
    public var pendingPingsFile: URL { stateFolder.appendingPathComponent("pending-pings.json") }
    /// What the last successful run read and published, so that a run with nothing
    /// changed can skip the build: `<state>/manifest`.
    public var manifestFile: URL { stateFolder.appendingPathComponent("manifest") }
    /// Where each entry is in the published Atom and RSS files (`PublishedEntries`):
    /// `<state>/entries`.
    var publishedEntriesFile: URL { stateFolder.appendingPathComponent("entries") }
    /// The files publishing has put in the output folder (`PublishedPaths`):
    /// `<state>/published-files`.
    var publishedFilesFile: URL { stateFolder.appendingPathComponent("published-files") }
}

/// A file a publish run wrote.
public struct PublishedFile: Sendable, Equatable {
    /// Path relative to the output folder.
    public var path: String
    /// The format the file is in.
    public var format: FeedFormat
    /// Entries (RSS items) in the file.
    public var entryCount: Int
    /// Size of the file written, in bytes.
    public var byteCount: Int
    /// The file did not exist before.
    public var created: Bool
    /// An RFC 5005 archive document.
    public var isArchive: Bool
}

/// What a publish run did.
public struct PublishReport: Sendable {
    /// Loading and rendering: posts, problems, and the rendered files that differ from
    /// the published ones and passed the gate (`written` says which were written).
    public var build = BuildOutcome()
    /// Files whose bytes changed, in the order written.
    public var written: [PublishedFile] = []
    /// Files whose bytes were already on disk, left untouched.
    public var unchanged = 0
    /// Files an earlier run published that this run no longer produces (the feed of a tag
    /// no post has any more, a feed whose definition was deleted), removed so that a
    /// withdrawn post does not stay online in them; paths relative to the output folder.
    /// Only a run where everything succeeded removes files.
    public var removed: [String] = []
    /// Rendered files not written because something else failed (without keep-going), or
    /// because the archive documents they link to could not be written.
    public var withheld = 0
    /// Files that could not be written.
    public var writeErrors: [String] = []
    /// Hub notifications sent this run, retried ones from earlier runs included.
    public var pings: [PingResult] = []
    /// Posts reused from the cache.
    public var cacheHits = 0
    /// Posts rendered because the cache had no matching version.
    public var cacheMisses = 0
    /// Problems with the cache or the ping state: reported, never fatal.
    public var stateWarnings: [String] = []
    /// Temporary files of killed runs that were cleaned up.
    public var removedTemporaryFiles: [String] = []
    /// Seconds from start to finish, lock wait included.
    public var duration: Double = 0
    /// The run found the inputs, options and published files exactly as the last
    /// successful run left them, so it loaded, rendered and wrote nothing (the counts
    /// and warnings are that run's).
    public var upToDate = false

    /// An empty report, filled in by `Publisher.publish`.
    public init() {}

    /// Every post loaded, every feed rendered and passed the gate, and every changed
    /// file was written.
    public var succeeded: Bool { build.succeeded && writeErrors.isEmpty }
    /// A hub could not be notified (the files stay published; the ping is retried on the
    /// next run).
    public var pingsFailed: Bool { pings.contains { !$0.succeeded } }
}

/// `crier publish` without the command line: build every feed, validate each, write only
/// what changed (atomically, under a lock), then notify WebSub hubs.
public enum Publisher {
    /// Runs one publish. Throws `PublishLock.Busy` when another run holds the lock past
    /// `options.wait`, and `PublishLock.Unavailable` when the lock file cannot be opened;
    /// everything else is in the report.
    public static func publish(_ jobs: [BuildJob], options: PublishOptions) async throws -> PublishReport {
        let start = Date()
        let lock = try PublishLock.acquire(options.lockFile, wait: options.wait)
        defer { lock.release() }

        var report = PublishReport()
        let scopes = jobs.map { DiskPostCache.scope(of: $0, includeDrafts: options.build.includeDrafts) }
        // Everything that decides the output, taken before anything is loaded: a post
        // edited while this run reads it shows as changed to the next run.
        let previous = options.useCache ? PublishManifest.read(options.manifestFile) : nil
        let inputs = PublishManifest.snapshot(jobs, scopes: scopes, options: options, previous: previous)
        if let inputs, let manifest = previous, manifest.isCurrent(for: inputs, now: options.build.now) {
            await publishNothingChanged(manifest, inputs: inputs, options: options, report: &report)
            report.build.postErrors = options.earlierErrors + report.build.postErrors
            report.duration = Date().timeIntervalSince(start)
            return report
        }

        let caches = scopes.indices.map { job in
            // The snapshot's `stat`s, so that the loader does not take them again.
            var identities: [String: FileIO.Identity] = [:]
            if let inputs, job < inputs.identities.count {
                identities.reserveCapacity(inputs.identities[job].count)
                for (file, identity) in zip(inputs.files[job], inputs.identities[job]) { identities[file.relativePath] = identity }
            }
            return DiskPostCache(folder: options.cacheFolder.appendingPathComponent(DiskPostCache.folderName(scope: scopes[job]), isDirectory: true),
                                 scope: scopes[job], reuse: options.useCache, racyMargin: options.racyMargin, identities: identities)
        }
        // Read even without the cache, to keep the records of the files left as they are.
        let published = PublishedEntries.read(options.publishedEntriesFile)
        let output = options.output
        let useCache = options.useCache
        // Without the cache nothing is copied, but the entries' digests are still taken.
        let reuse: EntryReuse = { path, format in useCache ? published.source(for: path, format: format, in: output) : nil }
        var plan = BuildPipeline.plan(jobs, options: options.build, caches: caches, reuse: reuse)
        if !options.allowEmpty { refuseEmptying(&plan, published: published) }
        report.build = plan.outcome
        report.build.postErrors = options.earlierErrors + report.build.postErrors
        for cache in caches {
            report.cacheHits += cache.hits
            report.cacheMisses += cache.misses
        }
        // The posts' content has been read: the cache is saved while the gate and the
        // writes go on (a run with one post changed rewrites a 10 MB index at 10k posts),
        // given the cores the feeds' copies leave, as while the disk flushes them.
        let cacheFolder = options.cacheFolder
        // The caches of definitions left out (keep-going) are kept for when they are mended.
        let removingOthers = options.earlierErrors.isEmpty
        async let cacheWarnings = inTheBackground { save(caches, keeping: scopes, in: cacheFolder, removingOthers: removingOthers) }

        let rendered = plan.outcome.files.map(\.path)
        removeStaleTemporaryFiles(plan, options: options, report: &report)
        let unchanged = gate(&plan, check: options.build.check, output: options.output, report: &report)
        // The pings earlier runs left, before this run adds any.
        let earlierPings = PendingPings.read(options.pendingPingsFile, warnings: &report.stateWarnings)
        var pingsAhead = false
        if report.build.succeeded || options.keepGoing {
            pingsAhead = savePingsAhead(plan, earlier: earlierPings, options: options, report: &report)
            write(plan, options: options, into: &report)
            recordEntries(plan, previous: published, unchanged: unchanged, options: options, report: &report)
        } else {
            report.withheld = plan.outcome.files.count
        }
        removeFilesNoLongerProduced(jobs, plan: plan, options: options, report: &report)
        report.stateWarnings += await cacheWarnings
        // The notifications are pending before the manifest says this run is done: a run
        // killed before sending them leaves them to the next.
        let pings = pendingPings(plan, earlier: earlierPings, rewrite: pingsAhead,
                                 options: options, report: &report)
        // The run's own jobs all succeeded and their files are published: with only a
        // definition left out, the next run need not build them again (its snapshot
        // holds the problems met before it).
        var ownRun = report
        ownRun.build.postErrors.removeFirst(min(options.earlierErrors.count, ownRun.build.postErrors.count))
        if ownRun.succeeded && report.withheld == 0 {
            recordManifest(inputs: inputs, plan: plan, rendered: rendered, caches: caches, options: options, report: &report)
        }
        await send(pings, options: options, report: &report)
        report.duration = Date().timeIntervalSince(start)
        return report
    }

    /// Takes out of `plan` the files of each job whose files all have no entries where the
    /// last publish wrote one of them with some (`published` knows them): the sign of an
    /// emptied or unmounted posts folder, not of a tag feed whose last post moved on. Each
    /// is a failure saying so, so that nothing replaces them, and no file of the run is
    /// removed.
    private static func refuseEmptying(_ plan: inout BuildPipeline.Plan, published: PublishedEntries) {
        for paths in plan.pathsByJob {
            let job = Set(paths)
            let files = plan.outcome.files.filter { job.contains($0.path) }
            guard files.allSatisfy({ $0.entryCount == 0 }),
                  files.contains(where: { !(published.records[$0.path]?.entries.isEmpty ?? true) }) else { continue }
            plan.outcome.files.removeAll { job.contains($0.path) }
            for file in files {
                let what = published.records[file.path].map { "it would replace the published feed's \($0.entries.count) entries with none" }
                    ?? "it has no entries, where the feeds published beside it had some"
                plan.outcome.feedFailures.append(FeedFailure(path: file.path, problems: [
                    "not published: \(what) (no posts were found: is the posts folder emptied or unmounted?); "
                        + "the published file stays as it was; run with --allow-empty to publish it empty"
                ]))
            }
        }
    }

    /// Saves each job's post cache and (with `removingOthers`) removes the caches of other
    /// scopes; returns the warnings for the report.
    private static func save(_ caches: [DiskPostCache], keeping scopes: [String], in folder: URL, removingOthers: Bool) -> [String] {
        var warnings: [String] = []
        for cache in caches {
            do {
                try cache.save()
            } catch {
                warnings.append("cannot save the post cache: \(error)")
            }
        }
        if removingOthers { DiskPostCache.removeOthers(in: folder, keeping: scopes) }
        return warnings
    }

    /// What `work` returns, run on a thread of its own at a lower priority (nice +10), so
    /// that the work that must be done first (the feeds' copies, a server's requests)
    /// has the cores when it wants them. Not on the shared task pool: blocking file work
    /// there would hold up the tasks of a server publishing in the same process (the pool
    /// has a thread per core). On a 10k-post site, a one-post publish whose cache save
    /// took a core from a feed's copy finished 5–10% later.
    private static func inTheBackground<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            let thread = Thread {
                // On Linux a thread's nice value is its own; `0` is the calling thread. Ten
                // above the thread's own (a process already run with `nice` stays behind),
                // at most 19. Only a hint: the work runs the same at any priority.
                #if os(Linux)
                let which = __priority_which_t(PRIO_PROCESS.rawValue)
                errno = 0
                let current = getpriority(which, 0)
                if errno == 0 { _ = setpriority(which, 0, min(19, current + 10)) }
                #endif
                continuation.resume(returning: work())
            }
            thread.start()
        }
    }

    /// The run when the manifest vouches that nothing changed: nothing is loaded,
    /// rendered or written; temporary files of killed runs are still swept and pings that
    /// failed earlier are still retried.
    private static func publishNothingChanged(_ manifest: PublishManifest, inputs: PublishManifest.InputSnapshot,
                                              options: PublishOptions, report: inout PublishReport) async {
        report.upToDate = true
        report.build.postCount = manifest.postCount
        report.build.feedCount = manifest.feedCount
        report.build.warnings = manifest.warnings
        report.cacheHits = manifest.postCount
        report.unchanged = manifest.outputs.count
        removeStaleTemporaryFiles(in: Set(manifest.folders), options: options, report: &report)
        if let refreshed = manifest.refreshed(for: inputs) {
            // The racy files checked by content (or the folders listed again) are old
            // enough now for `stat` alone.
            try? refreshed.write(to: options.manifestFile)
        }
        // The feeds' hubs are those of the run that wrote the manifest, which already
        // dropped the pending pings of hubs no longer configured.
        let earlier = PendingPings.read(options.pendingPingsFile, warnings: &report.stateWarnings)
        await send(pendingPings(BuildPipeline.Plan(), earlier: earlier, rewrite: false, options: options, report: &report),
                   options: options, report: &report)
    }

    /// Writes the manifest of a run that published everything it rendered (or found it
    /// already published), so the next run can skip the build if nothing changes.
    private static func recordManifest(inputs: PublishManifest.InputSnapshot?, plan: BuildPipeline.Plan, rendered: [String],
                                       caches: [DiskPostCache], options: PublishOptions, report: inout PublishReport) {
        func build() -> PublishManifest? {
            guard let inputs else { return nil }
            var manifest = PublishManifest(fingerprint: inputs.fingerprint)
            for input in inputs.racy {
                // The content the loader read; a file it could not read is never vouched for.
                guard let hash = caches[input.job].contentHash(of: input.relativePath) else { return nil }
                manifest.racy.append(PublishManifest.RacyInput(path: input.path, contentHash: hash))
            }
            manifest.inputFiles = inputs.files
            manifest.inputFolders = inputs.folders
            manifest.listingRacy = inputs.listingRacy
            manifest.listingKey = inputs.listingKey
            manifest.validFrom = plan.validFrom
            manifest.validUntil = plan.validUntil
            var folders: Set<String> = [options.stateFolder.path, options.cacheFolder.path]
            for path in rendered {
                let url = options.output.appendingPathComponent(path)
                guard let identity = FileIO.identity(url.path), (identity.mode & S_IFMT) == S_IFREG else { return nil }
                manifest.outputs.append(PublishManifest.Output(path: url.path, identity: identity))
                folders.insert(url.deletingLastPathComponent().path)
            }
            manifest.folders = folders.sorted()
            manifest.postCount = report.build.postCount
            manifest.feedCount = report.build.feedCount
            manifest.warnings = report.build.warnings
            return manifest
        }
        do {
            if let manifest = build() {
                try manifest.write(to: options.manifestFile)
            } else if unlink(options.manifestFile.path) != 0 && errno != ENOENT {
                report.stateWarnings.append("cannot remove \(options.manifestFile.path): \(String(cString: strerror(errno)))")
            }
        } catch {
            report.stateWarnings.append("cannot save the publish manifest: \(error)")
        }
    }

    /// Sweeps the temporary files of killed runs out of every folder this run publishes
    /// to, and out of the state folder (under the lock, so no other publish is writing).
    private static func removeStaleTemporaryFiles(_ plan: BuildPipeline.Plan, options: PublishOptions, report: inout PublishReport) {
        var folders = Set(plan.outcome.files.map { options.output.appendingPathComponent($0.path).deletingLastPathComponent().path })
        folders.insert(options.stateFolder.path)
        folders.insert(options.cacheFolder.path)
        removeStaleTemporaryFiles(in: folders, options: options, report: &report)
    }

    /// Removes the temporary files killed runs left in `folders`, and in the folders a run
    /// was writing to when it was killed (`<state>/writing`, saved before its writes):
    /// those may be no folder of this run's (a feed's `path:` changed meanwhile).
    private static func removeStaleTemporaryFiles(in folders: Set<String>, options: PublishOptions, report: inout PublishReport) {
        var folders = folders
        let writing = options.stateFolder.appendingPathComponent("writing")
        let noted = FileIO.read(writing.path)
        if let noted { folders.formUnion(String(decoding: noted, as: UTF8.self).split(separator: "\n").map(String.init)) }
        // Removed once its folders are swept, so a run killed meanwhile leaves it too.
        defer { if noted != nil { unlink(writing.path) } }
        for folder in folders.sorted() {
            report.removedTemporaryFiles += AtomicFile.removeStaleTemporaryFiles(in: URL(fileURLWithPath: folder)).map {
                URL(fileURLWithPath: folder).appendingPathComponent($0).path
            }
        }
    }

    /// Sorts out the files already published byte for byte (nothing to do) and runs the
    /// gate, in parallel, on the others: a file that fails it is dropped from the plan, so
    /// the published version stays. Returns the files already published.
    private static func gate(_ plan: inout BuildPipeline.Plan, check: FeedCheck?, output: URL,
                             report: inout PublishReport) -> [RenderedFile] {
        let files = plan.outcome.files
        let verdicts = parallelMap(files.count, workers: files.count) { index in
            let file = files[index]
            // Copying entries may have told already; otherwise compare with the file.
            return file.matchesPublished ?? file.parts.matches(fileAt: output.appendingPathComponent(file.path).path)
        }
        let unchanged = zip(files, verdicts).filter { $0.1 }.map(\.0)
        let changed = zip(files, verdicts).filter { !$0.1 }.map(\.0)
        report.unchanged += unchanged.count
        let checked = check.map { BuildPipeline.check(changed, with: $0) } ?? (passed: changed, failures: [])
        plan.outcome.files = checked.passed
        plan.outcome.feedFailures += checked.failures
        // The report lists the files left to write, never one the gate refused.
        report.build.files = plan.outcome.files
        report.build.feedFailures = plan.outcome.feedFailures
        return unchanged
    }

    /// Removes the files an earlier run of each job published that this run of it no longer
    /// produced, when everything succeeded (a post that failed to load must not take its
    /// tag feeds with it), then saves what each job has published (`PublishedPaths`). Only
    /// files in a format this run writes for the job are removed: `--format atom` leaves
    /// the RSS and JSON files alone. A definition deleted or renamed from a folder this run
    /// read its definitions from is withdrawn: every file it published goes, unless a job
    /// of this run produced it. Other jobs not in this run, and files of other jobs, are
    /// not touched.
    private static func removeFilesNoLongerProduced(_ jobs: [BuildJob], plan: BuildPipeline.Plan, options: PublishOptions,
                                                    report: inout PublishReport) {
        let previous = PublishedPaths.read(options.publishedFilesFile, output: options.output, warnings: &report.stateWarnings)
        var record = previous
        let produced = Set(plan.pathsByJob.joined())
        var folders: Set<String> = []
        /// Removes `stale` from the output folder, and from `paths` each one that is gone.
        func remove(_ stale: Set<String>, from paths: inout Set<String>) {
            for path in stale.sorted() {
                do {
                    if try PublishedPaths.remove(path, in: options.output) {
                        report.removed.append(path)
                        folders.insert(options.output.appendingPathComponent(path).deletingLastPathComponent().path)
                    }
                    paths.remove(path)
                } catch {
                    report.writeErrors.append("\(error)")
                }
            }
        }
        for (index, job) in jobs.enumerated() where index < plan.pathsByJob.count {
            let key = PublishedPaths.key(of: job)
            let current = Set(plan.pathsByJob[index])
            var paths = (record[key] ?? []).union(current)
            if report.succeeded {
                // The formats written, and those the definition itself no longer lists; not
                // those a `--format` on the command line left out for this run.
                var formats = Set(job.formats)
                if let listed = job.definition?.formats { formats.formUnion(Set(FeedFormat.allCases).subtracting(listed)) }
                // A path another job has published since (its `path:` changed to this one)
                // is that job's now.
                let others = previous.filter { $0.key != key }.values.reduce(into: Set<String>()) { $0.formUnion($1) }
                let stale = (previous[key] ?? []).subtracting(produced).subtracting(others)
                    .filter { PublishedPaths.format(of: $0).map(formats.contains) ?? false }
                paths.subtract(others.subtracting(current))
                remove(stale, from: &paths)
            }
            record[key] = paths
        }
        if report.succeeded {
            for key in PublishedPaths.withdrawnDefinitions(in: record, jobs: jobs) {
                var paths = record[key] ?? []
                let others = record.filter { $0.key != key }.values.reduce(into: Set<String>()) { $0.formUnion($1) }
                // A path a job of this run produced, or another job published, is theirs.
                let stale = paths.subtracting(produced).subtracting(others)
                paths.subtract(produced.union(others))
                remove(stale, from: &paths)
                record[key] = paths.isEmpty ? nil : paths
            }
        }
        if options.sync { folders.sorted().forEach(FileIO.syncFolder) }
        guard record != previous || !FileManager.default.fileExists(atPath: options.publishedFilesFile.path) else { return }
        do {
            try PublishedPaths.write(record, output: options.output, to: options.publishedFilesFile)
        } catch {
            report.stateWarnings.append("cannot save the list of published files: \(error)")
        }
    }

    /// Saves where the entries are in the files now published: the records of the files
    /// just written, and of the files left as they were (their old records, or, when there
    /// are none, as from another Crier executable, new ones that vouch for the bytes but
    /// not for the gate).
    private static func recordEntries(_ plan: BuildPipeline.Plan, previous: PublishedEntries, unchanged: [RenderedFile],
                                      options: PublishOptions, report: inout PublishReport) {
        var published = PublishedEntries()
        var files: [(file: RenderedFile, validated: Bool)] = []
        for file in unchanged {
            if let record = previous.records[file.path] {
                published.records[file.path] = record
            } else {
                files.append((file, false))
            }
        }
        let written = Set(report.written.map(\.path))
        files += plan.outcome.files.filter { written.contains($0.path) }.map { ($0, options.build.check != nil) }
        let identities = FileIO.settledIdentities(files.map { options.output.appendingPathComponent($0.file.path).path })
        for ((file, validated), identity) in zip(files, identities) {
            if let record = identity.flatMap({ PublishedEntries.record(of: file, identity: $0, validated: validated) }) {
                published.records[file.path] = record
            }
        }
        // A run that failed removes nothing: the files it did not write (a feed that failed,
        // those of a definition left out with keep-going) stay as they were, and so do
        // their records, for the entries a later run copies and for `refuseEmptying`.
        if !report.succeeded {
            for (path, record) in previous.records where published.records[path] == nil
                && FileManager.default.fileExists(atPath: options.output.appendingPathComponent(path).path) {
                published.records[path] = record
            }
        }
        guard published != previous else { return }
        do {
            try published.write(to: options.publishedEntriesFile)
        } catch {
            report.stateWarnings.append("cannot save where the published entries are: \(error)")
        }
    }

    /// Writes the changed files, all or none: each is written in full beside its place
    /// first, all in parallel (a large feed's write is mostly the kernel copying it and the
    /// disk flushing it), and only when every one is written are they renamed into place,
    /// archive documents first, so a current feed never links a `prev-archive` that is not
    /// on disk yet. A file that cannot be written (a full disk) leaves every published file
    /// as it was, counted as withheld; with `keepGoing` the others are put in place, but
    /// for the feeds when an archive failed.
    private static func write(_ plan: BuildPipeline.Plan, options: PublishOptions, into report: inout PublishReport) {
        let archives = plan.outcome.files.filter { plan.archivePaths.contains($0.path) }
        let files = archives + plan.outcome.files.filter { !plan.archivePaths.contains($0.path) }
        guard !files.isEmpty else { return }
        // Where this run's temporary files go, for the next run to sweep if this one is
        // killed while they are there.
        let writing = options.stateFolder.appendingPathComponent("writing")
        let folders = Set(files.map { options.output.appendingPathComponent($0.path).deletingLastPathComponent().path })
        try? AtomicFile.write(Array(folders.sorted().joined(separator: "\n").utf8), to: writing, sync: false)
        defer { unlink(writing.path) }
        let staged = parallelMap(files.count, workers: files.count) { index in
            let file = files[index]
            let url = options.output.appendingPathComponent(file.path)
            let existed = FileManager.default.fileExists(atPath: url.path)
            return Result<(file: AtomicFile.StagedFile, existed: Bool), any Error> {
                (try AtomicFile.stage(to: url, sync: options.sync) { output in try file.parts.write(to: output) }, existed)
            }
        }
        var archiveFailed = false
        for (index, outcome) in staged.enumerated() {
            guard case .failure(let error) = outcome else { continue }
            report.writeErrors.append("\(error)")
            if index < archives.count { archiveFailed = true }
        }
        let putInPlace = report.writeErrors.isEmpty || options.keepGoing
        for (index, outcome) in staged.enumerated() {
            guard case .success(let staged) = outcome else { continue }
            guard putInPlace, index < archives.count || !archiveFailed else {
                staged.file.discard()
                report.withheld += 1
                continue
            }
            let file = files[index]
            do {
                try staged.file.commit()
                report.written.append(PublishedFile(path: file.path, format: file.format, entryCount: file.entryCount,
                                                    byteCount: file.parts.count, created: !staged.existed,
                                                    isArchive: index < archives.count))
            } catch {
                report.writeErrors.append("\(error)")
                if index < archives.count { archiveFailed = true }
            }
        }
    }

    /// Saves as pending, before any file of `plan` is put in place, the pings for every
    /// subscription document it is about to write, with the `earlier` ones: a run killed
    /// after a rename and before sending leaves them to the next run (which finds the file
    /// already as it should be and would not ping for it). A file that was not renamed
    /// after all costs its hubs one needless fetch. Returns whether it wrote the file.
    private static func savePingsAhead(_ plan: BuildPipeline.Plan, earlier: [WebSubPing], options: PublishOptions,
                                       report: inout PublishReport) -> Bool {
        var pings: [WebSubPing] = []
        for file in plan.outcome.files {
            guard let topic = plan.topics[file.path] else { continue }
            for hub in topic.hubs where !pings.contains(WebSubPing(hub: hub, topic: topic.topic)) {
                pings.append(WebSubPing(hub: hub, topic: topic.topic, path: file.path))
            }
        }
        guard !pings.isEmpty else { return false }
        for ping in earlier where !pings.contains(ping) { pings.append(ping) }
        do {
            try PendingPings.write(pings, to: options.pendingPingsFile)
            return true
        } catch {
            report.stateWarnings.append("cannot remember the pings to send: \(error)")
            return false
        }
    }

    /// The pings to send: every hub of every subscription document whose file changed,
    /// plus the pings earlier runs could not deliver (`earlier`), but those to a hub the
    /// feed no longer names and those of a file this run removed. They are saved as
    /// pending before they are sent (`rewrite`: the file holds the pings saved ahead of
    /// the writes, to be corrected).
    private static func pendingPings(_ plan: BuildPipeline.Plan, earlier: [WebSubPing], rewrite: Bool,
                                     options: PublishOptions, report: inout PublishReport) -> [WebSubPing] {
        var pending = earlier
        // A hub dropped from a feed's configuration no longer wants to hear about it.
        pending.removeAll { ping in
            plan.topics.values.contains { $0.topic == ping.topic && !$0.hubs.contains(ping.hub) }
        }
        // Nor does one of a feed this run removed (a tag's last post moved on, its
        // definition deleted): only those, since a run may build some feeds of an output
        // folder and not others (`--format`, another definitions folder).
        let removed = Set(report.removed)
        pending.removeAll { ping in ping.path.map(removed.contains) ?? false }
        var pings: [WebSubPing] = []
        for file in report.written {
            guard let topic = plan.topics[file.path] else { continue }
            for hub in topic.hubs where !pings.contains(WebSubPing(hub: hub, topic: topic.topic)) {
                pings.append(WebSubPing(hub: hub, topic: topic.topic, path: file.path))
            }
        }
        let new = pings.count
        for ping in pending where !pings.contains(ping) { pings.append(ping) }
        if new > 0 || rewrite || pending.count != earlier.count {
            do {
                try PendingPings.write(pings, to: options.pendingPingsFile)
            } catch {
                report.stateWarnings.append("cannot remember the pings to send: \(error)")
            }
        }
        return pings
    }

    /// Sends `pings`; remembers the ones that fail but may succeed later (not a hub's final
    /// refusal), and forgets the rest.
    private static func send(_ pings: [WebSubPing], options: PublishOptions, report: inout PublishReport) async {
        if !pings.isEmpty {
            report.pings = await WebSubPinger.send(pings, policy: options.ping)
        }
        let failed = report.pings.filter { !$0.succeeded && !$0.isFinal }.map(\.ping)
        let hadPending = FileManager.default.fileExists(atPath: options.pendingPingsFile.path)
        if !failed.isEmpty || hadPending {
            do {
                try PendingPings.write(failed, to: options.pendingPingsFile)
            } catch {
                report.stateWarnings.append("cannot remember the failed pings: \(error)")
            }
        }
    }
}

/// Pings that failed, kept for the next run.
enum PendingPings {
    static func read(_ file: URL, warnings: inout [String]) -> [WebSubPing] {
        guard let data = try? Data(contentsOf: file) else { return [] }
        do {
            return try JSONDecoder().decode([WebSubPing].self, from: data)
        } catch {
            warnings.append("ignoring unreadable \(file.path): \(error)")
            return []
        }
    }

    static func write(_ pings: [WebSubPing], to file: URL) throws {
        if pings.isEmpty {
            if unlink(file.path) != 0 && errno != ENOENT {
                throw AtomicFile.WriteError(path: file.path, reason: String(cString: strerror(errno)))
            }
            return
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        try AtomicFile.write(Array(try encoder.encode(pings)), to: file, sync: false)
    }
}
