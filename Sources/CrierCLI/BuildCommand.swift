import ArgumentParser
import Crier
import Foundation

/// `crier build`: posts in, feed files out.
struct Build: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Build Atom, RSS and JSON feeds from posts.",
        discussion: """
        Reads posts (Jekyll, Hugo, or a bare folder of Markdown and text files), renders \
        them, validates every feed it produces and writes the files. With no --site or \
        --posts it builds every feed defined in feeds/*.yml.

        Exit status: 0 written; 1 a post or feed failed (nothing is written unless \
        --keep-going), or a file or this report could not be written; 2 usage.

        Examples:
          crier build
          crier build --site ~/blog --output ~/blog/_site
          crier build --posts notes --title "Field notes" --base-url https://example.org/notes/ --format atom,json
        """)

    @OptionGroup var source: SourceOptions

    @Flag(name: .shortAndLong, help: "Print only errors.")
    var quiet = false

    /// Builds, then exits 1 if the report could not be written to standard output.
    func run() throws {
        let console = Console(quiet: quiet)
        do {
            try build(console)
        } catch {
            _ = console.outputWritten()
            throw error
        }
        if !console.outputWritten() { throw ExitCode(ExitStatus.failure) }
    }

    private func build(_ console: Console) throws {
        let jobs: [BuildJob]
        let skipped: [PostError]
        do {
            (jobs, skipped) = try source.jobs()
        } catch let error as DefinitionErrors {
            error.say(to: console, "; nothing written (use --keep-going to build the others)")
            throw ExitCode(ExitStatus.failure)
        }
        // With --keep-going: said first, and failing the build as a post would.
        for error in skipped { console.error(error.description) }
        let folder = source.outputFolder
        let result = BuildPipeline.write(jobs, options: source.buildOptions(), to: folder, keepGoing: source.keepGoing)
        let outcome = result.outcome
        for warning in outcome.warnings { console.warn(warning.description) }
        for error in outcome.postErrors { console.error(error.description) }
        for failure in outcome.feedFailures { console.error(failure.description) }

        let write = result.wrote
        var written = 0
        if write {
            let files = outcome.files
            let errors = result.writeErrors
            var failedWrites = 0
            var said: Set<String> = []
            for (file, error) in zip(files, errors) {
                if let error {
                    // Files in one folder that cannot be made fail alike: said once.
                    if said.insert(error).inserted { console.error(error) }
                    failedWrites += 1
                    continue
                }
                if result.heldBack { continue }
                written += 1
                let url = folder.appendingPathComponent(file.path)
                console.say("wrote \(displayPath(url))  \(file.format.rawValue), \(file.entryCount) \(file.entryCount == 1 ? "entry" : "entries"), \(Console.size(file.bytes.count))")
            }
            if result.heldBack {
                console.error("nothing written: a build writes all its files or none (--keep-going writes those it can)")
                console.error("0 files from \(outcome.postCount) \(outcome.postCount == 1 ? "post" : "posts"), \(failedWrites) could not be written")
                throw ExitCode(ExitStatus.failure)
            }
            if failedWrites > 0 {
                console.error("\(written) \(written == 1 ? "file" : "files") from \(outcome.postCount) \(outcome.postCount == 1 ? "post" : "posts"), \(failedWrites) could not be written")
                throw ExitCode(ExitStatus.failure)
            }
        }
        let failed = skipped.count + outcome.postErrors.count + outcome.feedFailures.count
        var summary = "\(written) \(written == 1 ? "file" : "files") from \(outcome.postCount) \(outcome.postCount == 1 ? "post" : "posts")"
        if failed > 0 {
            summary += ", \(failed) failed"
            if !write { summary += "; nothing written (use --keep-going to write the rest)" }
        }
        if failed > 0 {
            console.error(summary)
            throw ExitCode(ExitStatus.failure)
        }
        console.say(summary)
    }

    private func displayPath(_ url: URL) -> String {
        let cwd = FileManager.default.currentDirectoryPath + "/"
        return url.path.hasPrefix(cwd) ? String(url.path.dropFirst(cwd.count)) : url.path
    }
}
