import ArgumentParser

/// The `crier` command: subcommands only.
public struct CrierCommand: AsyncParsableCommand {
    /// The name, help text, version and subcommands (`build`, `validate`, `publish`,
    /// `serve`).
    public static let configuration = CommandConfiguration(
        commandName: "crier",
        abstract: "Generate, validate, publish and serve Atom, RSS and JSON feeds.",
        discussion: """
        With no arguments in a folder that has a feeds/ directory, `crier build` builds \
        every feed defined there into public/.
        """,
        version: "0.1.0",
        subcommands: [Build.self, Validate.self, Publish.self, Serve.self],
        defaultSubcommand: nil
    )

    /// For ArgumentParser, which makes the command.
    public init() {}
}
