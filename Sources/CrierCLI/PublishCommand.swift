import ArgumentParser
import Crier
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// `crier publish`: the build for cron. Quiet unless something is wrong.
struct Publish: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Build every feed and publish what changed (for cron).",
        discussion: """
        Takes the same source and output options as `crier build`. Every feed is \
        validated before it replaces the published one; only files whose bytes changed \
        are written (each to a temporary file, flushed, then renamed over the old one), \
        under a lock so that two runs never interleave. Posts rendered by earlier runs are \
        reused from a cache. After a feed with `hub:` URLs changes, each hub gets a WebSub \
        publish notification. Prints nothing on success.

        State (lock, post cache, pings to retry) lives in OUTPUT/.crier/ unless --state \
        says otherwise.

        Exit status: 0 published (or nothing to do); 1 a post or feed failed, the \
        published feeds stay as they were; 2 usage; 3 published, but what --verbose \
        lists could not be written to standard output; 4 another run holds the lock; 5 \
        published, but a hub could not be notified (retried on the next run unless \
        the hub refused it).

        Example crontab line (cron's PATH has no /usr/local/bin; the log's folder \
        must exist and be writable):
          */5 * * * * cd /srv/blog && /usr/local/bin/crier publish --wait 60 --log $HOME/crier.log
        """)

    @OptionGroup var source: SourceOptions

    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("Wait up to this long for another run's lock; 0 gives up at once.", valueName: "seconds"))
    var wait: Double = 0

    @Flag(name: .shortAndLong, help: "List what changed, warnings, hub notifications and a summary.")
    var verbose = false

    @Option(name: .long, help: ArgumentHelp("Append one line per run to this file.", valueName: "file"))
    var log: String?

    @Option(name: .long, help: ArgumentHelp("Folder for the lock, post cache and pending pings (default OUTPUT/.crier).", valueName: "dir"))
    var state: String?

    @Flag(name: .customLong("no-cache"), help: "Render every post again (the cache is refreshed for the next run).")
    var noCache = false

    @Flag(name: .customLong("allow-empty"), help: "Publish a feed's files even when none of them has an entry though the published ones had some (refused by default: an emptied or unmounted posts folder would empty every feed).")
    var allowEmpty = false

    @Option(name: .customLong("ping-attempts"), parsing: .unconditional, help: ArgumentHelp("Tries per hub notification.", valueName: "n"))
    var pingAttempts = 3

    @Option(name: .customLong("ping-delay"), parsing: .unconditional, help: ArgumentHelp("Wait before retrying a hub, doubled on each retry.", valueName: "seconds"))
    var pingDelay: Double = 1

    @Option(name: .customLong("ping-timeout"), parsing: .unconditional, help: ArgumentHelp("How long to wait for a hub's answer.", valueName: "seconds"))
    var pingTimeout: Double = 10

    mutating func validate() throws {
        // Finite and at most a day: `nan` would wait for ever, `inf` or 1e300 overflow.
        if !(0...86_400).contains(wait) { throw ValidationError("--wait must be from 0 to 86400 seconds.") }
        if !(1...10).contains(pingAttempts) { throw ValidationError("--ping-attempts must be from 1 to 10.") }
        if !(0...3_600).contains(pingDelay) || !(pingTimeout > 0 && pingTimeout <= 3_600) {
            throw ValidationError("--ping-delay must be from 0 to 3600 seconds and --ping-timeout more than 0, up to 3600.")
        }
    }

    func run() async throws {
        let console = Console(quiet: !verbose)
        let start = Date()
        let jobs: [BuildJob]
        let skipped: [PostError]
        do {
            (jobs, skipped) = try source.jobs()
        } catch let error as DefinitionErrors {
            error.say(to: console, "; nothing published, the published feeds stay as they were (--keep-going publishes the others)")
            appendLog(status: "failed", detail: "definitions=\(error.errors.count) first: \(error.errors[0].description)")
            throw ExitCode(ExitStatus.failure)
        } catch {
            // A usage error (no feeds/ folder, no such --site): logged too, every run is.
            appendLog(status: "failed", detail: "\(error)")
            throw error
        }

        var options = PublishOptions(output: source.outputFolder, stateFolder: state.map(absolute))
        // Scheduled posts: each run takes the time it starts, so a post dated in the
        // future is left out until the first run after its time.
        options.build = source.buildOptions(now: start)
        // What is published is read elsewhere: links to localhost would reach nobody.
        options.build.requireAddress = true
        options.keepGoing = source.keepGoing
        options.earlierErrors = skipped
        options.allowEmpty = allowEmpty
        options.wait = wait
        options.useCache = !noCache
        options.ping = PingPolicy(attempts: pingAttempts, firstDelay: pingDelay, timeout: pingTimeout)

        let report: PublishReport
        do {
            report = try await Publisher.publish(jobs, options: options)
        } catch let busy as PublishLock.Busy {
            console.error(busy.description)
            appendLog(status: "locked", detail: "waited=\(String(format: "%.1f", busy.waited))s")
            throw ExitCode(ExitStatus.locked)
        } catch {
            console.error("\(error)")
            appendLog(status: "failed", detail: "\(error)")
            throw ExitCode(ExitStatus.failure)
        }

        // Everything is published and pinged by now: what follows only reports it, and a
        // report that cannot be written changes the exit status, nothing else.
        for warning in report.build.warnings { console.warn(warning.description) }
        // Crier's own state not read or saved (a damaged file, a full disk): pending hub
        // notifications or the record of published files may be lost, so this is said
        // even without --verbose (it happens once, not every run).
        for warning in report.stateWarnings { Console.standardError("warning: " + warning + "\n") }
        for error in report.build.postErrors { console.error(error.description) }
        for failure in report.build.feedFailures { console.error(failure.description) }
        for error in report.writeErrors { console.error(error) }
        for file in report.written {
            let verb = file.created ? "created" : "updated"
            let entries = "\(file.entryCount) \(file.entryCount == 1 ? "entry" : "entries")"
            console.say("\(verb) \(display(source.outputFolder.appendingPathComponent(file.path)))  \(file.format.rawValue)\(file.isArchive ? " archive" : ""), \(entries), \(Console.size(file.byteCount))")
        }
        for path in report.removed {
            console.say("removed \(display(source.outputFolder.appendingPathComponent(path)))  no longer produced by any feed")
        }
        for path in report.removedTemporaryFiles { console.say("removed \(display(URL(fileURLWithPath: path))), left by an interrupted run") }
        for ping in report.pings {
            if ping.succeeded { console.say(ping.description) } else { console.error(ping.description) }
        }

        let failed = report.build.postErrors.count + report.build.feedFailures.count + report.writeErrors.count
        let summary = summaryText(report)
        if !report.succeeded {
            let kept: String
            if !report.writeErrors.isEmpty && !report.written.isEmpty {
                // Some files were renamed into place before another could not be written.
                kept = "the files not written stay as they were; \(report.written.count) other\(report.written.count == 1 ? " was" : "s were") published"
            } else if !report.written.isEmpty || source.keepGoing {
                kept = "the failed feeds stay as they were, the rest is published"
            } else {
                kept = "nothing published, the published feeds stay as they were (--keep-going publishes the rest)"
            }
            console.error("\(failed) failed; \(kept). \(summary)")
            appendLog(status: "failed", report: report)
            _ = console.outputWritten()
            throw ExitCode(ExitStatus.failure)
        }
        console.say(summary)
        let outputWritten = console.outputWritten()
        if report.pingsFailed {
            appendLog(status: "hub-failed", report: report)
            throw ExitCode(ExitStatus.hubUnreachable)
        }
        appendLog(status: "ok", report: report)
        // Only a run that otherwise succeeded: 1 and 5 say more about the feeds.
        if !outputWritten { throw ExitCode(ExitStatus.unreadable) }
    }

    private func summaryText(_ report: PublishReport) -> String {
        let changed = report.written.count
        var text = changed > 0 ? "\(changed) \(changed == 1 ? "file" : "files") changed"
            : report.removed.isEmpty ? "nothing changed" : "no file written"
        text += ", \(report.unchanged) unchanged"
        if !report.removed.isEmpty { text += ", \(report.removed.count) removed" }
        text += ", \(report.build.postCount) \(report.build.postCount == 1 ? "post" : "posts")"
        if report.cacheHits > 0 { text += " (\(report.cacheHits) from cache)" }
        if !report.pings.isEmpty {
            text += ", \(report.pings.filter(\.succeeded).count)/\(report.pings.count) hub notifications"
        }
        return text + String(format: ", %.2f s", report.duration)
    }

    /// One line per run, `key=value` after a time stamp and a status word, so that
    /// `grep failed` finds the bad runs.
    private func appendLog(status: String, report: PublishReport) {
        let failed = report.build.postErrors.count + report.build.feedFailures.count + report.writeErrors.count
        let pings = report.pings.isEmpty ? "" : " pings=\(report.pings.filter(\.succeeded).count)/\(report.pings.count)"
        appendLog(status: status, detail: "changed=\(report.written.count) unchanged=\(report.unchanged)\(report.removed.isEmpty ? "" : " removed=\(report.removed.count)") failed=\(failed) posts=\(report.build.postCount) cached=\(report.cacheHits)\(pings) seconds=\(String(format: "%.2f", report.duration))")
    }

    private func appendLog(status: String, detail: String) {
        guard let log else { return }
        let stamp = ISO8601DateFormatter().string(from: Date())
        let output = display(source.outputFolder)
        let line = "\(stamp) publish \(status) output=\(output) \(detail)".replacingOccurrences(of: "\n", with: " ") + "\n"
        // O_APPEND with a single write: lines from overlapping runs do not mix.
        let fd = open(absolute(log).path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            Console().error("cannot write log \(log): \(String(cString: strerror(errno)))")
            return
        }
        defer { close(fd) }
        let bytes = Array(line.utf8)
        if bytes.withUnsafeBytes({ Glibc.write(fd, $0.baseAddress, $0.count) }) != bytes.count {
            Console().error("cannot write log \(log): \(String(cString: strerror(errno)))")
        }
    }

    private func absolute(_ path: String) -> URL {
        URL(fileURLWithPath: path, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath)).standardizedFileURL
    }

    private func display(_ url: URL) -> String {
        let cwd = FileManager.default.currentDirectoryPath + "/"
        return url.path.hasPrefix(cwd) ? String(url.path.dropFirst(cwd.count)) : url.path
    }
}
