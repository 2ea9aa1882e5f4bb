import Foundation
import Testing
import TestSupport

/// "A DDL or DELETE killed midway leaves the table as before it or as after it, never between": each
/// statement is sent to the built server over HTTP and the server SIGKILLed at a seeded moment during it;
/// after a restart the table must be in one of the two states. The moments vary; the checks hold for any.
@Suite(.serialized) struct DDLCrashTests {
    static let db = "crash"

    static func sql(_ c: TestHTTPClient, _ q: String) throws -> TestResponse {
        try c.request("POST", "/api/v3/query_sql?db=\(db)&format=csv", headers: [("Content-Type", "application/x-www-form-urlencoded")],
                      body: "q=" + urlEncode(q))
    }

    /// The single value a one-row, one-column query answers (nil: an error or no row).
    static func value(_ c: TestHTTPClient, _ q: String) throws -> String? {
        let r = try c.request("GET", "/api/v3/query_sql?db=\(db)&format=csv&q=" + urlEncode(q))
        guard r.status == 200 else { return nil }
        return r.text.split(separator: "\n", omittingEmptySubsequences: false).dropFirst().first.map(String.init)
    }

    static func count(_ c: TestHTTPClient, _ table: String) throws -> Int? {
        try value(c, "SELECT count(*) FROM \(table)").flatMap { Int($0) }
    }

    static func exists(_ c: TestHTTPClient, _ table: String) throws -> Bool {
        try value(c, "SELECT count(*) FROM tsdb_tables WHERE table_name = '\(table)'") == "1"
    }

    /// Sends `statement` and SIGKILLs the server `delayMicros` after; restarts it on the same directory.
    static func killDuring(_ statement: String, delayMicros: Int, server: inout ServerProcess, client: inout TestHTTPClient,
                           dir: String) throws {
        let port = server.httpPort
        let done = DispatchSemaphore(value: 0)
        Thread {
            if let c = try? TestHTTPClient(port: port, timeout: 120) { _ = try? sql(c, statement) }
            done.signal()
        }.start()
        usleep(UInt32(delayMicros))
        #expect(server.stop(signal: SIGKILL).reason == .uncaughtSignal)
        done.wait()
        server = try ServerProcess(data: dir)
        client = try TestHTTPClient(port: server.httpPort, timeout: 120)
    }

    @Test func ddlKilledMidwayIsBeforeOrAfter() throws {
        let dir = TempDirectory("tsdb-ddl-crash")
        defer { dir.remove() }
        var server = try ServerProcess(data: dir.path)
        var c = try TestHTTPClient(port: server.httpPort, timeout: 120)
        for k in 0..<8 {
            #expect(try c.request("POST", "/write?db=\(Self.db)", body: DeleteEndpointTests.lines(25_000, from: k * 25_000)).status == 204)
        }
        // The first 1,000 lines again: without dedup keys they count twice.
        #expect(try c.request("POST", "/write?db=\(Self.db)", body: DeleteEndpointTests.lines(1_000)).status == 204)
        let total = 201_000
        #expect(try Self.count(c, "plays") == total)
        var rng = SeededRandom(seed: 1212)
        func moment() -> Int { rng.below(150_000) }

        // CREATE TABLE … AS SELECT: no table, or the whole copy.
        for round in 0..<3 {
            let name = "copy\(round)"
            try Self.killDuring("CREATE TABLE \(name) AS SELECT * FROM plays", delayMicros: moment(), server: &server, client: &c, dir: dir.path)
            if try Self.exists(c, name) {
                #expect(try Self.count(c, name) == total, "\(name) is half created")
            } else {
                #expect(try Self.count(c, name) == nil)
                #expect(try Self.sql(c, "CREATE TABLE \(name) AS SELECT * FROM plays").status == 200)
            }
        }
        // INSERT … SELECT: none of its rows, or all.
        try Self.killDuring("INSERT INTO copy0 SELECT * FROM plays WHERE seq < 50000", delayMicros: moment(), server: &server, client: &c, dir: dir.path)
        let afterInsert = try Self.count(c, "copy0")
        #expect(afterInsert == total || afterInsert == total + 51_000, "\(afterInsert ?? -1) rows after a killed INSERT")
        // TRUNCATE: every row, or none.
        try Self.killDuring("TRUNCATE TABLE copy1", delayMicros: moment(), server: &server, client: &c, dir: dir.path)
        let afterTruncate = try Self.count(c, "copy1")
        #expect(afterTruncate == total || afterTruncate == 0, "\(afterTruncate ?? -1) rows after a killed TRUNCATE")
        // DROP TABLE: the table whole, or gone with its folder.
        try Self.killDuring("DROP TABLE copy2", delayMicros: moment(), server: &server, client: &c, dir: dir.path)
        if try Self.exists(c, "copy2") {
            #expect(try Self.count(c, "copy2") == total)
        } else {
            #expect(!FileManager.default.fileExists(atPath: dir.path + "/\(Self.db)/copy2"))
        }
        // ALTER TABLE … ADD COLUMN: the column or not, the rows the same.
        try Self.killDuring("ALTER TABLE plays ADD COLUMN extra BIGINT", delayMicros: moment(), server: &server, client: &c, dir: dir.path)
        let columns = try Self.value(c, "SELECT count(*) FROM tsdb_columns WHERE table_name = 'plays' AND column_name = 'extra'")
        #expect(columns == "0" || columns == "1")
        #expect(try Self.count(c, "plays") == total)
        // ALTER TABLE … SET: both settings, or neither.
        try Self.killDuring("ALTER TABLE plays SET (compression = 'zstd', retention = '3650 days')", delayMicros: moment(), server: &server, client: &c, dir: dir.path)
        let settings = try Self.value(c, "SELECT compression || '/' || coalesce(CAST(retention_days AS VARCHAR), 'none') FROM tsdb_tables WHERE table_name = 'plays'")
        #expect(settings == "lz4/none" || settings == "zstd/3650", "\(settings ?? "nil")")
        #expect(try Self.count(c, "plays") == total)
        // ALTER TABLE … DEDUP ENABLE: no keys and every row, or the keys and one row per key.
        try Self.killDuring("ALTER TABLE plays DEDUP ENABLE UPSERT KEYS (time, user_id)", delayMicros: moment(), server: &server, client: &c, dir: dir.path)
        let keys = try Self.value(c, "SELECT coalesce(dedup_keys, 'none') FROM tsdb_tables WHERE table_name = 'plays'")
        let rows = try Self.count(c, "plays")
        #expect((keys == "none" && rows == total) || (keys != "none" && rows == total - 1_000), "keys \(keys ?? "nil"), \(rows ?? -1) rows")
        // Every table opens undamaged.
        let health = try c.request("GET", "/health")
        #expect(health.status == 200, "\(health.text)")
        _ = server.stop(signal: SIGTERM)
    }
}
