import ArgumentParser
import ColumnStore
import Foundation
import Parquet
import QueryEngine

/// `tsdb-cli query SQL`: one statement, its answer as a table, CSV, JSON, JSON Lines or (to a file) Parquet.
struct QueryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "query",
        abstract: "Run one SQL statement and print its result.",
        discussion: """
            'table' draws aligned columns with each column's type under its name; 'csv' has a header row; \
            'json' is an array of objects, 'jsonl' one object per line. Timestamps print as RFC 3339 UTC. \
            'parquet' writes a Parquet file and needs --output. SQL '-' reads the statement from standard input.
            """
    )

    @OptionGroup var global: GlobalOptions
    @OptionGroup var memory: QueryMemoryOption

    @Option(name: [.customShort("f"), .long], help: ArgumentHelp("Output format: table, csv, json, jsonl or parquet.", valueName: "format"),
            completion: .list(["table", "csv", "json", "jsonl", "parquet"]))
    var format = "table"

    @Option(name: [.customShort("o"), .long], help: ArgumentHelp("Write the answer to this file instead of standard output (whole or not at all).", valueName: "file"),
            completion: .file())
    var output: String?

    @Option(help: ArgumentHelp("Parquet page compression: zstd, snappy or uncompressed.", valueName: "codec"),
            completion: .list(["zstd", "snappy", "uncompressed"]))
    var compression = "zstd"

    @Flag(help: "Print how long the query took (to standard error).")
    var timing = false

    @Option(name: .customLong("max-rows"), help: "Table format: show at most this many rows, the first and last halves of a longer result (0: all; CSV and JSON print every row).")
    var maxRows = QueryAnswer.defaultMaxRows

    @Option(help: "Cores the query may use (embedded; default: all).")
    var threads: Int?

    @Argument(help: ArgumentHelp("The SQL statement ('-' reads it from standard input).", valueName: "sql"))
    var sql: String

    func validate() throws {
        if format.lowercased() == "parquet" {
            guard output != nil else { throw ValidationError("--format parquet needs --output FILE") }
        } else if ResultFormat(name: format) == nil {
            throw ValidationError("invalid --format '\(format)': expected table, csv, json, jsonl or parquet")
        }
        guard let codec = ParquetCompression(name: compression), codec != .gzip else {
            throw ValidationError("invalid --compression '\(compression)': expected zstd, snappy or uncompressed")
        }
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1") }
        guard maxRows >= 0 else { throw ValidationError("--max-rows must be 0 or more") }
    }

    func run() throws {
        var text = sql
        if text == "-" {
            text = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
        }
        text = text.trimmingCharacters(in: .whitespacesAndNewlines)
        while text.hasSuffix(";") { text.removeLast(); text = text.trimmingCharacters(in: .whitespacesAndNewlines) }
        guard !text.isEmpty else { throw CLIError("empty query") }
        let parquet = format.lowercased() == "parquet"
        let fmt = ResultFormat(name: parquet ? "csv" : format)!
        let codec = ParquetCompression(name: compression)!
        // CREATE TABLE on a data directory without the database makes it; anything else needs it to exist.
        let creates = if case .createTable? = try? SQLParser.parse(text) { true } else { false }
        let backend = try global.openBackend(create: creates, forWriting: creates)
        memory.apply(to: backend)
        defer { try? backend.close() }
        let clock = Stopwatch()
        let answer: QueryAnswer
        var bytes: [UInt8]
        do {
            // On a terminal a statement over a second shows its progress on standard error.
            let control = backend.makeControl(), run = UnsafeTransfer((backend, text, threads))
            if parquet {
                bytes = try ShellInterrupt.run(control) {
                    try run.value.0.queryParquet(run.value.1, compression: codec, threads: run.value.2, control: control)
                }
                answer = .text([], rows: nil)
            } else {
                answer = try ShellInterrupt.run(control) { try run.value.0.query(run.value.1, format: fmt, threads: run.value.2, control: control) }
                bytes = answer.render(fmt, maxRows: output == nil ? maxRows : 0)
            }
        } catch {
            throw CLIError(QueryErrorText.describe(error, sql: text))
        }
        let seconds = clock.elapsed
        if let output {
            do { try FileIO.writeFileAtomically(output, bytes) } catch { throw CLIError("cannot write \(output): \(error)") }
        } else {
            Terminal.write(STDOUT_FILENO, bytes)
        }
        if timing {
            let rows = answer.rowCount.map { Units.plural($0, "row") + ", " } ?? ""
            Terminal.err("Time: \(rows)\(ResultFormatter.formatDuration(seconds: seconds))\n")
        }
    }
}
