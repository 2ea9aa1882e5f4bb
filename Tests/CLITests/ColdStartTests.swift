import Foundation
import TestSupport
import Testing
@testable import tsdb_cli

/// What a cold `tsdb-cli query` does not pay for: libcurl (opened only for --server), libxlsxwriter and
/// its libcrypto (opened only for Excel output), and argument-parser's reflection (`QueryCommandLine`
/// reads a plain query line the same way argument-parser would).
@Suite struct ColdStartTests {
    let fx = CLIFixture.shared

    @Test func localQueryNeedsNoLibcurl() throws {
        let missing = ["TSDB_LIBCURL": "/nonexistent/libcurl.so.4"]
        let r = try CLI.run(["query", "--data", fx.dataDir, "-f", "csv", "SELECT count(*) AS n FROM plays"], env: missing)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout == "n\n\(CLIFixture.rows)\n")
        let shell = try CLI.run(["shell", "--data", fx.dataDir], stdin: "SELECT 1 AS one;\n", env: missing)
        #expect(shell.status == 0, "\(shell.stderr)")
        #expect(shell.stdout.contains("one"), "\(shell.stdout)")
    }

    @Test func serverCommandsExplainAMissingLibcurl() throws {
        let missing = ["TSDB_LIBCURL": "/nonexistent/libcurl.so.4"]
        let q = try CLI.run(["query", "--server", "http://127.0.0.1:9", "SELECT 1"], env: missing)
        CLI.expectFailure(q, mentioning: "cannot load libcurl, which --server needs")
        #expect(q.stderr.contains("/nonexistent/libcurl.so.4"), "\(q.stderr)")
        let i = try CLI.run(["ingest", "--server", "http://127.0.0.1:9", "-"], stdin: "m v=1i 1\n", env: missing)
        CLI.expectFailure(i, mentioning: "cannot load libcurl, which --server needs")
        // A file that is no libcurl is refused the same way, not called.
        let notCurl = try CLI.run(["query", "--server", "http://127.0.0.1:9", "SELECT 1"], env: ["TSDB_LIBCURL": "libz.so.1"])
        CLI.expectFailure(notCurl, mentioning: "libz.so.1 has no curl_")
    }

    /// The loader's own account (glibc's LD_DEBUG=files) of which libraries the process opened.
    @Test func libcurlIsOpenedOnlyForAServer() throws {
        let local = try CLI.run(["query", "--data", fx.dataDir, "SELECT 1"], env: ["LD_DEBUG": "files"])
        #expect(local.status == 0, "\(local.stderr)")
        #expect(local.stderr.contains("file=libc.so.6"), "LD_DEBUG output missing: \(local.stderr.prefix(2000))")
        for library in ["libcurl", "libxlsxwriter", "libcrypto"] {
            #expect(!local.stderr.contains(library), "\(library): \(local.stderr)")
        }

        let server = try FakeHTTPServer { _ in .init(status: 200, contentType: "text/csv", body: "one\n1\n") }
        defer { server.stop() }
        let remote = try CLI.run(["query", "--server", server.url, "-f", "csv", "SELECT 1 AS one"], env: ["LD_DEBUG": "files"])
        #expect(remote.status == 0, "\(remote.stderr)")
        #expect(remote.stdout == "one\n1\n")
        #expect(remote.stderr.contains("file=libcurl.so.4"), "\(remote.stderr.prefix(2000))")
    }

    @Test func excelOutputOpensLibxlsxwriterWhenAsked() throws {
        let dir = fx.scratch(); defer { dir.remove() }
        let book = dir.path + "/answer.xlsx"
        let args = ["query", "--data", fx.dataDir, "-f", "xlsx", "-o", book, "SELECT count(*) AS n FROM plays"]
        let r = try CLI.run(args, env: ["LD_DEBUG": "files"])
        #expect(r.status == 0, "\(r.stderr.suffix(2000))")
        #expect(r.stderr.contains("file=libxlsxwriter.so.4"), "\(r.stderr.prefix(2000))")
        let sheets = try XLSXReadback.read(book)
        #expect(sheets.first?.rows == [[.text("n")], [.number(Double(CLIFixture.rows))]])

        let missing = dir.path + "/missing.xlsx"
        let m = try CLI.run(["query", "--data", fx.dataDir, "-f", "xlsx", "-o", missing, "SELECT 1"],
                            env: ["TSDB_LIBXLSXWRITER": "/nonexistent/libxlsxwriter.so.4"])
        CLI.expectFailure(m, mentioning: "cannot load libxlsxwriter, which Excel output needs")
        #expect(!FileManager.default.fileExists(atPath: missing))
        let csv = try CLI.run(["query", "--data", fx.dataDir, "-f", "csv", "SELECT 1 AS one"],
                              env: ["TSDB_LIBXLSXWRITER": "/nonexistent/libxlsxwriter.so.4"])
        #expect(csv.stdout == "one\n1\n", "\(csv.stderr)")
    }

    /// Seeded random command lines: whenever `QueryCommandLine` takes one, argument-parser parses it to
    /// the same command; and it takes the plain ones.
    @Test func queryCommandLineAgreesWithArgumentParser() throws {
        var rng = SeededRandom(seed: 10)
        let options = ["--data", "--server", "--token", "--db", "--query-memory", "--format", "-f", "--output", "-o",
                       "--compression", "--max-rows", "--threads", "--timing", "--help", "-h", "--version", "--nope", "-x", "--"]
        let values = ["/tmp/d", "http://127.0.0.1:8086", "ftp://x", "s3cret", "music", ".bad", "512MiB", "lots", "csv", "CSV",
                      "json", "parquet", "xlsx", "nope", "out.parquet", "snappy", "gzip", "0", "7", "-3", "+4", "x1", "", "-", "a=b"]
        let sqls = ["SELECT 1", "-", "select count(*) from plays", "-- note\nSELECT 1", "--timing"]
        var taken = 0
        for _ in 0..<3_000 {
            var args = [rng.chance(0.95) ? "query" : ["shell", "inspect", "--data"][rng.below(3)]]
            for _ in 0..<rng.below(6) {
                let option = options[rng.below(options.count)]
                if option.hasPrefix("--") && option != "--" && rng.chance(0.2) {
                    args.append(option + "=" + values[rng.below(values.count)])
                } else {
                    args.append(option)
                    if rng.chance(0.9) { args.append(values[rng.below(values.count)]) }
                }
            }
            let sqlCount = rng.chance(0.1) ? rng.below(3) : 1
            for _ in 0..<sqlCount { args.insert(sqls[rng.below(sqls.count)], at: 1 + rng.below(args.count)) }
            guard let fast = QueryCommandLine.parse(args) else { continue }
            taken += 1
            let parsed = try #require(try? TSDBCommand.parseAsRoot(args), "argument-parser refuses \(args)")
            let slow = try #require(parsed as? QueryCommand, "argument-parser parses \(args) as \(type(of: parsed))")
            #expect(Self.fields(fast) == Self.fields(slow), "\(args)")
        }
        #expect(taken > 300, "only \(taken) command lines took the direct path")
        // The usual shapes take it.
        for args in [["query", "SELECT 1"], ["query", "--data", "d", "SELECT 1"], ["query", "SELECT 1", "--data=d", "-f", "csv"],
                     ["query", "-", "--timing", "--max-rows", "5", "--threads", "2", "--db", "music"],
                     ["query", "--format", "parquet", "-o", "x.parquet", "--compression", "snappy", "--query-memory", "1GiB", "SELECT 1"]] {
            let fast = try #require(QueryCommandLine.parse(args), "\(args)")
            let slow = try #require(try TSDBCommand.parseAsRoot(args) as? QueryCommand)
            #expect(Self.fields(fast) == Self.fields(slow), "\(args)")
        }
    }

    /// Every parsed value of a query command, for comparing two parses.
    static func fields(_ c: QueryCommand) -> [String] {
        [c.global.data ?? "nil", c.global.server ?? "nil", c.global.token ?? "nil", c.global.db, c.memory.queryMemory,
         c.format, c.output ?? "nil", c.compression, "\(c.timing)", "\(c.maxRows)", c.threads.map { "\($0)" } ?? "nil", c.sql]
    }
}
