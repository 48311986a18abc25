import Foundation

/// What a successful publish leaves in `<state>/manifest`, so that the next run can tell,
/// without loading or rendering a post, that its output would be the same bytes as what
/// is published: then it writes nothing and renders nothing (`PublishReport.upToDate`).
///
/// A run may skip the build only when all of these hold:
/// - the *fingerprint* matches: Crier's version and executable, the working and output
///   folders, the build options (`--future`, `--drafts`, `--limit`, the gate on or off),
///   and per job its cache scope (configuration files and feed definition, by content),
///   its formats, and every input file the loader would read, by path and `stat`
///   (device, inode, size, mode, modification and status-change times in nanoseconds);
/// - the clock is inside the window where the same posts are due: no post's `published`
///   or `expires` lies between the last run's time and this one's;
/// - every file the last run published is still there with the `stat` it had after the
///   run (a file deleted, replaced or edited by hand, even with its modification time
///   put back, changes its status-change time or inode);
/// - input files changed so shortly before the last run that `stat` cannot vouch for them
///   (see `racyMargin`) still have the SHA-256 the loader read then.
///
/// `stat` rather than a hash of every post: a write to a file always sets its
/// status-change time (`touch -d` and `cp -p` restore the modification time only), so
/// an edit with the same size and a restored modification time is still seen; a file
/// changed within the file system's timestamp granularity of the last run's `stat` is
/// the one case `stat` cannot tell, and those files are checked by content.
struct PublishManifest: Equatable {
    static let magic = "CRIERMANIFEST"
    static let formatVersion: UInt16 = 2
    /// Input files whose last change is this close (or closer) to the start of a run are
    /// "racy": a change in the same clock tick as the run's `stat` would leave every
    /// field of it the same, so the next run checks them by content. Generous, to cover
    /// coarse file-system timestamps (FAT's two seconds) and small clock steps.
    static let racyMargin: Int64 = 3_000_000_000

    /// An input file that must still have the content the last run loaded.
    struct RacyInput: Equatable {
        var path: String
        var contentHash: String
    }

    /// A published file and its `stat` after the run.
    struct Output: Equatable {
        var path: String
        var identity: FileIO.Identity
    }

    var fingerprint: String
    var racy: [RacyInput] = []
    /// The same posts are due from `validFrom` (inclusive) to `validUntil` (exclusive),
    /// seconds since the reference date.
    var validFrom = -Double.infinity
    var validUntil = Double.infinity
    var outputs: [Output] = []
    /// Folders the run published to, swept for temporary files of killed runs.
    var folders: [String] = []
    var postCount = 0
    var feedCount = 0
    /// The loader's warnings, shown again by the runs that skip loading.
    var warnings: [PostError] = []
    /// The input files per job, and the folders they were found in (`InputSnapshot`).
    var inputFiles: [[InputFile]] = []
    var inputFolders: [Output] = []
    var listingRacy = false
    var listingKey = ""

    // MARK: Inputs

    /// Every input of a publish that decides its output, as one fingerprint, plus the
    /// input files whose `stat` is too recent to vouch for them.
    struct InputSnapshot {
        var fingerprint: String
        /// Racy input files: job, path relative to the job's source, absolute path.
        var racy: [(job: Int, relativePath: String, path: String)]
        /// Per job, the input files (relative path, absolute path).
        var files: [[InputFile]] = []
        /// Per job, the `stat` of each of `files`, taken before anything was loaded.
        var identities: [[FileIO.Identity]] = []
        /// The folders whose entries decide `files`, with their `stat`.
        var folders: [Output] = []
        /// A folder changed too shortly before its `stat` to vouch for its entries.
        var listingRacy = false
        /// What besides the folders' entries decides the listing: the jobs' scopes
        /// (sources and configurations) and `--drafts`.
        var listingKey = ""
    }

    /// An input file of a job.
    struct InputFile: Equatable {
        var relativePath: String
        var path: String
    }

    /// Identifies the running executable (a rebuilt Crier may write other bytes under
    /// the same version number).
    static let executableIdentity: String = {
        let path = FileManager.default.fileExists(atPath: "/proc/self/exe") ? "/proc/self/exe" : (Bundle.main.executablePath ?? "")
        guard let id = FileIO.identity(path) else { return "unknown" }
        return "\(id.device):\(id.inode):\(id.size):\(id.modified):\(id.changed)"
    }()

    /// The snapshot of `jobs`' inputs now, `scopes` being their cache scopes; `nil` when
    /// a site cannot be read or an input file vanished while looking (the run then builds).
    ///
    /// The list of input files is taken from `previous` (the last run's manifest) when
    /// none of the folders it was found in has changed since; otherwise the loader's
    /// discovery runs again (the folders' `stat` first, so a file added meanwhile shows).
    static func snapshot(_ jobs: [BuildJob], scopes: [String], options: PublishOptions, previous: PublishManifest? = nil) -> InputSnapshot? {
        let horizon = FileIO.nowNanoseconds() - options.racyMargin
        var snapshot = InputSnapshot(fingerprint: "", racy: [])
        snapshot.listingKey = PublishDigest.hex(scopes.joined(separator: " ") + " drafts \(options.build.includeDrafts)")
        if let previous, !previous.listingRacy, previous.listingKey == snapshot.listingKey, previous.inputFiles.count == jobs.count,
           previous.inputFolders.allSatisfy({ FileIO.identity($0.path) == $0.identity }) {
            snapshot.files = previous.inputFiles
            snapshot.folders = previous.inputFolders
        } else {
            for job in jobs {
                guard let folders = PostLoader.inputFolders(of: job.source) else { return nil }
                for folder in folders {
                    guard let identity = FileIO.identity(folder.path) else { return nil }
                    snapshot.folders.append(Output(path: folder.path, identity: identity))
                    if identity.lastChange >= horizon { snapshot.listingRacy = true }
                }
            }
            for job in jobs {
                guard let files = PostLoader.inputFiles(of: job.source, includeDrafts: options.build.includeDrafts) else { return nil }
                snapshot.files.append(files.map { InputFile(relativePath: $0.relativePath, path: $0.path) })
            }
        }

        var text = StateWriter(magic: magic, version: formatVersion)
        text.string(Generator.version)
        text.string(executableIdentity)
        text.string(FileManager.default.currentDirectoryPath)
        text.string(options.output.standardizedFileURL.path)
        let build = options.build
        text.bool(build.includeFuture)
        text.bool(build.includeDrafts)
        text.optional(build.limit) { $0.int($1) }
        text.bool(build.check != nil)
        // Definitions left out (keep-going), and why: mended, changed or deleted, the run is
        // no "nothing changed" (it publishes them, or removes what a deleted one left).
        text.strings(options.earlierErrors.map(\.description))
        for (index, job) in jobs.enumerated() {
            text.string(scopes[index])
            text.strings(job.formats.map(\.rawValue))
            text.int(snapshot.files[index].count)
            let identities = FileIO.identities(snapshot.files[index].map(\.path))
            snapshot.identities.append([])
            snapshot.identities[index].reserveCapacity(identities.count)
            for (file, identity) in zip(snapshot.files[index], identities) {
                guard let identity else { return nil }
                snapshot.identities[index].append(identity)
                text.string(file.relativePath)
                text.string(file.path)
                identity.write(to: &text)
                if identity.lastChange >= horizon { snapshot.racy.append((index, file.relativePath, file.path)) }
            }
        }
        snapshot.fingerprint = PublishDigest.hex(bytes: text.bytes)
        return snapshot
    }

    // MARK: Checking

    /// Whether a run at `now` whose inputs are `snapshot` would publish exactly what the
    /// run that wrote this manifest did. Reads the racy input files.
    func isCurrent(for snapshot: InputSnapshot, now: Date) -> Bool {
        let time = now.timeIntervalSinceReferenceDate
        guard fingerprint == snapshot.fingerprint, validFrom <= time, time < validUntil else { return false }
        for output in outputs where FileIO.identity(output.path) != output.identity { return false }
        for input in racy {
            guard let bytes = FileIO.read(input.path), PublishDigest.hex(bytes: bytes) == input.contentHash else { return false }
        }
        return true
    }

    /// This manifest with only the racy inputs that are still racy in `snapshot`, and
    /// the folder listing of `snapshot` (after `isCurrent` vouched for both), or `nil`
    /// when nothing would change.
    func refreshed(for snapshot: InputSnapshot) -> PublishManifest? {
        let still = Set(snapshot.racy.map(\.path))
        var manifest = self
        manifest.racy = racy.filter { still.contains($0.path) }
        manifest.inputFolders = snapshot.folders
        manifest.listingRacy = snapshot.listingRacy
        manifest.listingKey = snapshot.listingKey
        return manifest == self ? nil : manifest
    }

    // MARK: Reading and writing

    static func read(_ file: URL) -> PublishManifest? {
        guard let bytes = FileIO.read(file.path), var r = StateReader(bytes, magic: magic, version: formatVersion),
              let fingerprint = r.string(), let racyCount = r.int(width: 4), racyCount <= bytes.count else { return nil }
        var manifest = PublishManifest(fingerprint: fingerprint)
        for _ in 0..<racyCount {
            guard let path = r.string(), let hash = r.string() else { return nil }
            manifest.racy.append(RacyInput(path: path, contentHash: hash))
        }
        guard let from = r.double(), let until = r.double(), let outputCount = r.int(width: 4), outputCount <= bytes.count else { return nil }
        manifest.validFrom = from
        manifest.validUntil = until
        for _ in 0..<outputCount {
            guard let path = r.string(), let identity = FileIO.Identity.read(from: &r) else { return nil }
            manifest.outputs.append(Output(path: path, identity: identity))
        }
        guard let folders = r.strings(), let posts = r.int(), let feeds = r.int(),
              let warningCount = r.int(width: 4), warningCount <= bytes.count else { return nil }
        manifest.folders = folders
        manifest.postCount = posts
        manifest.feedCount = feeds
        for _ in 0..<warningCount {
            guard let path = r.string(), let line = r.optional({ $0.int() }), let message = r.string() else { return nil }
            manifest.warnings.append(PostError(path: path, line: line, message: message))
        }
        guard let jobCount = r.int(width: 4), jobCount <= bytes.count else { return nil }
        for _ in 0..<jobCount {
            guard let count = r.int(width: 4), count <= bytes.count else { return nil }
            var files: [InputFile] = []
            files.reserveCapacity(count)
            for _ in 0..<count {
                guard let relative = r.string(), let path = r.string() else { return nil }
                files.append(InputFile(relativePath: relative, path: path))
            }
            manifest.inputFiles.append(files)
        }
        guard let folderCount = r.int(width: 4), folderCount <= bytes.count else { return nil }
        for _ in 0..<folderCount {
            guard let path = r.string(), let identity = FileIO.Identity.read(from: &r) else { return nil }
            manifest.inputFolders.append(Output(path: path, identity: identity))
        }
        guard let listingRacy = r.bool(), let listingKey = r.string() else { return nil }
        manifest.listingRacy = listingRacy
        manifest.listingKey = listingKey
        return r.atEnd ? manifest : nil
    }

    func write(to file: URL) throws {
        var w = StateWriter(magic: PublishManifest.magic, version: PublishManifest.formatVersion)
        w.string(fingerprint)
        w.int(racy.count, width: 4)
        for input in racy {
            w.string(input.path)
            w.string(input.contentHash)
        }
        w.double(validFrom)
        w.double(validUntil)
        w.int(outputs.count, width: 4)
        for output in outputs {
            w.string(output.path)
            output.identity.write(to: &w)
        }
        w.strings(folders)
        w.int(postCount)
        w.int(feedCount)
        w.int(warnings.count, width: 4)
        for warning in warnings {
            w.string(warning.path)
            w.optional(warning.line) { $0.int($1) }
            w.string(warning.message)
        }
        w.int(inputFiles.count, width: 4)
        for files in inputFiles {
            w.int(files.count, width: 4)
            for file in files {
                w.string(file.relativePath)
                w.string(file.path)
            }
        }
        w.int(inputFolders.count, width: 4)
        for folder in inputFolders {
            w.string(folder.path)
            folder.identity.write(to: &w)
        }
        w.bool(listingRacy)
        w.string(listingKey)
        // Lost to a crash, it costs one full run; the files it describes are already
        // flushed to disk.
        try AtomicFile.write(w.bytes, to: file, sync: false)
    }
}
