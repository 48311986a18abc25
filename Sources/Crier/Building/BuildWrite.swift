import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// What `BuildPipeline.write(_:options:to:keepGoing:)` did.
public struct BuildWrite: Sendable {
    /// The build: the files that passed the check, and every problem met.
    public internal(set) var outcome: BuildOutcome
    /// Whether files were written: everything succeeded, or the caller asked to keep going.
    public internal(set) var wrote: Bool
    /// When `wrote`, for each of `outcome.files` in order, why it could not be written;
    /// `nil` for a file written (or, when `heldBack`, one that could have been). Empty
    /// otherwise.
    public internal(set) var writeErrors: [String?] = []
    /// Whether no file was put in place because one of them could not be (without
    /// keep-going a build writes all its files or none).
    public internal(set) var heldBack = false
}

extension BuildPipeline {
    /// Builds `jobs` and writes the files into `folder`, as `crier build` does. Each file
    /// goes to disk under a temporary name beside its place while `options.check` runs
    /// (the writes are mostly the disk's work, the checks the cores'), and only once
    /// every check is done are the files that passed renamed into place: all of them
    /// when everything succeeded, else none unless `keepGoing` (a file that could not be
    /// written, or whose place a folder holds, is a failure too). Temporary files are
    /// removed either way, those an interrupted build left too, and so are the folders
    /// made for files that were not put in place. A large file is written straight to
    /// the disk (`AtomicFile`'s direct writes), and no file is flushed: nothing here
    /// reads them again.
    public static func write(_ jobs: [BuildJob], options: BuildOptions, to folder: URL, keepGoing: Bool) -> BuildWrite {
        var unchecked = options
        unchecked.check = nil
        var outcome = run(jobs, options: unchecked)
        let places = outcome.files.map { folder.appendingPathComponent($0.path).deletingLastPathComponent().path }
        // Folders made here, deepest first, so that those left empty can go again.
        var madeFolders: [String] = []
        for place in Set(places) {
            var missing = place
            while !missing.isEmpty, missing != "/", !FileManager.default.fileExists(atPath: missing) {
                madeFolders.append(missing)
                missing = (missing as NSString).deletingLastPathComponent
            }
            if missing == place { AtomicFile.removeStaleTemporaryFiles(in: URL(fileURLWithPath: place)) }
        }
        defer {
            for made in Set(madeFolders).sorted(by: { $0.count > $1.count }) { rmdir(made) }
        }
        let staging = outcome.succeeded || keepGoing ? StagedWrites(outcome.files, in: folder) : nil
        if let check = options.check { self.check(&outcome, with: check) }
        var staged = staging?.wait() ?? [:]
        defer { for case .success(let file) in staged.values { file.discard() } }

        var result = BuildWrite(outcome: outcome, wrote: outcome.succeeded || keepGoing)
        guard result.wrote else { return result }
        if !keepGoing {
            // All the files or none: one that could not be written beside its place, or
            // whose place a folder holds (its rename would fail), leaves every file as it
            // was, before any is put in place.
            var problems: [String: String] = [:]
            for file in outcome.files {
                let target = folder.appendingPathComponent(file.path)
                switch staged[file.path] {
                case .failure(let error)?: problems[file.path] = "\(error)"
                case .success?:
                    // The place itself, not what a symbolic link there names: the rename
                    // replaces a link.
                    let type = try? FileManager.default.attributesOfItem(atPath: target.path)[.type] as? FileAttributeType
                    if type == .typeDirectory {
                        problems[file.path] = "\(target.path): a folder is where the file goes"
                    }
                case nil: break
                }
            }
            if !problems.isEmpty {
                result.writeErrors = outcome.files.map { problems[$0.path] }
                result.heldBack = true
                return result
            }
        }
        for file in outcome.files {
            do {
                // Every file the check can pass was staged (`wrote` implies `staging`).
                let written = staged.removeValue(forKey: file.path) ?? Result { try StagedWrites.stage(file, in: folder) }
                try written.get().commit()
                result.writeErrors.append(nil)
            } catch {
                result.writeErrors.append("\(error)")
            }
        }
        return result
    }
}

/// Files being written beside their places while the build goes on, by a thread per
/// core (not Dispatch's, which the checks keep busy), each taking the next file.
private final class StagedWrites: Sendable {
    private let results: Mutex<[String: Result<AtomicFile.StagedFile, any Error>]> = Mutex([:])
    private let next = Atomic<Int>(0)
    private let done = DispatchGroup()

    /// Starts writing each of `files` beside its place in `folder`.
    init(_ files: [RenderedFile], in folder: URL) {
        let workers = min(files.count, max(2, ProcessInfo.processInfo.activeProcessorCount))
        for _ in 0..<workers {
            done.enter()
            Thread { [self] in
                while true {
                    let index = next.add(1, ordering: .relaxed).oldValue
                    guard index < files.count else { break }
                    let result = Result { try StagedWrites.stage(files[index], in: folder) }
                    results.withLock { $0[files[index].path] = result }
                }
                done.leave()
            }.start()
        }
    }

    static func stage(_ file: RenderedFile, in folder: URL) throws -> AtomicFile.StagedFile {
        try AtomicFile.stage(file.bytes, to: folder.appendingPathComponent(file.path), sync: false, direct: true)
    }

    /// The staged files by path, or why each could not be written, once all are done.
    func wait() -> [String: Result<AtomicFile.StagedFile, any Error>] {
        done.wait()
        return results.withLock { $0 }
    }
}
