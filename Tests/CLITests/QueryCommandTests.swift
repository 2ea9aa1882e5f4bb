import Foundation
import Testing

/// `tsdb-cli query` on the fixture data: formats, types in the table header, RFC 3339 times, errors.
/// These run the real query engine.
@Suite struct QueryCommandTests {
    let fx = CLIFixture.shared

    func query(_ args: [String]) throws -> CLIRun {
        try CLI.run(["query", "--data", fx.dataDir] + args)
    }

    @Test func tableFormatHasNamesTypesAndAlignedColumns() throws {
        let r = try query(["SELECT platform, count(*) AS plays FROM plays GROUP BY platform ORDER BY plays DESC, platform"])
        #expect(r.status == 0, "\(r.stderr)")
        let lines = r.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count >= 6, "\(r.stdout)")
        #expect(lines[1].contains("platform") && lines[1].contains("plays"))
        #expect(lines[2].contains("string"), "\(lines[2])")
        #expect(lines[2].contains("integer") || lines[2].contains("unsigned"), "\(lines[2])")
        let widths = Set(lines.filter { $0.hasPrefix("│") || $0.hasPrefix("┌") || $0.hasPrefix("├") || $0.hasPrefix("└") }.map(\.unicodeScalars.count))
        #expect(widths.count == 1, "every line of the box has the same width")
        #expect(lines.contains { $0.contains("spotify") })
        #expect(lines.last?.hasSuffix("rows") == true)
    }

    @Test func csvHasAHeaderRow() throws {
        let r = try query(["--format", "csv", "SELECT count(*) AS n, sum(duration_ms) AS total FROM plays"])
        #expect(r.status == 0, "\(r.stderr)")
        let lines = r.stdout.split(separator: "\n")
        #expect(lines.count == 2)
        #expect(lines.first == "n,total")
        #expect(lines.last?.hasPrefix("\(CLIFixture.rows),") == true, "\(r.stdout)")
    }

    @Test func jsonIsAnArrayOfObjectsWithRFC3339Times() throws {
        let r = try query(["--format", "json", "SELECT time, artist, duration_ms FROM plays ORDER BY time LIMIT 3"])
        #expect(r.status == 0, "\(r.stderr)")
        let rows = try #require(try r.stdout.json() as? [[String: Any]])
        #expect(rows.count == 3)
        for row in rows {
            let t = try #require(row["time"] as? String)
            #expect(t.wholeMatch(of: /2026-05-0[1-3]T\d\d:\d\d:\d\d(\.\d+)?Z/) != nil, "\(t)")
            #expect(row["artist"] is String)
            #expect(row["duration_ms"] is Int)
        }
        let l = try query(["--format", "jsonl", "SELECT device FROM plays LIMIT 2"])
        #expect(l.stdout.split(separator: "\n").count == 2)
        #expect(try l.stdout.split(separator: "\n").allSatisfy { try String($0).json() is [String: Any] })
    }

    @Test func timingGoesToStandardError() throws {
        let r = try query(["--timing", "--format", "csv", "SELECT count(*) FROM plays"])
        #expect(r.status == 0)
        #expect(r.stderr.hasPrefix("Time: 1 row, "), "\(r.stderr)")
        #expect(!r.stdout.contains("Time:"))
    }

    @Test func badSQLPointsAtThePosition() throws {
        let r = try query(["SELECT count(*) FROM plays WHERE"])
        #expect(r.status == 1)
        #expect(r.firstErrorLine.hasPrefix("Error: "), "\(r.stderr)")
        #expect(r.firstErrorLine.contains("1:"), "the position: \(r.stderr)")
        CLI.expectNoCrash(r)
        let u = try query(["SELECT nosuch FROM plays"])
        #expect(u.status == 1)
        #expect(u.stderr.contains("nosuch"), "\(u.stderr)")
        let lines = u.stderr.split(separator: "\n")
        #expect(lines.count == 3, "error, query, caret: \(u.stderr)")
        if lines.count == 3 {
            let caret = lines[2].firstIndex(of: "^").map { lines[2].distance(from: lines[2].startIndex, to: $0) }
            let word = lines[1].range(of: "nosuch").map { lines[1].distance(from: lines[1].startIndex, to: $0.lowerBound) }
            #expect(caret != nil && caret == word, "the caret is under 'nosuch'")
        }
    }

    @Test func usageErrors() throws {
        CLI.expectUsageError(try query(["--format", "yaml", "SELECT 1"]), mentioning: "--format")
        CLI.expectUsageError(try query([]), mentioning: "sql")
        CLI.expectUsageError(try query(["--threads", "0", "SELECT 1"]), mentioning: "--threads")
        let d = fx.scratch()
        defer { d.remove() }
        CLI.expectFailure(try CLI.run(["query", "--data", d.path, "SELECT 1"]), mentioning: "no database")
    }

    @Test func sqlFromStandardInput() throws {
        let r = try CLI.run(["query", "--data", fx.dataDir, "--format", "csv", "-"], stdin: "SELECT count(*) AS n\nFROM plays;\n")
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout == "n\n\(CLIFixture.rows)\n")
    }
}
