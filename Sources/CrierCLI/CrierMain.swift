import ArgumentParser
import Foundation

/// Exit codes shared by every command (the README lists them).
public enum ExitStatus {
    /// Nothing failed (warnings allowed, but for `validate --strict`).
    public static let success: Int32 = 0
    /// A post, a feed, or (for validate) the document had errors; or help, `--version` or
    /// build's report could not be written to standard output.
    public static let failure: Int32 = 1
    /// The command line was wrong.
    public static let usage: Int32 = 2
    /// A file or URL could not be read or fetched; or, for validate and publish, the
    /// results could not be written to standard output.
    public static let unreadable: Int32 = 3
    /// Another run holds the lock (publish).
    public static let locked: Int32 = 4
    /// Publish: the feeds were published but a WebSub hub could not be notified (the
    /// ping is retried on the next run).
    public static let hubUnreachable: Int32 = 5
}

/// Runs the command line and returns the process's exit status; usage errors exit 2, not
/// ArgumentParser's 64, so that scripts see the codes the README promises.
public enum CrierMain {
    /// Parses `arguments` (by default the process's, without the program name), runs the
    /// command, and returns the exit status; help and `--version` print to standard output
    /// and return 0 (1 when standard output cannot take them).
    public static func run(_ arguments: [String] = Array(CommandLine.arguments.dropFirst())) async -> Int32 {
        Console.holdClosedStandardStreams()
        Console.reportClosedPipes()
        // ArgumentParser answers `crier help NAME` for a NAME it does not know with the
        // general help, and success.
        let commandNames: [String] = CrierCommand.configuration.subcommands.map { command in command._commandName } + ["help"]
        if arguments.count >= 2, arguments[0] == "help", !arguments[1].hasPrefix("-"), !commandNames.contains(arguments[1]) {
            let names = commandNames.joined(separator: ", ")
            Console.standardError("Error: no command `\(arguments[1])`; the commands are \(names).\nSee 'crier --help' for more information.\n")
            return ExitStatus.usage
        }
        // The command the arguments named, once parsed: a usage error found when it runs
        // (no feeds/ folder) shows that command's usage, not the general one.
        var running: (any ParsableCommand.Type)?
        do {
            var command = try CrierCommand.parseAsRoot(arguments)
            running = type(of: command)
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
            return ExitStatus.success
        } catch {
            if let running, running != CrierCommand.self, let usage = error as? ValidationError {
                let name = running._commandName
                Console.standardError("Error: \(usage.message)\nUsage: \(CrierCommand.usageString(for: running))\n  See 'crier \(name) --help' for more information.\n")
                return ExitStatus.usage
            }
            let code = CrierCommand.exitCode(for: error)
            let message = CrierCommand.fullMessage(for: error)
            if code == .success {
                // Help and the version, written as every other output is: a failed write
                // (`crier --help > /dev/full`) is said on standard error and fails.
                if !message.isEmpty, case .failed(let errno, _) = StandardOutput().write(message + "\n") {
                    Console.standardError("error: could not write to standard output: \(String(cString: strerror(errno)))\n")
                    return ExitStatus.failure
                }
                return ExitStatus.success
            }
            if !message.isEmpty { Console.standardError(message + "\n") }
            if code == .validationFailure { return ExitStatus.usage }
            return code.rawValue
        }
    }
}
