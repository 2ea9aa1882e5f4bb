import Foundation
import Testing

/// `tsdb-cli bench`: the figures come out, in text and JSON (no test checks a time).
@Suite struct BenchCommandTests {
    let fx = CLIFixture.shared

    @Test func ingestOnAGivenFile() throws {
        let r = try CLI.run(["bench", "ingest", "--input", fx.playsFile, "--runs", "1", "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        let o = try #require(try r.stdout.json() as? [String: Any])
        #expect(o["rows"] as? Int == CLIFixture.rows)
        for stage in ["parse", "parse_write", "total"] {
            let s = try #require(o[stage] as? [String: Any], "\(stage)")
            #expect((s["rows_per_s"] as? Double ?? 0) > 0)
            #expect((s["mb_per_s"] as? Double ?? 0) > 0)
        }
        let text = try CLI.run(["bench", "ingest", "--input", fx.playsFile, "--runs", "1"])
        #expect(text.stdout.contains("parse (1 thread)") && text.stdout.contains("rows/s"), "\(text.stdout)")
    }

    @Test func scanOnOneAndAllThreads() throws {
        let r = try CLI.run(["bench", "scan", "--data", fx.dataDir, "--runs", "2", "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        let o = try #require(try r.stdout.json() as? [String: Any])
        #expect(o["rows"] as? Int == CLIFixture.rows)
        let results = try #require(o["results"] as? [[String: Any]])
        #expect(results.first?["threads"] as? Int == 1)
        #expect(results.allSatisfy { ($0["best_s"] as? Double ?? -1) >= 0 && ($0["rows_per_s"] as? Double ?? 0) > 0 })
    }

    @Test func queriesFromAFile() throws {
        let d = fx.scratch()
        defer { d.remove() }
        let file = d.path + "/q.sql"
        try "-- two questions\n-- name: plays\nSELECT count(*) FROM plays\n-- name: by_device\nSELECT device, count(*) FROM plays\nGROUP BY device;\n"
            .write(toFile: file, atomically: true, encoding: .utf8)
        let r = try CLI.run(["bench", "queries", "--data", fx.dataDir, "--queries", file, "--runs", "2"])
        #expect(r.status == 0, "\(r.stderr)")
        let lines = r.stdout.split(separator: "\n")
        #expect(lines.first?.hasPrefix("bench queries: 2 queries on ") == true, "\(r.stdout)")
        #expect(lines.contains { $0.hasPrefix("  plays ") && $0.hasSuffix(" 1") }, "\(r.stdout)")
        #expect(lines.contains { $0.hasPrefix("  by_device ") }, "\(r.stdout)")
        let bad = d.path + "/bad.sql"
        try "-- name: broken\nSELECT nosuch FROM plays\n".write(toFile: bad, atomically: true, encoding: .utf8)
        let b = try CLI.run(["bench", "queries", "--data", fx.dataDir, "--queries", bad, "--runs", "1"])
        #expect(b.status == 1)
        #expect(b.stdout.contains("failed") && b.stderr.contains("broken: "), "\(b.stderr)")
        CLI.expectFailure(try CLI.run(["bench", "queries", "--data", fx.dataDir, "--queries", d.path + "/none.sql"]), mentioning: "cannot read")
        CLI.expectUsageError(try CLI.run(["bench", "queries", "--runs", "0"]), mentioning: "--runs")
    }

    @Test func builtInQuerySetRunsOnTheFixture() throws {
        let r = try CLI.run(["bench", "queries", "--data", fx.dataDir, "--runs", "1", "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        let qs = try #require((try r.stdout.json() as? [String: Any])?["queries"] as? [[String: Any]])
        #expect(qs.count == 12)
        #expect(qs.allSatisfy { $0["error"] == nil }, "\(qs.compactMap { $0["error"] })")
    }
}
