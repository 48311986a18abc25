import ArgumentParser
import CrierHTTP
import CrierValidation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `crier validate`: checks feeds from files, standard input or URLs.
public struct Validate: ParsableCommand {
    /// The help text, with the exit statuses.
    public static let configuration = CommandConfiguration(
        abstract: "Check Atom 1.0, RSS 2.0 and JSON Feed 1.1 documents.",
        discussion: """
        Each input is a file path, - for standard input, or an http(s):// URL. Diagnostics \
        use the W3C Feed Validation Service's message names as rule ids.

        Exit status: 0 no errors (warnings allowed), 1 errors (or warnings with --strict), \
        2 usage error, 3 an input could not be read or fetched, or the results could not be \
        written.
        """
    )

    /// Output styles.
    public enum OutputFormat: String, ExpressibleByArgument, CaseIterable, Sendable {
        case text, json
    }

    /// File paths, `-` for standard input, or http(s) URLs; at least one.
    @Argument(help: "Feeds to check: file paths, - for standard input, http(s):// URLs.")
    public var inputs: [String]

    /// `text`: a line per finding and a verdict per input; `json`: one document for all
    /// inputs.
    @Option(help: "Output format: text or json.")
    public var format: OutputFormat = .text

    /// Warnings fail an input as errors do.
    @Flag(help: "Fail (exit 1) on warnings as well as errors.")
    public var strict = false

    /// Seconds a URL may take to fetch, redirects and body included: more than 0, at most
    /// 86400.
    @Option(parsing: .unconditional, help: "Seconds a URL may take to fetch (redirects and body included) before giving up.")
    public var timeout: Double = 30

    /// Largest document accepted, in bytes (1 GiB by default).
    @Option(name: .customLong("max-bytes"), parsing: .unconditional, help: "Largest document accepted, in bytes.")
    public var maxBytes: Int = 1 << 30

    /// For ArgumentParser, which fills in the options.
    public init() {}

    /// Colour only on a terminal, and never when `NO_COLOR` is set to anything but the
    /// empty string (no-color.org: set and empty is as if unset).
    static func wantsColour(isTerminal: Bool, noColor: String?) -> Bool { isTerminal && (noColor ?? "").isEmpty }

    /// Refuses (exit 2) no inputs, a `--timeout` not in 0 to 86400 seconds (0 excluded),
    /// and a `--max-bytes` below 1.
    public mutating func validate() throws {
        guard !inputs.isEmpty else { throw ValidationError("Give at least one file, - or URL.") }
        guard timeout > 0, timeout <= 86_400 else { throw ValidationError("--timeout must be more than 0 seconds, up to 86400.") }
        guard maxBytes > 0 else { throw ValidationError("--max-bytes must be positive.") }
    }

    /// Validates every input and prints the results; throws `ExitCode` 1 or 3 as
    /// `ValidateRunner.exitStatus` says, and 3 when the results could not be written.
    public func run() throws {
        var out = StandardStream(fd: 1)
        var err = StandardStream(fd: 2)
        let colour = format == .text && Self.wantsColour(isTerminal: isatty(1) == 1, noColor: getenv("NO_COLOR").map { String(cString: $0) })
        var code = ValidateRunner(strict: strict, timeout: timeout, maxBytes: maxBytes, colour: colour)
            .run(inputs: inputs, format: format, out: &out, err: &err)
        if let failure = out.failure {
            // A verdict nobody can read is no verdict: an I/O error, as for an unreadable input.
            err.write("error: could not write the results to standard output: \(String(cString: strerror(failure)))\n")
            code = ExitStatus.unreadable
        }
        if code != 0 { throw ExitCode(code) }
    }
}

/// The command's work, separate from process state so tests can run it in-process.
public struct ValidateRunner: Sendable {
    /// Warnings fail an input as errors do (exit 1).
    public var strict: Bool
    /// Seconds a URL may take to fetch, body included (`FeedFetcher.download`).
    public var timeout: Double
    /// Largest document accepted, in bytes: a larger file fails with a `ValidatorLimit`
    /// error, a larger download is unreadable (exit 3).
    public var maxBytes: Int
    /// Paint the text output's labels with ANSI colours.
    public var colour: Bool

    /// A runner with `crier validate`'s defaults unless given: not strict, 30 s, 1 GiB, no
    /// colour.
    public init(strict: Bool = false, timeout: Double = 30, maxBytes: Int = 1 << 30, colour: Bool = false) {
        self.strict = strict
        self.timeout = timeout
        self.maxBytes = maxBytes
        self.colour = colour
    }

    /// The outcome for one input: a report, or why it could not be read.
    public enum Outcome: Sendable {
        case report(ValidationReport)
        case unreadable(name: String, message: String)
    }

    /// Validates one input.
    public func check(_ input: String) -> Outcome {
        let options = ValidationOptions(maxBytes: maxBytes)
        let lower = input.lowercased()
        if lower.hasPrefix("http://") || lower.hasPrefix("https://") {
            // Downloaded into a temporary file and validated from there, as a file is: memory
            // stays flat whatever the size of the feed (up to `maxBytes`).
            let folder = getenv("TMPDIR").map { String(cString: $0) }.flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
            var template = Array((folder.hasSuffix("/") ? folder : folder + "/").utf8CString.dropLast()) + Array("crier-download-XXXXXX".utf8CString)
            let fd = mkstemp(&template)
            guard fd >= 0 else {
                return .unreadable(name: input, message: "could not create a temporary file to download into in \(folder) (\(String(cString: strerror(errno))))")
            }
            let path = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            defer {
                close(fd)
                unlink(path)
            }
            do {
                try FeedFetcher.download(input, into: fd, timeout: timeout, maxBytes: maxBytes)
            } catch {
                return .unreadable(name: input, message: Self.withoutName(error.message, input))
            }
            do {
                return .report(try FeedValidator.validate(filePath: path, displayName: input, options: options))
            } catch {
                return .unreadable(name: input, message: Self.withoutName(error.message, path))
            }
        }
        let path = input == "-" ? "/dev/stdin" : input
        do {
            return .report(try FeedValidator.validate(filePath: path, displayName: input, options: options))
        } catch {
            return .unreadable(name: input, message: Self.withoutName(error.message, path))
        }
    }

    /// The errors name their input; the output already starts with it.
    private static func withoutName(_ message: String, _ name: String) -> String {
        message.hasPrefix(name + ": ") ? String(message.dropFirst(name.count + 2)) : message
    }

    /// Validates every input, writes the results, and returns the exit status.
    public func run(inputs: [String], format: Validate.OutputFormat, out: inout some TextOutputStream, err: inout some TextOutputStream) -> Int32 {
        var outcomes: [Outcome] = []
        for input in inputs {
            let outcome = check(input)
            if format == .text { writeText(outcome, to: &out, err: &err) }
            outcomes.append(outcome)
        }
        if format == .json { out.write(DiagnosticJSON.encode(outcomes, strict: strict) + "\n") }
        return Self.exitStatus(outcomes, strict: strict)
    }

    /// 3 when any input could not be read, else 1 when any failed, else 0.
    public static func exitStatus(_ outcomes: [Outcome], strict: Bool) -> Int32 {
        var status: Int32 = 0
        for outcome in outcomes {
            switch outcome {
            case .unreadable: status = 3
            case .report(let report) where !report.passes(strict: strict): if status == 0 { status = 1 }
            default: break
            }
        }
        return status
    }

    private func writeText(_ outcome: Outcome, to out: inout some TextOutputStream, err: inout some TextOutputStream) {
        switch outcome {
        case .unreadable(let name, let message):
            err.write("\(name): \(paint("error:", .red)) could not read: \(message)\n")
        case .report(let report):
            for d in report.diagnostics {
                let position = d.line > 0 ? (d.column > 0 ? "\(d.line):\(d.column):" : "\(d.line):") : ""
                let label: String
                switch d.severity {
                case .error: label = paint("error:", .red)
                case .warning: label = paint("warning:", .yellow)
                case .info: label = paint("info:", .cyan)
                }
                out.write("\(report.fileName):\(position) \(label) [\(d.rule)] \(d.message) (\(d.specSection))\n")
            }
            let errors = report.diagnostics.filter { $0.severity == .error }.count
            let warnings = report.diagnostics.filter { $0.severity == .warning }.count
            let verdict = report.passes(strict: strict) ? paint("valid", .green) : paint("invalid", .red)
            out.write("\(report.fileName): \(report.format.rawValue), \(verdict) (\(errors) error\(errors == 1 ? "" : "s"), \(warnings) warning\(warnings == 1 ? "" : "s"))\n")
        }
    }

    private enum Colour: String {
        case red = "31", yellow = "33", cyan = "36", green = "32"
    }

    private func paint(_ text: String, _ colour: Colour) -> String {
        self.colour ? "\u{1B}[1;\(colour.rawValue)m\(text)\u{1B}[0m" : text
    }
}

/// `--format json`: `{"files": [{"file", "readable", "format", "valid", "diagnostics": [...]}]}`,
/// each diagnostic with `severity`, `rule`, `line`, `column`, `message` and `spec`; an input
/// that could not be read has every key too (format `unknown`, not valid) and `failure`.
enum DiagnosticJSON {
    static func encode(_ outcomes: [ValidateRunner.Outcome], strict: Bool) -> String {
        var files: [String] = []
        for outcome in outcomes {
            switch outcome {
            case .unreadable(let name, let message):
                files.append("{\"file\":\(quote(name)),\"readable\":false,\"format\":\"unknown\",\"valid\":false,"
                    + "\"failure\":\(quote(message)),\"diagnostics\":[]}")
            case .report(let report):
                let diagnostics = report.diagnostics.map { d in
                    "{\"severity\":\(quote(d.severity.rawValue)),\"rule\":\(quote(d.rule)),\"line\":\(d.line),\"column\":\(d.column),"
                        + "\"message\":\(quote(d.message)),\"spec\":\(quote(d.specSection))}"
                }
                files.append("{\"file\":\(quote(report.fileName)),\"readable\":true,\"format\":\(quote(report.format.rawValue)),"
                    + "\"valid\":\(report.passes(strict: strict)),\"diagnostics\":[\(diagnostics.joined(separator: ","))]}")
            }
        }
        return "{\"files\":[\(files.joined(separator: ","))]}"
    }

    static func quote(_ s: String) -> String {
        var result = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    result.unicodeScalars.append(scalar)
                }
            }
        }
        return result + "\""
    }
}

private func systemWrite(_ fd: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
    #if canImport(Glibc)
    Glibc.write(fd, buffer, count)
    #else
    Darwin.write(fd, buffer, count)
    #endif
}

/// Unbuffered writes to a file descriptor, so output interleaves correctly with stderr.
struct StandardStream: TextOutputStream {
    let fd: Int32
    /// The `errno` of the first write that failed (a full disk, a closed pipe); nothing is
    /// written after it.
    private(set) var failure: Int32?

    init(fd: Int32) {
        self.fd = fd
        // A stream closed when the process started, whose number the runtime has taken
        // since (Dispatch's eventfd): written to, it would take the bytes or fail with
        // `EINVAL`. It fails as the closed stream it is.
        if (fd == 1 && StandardOutput.standardOutputClosedAtStart) || (fd == 2 && StandardOutput.standardErrorClosedAtStart) {
            failure = EBADF
        }
    }

    mutating func write(_ string: String) {
        guard failure == nil else { return }
        var bytes = Array(string.utf8)
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeMutableBytes { systemWrite(fd, $0.baseAddress! + offset, $0.count - offset) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 {
                failure = n < 0 ? errno : EIO
                return
            }
            offset += n
        }
    }
}
