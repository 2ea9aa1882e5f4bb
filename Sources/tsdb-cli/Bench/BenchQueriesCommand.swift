import ArgumentParser
import Foundation
import QueryEngine

/// `tsdb-cli bench queries`: every query of a query file, best and median of N runs.
struct BenchQueriesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "queries",
        abstract: "Time every query of a query file ('-- name:' headers; default: the built-in play-event set)."
    )

    @OptionGroup var global: GlobalOptions
    @OptionGroup var data: BenchDataOptions

    @Option(help: ArgumentHelp("Query file with '-- name: NAME' headers (default: bench/queries.sql, built in).", valueName: "file"))
    var queries: String?

    @Option(help: "Cores each query may use (embedded; default: all).")
    var threads: Int?

    @Option(help: ArgumentHelp("Run only the queries whose name contains this text.", valueName: "text"))
    var only: String?

    @Option(help: ArgumentHelp("The table the queries read: the data directory must hold it (default: plays, generated when absent).",
                               valueName: "name"))
    var table: String?

    func validate() throws {
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1") }
    }

    func run() throws {
        var list: [NamedQuery]
        if let queries {
            guard let bytes = FileManagerLite.read(queries) else { throw CLIError("cannot read \(queries)") }
            do { list = try QueryFile.parse(String(decoding: bytes, as: UTF8.self)) } catch { throw CLIError("\(queries): \(error)") }
        } else {
            list = try QueryFile.parse(BuiltinQueries.text)
        }
        if let only { list = list.filter { $0.name.contains(only) } }
        guard !list.isEmpty else { throw CLIError("no query matches --only '\(only ?? "")'") }
        let target = try BenchTarget.open(global, data, table: table ?? "plays")
        defer { try? target.backend.close(); target.cleanup() }
        let rows = try Self.count(target.backend, table: table ?? "plays")
        var results: [(query: NamedQuery, timing: TimingSummary?, rows: Int?, error: String?)] = []
        for q in list {
            do {
                let first = try Self.runQuery(target.backend, q.sql, threads: threads)  // warm-up, and the answer's size
                var times: [Double] = []
                for _ in 0..<data.runs { times.append(try Self.runQuery(target.backend, q.sql, threads: threads).seconds) }
                results.append((q, TimingSummary(times), first.rows, nil))
            } catch {
                results.append((q, nil, nil, QueryErrorText.describe(error, sql: q.sql).split(separator: "\n").first.map(String.init)))
            }
        }
        if data.json {
            BenchOutput.json(["benchmark": "queries", "data": target.what, "rows": rows, "runs": data.runs,
                              "threads": threads ?? ProcessInfo.processInfo.activeProcessorCount,
                              "queries": results.map { r -> [String: Any] in
                                  var o: [String: Any] = ["name": r.query.name, "sql": r.query.sql]
                                  if let t = r.timing { o["best_s"] = t.best; o["median_s"] = t.median; o["result_rows"] = r.rows ?? -1 }
                                  if let e = r.error { o["error"] = e }
                                  return o
                              }])
        } else {
            Terminal.out("bench queries: \(list.count) queries on \(target.what) (\(Units.count(rows)) rows), best of \(data.runs)\n")
            var t = TextTable(["query", "best", "median", "rows"], rightAligned: [false, true, true, true])
            for r in results {
                if let tm = r.timing {
                    t.add([r.query.name, BenchOutput.ms(tm.best), BenchOutput.ms(tm.median), r.rows.map(Units.count) ?? "?"])
                } else {
                    t.add([r.query.name, "failed", "", ""])
                }
            }
            Terminal.out(t.render(indent: "  "))
            for r in results where r.error != nil { Terminal.err("\(r.query.name): \(r.error!)\n") }
        }
        if results.contains(where: { $0.error != nil }) { throw ExitCode(1) }
    }

    /// Runs `sql` once; its wall time and the rows of its answer.
    static func runQuery(_ backend: Backend, _ sql: String, threads: Int?) throws -> (seconds: Double, rows: Int?) {
        let (answer, seconds) = try Stopwatch.time { try backend.query(sql, format: .csv, threads: threads) }
        if let n = answer.rowCount { return (seconds, n) }
        // A server's CSV answer: count its lines, less the header.
        let text = answer.render(.csv)
        return (seconds, max(0, text.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) } - 1))
    }

    /// Rows of the `plays` table.
    static func count(_ backend: Backend, table: String = "plays") throws -> Int {
        let quoted = "\"" + table.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        let answer = try backend.query("SELECT count(*) FROM \(quoted)", format: .csv, threads: nil)
        if case let .result(r) = answer, r.rowCount == 1, let c = r.columns.first {
            switch c.type {
            case .int64: return Int(c.vector.int64s[0])
            case .uint64: return Int(c.vector.uint64s[0])
            default: break
            }
        }
        let lines = String(decoding: answer.render(.csv), as: UTF8.self).split(separator: "\n")
        guard lines.count >= 2, let n = Int(lines[1].trimmingCharacters(in: .whitespaces)) else {
            throw CLIError("cannot count the rows of 'plays'")
        }
        return n
    }
}
