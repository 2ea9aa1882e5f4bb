import Foundation
import TestSupport
import Testing
@testable import tsdb_cli

/// One CLI surface: the global options before or after the subcommand, `$TSDB_SERVER`, read-only commands
/// that refuse a directory without a database, the default row cap, and remote tables drawn like embedded ones.
@Suite struct CLISurfaceTests {
    let fx = CLIFixture.shared
    static let count = "SELECT count(*) AS n FROM plays"

    @Test func globalOptionsBeforeOrAfterTheSubcommand() throws {
        for args in [["--data", fx.dataDir, "query", "--format", "csv", Self.count],
                     ["query", "--format", "csv", Self.count, "--data", fx.dataDir],
                     ["--db", "default", "query", "--data", fx.dataDir, "-f", "csv", Self.count],
                     ["--data", fx.dataDir, "--db", "default", "shell"]] {
            let r = try CLI.run(args, stdin: ".mode csv\n\(Self.count);\n")
            #expect(r.status == 0, "\(args): \(r.stderr)")
            #expect(r.stdout == "n\n\(CLIFixture.rows)\n", "\(args): \(r.stdout)")
        }
        let nested = try CLI.run(["--data", fx.dataDir, "bench", "queries", "--only", "nothing-matches-this", "--runs", "1"])
        #expect(!nested.stderr.contains("Unknown option"), "\(nested.stderr)")
        CLI.expectUsageError(try CLI.run(["--data", fx.dataDir, "--server", "http://127.0.0.1:1", "query", "SELECT 1"]),
                             mentioning: "exclude each other")
    }

    @Test func helpShowsTheGlobalOptionsAndTheRealPort() throws {
        for args in [["--help"], ["query", "--help"], ["shell", "--help"], ["ingest", "--help"]] {
            let r = try CLI.run(args)
            #expect(r.status == 0, "\(args)")
            #expect(r.stdout.contains("--server <url>") && r.stdout.contains("--data <dir>"), "\(args): \(r.stdout)")
            #expect(r.stdout.contains("http://127.0.0.1:8086") && !r.stdout.contains("8181"), "\(args): \(r.stdout)")
            #expect(r.stdout.contains("TSDB_SERVER"), "\(args)")
            let serverLines = r.stdout.split(separator: "\n").filter { $0.trimmingCharacters(in: .whitespaces).hasPrefix("--server <url>") }
            #expect(serverLines.count == 1, "listed once: \(r.stdout)")
        }
    }

    /// The completion scripts offer the --format values, directories for --data and files to ingest.
    @Test func completionScriptsCompleteValuesAndPaths() throws {
        let bash = try CLI.run(["--generate-completion-script", "bash"])
        #expect(bash.status == 0)
        #expect(bash.stdout.contains("'table'$'\\n''csv'$'\\n''json'$'\\n''jsonl'"), "--format values")
        #expect(bash.stdout.contains("'--data')\n        __tsdb-cli_add_completions -d"), "--data completes directories")
        let zsh = try CLI.run(["--generate-completion-script", "zsh"])
        #expect(zsh.stdout.contains("('table' 'csv' 'json' 'jsonl' 'parquet' 'xlsx')"), "zsh --format values of query")
        #expect(zsh.stdout.contains(":_files"), "zsh completes files")
    }

    @Test func serverFromTheEnvironment() throws {
        let server = try FakeHTTPServer { _ in .init(status: 200, contentType: "text/csv", body: "n\n42\n") }
        defer { server.stop() }
        let r = try CLI.run(["query", "-f", "csv", Self.count], env: ["TSDB_SERVER": server.url])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout == "n\n42\n")
        #expect(server.requests.count == 1)
        let embedded = try CLI.run(["query", "--data", fx.dataDir, "-f", "csv", Self.count], env: ["TSDB_SERVER": server.url])
        #expect(embedded.stdout == "n\n\(CLIFixture.rows)\n", "--data wins over $TSDB_SERVER: \(embedded.stderr)")
        #expect(server.requests.count == 1)
        CLI.expectUsageError(try CLI.run(["query", Self.count], env: ["TSDB_SERVER": "ftp://x"]), mentioning: "TSDB_SERVER")
    }

    @Test func readingCommandsRefuseADirectoryWithoutADatabase() throws {
        let d = fx.scratch()
        defer { d.remove() }
        let typo = d.path + "/typo"
        for args in [["shell", "--data", typo], ["query", "--data", typo, "SELECT 1"], ["inspect", "--data", typo],
                     ["--data", typo, "shell"], ["bench", "queries", "--data", typo, "--runs", "1"],
                     ["bench", "scan", "--runs", "1", "--data", typo]] {
            let r = try CLI.run(args, stdin: "SELECT 1;\n")
            CLI.expectFailure(r, mentioning: "no database 'default' in \(typo)")
            #expect(!FileManager.default.fileExists(atPath: typo), "\(args) created \(typo)")
        }
    }

    @Test func remoteCSVReadsBackTypes() throws {
        let r = RemoteResult.decode(csv: Array("a,b,c,d,e,f,g\r\n1,1.5,true,2026-05-01T00:00:00Z,x,\"\",\"l1\nl2\"\r\n,nan,,,\"y,z\",,\n".utf8))
        #expect(r.columns.map(\.name) == ["a", "b", "c", "d", "e", "f", "g"])
        #expect(r.columns.map(\.type) == [.int64, .float64, .bool, .time, .string, .string, .string])
        #expect(r.rowCount == 2)
        #expect(r.columns[0].vector.isNull(1) && !r.columns[5].vector.isNull(0) && r.columns[5].vector.isNull(1))
        #expect(r.columns[3].vector.int64s[0] == 1_777_593_600_000_000_000)
        #expect(RemoteResult.decode(csv: Array("n\n".utf8)).columns.map(\.name) == ["n"], "an empty result keeps its header")
    }

    @Test func tablesShowFortyRowsByDefault() throws {
        let sql = "SELECT time, artist, duration_ms FROM plays ORDER BY time, artist, duration_ms LIMIT 100"
        let table = try CLI.run(["query", "--data", fx.dataDir, sql])
        #expect(table.status == 0, "\(table.stderr)")
        #expect(table.stdout.hasSuffix("100 rows (40 shown)\n"), "\(table.stdout.suffix(200))")
        #expect(table.stdout.split(separator: "\n").count == 1 + 2 + 1 + 40 + 3 + 1 + 1, "rules, header, type row, 40 rows, 3 markers, footer")
        let ten = try CLI.run(["query", "--data", fx.dataDir, "--max-rows", "10", sql])
        #expect(ten.stdout.hasSuffix("100 rows (10 shown)\n"))
        let all = try CLI.run(["query", "--data", fx.dataDir, "--max-rows", "0", sql])
        #expect(all.stdout.hasSuffix("\n100 rows\n"))
        let csv = try CLI.run(["query", "--data", fx.dataDir, "-f", "csv", sql])
        #expect(csv.stdout.split(separator: "\n").count == 101, "CSV prints every row")
        let shell = try CLI.run(["shell", "--data", fx.dataDir], stdin: "\(sql);\n.maxrows 4\n\(sql);\n")
        #expect(shell.stdout.contains("100 rows (40 shown)\n") && shell.stdout.contains("100 rows (4 shown)\n"), "\(shell.stdout)")
    }

    /// The same query through a real tsdb-server prints the same bytes as embedded, in every format.
    @Test func remoteOutputMatchesEmbedded() throws {
        let d = fx.scratch()
        defer { d.remove() }
        let server = try CLIServer(data: d.path)
        let load = try CLI.run(["--server", server.url, "ingest", "--quiet", fx.playsFile])
        #expect(load.status == 0, "\(load.stderr)")
        // The README's example, options before the subcommand.
        let readme = try CLI.run(["--server", server.url, "query", "SELECT count(*) FROM plays"])
        #expect(readme.status == 0 && readme.stdout.contains(" \(CLIFixture.rows) │"), "\(readme.stdout)\(readme.stderr)")
        let queries = [
            "SELECT time, artist, user_id, duration_ms, revenue, liked FROM plays ORDER BY time, user_id, duration_ms LIMIT 60",
            "SELECT platform, count(*) AS plays, sum(duration_ms) AS ms, max(time) AS last FROM plays GROUP BY platform ORDER BY platform",
            // Some NULLs (a column of NULLs only reads back as text: CSV cannot say its type), the empty string, quoting.
            "SELECT artist, CASE WHEN liked THEN NULL ELSE duration_ms END AS maybe, '' AS empty, 'a,\"b\"' AS quoted FROM plays ORDER BY time LIMIT 50",
        ]
        for sql in queries {
            for extra in [[], ["--max-rows", "6"], ["--max-rows", "0"], ["-f", "csv"], ["-f", "json"], ["-f", "jsonl"]] {
                let local = try CLI.run(["query", "--data", fx.dataDir] + extra + [sql])
                let remote = try CLI.run(["query", "--server", server.url] + extra + [sql])
                #expect(local.status == 0 && remote.status == 0, "\(local.stderr) \(remote.stderr)")
                #expect(remote.stdout == local.stdout, "\(extra) \(sql)\nremote:\n\(remote.stdout)\nembedded:\n\(local.stdout)")
            }
        }
    }
}

/// The built `tsdb-server` on an ephemeral port of 127.0.0.1, killed when dropped.
final class CLIServer {
    let process = Process()
    let url: String

    init(data: String) throws {
        guard let exe = BuildProducts.executable("tsdb-server") else { throw CLIServerError("tsdb-server is not built") }
        process.executableURL = URL(fileURLWithPath: exe)
        process.arguments = ["--data", data, "--http", "127.0.0.1:0", "--tcp", "off", "--pg", "off", "--log-level", "error"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        var line: [UInt8] = []
        while true {
            let b = output.fileHandleForReading.readData(ofLength: 1)
            if b.isEmpty { throw CLIServerError("tsdb-server exited before listening") }
            if b.first == 0x0A { break }
            line.append(contentsOf: b)
        }
        let text = String(decoding: line, as: UTF8.self)
        guard let r = text.range(of: "http="), let port = text[r.upperBound...].prefix(while: { $0 != " " }).split(separator: ":").last
        else { throw CLIServerError("no http port in '\(text)'") }
        url = "http://127.0.0.1:\(port)"
    }

    deinit {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }
}

struct CLIServerError: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}
