import Foundation
import Testing
@testable import tsdb_server

/// Real client libraries from PyPI write the same points (Clients/points.py); the answers of
/// `/api/v3/query_sql` must hold exactly those rows. Needs `pip install influxdb-client influxdb questdb`:
/// without them these tests fail and say so.
@Suite struct PythonClientTests {
    static let clients = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Clients").path

    /// The rows of Clients/points.py as the query answers them.
    static let expected: [[String: String]] = [
        ["artist": "Artist 0001", "platform": "spotify", "duration_ms": "245992", "liked": "false", "revenue": "0.002976", "user_id": "u0827379", "time": "2025-11-21T00:00:01Z"],
        ["artist": "The 0097s, Live=Loud", "platform": "youtube", "duration_ms": "12450", "liked": "true", "revenue": "0.0", "user_id": "u0378158", "time": "2025-11-21T00:00:02Z"],
        ["artist": "Artist 0492", "platform": "apple music", "duration_ms": "27906", "liked": "false", "revenue": "0.5", "user_id": "u0513847", "time": "2025-11-21T00:00:03Z"],
        ["artist": "Artist 0001", "platform": "tidal", "duration_ms": "180000", "liked": "true", "revenue": "1.25", "user_id": "u\"quoted\"", "time": "2025-11-21T00:00:04Z"],
        ["artist": "Artist 0007", "platform": "spotify", "duration_ms": "1", "liked": "false", "revenue": "3.75", "user_id": "u0000001", "time": "2025-11-21T00:00:05Z"],
    ]

    /// Runs `python3 script args…` in Clients/; returns its output, failing the test on a non-zero exit.
    static func python(_ script: String, _ args: [String]) throws -> String {
        let (status, text) = try runProgram("/usr/bin/env", ["python3", script] + args, in: clients)
        guard status == 0 else {
            throw TestError("python3 \(script) \(args.joined(separator: " ")) exited \(status):\n\(text)")
        }
        return text
    }

    /// Fails with a clear message when a client library is missing.
    static func requireModule(_ module: String, package: String) throws {
        do {
            _ = try python("-c", ["import warnings; warnings.simplefilter('ignore'); import \(module)"])
        } catch {
            throw TestError("the Python package '\(package)' is not installed: run `pip install influxdb-client influxdb questdb` (\(error))")
        }
    }

    /// The table as strings per column, in time order.
    static func rows(_ s: RunningServer, _ db: String) throws -> [[String: String]] {
        let r = try s.client().request("GET", "/api/v3/query_sql?db=\(db)&format=csv&q=\(urlEncode("SELECT time, artist, platform, duration_ms, liked, revenue, user_id FROM plays ORDER BY time"))", headers: s.auth)
        guard r.status == 200 else { throw TestError("query failed: \(r.status) \(r.text)") }
        let csv = try JSONLike.csv(r.text)
        guard let header = csv.first else { return [] }
        return csv.dropFirst().map { Dictionary(uniqueKeysWithValues: zip(header, $0)) }
    }

    static func check(_ got: [[String: String]]) {
        #expect(got.count == expected.count)
        for (g, e) in zip(got, expected) {
            for (k, v) in e {
                if k == "revenue" {
                    #expect(Double(g[k] ?? "") == Double(v), "\(k): \(g[k] ?? "nil") != \(v)")
                } else {
                    #expect(g[k] == v, "\(k): \(g[k] ?? "nil") != \(v)")
                }
            }
        }
    }

    @Test func influxDB2Client() throws {
        try Self.requireModule("influxdb_client", package: "influxdb-client")
        let s = try RunningServer { $0.tokens = ["t0ken"] }
        defer { s.stop() }
        #expect(try Self.python("influxdb2_write.py", [String(s.httpPort), "v2plain", "t0ken", "0"]).contains("ok"))
        Self.check(try Self.rows(s, "v2plain"))
        #expect(try Self.python("influxdb2_write.py", [String(s.httpPort), "v2gzip", "t0ken", "1"]).contains("ok"))
        Self.check(try Self.rows(s, "v2gzip"))
    }

    @Test func influxDB1Client() throws {
        try Self.requireModule("influxdb", package: "influxdb")
        let s = try RunningServer { $0.tokens = ["t0ken"] }
        defer { s.stop() }
        #expect(try Self.python("influxdb1_write.py", [String(s.httpPort), "v1", "t0ken"]).contains("ok"))
        Self.check(try Self.rows(s, "v1"))
    }

    @Test func questDBClientOverTCP() throws {
        try Self.requireModule("questdb.ingress", package: "questdb")
        let s = try RunningServer { $0.defaultDatabase = "qtcp" }
        defer { s.stop() }
        #expect(try Self.python("questdb_write.py", ["tcp", String(s.tcpPort)]).contains("ok"))
        // TCP has no acknowledgement: wait until the rows are committed.
        #expect(eventually { ((try? s.count("qtcp", "plays")) ?? 0) == Self.expected.count })
        Self.check(try Self.rows(s, "qtcp"))
    }

    @Test func questDBClientOverHTTP() throws {
        try Self.requireModule("questdb.ingress", package: "questdb")
        let s = try RunningServer { $0.defaultDatabase = "qhttp"; $0.tokens = ["t0ken"] }
        defer { s.stop() }
        #expect(try Self.python("questdb_write.py", ["http", String(s.httpPort), "t0ken"]).contains("ok"))
        Self.check(try Self.rows(s, "qhttp"))
    }
}

/// Just enough CSV reading (RFC 4180 quoting) for the answers above.
enum JSONLike {
    static func csv(_ text: String) throws -> [[String]] {
        var rows: [[String]] = []
        var row: [String] = []
        var field = ""
        var quoted = false
        var chars = Array(text)
        if chars.last != "\n" { chars.append("\n") }
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if quoted {
                if c == "\"" {
                    if i + 1 < chars.count && chars[i + 1] == "\"" { field.append("\""); i += 1 } else { quoted = false }
                } else {
                    field.append(c)
                }
            } else if c == "\"" {
                quoted = true
            } else if c == "," {
                row.append(field)
                field = ""
            } else if c == "\n" {
                row.append(field)
                rows.append(row)
                row = []
                field = ""
            } else {
                field.append(c)
            }
            i += 1
        }
        return rows
    }
}
