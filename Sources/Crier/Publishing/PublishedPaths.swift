import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The files publishing has put in an output folder, by the job that made them, kept in
/// `<state>/published-files`, so that a later run of the same job can remove the ones it
/// no longer produces: the feed of a tag no post has any more, say after a post was
/// withdrawn with `published: false`, which would otherwise stay online for ever.
///
/// A job is known by its feed definition file, or by its site or posts folder
/// (`PublishedPaths.key(of:)`), so runs of other sources into the same output folder
/// (two cron lines, `crier serve` beside a cron job) never remove each other's files. The
/// record names its output folder: a state folder shared with runs into another folder
/// reads as empty, so no run removes files it did not publish there. A definition gone
/// from the folder a run reads its definitions from takes its files with it
/// (`withdrawnDefinitions`).
struct PublishedPaths: Codable, Equatable {
    /// The output folder the paths are in (absolute, standardised).
    var output: String
    /// Paths relative to `output`, sorted, by job key.
    var jobs: [String: [String]]

    /// What identifies `job` from run to run, whatever its settings: its definition file,
    /// or its source folder.
    static func key(of job: BuildJob) -> String {
        if let definition = job.definition {
            // `crier build --site DIR --title ...` lays a definition over the site: the
            // site is the job.
            if case .site(let folder) = job.source, definition.file.standardizedFileURL == folder.standardizedFileURL {
                return "site:" + folder.standardizedFileURL.path
            }
            return definitionPrefix + definition.file.standardizedFileURL.path
        }
        switch job.source {
        case .site(let folder): return "site:" + folder.standardizedFileURL.path
        case .folder(let folder, _): return "posts:" + folder.standardizedFileURL.path
        }
    }

    /// How the key of a job made by a feed definition starts (the definition's path follows).
    static let definitionPrefix = "definition:"

    /// The keys in `record` of definitions no longer in a folder that one of `jobs`' definitions
    /// was read from (deleted, renamed, or no longer `*.yml`): `crier publish` reads every
    /// definition of its folder, so nothing will publish those feeds again.
    static func withdrawnDefinitions(in record: [String: Set<String>], jobs: [BuildJob]) -> [String] {
        let keys = Set(jobs.map(key(of:)))
        let folders = Set(jobs.compactMap { job in
            key(of: job).hasPrefix(definitionPrefix) ? job.definition?.file.standardizedFileURL.deletingLastPathComponent().path : nil
        })
        var listed: [String: Set<String>] = [:]
        return record.keys.sorted().filter { key in
            guard !keys.contains(key), key.hasPrefix(definitionPrefix) else { return false }
            let file = URL(fileURLWithPath: String(key.dropFirst(definitionPrefix.count)))
            let folder = file.deletingLastPathComponent().path
            guard folders.contains(folder) else { return false }
            if listed[folder] == nil {
                // A folder that cannot be listed withdraws nothing.
                guard let files = try? FeedDefinition.files(in: URL(fileURLWithPath: folder, isDirectory: true)) else { return false }
                listed[folder] = Set(files.map(\.standardizedFileURL.path))
            }
            return listed[folder]?.contains(file.path) == false
        }
    }

    /// The record in `file` for `output`; empty when there is none, it is unreadable, or
    /// it is another folder's. The same folder reached by another path (through a
    /// symbolic link) is the same folder.
    static func read(_ file: URL, output: URL, warnings: inout [String]) -> [String: Set<String>] {
        guard let data = try? Data(contentsOf: file) else { return [:] }
        guard let record = try? JSONDecoder().decode(PublishedPaths.self, from: data) else {
            warnings.append("ignoring unreadable \(file.path): the files earlier runs published are not known, so those no longer produced stay")
            return [:]
        }
        guard record.output == output.standardizedFileURL.path
                || URL(fileURLWithPath: record.output, isDirectory: true).resolvingSymlinksInPath().path
                    == output.standardizedFileURL.resolvingSymlinksInPath().path else { return [:] }
        return record.jobs.mapValues(Set.init)
    }

    /// Saves `jobs` as the files published in `output`.
    static func write(_ jobs: [String: Set<String>], output: URL, to file: URL) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        let record = PublishedPaths(output: output.standardizedFileURL.path, jobs: jobs.mapValues { $0.sorted() })
        try AtomicFile.write(Array(try encoder.encode(record)), to: file, sync: false)
    }

    /// The format of the published file at `path`, by its extension.
    static func format(of path: String) -> FeedFormat? {
        FeedFormat.allCases.first { path.hasSuffix("." + $0.fileExtension) }
    }

    /// Removes the file at `path` (relative to `output`), which an earlier run published:
    /// only a regular file inside the folder, never a link, a folder or a path leading
    /// out. Returns `false` when there was nothing of that kind to remove; throws when it
    /// could not be removed.
    static func remove(_ path: String, in output: URL) throws -> Bool {
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        guard !path.isEmpty, !path.hasPrefix("/"), !parts.contains(where: { $0.isEmpty || $0 == "." || $0 == ".." }) else { return false }
        let full = output.appendingPathComponent(path).path
        var info = stat()
        guard lstat(full, &info) == 0 else {
            if errno == ENOENT { return false }
            throw AtomicFile.WriteError(path: full, reason: "cannot remove: " + String(cString: strerror(errno)))
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else { return false }
        guard unlink(full) == 0 else {
            throw AtomicFile.WriteError(path: full, reason: "cannot remove: " + String(cString: strerror(errno)))
        }
        return true
    }
}
