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

    func warn(_ line: String) {
        guard !quiet else { return }
        FileHandle.standardError.write(Data(("warning: " + line + "\n").utf8))
    }

    func error(_ line: String) {
        FileHandle.standardError.write(Data(("error: " + line + "\n").utf8))
    }

    /// False, having said why on standard error, when something `say` printed could not be
    /// written (a full disk, a closed pipe).
    func outputWritten() -> Bool {
        guard let failure = output.failure else { return true }
        error("could not write to standard output: \(String(cString: strerror(failure)))")
        return false
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

    /// The `errno` of the write that failed, if one did.
    var failure: Int32? { lock.withLock { failed } }

    func write(_ text: String) {
        lock.withLock {
            guard failed == nil else { return }
            var stream = StandardStream(fd: 1)
            stream.write(text)
            failed = stream.failure
        }
    }
}
