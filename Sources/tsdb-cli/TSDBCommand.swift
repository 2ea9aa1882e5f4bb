import ArgumentParser

/// `tsdb-cli`: load, query and look after tsdb data, embedded in a directory or on a tsdb-server.
@main
struct TSDBCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tsdb-cli",
        abstract: "A columnar time-series store for event analytics: ingest, query, inspect.",
        discussion: """
            Commands work on an embedded data directory (--data DIR, default $TSDB_DATA or ./tsdb-data) \
            or, with --server URL (default $TSDB_SERVER), on a running tsdb-server. The options below \
            may come before or after the subcommand. Exit status: 0 ok, 1 failure, \
            2 some ingested lines rejected, 64 bad usage.
            """,
        version: "tsdb-cli 0.1.0",
        subcommands: [
            IngestCommand.self, QueryCommand.self, ShellCommand.self, GenerateCommand.self,
            BenchCommand.self, InspectCommand.self, CompactCommand.self, RetentionCommand.self, ExportCommand.self,
            ArchiveCommand.self,
        ]
    )

    /// Shared with every subcommand's `global` (same name and type): given before the subcommand, they
    /// reach it as if given after it.
    @OptionGroup(title: "Global options") var global: GlobalOptions

    /// argument-parser's `main`, except that a plain `query` command line is read by `QueryCommandLine`
    /// (the same command, options and validations, without the reflection a cold start pays for).
    static func main() {
        guard let command = QueryCommandLine.parse(Array(CommandLine.arguments.dropFirst())) else {
            return main(nil)
        }
        do {
            try command.run()
        } catch {
            exit(withError: error)
        }
    }
}
