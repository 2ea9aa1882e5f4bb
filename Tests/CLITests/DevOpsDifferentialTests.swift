import Foundation
import Testing
import TestSupport

/// The DevOps query set (bench/devops/queries.sql) answered by `tsdb-cli query` on generated TSBS cpu-only
/// rows, checked against DuckDB's answers over the same rows as Parquet (scripts/bench_duckdb.py
/// --answers-out). Needs Python 3 with duckdb.
@Suite struct DevOpsDifferentialTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path
    static let queries = repository + "/bench/devops/queries.sql"

    /// A result cell in one comparable form: numbers as Double (and whether integral), text as is.
    enum Cell: Equatable, CustomStringConvertible {
        case null, number(Double), text(String)

        init(_ any: Any?) {
            switch any {
            case nil, is NSNull: self = .null
            case let n as NSNumber: self = .number(n.doubleValue)
            case let s as String: self = .text(Cell.normalized(s))
            default: self = .text("\(any!)")
            }
        }

        /// An RFC 3339 timestamp without trailing zeros in its fraction (tsdb prints nanoseconds).
        static func normalized(_ s: String) -> String {
            guard s.hasSuffix("Z"), s.count >= 20, let dot = s.firstIndex(of: ".") else { return s }
            var frac = s[s.index(after: dot)..<s.index(before: s.endIndex)]
            while frac.hasSuffix("0") { frac = frac.dropLast() }
            return String(s[..<dot]) + (frac.isEmpty ? "" : "." + frac) + "Z"
        }

        func matches(_ other: Cell) -> Bool {
            if case let .number(a) = self, case let .number(b) = other {
                return a == b || abs(a - b) <= 1e-9 * max(abs(a), abs(b))
            }
            return self == other
        }

        var description: String {
            switch self {
            case .null: return "NULL"
            case let .number(d): return "\(d)"
            case let .text(s): return "'\(s)'"
            }
        }
    }

    @Test func everyQueryAnswersAsDuckDBDoes() throws {
        let dir = TempDirectory("cli-devops-diff")
        defer { dir.remove() }
        // 20 hosts × 10,000 samples: 27.8 hours from 2026-01-01, past every window of the query file.
        let gen = ["generate", "--dataset", "devops", "--rows", "200000", "--hosts", "20", "--seed", "5"]
        var r = try CLI.run(gen + ["--out", dir.path + "/cpu.lp"])
        #expect(r.status == 0, "\(r.stderr)")
        r = try CLI.run(gen + ["--format", "parquet", "--out", dir.path + "/cpu.parquet"])
        #expect(r.status == 0, "\(r.stderr)")
        r = try CLI.run(["ingest", "-q", "--data", dir.path + "/data", dir.path + "/cpu.lp"])
        #expect(r.status == 0, "\(r.stderr)")

        let answers = dir.path + "/duckdb.json"
        let py = try Self.python([Self.repository + "/scripts/bench_duckdb.py", "--parquet", dir.path + "/cpu.parquet",
                                  "--table", "cpu", "--queries", Self.queries, "--runs", "1", "--threads", "1",
                                  "--json-out", dir.path + "/timings.json", "--answers-out", answers])
        try #require(py.status == 0, "bench_duckdb.py failed: \(py.stderr)\(py.stdout)")
        let duck = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: answers))) as? [String: Any])

        let names = try String(contentsOfFile: Self.queries, encoding: .utf8).split(separator: "\n")
            .compactMap { $0.hasPrefix("-- name: ") ? String($0.dropFirst(9)) : nil }
        #expect(names.count == 10)
        let text = try String(contentsOfFile: Self.queries, encoding: .utf8)
        for name in names {
            let sql = try #require(Self.sql(of: name, in: text))
            let expected = try #require(duck[name] as? [String: Any], "DuckDB has no answer for \(name)")
            let columns = try #require(expected["columns"] as? [String])
            let rows = try #require(expected["rows"] as? [[Any]])
            #expect(!rows.isEmpty, "\(name): DuckDB's answer is empty, so it proves little")
            let q = try CLI.run(["query", "--data", dir.path + "/data", "-f", "json", sql])
            try #require(q.status == 0, "\(name): \(q.stderr)")
            let got = try #require(try JSONSerialization.jsonObject(with: Data(q.stdout.utf8)) as? [[String: Any]], "\(name): \(q.stdout)")
            #expect(got.count == rows.count, "\(name): \(got.count) rows, DuckDB \(rows.count)")
            for (i, (mine, theirs)) in zip(got, rows).enumerated() {
                for (c, column) in columns.enumerated() {
                    let a = Cell(mine[column] as Any?), b = Cell(theirs[c])
                    #expect(a.matches(b), "\(name) row \(i) \(column): tsdb \(a), DuckDB \(b)")
                }
            }
        }
    }

    /// The SQL under `-- name: NAME` (comment lines skipped).
    static func sql(of name: String, in text: String) -> String? {
        var lines = text.split(separator: "\n")[...]
        guard let at = lines.firstIndex(of: Substring("-- name: " + name)) else { return nil }
        lines = lines[(at + 1)...]
        return lines.prefix { !$0.hasPrefix("-- name:") }.filter { !$0.hasPrefix("--") }.joined(separator: "\n")
    }

    /// Runs `python3 args…`, capturing what it printed.
    static func python(_ args: [String]) throws -> CLIRun {
        let dir = TempDirectory("cli-python-run")
        defer { dir.remove() }
        let outPath = dir.path + "/out", errPath = dir.path + "/err"
        _ = FileManager.default.createFile(atPath: outPath, contents: nil)
        _ = FileManager.default.createFile(atPath: errPath, contents: nil)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3"] + args
        p.standardInput = FileHandle.nullDevice
        p.standardOutput = FileHandle(forWritingAtPath: outPath)!
        p.standardError = FileHandle(forWritingAtPath: errPath)!
        try p.run()
        p.waitUntilExit()
        let o = String(decoding: FileManager.default.contents(atPath: outPath) ?? Data(), as: UTF8.self)
        let e = String(decoding: FileManager.default.contents(atPath: errPath) ?? Data(), as: UTF8.self)
        return CLIRun(status: p.terminationStatus, stdout: o, stderr: e)
    }
}
