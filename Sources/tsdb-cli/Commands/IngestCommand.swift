import ColumnStore
import ArgumentParser
import Foundation
import LineProtocol

/// `tsdb-cli ingest FILE…`: line protocol into a table per measurement.
struct IngestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest",
        abstract: "Load InfluxDB line protocol from files or stdin ('-'), a table per measurement, or Parquet files.",
        discussion: """
            A .parquet file loads into one table (--table, default the file's base name): its --time-column \
            (default 'time') is the timestamp, the string columns named by --tags become tags, every other \
            column a field. It is read and checked whole before anything is written, so a damaged file \
            imports nothing. CSV (--format csv, or a .csv / .csv.gz name) needs a header line and loads into \
            one table the same way; column types are inferred from the first 10000 records or given with \
            --types col:type,… (integer, float, boolean, timestamp, string, date); the time is RFC 3339 or an epoch \
            number in --precision units; a record that does not fit is rejected with its line number and the \
            rest are written, as with line protocol. Shows progress on standard error (a bar on a terminal, plain lines otherwise) and a summary \
            on standard output. Exit status: 0 every line accepted, 2 some lines rejected, 1 failure.
            """
    )

    @OptionGroup var global: GlobalOptions

    @Option(help: ArgumentHelp("Unit of the timestamps: ns, us, ms or s.", valueName: "unit"))
    var precision: String = "ns"

    @Option(name: .customLong("max-errors"), help: "Rejected lines to print (all are counted).")
    var maxErrors = 10

    @Option(name: .customLong("chunk-mb"), help: ArgumentHelp("Input is read and written in chunks of this many MB.", visibility: .hidden))
    var chunkMB = 8

    @Flag(name: .shortAndLong, help: "No progress display.")
    var quiet = false

    @Flag(help: "Print the summary as JSON.")
    var json = false

    @Option(help: ArgumentHelp("Input format: lp (line protocol), csv or parquet (default: by the file's name).", valueName: "format"))
    var format: String?

    @Option(help: ArgumentHelp("CSV: column types, e.g. 'v:float,ok:boolean' (integer, float, boolean, timestamp, string, date); others are inferred (never date).", valueName: "col:type,…"))
    var types: String?

    @Option(help: ArgumentHelp("Parquet to load into (default: the file's base name).", valueName: "name"))
    var table: String?

    @Option(help: ArgumentHelp("Parquet and CSV: columns that become tags, comma separated.", valueName: "a,b"))
    var tags: String?

    @Option(name: .customLong("time-column"), help: ArgumentHelp("Parquet and CSV: the column holding each row's time.", valueName: "name"))
    var timeColumn = "time"

    @Argument(help: ArgumentHelp("Line-protocol (gzip too: .gz or gzip's magic bytes) or Parquet (.parquet) files; '-' reads standard input.", valueName: "file"), completion: .file())
    var files: [String]

    func validate() throws {
        guard Precision(rawValue: precision) != nil else {
            throw ValidationError("invalid --precision '\(precision)': expected ns, us, ms or s")
        }
        guard maxErrors >= 0 else { throw ValidationError("--max-errors must be 0 or more") }
        guard (1...1024).contains(chunkMB) else { throw ValidationError("--chunk-mb must be between 1 and 1024") }
        guard !files.isEmpty else { throw ValidationError("name at least one file, or '-' for standard input") }
        if files.filter({ $0 == "-" }).count > 1 { throw ValidationError("standard input ('-') can be read once only") }
        if let format, !["lp", "csv", "parquet"].contains(format) {
            throw ValidationError("invalid --format '\(format)': expected lp, csv or parquet")
        }
        let kinds = Set(files.map(kind))
        if kinds.count > 1 { throw ValidationError("ingest line protocol, CSV and Parquet files in separate commands") }
        if kinds == ["lp"] && (table != nil || tags != nil || timeColumn != "time") {
            throw ValidationError("--table, --tags and --time-column apply to CSV and Parquet files")
        }
        if types != nil && kinds != ["csv"] { throw ValidationError("--types applies to CSV input") }
        if kinds == ["csv"] && files.contains("-") && table == nil {
            throw ValidationError("name the table with --table when CSV comes from standard input")
        }
    }

    /// What a file holds: --format, else its name says.
    func kind(_ path: String) -> String {
        if let format { return format }
        return ParquetIngest.isParquet(path) ? "parquet" : CSVIngest.isCSV(path) ? "csv" : "lp"
    }

    func run() throws {
        if files.allSatisfy({ kind($0) == "parquet" }) { return try runParquet() }
        if files.allSatisfy({ kind($0) == "csv" }) { return try runCSV() }
        let inputs = try files.map(IngestInput.open)
        let backend = try global.openBackend(create: true, forWriting: true)
        let p = Precision(rawValue: precision)!
        let sinks = inputs.map { _ in backend.makeIngestSink(precision: p, maxErrors: max(maxErrors, 1)) }
        let sizes = inputs.map(\.size)
        let total: Int? = sizes.contains { $0 == nil } ? nil : sizes.reduce(0) { $0 + $1! }
        let progress = IngestProgress(style: IngestProgress.automatic(quiet: quiet || json), totalBytes: total)
        var pipeline = IngestPipeline()
        pipeline.chunkBytes = global.effectiveServer == nil ? chunkMB << 20 : min(chunkMB, 4) << 20
        pipeline.maxErrors = maxErrors

        let clock = Stopwatch()
        var summary = IngestSummary()
        try Self.closing(backend, progress) {
            summary = try pipeline.run(inputs, sinks: sinks, progress: progress.update)
        }
        summary.seconds = clock.elapsed
        report(summary, into: backend.label)
        if summary.linesRejected > 0 { throw ExitCode(2) }
    }

    /// Loads each Parquet file into its table (with --server, as line protocol).
    func runParquet() throws {
        let (backend, destination) = try BatchDestination.open(global)
        let ingest = ParquetIngest(table: table, tags: (tags ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty },
                                   timeColumn: timeColumn)
        let bytes = files.reduce(0) { $0 + (FileIO.fileSize($1) ?? 0) }
        let progress = IngestProgress(style: IngestProgress.automatic(quiet: quiet || json), totalBytes: bytes)
        let clock = Stopwatch()
        var summary = IngestSummary()
        try Self.closing(backend, progress) {
            for file in files {
                let size = FileIO.fileSize(file) ?? 0, before = summary.bytes, rowsBefore = summary.rowsWritten
                summary.rowsWritten += try ingest.run(file, into: destination) { rows, total in
                    var s = summary
                    s.rowsWritten = rowsBefore + rows
                    s.bytes = before + (total > 0 ? size * rows / total : size)
                    progress.update(s)
                }
                summary.bytes += size
            }
        }
        summary.seconds = clock.elapsed
        report(summary, into: backend.label)
    }

    /// Loads CSV files, each into its table (with --server, as line protocol).
    func runCSV() throws {
        let given = try types.map(CSVIngest.parseTypes) ?? [:]
        let inputs = try files.map(IngestInput.open)
        let (backend, destination) = try BatchDestination.open(global)
        let csv = CSVIngest(table: table, tags: (tags ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty },
                            timeColumn: timeColumn, types: given, precision: Precision(rawValue: precision)!, maxErrors: maxErrors)
        let sizes = inputs.map(\.size)
        let total: Int? = sizes.contains { $0 == nil } ? nil : sizes.reduce(0) { $0 + $1! }
        let progress = IngestProgress(style: IngestProgress.automatic(quiet: quiet || json), totalBytes: total)
        let clock = Stopwatch()
        var summary = IngestSummary()
        try Self.closing(backend, progress) {
            for (path, input) in zip(files, inputs) {
                try csv.run(path, input, into: destination, summary: &summary, progress: progress.update)
            }
        }
        summary.seconds = clock.elapsed
        report(summary, into: backend.label)
        if summary.linesRejected > 0 { throw ExitCode(2) }
    }

    /// Runs the load, then flushes and closes `backend` (its close writes what is still buffered); the
    /// progress line ends either way, and a failed load still closes the store.
    static func closing(_ backend: Backend, _ progress: IngestProgress, _ load: () throws -> Void) throws {
        do {
            try load()
            progress.flushing()
            try backend.close()
        } catch {
            progress.finish()
            try? backend.close()
            throw error
        }
        progress.finish()
    }

    func report(_ s: IngestSummary, into label: String) {
        let rate = s.seconds > 0 ? Double(s.rowsWritten) / s.seconds : 0
        let mbps = s.seconds > 0 ? Double(s.bytes) / 1e6 / s.seconds : 0
        if json {
            let errors = s.errors.map { ["input": $0.input, "line": $0.error.line, "message": $0.error.message] as [String: Any] }
            let obj: [String: Any] = [
                "rows_written": s.rowsWritten, "lines_rejected": s.linesRejected, "bytes": s.bytes,
                "seconds": s.seconds, "rows_per_second": rate, "mb_per_second": mbps, "errors": errors,
            ]
            let data = (try? JSONSerialization.data(withJSONObject: obj, options: [.sortedKeys])) ?? Data("{}".utf8)
            Terminal.out(String(decoding: data, as: UTF8.self) + "\n")
        } else {
            Terminal.out("\(Units.plural(s.rowsWritten, "row")) written, \(Units.plural(s.linesRejected, "line")) rejected "
                + "in \(Units.seconds(s.seconds)) (\(Units.count(Int(rate))) rows/s, \(Units.fixed(mbps, 1)) MB/s) into \(label)\n")
        }
        guard s.linesRejected > 0, !json else { return }
        for (input, e) in s.errors.prefix(maxErrors) {
            Terminal.err("rejected: \(input): \(e.message)\n")
        }
        let shown = min(maxErrors, s.errors.count)
        if s.linesRejected > shown {
            Terminal.err("rejected: … and \(Units.count(s.linesRejected - shown)) more lines\n")
        }
    }
}
