import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
#if canImport(Glibc)
import Glibc
#endif
import Testing

/// A command whose output could not be written says so and fails, rather than exiting 0
/// having told nobody anything (`crier validate f.xml > /dev/full`).
@Suite struct OutputErrorTests {
    @Test func validateFailsWhenItsResultsCannotBeWritten() throws {
        let dir = try TempFolder()
        let feed = try dir.write("feed.xml", ValidateFetchTests.feed)
        for format in ["text", "json"] {
            let run = try MeasuredRun.run(["validate", "--format", format, feed.path], stdoutPath: "/dev/full")
            #expect(run.status == 3, "\(format): \(run.stderr)")
            #expect(run.stderr == "error: could not write the results to standard output: No space left on device\n", "\(format): \(run.stderr)")
        }
        // Written, it is a pass.
        #expect(try MeasuredRun.run(["validate", feed.path]).status == 0)
        // Started with standard output closed: the results go nowhere else, and the
        // closed stream is named as such.
        let stderrFile = dir.url.appendingPathComponent("stderr.txt")
        let closed = try SpawnedCrier(["validate", feed.path], stdout: .closed, stderrPath: stderrFile.path)
        #expect(closed.wait() == 3)
        #expect(try String(contentsOf: stderrFile, encoding: .utf8) == "error: could not write the results to standard output: Bad file descriptor\n")
    }

    @Test func buildFailsWhenItsReportCannotBeWritten() throws {
        let dir = try TempFolder()
        try dir.write("posts/2024-05-01-first.md", "---\ntitle: First\n---\nHello.\n")
        let arguments = ["build", "--posts", dir.path + "/posts", "--base-url", "https://example.org/", "--output", dir.path + "/out"]
        let run = try MeasuredRun.run(arguments, stdoutPath: "/dev/full")
        #expect(run.status == 1, "\(run.stderr)")
        #expect(run.stderr == "error: could not write to standard output: No space left on device\n", "\(run.stderr)")
        #expect(dir.exists("out/feed.xml"), "the feeds themselves were written")
        // --quiet prints nothing, so nothing fails.
        #expect(try MeasuredRun.run(arguments + ["--quiet"], stdoutPath: "/dev/full").status == 0)
    }

    /// Help and the version are output like any other: one that cannot be written fails.
    @Test func helpAndVersionFailWhenTheyCannotBeWritten() throws {
        let dir = try TempFolder()
        for arguments in [["--help"], ["build", "--help"], ["help", "validate"], ["--version"]] {
            let run = try MeasuredRun.run(arguments, stdoutPath: "/dev/full")
            #expect(run.status == 1, "\(arguments): \(run.stderr)")
            #expect(run.stderr == "error: could not write to standard output: No space left on device\n", "\(arguments): \(run.stderr)")
            try dir.write("out.txt", "")
            let written = try MeasuredRun.run(arguments, stdoutPath: dir.path + "/out.txt")
            #expect(written.status == 0 && written.stderr.isEmpty, "\(arguments): \(written.stderr)")
            #expect(try !dir.read("out.txt").isEmpty, "\(arguments)")
        }
    }

    /// An error that cannot be written to standard error is lost, but the exit status and
    /// the log still say what happened (the write stopped the process with a crash).
    @Test func errorsThatCannotBeWrittenLeaveTheExitStatusAsItWas() throws {
        let dir = try makePublishSite()
        try dir.write("posts/2024-01-09-bad.md", "---\ntitle: [x\n---\nBody.\n")
        let build = try SpawnedCrier(["build", "--feeds", dir.path + "/feeds", "--output", dir.path + "/built"],
                                     stdout: .path("/dev/null"), stderrPath: "/dev/full")
        #expect(build.wait() == 1)
        let publish = try SpawnedCrier(["publish", "--feeds", dir.path + "/feeds", "--output", dir.path + "/public", "--log", dir.path + "/run.log"],
                                       stdout: .path("/dev/null"), stderrPath: "/dev/full")
        #expect(publish.wait() == 1)
        #expect(try dir.read("run.log").contains(" publish failed "))
    }

    /// A publish run from cron prints nothing on success, so a full standard output changes
    /// nothing; with `--verbose`, the list that could not be written is an error on
    /// standard error and exit 3, while the feeds, the manifest and the log line are those
    /// of a run whose list was written.
    @Test func publishStillPublishesWhenItsVerboseListCannotBeWritten() throws {
        let dir = try makePublishSite()
        let arguments = ["publish", "--feeds", dir.path + "/feeds", "--output", dir.path + "/public", "--log", dir.path + "/run.log"]
        let verbose = try MeasuredRun.run(arguments + ["--verbose"], stdoutPath: "/dev/full")
        #expect(verbose.status == 3, "\(verbose.stderr)")
        #expect(verbose.stderr == "error: could not write to standard output: No space left on device\n", "\(verbose.stderr)")
        #expect(dir.exists("public/feed.xml") && dir.exists("public/feed.rss") && dir.exists("public/feed.json"))
        #expect(dir.exists("public/.crier/manifest"))
        let log = try dir.read("run.log")
        #expect(log.contains(" publish ok "), "\(log)")

        try writePublishPost(dir, day: 3)
        let quiet = try MeasuredRun.run(arguments, stdoutPath: "/dev/full")
        #expect(quiet.status == 0 && quiet.stderr.isEmpty, "\(quiet.status): \(quiet.stderr)")
        #expect(try dir.read("public/feed.xml").contains("<title>Post 3</title>"))

        // Started with standard output closed, no file it opens takes its place.
        try writePublishPost(dir, day: 4)
        let stderrFile = dir.url.appendingPathComponent("stderr.txt")
        let closed = try SpawnedCrier(arguments + ["--verbose"], stdout: .closed, stderrPath: stderrFile.path)
        #expect(closed.wait() == 3)
        #expect(try String(contentsOf: stderrFile, encoding: .utf8) == "error: could not write to standard output: Bad file descriptor\n")
        for file in ["feed.xml", "feed.rss", "feed.json", ".crier/lock", ".crier/manifest", ".crier/entries"] {
            let text = String(decoding: try Data(contentsOf: dir.url.appendingPathComponent("public/" + file)), as: UTF8.self)
            #expect(!text.contains("updated public") && !text.contains("files changed"), "\(file): \(text)")
        }
        #expect(try dir.read("public/feed.xml").contains("<title>Post 4</title>"))
    }

    /// `crier publish -v | head -1`: output to a reader gone ends the run with a report and
    /// exit 3, not with SIGPIPE before its log line is written.
    @Test func publishToAPipeClosedEarlyStillLogsTheRun() throws {
        let dir = try makePublishSite()
        let stderrFile = dir.url.appendingPathComponent("stderr.txt")
        var ends: [Int32] = [-1, -1]
        // A socket rather than a pipe, as only a socket can be made close-on-exec at once:
        // no other test's child may hold the reading end open. Writes to either fail alike.
        #expect(socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &ends) == 0)
        close(ends[0])
        defer { close(ends[1]) }
        let child = try SpawnedCrier(["publish", "-v", "--feeds", dir.path + "/feeds", "--output", dir.path + "/public", "--log", dir.path + "/run.log"],
                                     stdout: .descriptor(ends[1]), stderrPath: stderrFile.path)
        let status = child.wait()
        let stderr = try String(contentsOf: stderrFile, encoding: .utf8)
        #expect(status == 3, "\(stderr)")
        #expect(stderr == "error: could not write to standard output: Broken pipe\n", "\(stderr)")
        #expect(dir.exists("public/feed.xml"))
        #expect(try dir.read("run.log").contains(" publish ok "))
    }

    /// A command writing to a reader gone is never stopped by SIGPIPE (exit 141): `build`
    /// and `validate` exit 1 and 3 as for any output they cannot write, and a publish that
    /// finds the lock held, its standard error a reader gone, exits 4 and logs the run.
    @Test func noCommandIsStoppedByAReaderGone() throws {
        let dir = try makePublishSite()
        /// One end of a socket pair whose other end is closed (close-on-exec, so no other
        /// test's child holds it): a write to it fails as to a pipe nobody reads.
        func readerGone() -> Int32 {
            var ends: [Int32] = [-1, -1]
            #expect(socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &ends) == 0)
            close(ends[0])
            return ends[1]
        }
        let stderrFile = dir.path + "/stderr.txt"
        let gone = readerGone()
        defer { close(gone) }
        let build = try SpawnedCrier(["build", "--feeds", dir.path + "/feeds", "--output", dir.path + "/built"],
                                     stdout: .descriptor(gone), stderrPath: stderrFile)
        #expect(build.wait() == 1)
        #expect(try String(contentsOfFile: stderrFile, encoding: .utf8) == "error: could not write to standard output: Broken pipe\n")
        let validate = try SpawnedCrier(["validate", dir.path + "/built/feed.xml"], stdout: .descriptor(gone), stderrPath: stderrFile)
        #expect(validate.wait() == 3)

        try FileManager.default.createDirectory(atPath: dir.path + "/public/.crier", withIntermediateDirectories: true)
        let lock = open(dir.path + "/public/.crier/lock", O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        defer { close(lock) }
        #expect(flock(lock, LOCK_EX) == 0)
        let publish = try SpawnedCrier(["publish", "--feeds", dir.path + "/feeds", "--output", dir.path + "/public", "--log", dir.path + "/run.log"],
                                       stdout: .path("/dev/null"), stderrPath: stderrFile, stderr: gone)
        #expect(publish.wait() == 4)
        #expect(try dir.read("run.log").contains(" publish locked "))
    }

    /// `crier serve > /dev/full` (or with standard output closed) serves all the same; the
    /// line saying where, and what `--verbose` reports, go to standard error instead.
    @Test func serveGoesOnServingWhenItsOutputCannotBeWritten() async throws {
        try await serve(stdout: .path("/dev/full"), failure: "No space left on device")
        try await serve(stdout: .closed, failure: "Bad file descriptor")
    }

    private func serve(stdout: SpawnedCrier.Output, failure: String) async throws {
        let dir = try TempFolder()
        try dir.write("posts/2024-06-01-first.md", "---\ntitle: First\n---\nOne.\n")
        let stderrFile = dir.url.appendingPathComponent("stderr.txt")
        let child = try SpawnedCrier(["serve", "--posts", dir.path + "/posts", "--base-url", "https://example.org/", "--output", dir.path + "/out",
                                      "--port", "0", "--interval", "0.2", "--verbose"],
                                     stdout: stdout, stderrPath: stderrFile.path)
        defer { child.kill() }
        var stderr = ""
        var port: Int?
        for _ in 0..<600 where port == nil {
            stderr = (try? String(contentsOf: stderrFile, encoding: .utf8)) ?? ""
            if let range = stderr.range(of: #"on http://127\.0\.0\.1:\d+/"#, options: .regularExpression) {
                port = Int(stderr[range].dropFirst("on http://127.0.0.1:".count).dropLast())
            } else if !child.isRunning {
                break
            } else {
                try await Task.sleep(for: .milliseconds(50))
            }
        }
        let listening = try #require(port, "crier serve did not say where it listens: \(stderr)")
        var health = 0
        for _ in 0..<300 where health != 200 {
            var request = URLRequest(url: URL(string: "http://127.0.0.1:\(listening)/healthz")!)
            request.timeoutInterval = 10
            health = ((try? await URLSession.shared.data(for: request))?.1 as? HTTPURLResponse)?.statusCode ?? 0
            if health != 200 { try await Task.sleep(for: .milliseconds(50)) }
        }
        #expect(health == 200)
        let (body, _) = try await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(listening)/feed.xml")!)
        #expect(String(decoding: body, as: UTF8.self).contains("<title>First</title>"))
        #expect(child.terminate() == 0, "SIGTERM ends it as usual")
        stderr = try String(contentsOf: stderrFile, encoding: .utf8)
        #expect(stderr.hasPrefix("warning: could not write to standard output: \(failure); writing to standard error instead\nserving "), "\(stderr)")
        #expect(stderr.contains("published feed.xml\n"), "\(stderr)")
    }
}

/// The `crier` binary started with its standard output where a test says, standard error
/// to a file, and SIGPIPE at its default action whatever the test process does with it.
final class SpawnedCrier {
    enum Output {
        case path(String)
        case descriptor(Int32)
        case closed
    }

    let pid: pid_t
    private var status: Int32?

    init(_ arguments: [String], stdout: Output, stderrPath: String, stderr descriptor: Int32? = nil) throws {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        switch stdout {
        case .path(let path): posix_spawn_file_actions_addopen(&actions, 1, path, O_WRONLY, 0)
        case .descriptor(let fd): posix_spawn_file_actions_adddup2(&actions, fd, 1)
        case .closed: posix_spawn_file_actions_addclose(&actions, 1)
        }
        if let descriptor {
            posix_spawn_file_actions_adddup2(&actions, descriptor, 2)
        } else {
            posix_spawn_file_actions_addopen(&actions, 2, stderrPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        }
        // Nothing else of the test process's: another test's sockets would stay open in it.
        closeInChild(from: 3, &actions)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var defaults = sigset_t()
        sigemptyset(&defaults)
        sigaddset(&defaults, SIGPIPE)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF))
        let path = CrierBinary.url.path
        let argv: [UnsafeMutablePointer<CChar>?] = ([path] + arguments).map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, path, &actions, &attributes, argv, environ)
        guard spawned == 0 else { throw POSIXError(POSIXErrorCode(rawValue: spawned) ?? .EINVAL) }
        self.pid = pid
    }

    deinit { kill() }

    /// Whether it has not exited yet (reaping it if it has).
    var isRunning: Bool {
        guard status == nil else { return false }
        var raw: Int32 = 0
        guard waitpid(pid, &raw, WNOHANG) == pid else { return true }
        status = Self.exitStatus(raw)
        return false
    }

    /// Waits for it to exit; its exit status, or 128 + the signal that ended it.
    func wait() -> Int32 {
        if let status { return status }
        var raw: Int32 = 0
        while waitpid(pid, &raw, 0) < 0 && errno == EINTR {}
        status = Self.exitStatus(raw)
        return status ?? -1
    }

    /// SIGTERM, then `wait()`.
    func terminate() -> Int32 {
        if status == nil { Glibc.kill(pid, SIGTERM) }
        return wait()
    }

    /// SIGKILL and reap, if it still runs.
    func kill() {
        guard isRunning else { return }
        Glibc.kill(pid, SIGKILL)
        _ = wait()
    }

    private static func exitStatus(_ raw: Int32) -> Int32 {
        (raw & 0x7F) == 0 ? (raw >> 8) & 0xFF : 128 + (raw & 0x7F)
    }
}
