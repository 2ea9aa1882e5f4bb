import ArgumentParser
import ColumnStore
import Foundation
import Parquet
import QueryEngine

/// `tsdb-cli query SQL`: one statement, its answer as a table, CSV, JSON, JSON Lines or (to a file) Parquet
/// or Excel (several statements: several sheets). Embedded, answers stream as the engine produces them.
struct QueryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "query",
        abstract: "Run one SQL statement and print its result.",
        discussion: """
            'table' draws aligned columns with each column's type under its name; 'csv' has a header row; \
            'json' is an array of objects, 'jsonl' one object per line. Timestamps print as RFC 3339 UTC. \
            'parquet' writes a Parquet file and 'xlsx' an Excel workbook (several ';'-separated statements, one sheet each); \
            both need --output. Rows are written as they are produced. SQL '-' reads the statement from standard input.
            """
    )

    @OptionGroup var global: GlobalOptions
    @OptionGroup var memory: QueryMemoryOption

    @Option(name: [.customShort("f"), .long], help: ArgumentHelp("Output format: table, csv, json, jsonl, parquet or xlsx.", valueName: "format"),
            completion: .list(["table", "csv", "json", "jsonl", "parquet", "xlsx"]))
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
        if ["parquet", "xlsx"].contains(format.lowercased()) {
            guard output != nil else { throw ValidationError("--format \(format.lowercased()) needs --output FILE") }
        } else if ResultFormat(name: format) == nil {
            throw ValidationError("invalid --format '\(format)': expected table, csv, json, jsonl, parquet or xlsx")
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
        let xlsx = format.lowercased() == "xlsx"
        let fmt = ResultFormat(name: parquet || xlsx ? "csv" : format)!
        let codec = ParquetCompression(name: compression)!
        // CREATE TABLE [AS], INSERT or CREATE MATERIALIZED VIEW on a data directory without the database
        // makes it; anything else needs it to exist.
        let creates = (try? SQLParser.parse(SessionStatement.statementText(text)))?.createsDatabase ?? false
        let backend = try global.openBackend(create: creates, forWriting: creates)
        memory.apply(to: backend)
        defer { try? backend.close() }
        let clock = Stopwatch()
        if xlsx {
            let rows = try writeWorkbook(backend, text)
            if timing { Terminal.err("Time: \(Units.plural(rows, "row")), \(ResultFormatter.formatDuration(seconds: clock.elapsed))\n") }
            return
        }
        if let embedded = backend as? EmbeddedBackend, parquet || fmt != .table || output == nil {
            let rows = try streamAnswer(embedded, text, format: parquet ? nil : fmt, codec: codec)
            if timing { Terminal.err("Time: \(Units.plural(rows, "row")), \(ResultFormatter.formatDuration(seconds: clock.elapsed))\n") }
            return
        }
        if let remote = backend as? RemoteBackend, parquet || fmt != .table || output == nil {
            let rows = try streamRemote(remote, text, format: parquet ? "parquet" : fmt == .table ? "csv" : fmt.rawValue,
                                        params: parquet ? [("compression", codec.name)] : [], table: !parquet && fmt == .table)
            if timing { Terminal.err("Time: \(rows.map { Units.plural($0, "row") + ", " } ?? "")\(ResultFormatter.formatDuration(seconds: clock.elapsed))\n") }
            return
        }
        let answer: QueryAnswer
        let bytes: [UInt8]
        do {
            // On a terminal a statement over a second shows its progress on standard error.
            let control = backend.makeControl(), run = UnsafeTransfer((backend, text, threads))
            answer = try ShellInterrupt.run(control) { try run.value.0.query(run.value.1, format: fmt, threads: run.value.2, control: control) }
            bytes = answer.render(fmt, maxRows: output == nil ? maxRows : 0)
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

    /// Runs `sql` on the embedded store and writes its answer as the engine produces it: to `--output`
    /// (Parquet when `format` is nil, else CSV or JSON) or to standard output (CSV and JSON as batches
    /// come; a table from its first and last rows), so memory stays bounded however long the answer.
    /// Returns the rows written.
    func streamAnswer(_ backend: EmbeddedBackend, _ sql: String, format: ResultFormat?, codec: ParquetCompression) throws -> Int {
        let control = backend.makeControl()
        let sink = QueryOutputSink(output: output, format: format, codec: codec, maxRows: maxRows)
        let run = UnsafeTransfer((backend, sql, threads, sink))
        do {
            try ShellInterrupt.run(control) {
                let (backend, sql, threads, sink) = run.value
                try backend.stream(sql, threads: threads, control: control) { try sink.add($0) }
            }
            // After the progress line (standard error, on a terminal) was erased: a table prints here.
            try sink.finish()
        } catch let e as CLIError {
            sink.abandon()
            throw e
        } catch {
            sink.abandon()
            throw CLIError(QueryErrorText.describe(error, sql: sql))
        }
        return sink.rows
    }

    /// From a server: the answer goes from the socket to `--output` as it arrives (whole or not at all),
    /// or to standard output (CSV and JSON text as it comes; a table (`table`, the server's CSV) from its
    /// first and last rows), so memory stays bounded however long the answer. Returns the rows when known.
    func streamRemote(_ remote: RemoteBackend, _ sql: String, format name: String, params: [(String, String)], table: Bool) throws -> Int? {
        let control = remote.makeControl()
        let sink = RemoteOutput(file: try output.map { path in
            do { return try StreamedFile(path: path) } catch { throw CLIError("cannot write \(path): \(error)") }
        }, table: table ? RemoteTableRows(maxRows: maxRows) : nil)
        let run = UnsafeTransfer((remote, sql, name, params, sink))
        do {
            try ShellInterrupt.run(control) {
                let (remote, sql, name, params, sink) = run.value
                try remote.stream(sql, format: name, params: params, control: control) { try sink.write($0) }
            }
            // After the progress line (standard error, on a terminal) was erased: a table prints here.
            try sink.finish()
        } catch {
            sink.file?.abandon()
            throw CLIError(QueryErrorText.describe(error, sql: sql))
        }
        return sink.table?.totalRows
    }

    /// `--format xlsx`: each statement's answer on a sheet of one workbook (a report), then a sheet with
    /// the statements and when they ran. Embedded, the answers stream into the workbook; from a server,
    /// one statement's workbook is asked of it (`format=xlsx`).
    func writeWorkbook(_ backend: Backend, _ text: String) throws -> Int {
        guard let output else { preconditionFailure("BUG: validate() lets xlsx through only with --output") }
        var splitter = StatementSplitter()
        var statements = text.components(separatedBy: "\n").flatMap { splitter.feed($0) }
        statements += splitter.feed(";")
        guard let embedded = backend as? EmbeddedBackend else {
            guard statements.count == 1, let remote = backend as? RemoteBackend else {
                throw CLIError("a workbook of several statements is written from --data only; from --server, run one statement at a time")
            }
            return try streamRemote(remote, text, format: "xlsx", params: [], table: false) ?? 0
        }
        let control = backend.makeControl()
        let book = try ResultWorkbook(path: output, results: statements.count)
        var rows = 0
        for sql in statements {
            let run = UnsafeTransfer((embedded, sql, threads, book))
            do {
                rows += try ShellInterrupt.run(control) {
                    let (backend, sql, threads, book) = run.value
                    var began = false, n = 0
                    try backend.stream(sql, threads: threads, control: control) { batch in
                        if !began { try book.begin(query: sql, columns: batch); began = true }
                        try book.write(batch)
                        n += batch.rowCount
                    }
                    return n
                }
            } catch {
                book.abandon()
                throw CLIError(QueryErrorText.describe(error, sql: sql))
            }
        }
        do { try book.close() } catch { throw CLIError("cannot write \(output): \(error)") }
        return rows
    }
}

/// Where a server's answer goes as it streams in: a file, a table's kept rows, or text on `fd`
/// (standard output; the shell's `.output` file).
final class RemoteOutput {
    let file: StreamedFile?
    private(set) var table: RemoteTableRows?
    let fd: Int32
    /// How the table is drawn (default: box drawing with `table`'s row cap).
    let style: TableStyle?

    init(file: StreamedFile?, table: RemoteTableRows?, fd: Int32 = STDOUT_FILENO, style: TableStyle? = nil) {
        self.file = file
        self.table = table
        self.fd = fd
        self.style = style
    }

    func write(_ piece: UnsafeRawBufferPointer) throws {
        if let file { return try file.write(piece) }
        if table != nil { return table!.feed(piece) }
        Terminal.write(fd, piece)
    }

    func finish() throws {
        if let file {
            do { try file.finish() } catch { throw CLIError("cannot write \(file.path): \(error)") }
        } else if table != nil {
            Terminal.write(fd, table!.render(style ?? TableStyle(maxRows: table!.maxRows)))
        }
    }
}
