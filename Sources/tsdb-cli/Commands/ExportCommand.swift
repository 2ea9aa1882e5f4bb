import ArgumentParser
import ColumnStore
import Foundation
import Parquet
import QueryEngine

/// `tsdb-cli export TABLE --to DIR --format parquet --partition-by day`: a table for other engines.
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write a table as Hive-partitioned Parquet files that DuckDB, Spark and Trino read as one table.",
        discussion: """
            Writes DIR/TABLE/day=YYYY-MM-DD/part-N.parquet, one file per UTC day (N is the next free number, \\
            so a later export adds files beside earlier ones). DuckDB reads them with \\
            read_parquet('DIR/TABLE/**/*.parquet', hive_partitioning = true). Each file appears whole or not at all.
            """
    )

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The table to export.")
    var table: String

    @Option(help: ArgumentHelp("The directory to write into (created if missing).", valueName: "dir"), completion: .directory)
    var to: String

    @Option(help: ArgumentHelp("The file format: parquet.", valueName: "format"), completion: .list(["parquet"]))
    var format = "parquet"

    @Option(name: .customLong("partition-by"), help: ArgumentHelp("How files are split: day.", valueName: "unit"), completion: .list(["day"]))
    var partitionBy = "day"

    @Option(help: ArgumentHelp("Export rows at or after this time ('2026-03-01', RFC 3339).", valueName: "time"))
    var since: String?

    @Option(help: ArgumentHelp("Export rows before this time.", valueName: "time"))
    var until: String?

    @Option(help: ArgumentHelp("Parquet page compression: zstd, snappy or uncompressed.", valueName: "codec"),
            completion: .list(["zstd", "snappy", "uncompressed"]))
    var compression = "zstd"

    @Flag(name: .shortAndLong, help: "Print nothing but errors.")
    var quiet = false

    func validate() throws {
        guard format.lowercased() == "parquet" else { throw ValidationError("invalid --format '\(format)': expected parquet") }
        guard partitionBy.lowercased() == "day" else { throw ValidationError("invalid --partition-by '\(partitionBy)': expected day") }
        guard let c = ParquetCompression(name: compression), c != .gzip else {
            throw ValidationError("invalid --compression '\(compression)': expected zstd, snappy or uncompressed")
        }
        for (flag, value) in [("--since", since), ("--until", until)] {
            if let value, (try? SQLTimestamp.parse(value)) == nil {
                throw ValidationError("invalid \(flag) '\(value)': expected a date or an RFC 3339 time")
            }
        }
    }

    func run() throws {
        let lo = try since.map { try SQLTimestamp.parse($0) } ?? Int64.min
        let hi = try until.map { try SQLTimestamp.parse($0) } ?? Int64.max
        guard lo < hi else { throw CLIError("--since must be before --until") }
        let backend = try global.openEmbedded(command: "export", readOnly: true)
        defer { try? backend.close() }
        guard let snapshot = backend.database.snapshot(table: table, range: lo...(hi == .max ? .max : hi - 1)) else {
            throw CLIError("unknown table '\(table)'")
        }
        let export = TableExport(snapshot: snapshot, range: lo..<hi,
                                 options: ParquetWriterOptions(compression: ParquetCompression(name: compression)!))
        let clock = Stopwatch()
        let summary: TableExport.Summary
        do {
            summary = try export.run(to: to) { _ in }
        } catch {
            throw CLIError("export of \(table) failed: \(error)")
        }
        if !quiet {
            Terminal.out("\(Units.plural(summary.rows, "row")) of \(table) exported to \(Units.plural(summary.files.count, "file")) "
                + "under \(to)/\(table) in \(Units.seconds(clock.elapsed))\n")
        }
    }
}
