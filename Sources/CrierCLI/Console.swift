import Foundation

/// Output for people: results to standard output, problems to standard error.
struct Console {
    var quiet = false
    /// Whether everything `say` printed was written; shared by copies.
    let output = StandardOutput()

    func say(_ line: String) {
        guard !quiet else { return }
        output.write(line + "\n")
    }

    /// For a server, whose output is a log it must not stop for: prints `line`, and when
    /// standard output cannot take it (a full disk, a closed pipe), says so once on
    /// standard error and writes this line and every later one there instead.
    func log(_ line: String) {
        guard !quiet else { return }
        switch output.write(line + "\n") {
        case .written:
            return
        case .failed(let errno, let first):
            if first {
                Console.standardError("warning: could not write to standard output: \(String(cString: strerror(errno))); writing to standard error instead\n")
            }
            Console.standardError(line + "\n")
        }
    }

    func warn(_ line: String) {
        guard !quiet else { return }
        Console.standardError("warning: " + line + "\n")
    }

    func error(_ line: String) {
        Console.standardError("error: " + line + "\n")
    }

    /// False, having said why on standard error, when something `say` printed could not be
    /// written (a full disk, a closed pipe).
    func outputWritten() -> Bool {
        guard let failure = output.failure else { return true }
        error("could not write to standard output: \(String(cString: strerror(failure)))")
        return false
    }

    /// Writes to standard error unbuffered. A failure is dropped, as there is nowhere left
    /// to tell (`FileHandle.write` would stop the process instead).
    static func standardError(_ text: String) {
        var stream = StandardStream(fd: 2)
        stream.write(text)
    }

    /// Holds standard input, output and error open (on `/dev/null`, read-only) where the
    /// process was started with one closed (`crier publish -v >&-`): else the next file
    /// opened, a lock or a feed being written, would take its number, and what is printed
    /// would go into it. Output to it fails (`EBADF`) and is reported, as to a closed one.
    /// (The runtime may have taken the number already: `StandardStream` sees to that.)
    static func holdClosedStandardStreams() {
        // Told apart now, before anything else could be given their numbers.
        _ = (StandardOutput.standardOutputClosedAtStart, StandardOutput.standardErrorClosedAtStart)
        for fd: Int32 in 0...2 where fcntl(fd, F_GETFD) == -1 && errno == EBADF {
            let opened = open("/dev/null", O_RDONLY)
            if opened >= 0 && opened != fd {
                dup2(opened, fd)
                close(opened)
            }
        }
    }

    /// Makes a write to a pipe nobody reads any more fail with `EPIPE`, which is reported,
    /// instead of ending the process with `SIGPIPE` before it has finished (a publish's
    /// log line, a server's requests, the exit status the README gives). Set once, before
    /// any command runs: an error written early (a lock held, a broken definition) is as
    /// much a write as the report at the end.
    static func reportClosedPipes() {
        signal(SIGPIPE, SIG_IGN)
    }

    static func size(_ count: Int) -> String {
        if count < 1024 { return "\(count) B" }
        let kib = Double(count) / 1024
        if kib < 1024 { return String(format: "%.1f KiB", kib) }
        return String(format: "%.1f MiB", kib / 1024)
    }
}

/// Standard output, written unbuffered (so a failed write is seen, not lost in a buffer
/// flushed at exit); after one fails, nothing more is written.
final class StandardOutput: @unchecked Sendable {
    // `failed` is only touched under `lock`.
    private let lock = NSLock()
    private var failed: Int32?

    /// What became of one write.
    enum Outcome {
        case written
        /// Not written: `errno` is that of the write that failed, `first` whether it was
        /// this one.
        case failed(errno: Int32, first: Bool)
    }

    /// The `errno` of the write that failed, if one did.
    var failure: Int32? { lock.withLock { failed } }

    @discardableResult
    func write(_ text: String) -> Outcome {
        lock.withLock {
            if let failed { return .failed(errno: failed, first: false) }
            var stream = StandardStream(fd: 1)
            stream.write(text)
            failed = stream.failure
            return failed.map { .failed(errno: $0, first: true) } ?? .written
        }
    }

    /// Whether the process was started with standard output (error) closed and the
    /// runtime has since given its number to a descriptor of its own (on Linux, Dispatch
    /// takes the lowest free numbers for its epoll set and event before any of Crier's code
    /// runs): what is printed must not go there.
    static let standardOutputClosedAtStart = takenByRuntime(1)
    static let standardErrorClosedAtStart = takenByRuntime(2)

    private static func takenByRuntime(_ fd: Int32) -> Bool {
        #if os(Linux)
        let target = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/\(fd)")) ?? ""
        return target.hasPrefix("anon_inode:")
        #else
        return false
        #endif
    }
}
