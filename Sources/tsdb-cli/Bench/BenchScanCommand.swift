import ArgumentParser
import Foundation

/// `tsdb-cli bench scan`: `SELECT sum(duration_ms) FROM plays`, on one core and on all.
struct BenchScanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scan",
        abstract: "Scan throughput: SELECT sum(duration_ms) FROM plays, 1 thread and all threads (rows/s)."
    )

    @OptionGroup var global: GlobalOptions
    @OptionGroup var data: BenchDataOptions

    @Option(help: "The scan query (default: sum(duration_ms) over plays).")
    var sql = "SELECT sum(duration_ms) FROM plays"

    func run() throws {
        let target = try BenchTarget.open(global, data)
        defer { try? target.backend.close(); target.cleanup() }
        let rows = try BenchQueriesCommand.count(target.backend)
        let cores = ProcessInfo.processInfo.activeProcessorCount
        let threadCounts = global.effectiveServer == nil ? Array(Set([1, cores])).sorted() : [0]
        var results: [(threads: Int, timing: TimingSummary)] = []
        for n in threadCounts {
            _ = try BenchQueriesCommand.runQuery(target.backend, sql, threads: n == 0 ? nil : n)  // warm-up
            var times: [Double] = []
            for _ in 0..<data.runs {
                times.append(try BenchQueriesCommand.runQuery(target.backend, sql, threads: n == 0 ? nil : n).seconds)
            }
            results.append((n, TimingSummary(times)))
        }
        if data.json {
            BenchOutput.json(["benchmark": "scan", "data": target.what, "rows": rows, "sql": sql, "runs": data.runs,
                              "results": results.map { ["threads": $0.threads, "best_s": $0.timing.best, "median_s": $0.timing.median,
                                                        "rows_per_s": Double(rows) / $0.timing.best] }])
            return
        }
        Terminal.out("bench scan: \(sql)\n  on \(target.what): \(Units.count(rows)) rows, best of \(data.runs)\n")
        var t = TextTable(["threads", "best", "median", "rows/s"], rightAligned: [true, true, true, true])
        for r in results {
            t.add([r.threads == 0 ? "server" : String(r.threads), BenchOutput.ms(r.timing.best), BenchOutput.ms(r.timing.median),
                   Units.short(Double(rows) / r.timing.best)])
        }
        Terminal.out(t.render(indent: "  "))
    }
}
