import ArgumentParser

/// `tsdb-cli compact [TABLE]`: flush the memtable and merge each day's small segments.
struct CompactCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compact",
        abstract: "Merge each day's small segments into one (embedded data directories only)."
    )

    @OptionGroup var global: GlobalOptions

    @Option(name: .customLong("min-segments"), help: "Merge a day once it has at least this many segments.")
    var minSegments = 2

    @Argument(help: ArgumentHelp("Only this table.", valueName: "table"))
    var table: String?

    func validate() throws {
        guard minSegments >= 2 else { throw ValidationError("--min-segments must be at least 2") }
    }

    func run() throws {
        let backend = try global.openEmbedded(command: "compact")
        defer { try? backend.close() }
        let db = backend.database
        if let table, db.schema(of: table) == nil { throw CLIError("no table '\(table)' in database '\(global.db)'") }
        let names = table.map { [$0] } ?? db.tableNames()
        func count() -> Int { names.reduce(0) { $0 + db.segments(of: $1).count } }
        let clock = Stopwatch()
        try db.flush()
        let before = count()
        let merged = try db.compact(table: table, minSegments: minSegments)
        let after = count()
        Terminal.out("compacted \(names.count) table\(names.count == 1 ? "" : "s"): \(before) segments → \(after) "
            + "(\(merged) merged) in \(Units.seconds(clock.elapsed))\n")
    }
}
