import Foundation
import Testing

/// `inspect`, `compact` and `retention` on embedded data directories.
@Suite struct MaintenanceCommandTests {
    let fx = CLIFixture.shared

    static func tables(_ r: CLIRun) throws -> [[String: Any]] {
        try #require((try r.stdout.json() as? [String: Any])?["tables"] as? [[String: Any]])
    }

    @Test func inspectTextShowsColumnsTypesEncodingsAndRatios() throws {
        let r = try CLI.run(["inspect", "--data", fx.dataDir])
        #expect(r.status == 0, "\(r.stderr)")
        let out = r.stdout
        #expect(out.hasPrefix("database default ("), "\(out)")
        #expect(out.contains("table plays: 3,000 rows"))
        #expect(out.contains("3 partitions (2026-05-01 … 2026-05-03)"), "\(out)")
        for header in ["column", "type", "stored", "raw", "ratio", "nulls", "symbols", "encodings (blocks)"] {
            #expect(out.contains(header))
        }
        for (column, type) in [("time", "timestamp"), ("artist", "tag"), ("user_id", "string"), ("duration_ms", "integer"),
                               ("completed", "boolean"), ("revenue", "float")] {
            #expect(out.split(separator: "\n").contains { $0.hasPrefix("  \(column) ") && $0.contains(" \(type) ") }, "\(column)")
        }
        #expect(out.contains("x "), "compression ratios like 2.50x")
        #expect(!out.contains("partition  "), "partitions are listed only for one table")
        let one = try CLI.run(["inspect", "--data", fx.dataDir, "plays"])
        #expect(one.stdout.contains("2026-05-02"))
        #expect(one.stdout.contains("partition"))
    }

    @Test func inspectJSON() throws {
        let r = try CLI.run(["inspect", "--data", fx.dataDir, "--json"])
        #expect(r.status == 0)
        let o = try #require(try r.stdout.json() as? [String: Any])
        #expect(o["database"] as? String == "default")
        let t = try #require(try Self.tables(r).first)
        #expect(t["rows"] as? Int == CLIFixture.rows)
        #expect(t["partition_count"] as? Int == 3)
        #expect(t["compression"] as? String == "lz4")
        let cols = try #require(t["columns"] as? [[String: Any]])
        #expect(cols.map { $0["name"] as? String ?? "" } == ["time", "artist", "track", "platform", "country", "device",
                                                             "user_id", "duration_ms", "completed", "skipped", "liked", "revenue"])
        let platform = try #require(cols.first { $0["name"] as? String == "platform" })
        #expect(platform["type"] as? String == "tag")
        #expect((platform["symbols"] as? Int ?? 0) >= 5 && (platform["symbols"] as? Int ?? 0) <= 8)
        for c in cols {
            #expect((c["stored_bytes"] as? Int ?? 0) > 0)
            #expect((c["compression_ratio"] as? Double ?? 0) > 0)
            #expect((c["encodings"] as? [String: Int])?.values.reduce(0, +) == c["blocks"] as? Int)
        }
        let parts = try #require(t["partitions"] as? [[String: Any]])
        #expect(parts.map { $0["day"] as? String ?? "" } == ["2026-05-01", "2026-05-02", "2026-05-03"])
        #expect(parts.reduce(0) { $0 + ($1["rows"] as? Int ?? 0) } == CLIFixture.rows)
    }

    @Test func inspectErrors() throws {
        CLI.expectFailure(try CLI.run(["inspect", "--data", fx.dataDir, "nosuch"]), mentioning: "no table 'nosuch'")
        CLI.expectFailure(try CLI.run(["inspect", "--server", "http://127.0.0.1:9"]), mentioning: "embedded")
        let d = fx.scratch()
        defer { d.remove() }
        CLI.expectFailure(try CLI.run(["inspect", "--data", d.path + "/none"]), mentioning: "no database 'default'")
        #expect(!FileManager.default.fileExists(atPath: d.path + "/none"), "a failed inspect creates nothing")
    }

    @Test func compactMergesEachDaysSegments() throws {
        let d = fx.scratch()
        defer { d.remove() }
        for _ in 0..<3 {
            #expect(try CLI.run(["ingest", "--data", d.path, fx.playsFile]).status == 0)
        }
        let before = try #require(try Self.tables(try CLI.run(["inspect", "--data", d.path, "--json"])).first)
        #expect(before["segment_count"] as? Int == 9)
        let r = try CLI.run(["compact", "--data", d.path])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.hasPrefix("compacted 1 table: 9 segments → 3 (9 merged)"), "\(r.stdout)")
        let after = try #require(try Self.tables(try CLI.run(["inspect", "--data", d.path, "--json"])).first)
        #expect(after["segment_count"] as? Int == 3)
        #expect(after["rows"] as? Int == 3 * CLIFixture.rows)
        let again = try CLI.run(["compact", "--data", d.path, "plays"])
        #expect(again.stdout.hasPrefix("compacted 1 table: 3 segments → 3 (0 merged)"), "\(again.stdout)")
        CLI.expectFailure(try CLI.run(["compact", "--data", d.path, "nosuch"]), mentioning: "no table 'nosuch'")
        CLI.expectUsageError(try CLI.run(["compact", "--data", d.path, "--min-segments", "1"]), mentioning: "--min-segments")
    }

    @Test func retentionDropsOldDays() throws {
        let d = fx.scratch()
        defer { d.remove() }
        let day: Int64 = 86_400 * 1_000_000_000
        let now = Int64(Date().timeIntervalSince1970) * 1_000_000_000
        let lp = (0..<3).map { "ev v=\($0)i \(now - Int64($0) * day)" }.joined(separator: "\n")
        #expect(try CLI.run(["ingest", "--data", d.path, "-"], stdin: lp).status == 0)
        let show = try CLI.run(["retention", "--data", d.path, "ev"])
        #expect(show.stdout == "ev: retention none (keeps everything)\n")
        let r = try CLI.run(["retention", "--data", d.path, "ev", "--days", "1"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout == "ev: retention 1 day; dropped 1 partition (1 row)\n", "\(r.stdout)")
        let t = try #require(try Self.tables(try CLI.run(["inspect", "--data", d.path, "--json"])).first)
        #expect(t["partition_count"] as? Int == 2)
        #expect(t["retention_days"] as? Int == 1)
        #expect(try CLI.run(["retention", "--data", d.path, "ev"]).stdout == "ev: retention 1 day\n")
        #expect(try CLI.run(["retention", "--data", d.path, "ev", "--none"]).stdout == "ev: retention none (keeps everything)\n")
        CLI.expectUsageError(try CLI.run(["retention", "--data", d.path, "ev", "--days", "0"]), mentioning: "--days")
        CLI.expectUsageError(try CLI.run(["retention", "--data", d.path]), mentioning: "table")
        CLI.expectFailure(try CLI.run(["retention", "--data", d.path, "nosuch", "--days", "3"]), mentioning: "no table")
        CLI.expectFailure(try CLI.run(["retention", "--server", "http://127.0.0.1:9", "ev", "--days", "3"]), mentioning: "embedded")
    }
}
