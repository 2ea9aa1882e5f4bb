import ArgumentParser

/// `tsdb-cli bench ingest|scan|queries`: throughput on generated or given data.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure ingest and scan throughput and query times.",
        discussion: """
            Without data in --data/--db, each benchmark generates --rows play events (seeded) into a \
            temporary directory first. Figures are wall-clock times of this process on this machine.
            """,
        subcommands: [BenchIngestCommand.self, BenchScanCommand.self, BenchQueriesCommand.self]
    )
}

/// Options shared by the benchmarks: where the data comes from and how often to repeat.
struct BenchDataOptions: ParsableArguments {
    @Option(help: "Rows to generate when no data is given.")
    var rows = 1_000_000

    @Option(help: "Seed of the generated rows.")
    var seed: UInt64 = 42

    @Option(help: ArgumentHelp("Days the generated rows span.", valueName: "days"))
    var days = 365

    @Option(help: ArgumentHelp("A line-protocol file to use instead of generated rows.", valueName: "file"), completion: .file())
    var input: String?

    @Option(help: "Runs of each measurement (best and median are reported).")
    var runs = 5

    @Flag(help: "Print the figures as JSON.")
    var json = false

    func validate() throws {
        guard rows >= 1 else { throw ValidationError("--rows must be at least 1") }
        guard runs >= 1 else { throw ValidationError("--runs must be at least 1") }
        guard (1...100_000).contains(days) else { throw ValidationError("--days must be between 1 and 100000") }
    }

    /// The line protocol to load: the `--input` file, or generated rows. Also a description of it.
    func lineProtocol() throws -> (bytes: [UInt8], what: String) {
        if let input {
            guard let data = FileManagerLite.read(input) else { throw CLIError("cannot read \(input)") }
            return (data, input)
        }
        let g: PlayEventGenerator
        do { g = try PlayEventGenerator(seed: seed, days: days) } catch { throw CLIError("\(error)") }
        return (g.lines(rows: rows), "\(Units.count(rows)) generated play events (seed \(seed))")
    }
}
