import ArgumentParser
import Crier
import CrierServer
import Foundation
import Synchronization

/// `crier serve`: serve the published folder, publish, and keep it fresh.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Publish the feeds, serve them over HTTP, and republish as posts change.",
        discussion: """
        Takes the same source and output options as `crier publish`. Listens at once, \
        serves the output folder as it finds it (the last run's feeds) and publishes: \
        feeds with their media types, strong ETags, Last-Modified, 304 answers to \
        conditional requests, HEAD, gzip, Cache-Control and CORS. Every --interval \
        seconds it republishes through the same publisher as `crier publish` (lock, \
        validation gate, atomic writes, WebSub pings), so readers never see a partial \
        file. /healthz answers 200 once a publish has succeeded; until then a file not \
        published yet is 503 with Retry-After. SIGTERM or SIGINT stops it after the \
        requests in flight.

        Standard output carries the line saying where it listens and, with --verbose, \
        what each republish changed. If it cannot be written (a full disk, a closed \
        pipe), that is said once on standard error, the lines go there instead, and the \
        server goes on: nothing it prints is worth stopping the feeds for.

        Example:
          crier serve --host 0.0.0.0 --port 8080 --interval 60
        """)

    @OptionGroup var source: SourceOptions

    @Option(name: .long, help: "Address to listen on.")
    var host = "127.0.0.1"

    @Option(name: .long, parsing: .unconditional, help: "Port to listen on (0 picks a free one and prints it).")
    var port = 8080

    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("Seconds between checks of the posts for changes.", valueName: "seconds"))
    var interval: Double = 30

    @Option(name: .customLong("cache-control"), help: "The Cache-Control header sent with every file.")
    var cacheControl = "public, max-age=300"

    @Option(name: .long, help: ArgumentHelp("Folder for the lock, post cache and pending pings (default OUTPUT/.crier).", valueName: "dir"))
    var state: String?

    @Flag(name: .shortAndLong, help: "Print what each republish changed.")
    var verbose = false

    mutating func validate() throws {
        if !(0...65_535).contains(port) { throw ValidationError("--port must be between 0 and 65535.") }
        // Finite and at most a day: `nan`, `inf` or 1e16 would overflow the timer.
        if !(0.1...86_400).contains(interval) { throw ValidationError("--interval must be from 0.1 to 86400 seconds.") }
    }

    func run() async throws {
        let console = Console()
        let skipped: [PostError]
        do {
            // Read here to fail before listening; read again for every publish.
            skipped = try source.jobs().skipped
        } catch let error as DefinitionErrors {
            error.say(to: console, " (--keep-going serves the others)")
            throw ExitCode(ExitStatus.failure)
        }
        // With --keep-going: said once, and again only when they change; every publish
        // counts them as failures.
        for error in skipped { console.error(error.description) }
        let definitions = Definitions(source: source, said: skipped)
        let output = source.outputFolder
        try FileManager.default.createDirectory(at: output, withIntermediateDirectories: true)
        let stateFolder = state.map { URL(fileURLWithPath: $0, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath)).standardizedFileURL }
        let buildTemplate = source.buildOptions()
        let keepGoing = source.keepGoing
        let verbose = self.verbose
        let interval = self.interval

        var configuration = FeedServer.Configuration(folder: output)
        configuration.host = host
        configuration.port = port
        configuration.cacheControl = cacheControl
        configuration.refreshInterval = .milliseconds(Int(interval * 1000))
        let host = self.host
        let server = FeedServer(
            configuration: configuration,
            refresh: {
                guard let (jobs, skipped) = definitions.read(console: console) else { return false }
                return await Serve.republish(jobs: jobs, skipped: skipped, build: buildTemplate, keepGoing: keepGoing, output: output,
                                             state: stateFolder, wait: interval, verbose: verbose, console: console)
            },
            onListening: { port in
                console.log("serving \(output.path) on \(FeedServer.address(host: host, port: port))")
            })
        do {
            try await server.run()
        } catch let error as FeedServer.ListenError {
            let reason = error.systemError.map { String(cString: strerror($0)) } ?? error.reason
            console.error("cannot listen on \(error.address): \(reason)")
            throw ExitCode(ExitStatus.failure)
        }
    }

    /// One publish through the same code as `crier publish`; problems go to standard
    /// error and the last good feeds stay served. Whether it succeeded: every feed
    /// published (a hub that could not be told does not count), or with `--keep-going`
    /// at least one.
    /// `skipped` are the definitions that could not be read (with `--keep-going`): the
    /// publish counts them as failures, so that it removes none of their files.
    static func republish(jobs: [BuildJob], skipped: [PostError] = [], build: BuildOptions, keepGoing: Bool, output: URL, state: URL?,
                          wait: Double, verbose: Bool, console: Console) async -> Bool {
        var options = PublishOptions(output: output, stateFolder: state)
        options.earlierErrors = skipped
        options.build = build
        // Scheduled posts appear on the first republish after their time.
        options.build.now = Date()
        options.keepGoing = keepGoing
        options.wait = wait
        do {
            let report = try await Publisher.publish(jobs, options: options)
            for error in report.build.postErrors where !skipped.contains(error) { console.error(error.description) }
            for failure in report.build.feedFailures { console.error(failure.description) }
            for error in report.writeErrors { console.error(error) }
            for ping in report.pings where !ping.succeeded { console.error(ping.description) }
            // As `crier publish` says them: its own state not read or saved.
            for warning in report.stateWarnings { Console.standardError("warning: " + warning + "\n") }
            if verbose {
                for file in report.written { console.log("published \(file.path)") }
            }
            return report.succeeded || (keepGoing && !(report.written.isEmpty && report.unchanged == 0))
        } catch {
            console.error("publish: \(error)")
            return false
        }
    }
}

/// The feed definitions as `serve` reads them before each publish: an edited definition
/// is published as edited, a new one is published and a removed one is no longer.
final class Definitions: Sendable {
    /// Parsed options, only read (their property wrappers are not marked `Sendable`).
    nonisolated(unsafe) private let source: SourceOptions
    /// The definitions last said to be unreadable (with `--keep-going`).
    private let said: Mutex<[PostError]>

    init(source: SourceOptions, said: [PostError]) {
        self.source = source
        self.said = Mutex(said)
    }

    /// The jobs, and the definitions left out (with `--keep-going`, said when they are not
    /// the ones said last time); `nil` when none can be published this time, said on
    /// `console` (the last good feeds stay served).
    func read(console: Console) -> (jobs: [BuildJob], skipped: [PostError])? {
        do {
            let (jobs, skipped) = try source.jobs()
            let changed = said.withLock { said in
                defer { said = skipped }
                return said != skipped
            }
            if changed { for error in skipped { console.error(error.description) } }
            return (jobs, skipped)
        } catch let error as DefinitionErrors {
            said.withLock { $0 = [] }
            error.say(to: console, "; nothing published, the served feeds stay as they were (--keep-going publishes the others)")
        } catch {
            // The source itself (the definitions folder gone or emptied, say).
            said.withLock { $0 = [] }
            console.error("\(error); nothing published, the served feeds stay as they were")
        }
        return nil
    }
}
