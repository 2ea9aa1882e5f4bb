import Foundation
import Testing
import TestSupport
@testable import tsdb_server

/// TLS on the PostgreSQL port: SSLRequest answered `S` and the connection upgraded when
/// `--tls-cert`/`--tls-key` are given, with real clients (psql, psycopg 3, psycopg2, JDBC) and a test
/// CA made by `openssl` at test time; plain connections still work unless `--pg-tls require`.
@Suite(.serialized) struct PGTLSTests {
    /// A CA and a server certificate it signed for 127.0.0.1 and localhost.
    static func authority(_ dir: TempDirectory) throws -> (ca: String, cert: String, key: String) {
        let p = dir.path
        func openssl(_ args: [String]) throws {
            let (status, out) = try runProgram("/usr/bin/env", ["openssl"] + args, in: p)
            guard status == 0 else { throw TestError("openssl \(args.first ?? ""): \(out)") }
        }
        try openssl(["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2",
                     "-subj", "/CN=tsdb test CA", "-keyout", "ca.key", "-out", "ca.pem"])
        try openssl(["req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                     "-subj", "/CN=localhost", "-keyout", "server.key", "-out", "server.csr"])
        try "subjectAltName=IP:127.0.0.1,DNS:localhost\n".write(toFile: p + "/san.ext", atomically: true, encoding: .utf8)
        try openssl(["x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-days", "2",
                     "-extfile", "san.ext", "-out", "server.pem"])
        return (p + "/ca.pem", p + "/server.pem", p + "/server.key")
    }

    static func server(_ dir: TempDirectory, require: Bool) throws -> (RunningServer, String) {
        let (ca, cert, key) = try authority(dir)
        let s = try PGClientTests.server {
            $0.tlsCertificate = cert
            $0.tlsKey = key
            $0.https = nil
            $0.pgRequireTLS = require
            $0.tokens = ["tls-t0k"]
        }
        return (s, ca)
    }

    static func psql(_ port: Int, _ conninfo: String, _ command: String) throws -> (Int32, String) {
        let (status, out) = try runProgram("/usr/bin/psql", ["-X", "-A", "-t", "-c", command, "host=127.0.0.1 port=\(port) dbname=pg user=tester " + conninfo],
                       in: NSTemporaryDirectory(), environment: ["PGCONNECT_TIMEOUT": "30", "PSQLRC": "/dev/null", "PGPASSWORD": "tls-t0k"])
        return (status, out.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    @Test func psqlRequireAndVerifyFullAndPlainWhenOptional() throws {
        let dir = TempDirectory("tsdb-pg-tls")
        defer { dir.remove() }
        let (s, ca) = try Self.server(dir, require: false)
        defer { s.stop() }
        for mode in ["sslmode=require", "sslmode=verify-ca sslrootcert=\(ca)", "sslmode=verify-full sslrootcert=\(ca)"] {
            let (status, out) = try Self.psql(s.pgPort, mode, "SELECT count(*) FROM plays")
            #expect(status == 0 && out == "4", "\(mode): \(out)")
            let (_, info) = try Self.psql(s.pgPort, mode, "\\conninfo")
            #expect(info.contains("SSL connection"), "\(mode): \(info)")
        }
        // verify-full checks the name: the certificate is not for 127.0.0.2's hostaddr under another name.
        let (bad, badOut) = try Self.psql(s.pgPort, "sslmode=verify-full sslrootcert=\(ca) hostaddr=127.0.0.1 host=example.invalid", "SELECT 1")
        #expect(bad != 0 && badOut.contains("does not match host name"), "\(badOut)")
        // A CA that did not sign the certificate: refused by the client.
        let other = TempDirectory("tsdb-pg-tls-other")
        defer { other.remove() }
        let (otherCA, _, _) = try Self.authority(other)
        let (untrusted, untrustedOut) = try Self.psql(s.pgPort, "sslmode=verify-ca sslrootcert=\(otherCA)", "SELECT 1")
        #expect(untrusted != 0, "\(untrustedOut)")
        // TLS is optional: plain connections still work.
        let (plain, plainOut) = try Self.psql(s.pgPort, "sslmode=disable", "SELECT count(*) FROM plays")
        #expect(plain == 0 && plainOut == "4", "\(plainOut)")
        let (_, plainInfo) = try Self.psql(s.pgPort, "sslmode=disable", "\\conninfo")
        #expect(!plainInfo.contains("SSL connection"), "\(plainInfo)")
    }

    @Test func requiredTLSRefusesPlainAndServesDrivers() throws {
        let dir = TempDirectory("tsdb-pg-tls")
        defer { dir.remove() }
        let (s, ca) = try Self.server(dir, require: true)
        defer { s.stop() }
        let (plain, plainOut) = try Self.psql(s.pgPort, "sslmode=disable", "SELECT 1")
        #expect(plain != 0 && plainOut.contains("accepts only TLS"), "\(plainOut)")
        let (status, out) = try Self.psql(s.pgPort, "sslmode=verify-full sslrootcert=\(ca)", "SELECT count(*) FROM plays")
        #expect(status == 0 && out == "4", "\(out)")

        // psycopg 3 and psycopg2 (libpq) with sslmode=require.
        let (pyStatus, py) = try runProgram("/usr/bin/env", ["python3", "pg_clients.py", "tls", String(s.pgPort), "pg", "tls-t0k"],
                                            in: PGClientTests.clients, environment: ["PGSSLMODE": "require"])
        #expect(pyStatus == 0, "\(py)")
        let o = try JSONSerialization.jsonObject(with: Data((py.split(separator: "\n").last ?? "").utf8)) as? [String: Any]
        #expect(o?["psycopg"] as? [Int] == [4, 1], "\(py)")
        #expect(o?["psycopg2"] as? [Int] == [4, 1], "\(py)")

        // JDBC: ssl=true without checking the certificate, then checking it against the CA.
        let jar = "/usr/share/java/postgresql.jar"
        guard FileManager.default.fileExists(atPath: jar), FileManager.default.isExecutableFile(atPath: "/usr/bin/java") else {
            throw TestError("JDBC needs apt-get install libpostgresql-jdbc-java default-jdk-headless (scripts/setup.sh)")
        }
        for params in ["ssl=true&sslfactory=org.postgresql.ssl.NonValidatingFactory", "sslmode=verify-full&sslrootcert=\(ca)"] {
            let (j, jout) = try runProgram("/usr/bin/java", ["-cp", jar, "PgJdbc.java", String(s.pgPort), "pg", "tls-t0k", params], in: PGClientTests.clients)
            #expect(j == 0 && jout.contains("count|4"), "\(params): \(jout)")
        }
    }
}
