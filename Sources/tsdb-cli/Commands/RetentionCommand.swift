import ArgumentParser

/// `tsdb-cli retention TABLE --days N`: keep only the last N days of a table, dropping older partitions now.
struct RetentionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retention",
        abstract: "Show or set how many days a table keeps (embedded data directories only).",
        discussion: "Day partitions older than N days before today (UTC) are dropped now and from then on."
    )

    @OptionGroup var global: GlobalOptions

    @Option(help: "Keep this many days.")
    var days: Int?

    @Flag(help: "Keep everything (remove the limit).")
    var none = false

    @Argument(help: ArgumentHelp("The table.", valueName: "table"))
    var table: String

    func validate() throws {
        if let days, days < 1 { throw ValidationError("--days must be at least 1, not \(days)") }
        if days != nil && none { throw ValidationError("--days and --none exclude each other") }
    }

    func run() throws {
        let backend = try global.openEmbedded(command: "retention", readOnly: false)
        defer { try? backend.close() }
        let db = backend.database
        guard db.schema(of: table) != nil else { throw CLIError("no table '\(table)' in database '\(global.db)'") }
        if days == nil && !none {
            let d = db.tableOptions(of: table)?.retentionDays
            Terminal.out("\(table): retention \(d.map { Units.plural($0, "day") } ?? "none (keeps everything)")\n")
            return
        }
        let keep = days
        try db.setTableOptions(table) { $0.retentionDays = keep }
        let before = db.segments(of: table)
        try db.applyRetention()
        let after = db.segments(of: table)
        let dropped = Set(before.map(\.day)).subtracting(after.map(\.day)).count
        let rows = before.reduce(0) { $0 + $1.rows } - after.reduce(0) { $0 + $1.rows }
        if let keep {
            Terminal.out("\(table): retention \(Units.plural(keep, "day")); dropped \(Units.plural(dropped, "partition")) "
                + "(\(Units.plural(rows, "row")))\n")
        } else {
            Terminal.out("\(table): retention none (keeps everything)\n")
        }
    }
}
