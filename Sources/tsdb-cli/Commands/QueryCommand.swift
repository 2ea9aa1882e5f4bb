import ArgumentParser
import Foundation
import QueryEngine

/// `tsdb-cli query SQL`: one statement, its answer as a table, CSV, JSON or JSON Lines.
struct QueryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "query",
        abstract: "Run one SQL statement and print its result.",
        discussion: """
            'table' draws aligned columns with each column's type under its name; 'csv' has a header row; \
            'json' is an array of objects, 'jsonl' one object per line. Timestamps print as RFC 3339 UTC. \
            SQL '-' reads the statement from standard input.
            """
    )

    @OptionGroup var global: GlobalOptions
    @OptionGroup var memory: QueryMemoryOption

    @Option(name: [.customShort("f"), .long], help: ArgumentHelp("Output format: table, csv, json or jsonl.", valueName: "format"),
            completion: .list(["table", "csv", "json", "jsonl"]))
    var format = "table"

    @Flag(help: "Print how long the query took (to standard error).")
    var timing = false

    @Option(name: .customLong("max-rows"), help: "Table format: show at most this many rows, the first and last halves of a longer result (0: all; CSV and JSON print every row).")
    var maxRows = QueryAnswer.defaultMaxRows

    @Option(help: "Cores the query may use (embedded; default: all).")
    var threads: Int?

    @Argument(help: ArgumentHelp("The SQL statement ('-' reads it from standard input).", valueName: "sql"))
    var sql: String

    func validate() throws {
        guard ResultFormat(name: format) != nil else {
            throw ValidationError("invalid --format '\(format)': expected table, csv, json or jsonl")
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
        let fmt = ResultFormat(name: format)!
        // CREATE TABLE on a data directory without the database makes it; anything else needs it to exist.
        let creates = if case .createTable? = try? SQLParser.parse(text) { true } else { false }
        let backend = try global.openBackend(create: creates)
        memory.apply(to: backend)
        defer { try? backend.close() }
        let clock = Stopwatch()
        let answer: QueryAnswer
        do {
            // On a terminal a statement over a second shows its progress on standard error.
            let control = backend.makeControl(), run = UnsafeTransfer((backend, text, threads))
            answer = try ShellInterrupt.run(control) { try run.value.0.query(run.value.1, format: fmt, threads: run.value.2, control: control) }
        } catch {
            throw CLIError(QueryErrorText.describe(error, sql: text))
        }
        let seconds = clock.elapsed
        Terminal.write(STDOUT_FILENO, answer.render(fmt, maxRows: maxRows))
        if timing {
            let rows = answer.rowCount.map { Units.plural($0, "row") + ", " } ?? ""
            Terminal.err("Time: \(rows)\(ResultFormatter.formatDuration(seconds: seconds))\n")
        }
    }
}
