import Foundation
import Testing

/// `--server URL`: the CLI speaks tsdb-server's HTTP API (checked against a fake server here).
@Suite struct RemoteModeTests {
    @Test func ingestPostsLineProtocolWithTokenDatabaseAndPrecision() throws {
        let server = try FakeHTTPServer { _ in .init(status: 204) }
        defer { server.stop() }
        let lp = "m,t=a v=1i 1\n# note\n\nm,t=b v=2i 2\n"
        let r = try CLI.run(["ingest", "--server", server.url, "--token", "s3cret", "--db", "music", "--precision", "ms", "-"], stdin: lp)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.hasPrefix("2 rows written, 0 lines rejected"), "\(r.stdout)")
        let req = try #require(server.requests.first)
        #expect(server.requests.count == 1)
        #expect(req.method == "POST")
        #expect(req.path == "/api/v3/write_lp")
        #expect(req.query == ["db": "music", "precision": "ms"])
        #expect(req.headers["authorization"] == "Token s3cret")
        #expect(req.body == Array(lp.utf8))
    }

    @Test func partialWriteNamesRejectedLines() throws {
        let body = #"{"error":"partial write of line protocol occurred","data":[{"original_line":"m v=x","line_number":2,"error_message":"line 2, column 5: invalid value 'x'"}]}"#
        let server = try FakeHTTPServer { _ in .init(status: 400, body: body) }
        defer { server.stop() }
        let r = try CLI.run(["ingest", "--server", server.url, "-"], stdin: "m v=1i 1\nm v=x\nm v=2i 3\n")
        #expect(r.status == 2, "\(r.stderr)")
        #expect(r.stdout.hasPrefix("2 rows written, 1 line rejected"), "\(r.stdout)")
        #expect(r.stderr == "rejected: stdin: line 2, column 5: invalid value 'x'\n", "\(r.stderr)")
    }

    @Test func ingestWaitsOut503AndResends() throws {
        // The server's store had no room (503, Retry-After: 1): the chunk is sent again, not lost or fatal.
        let calls = Counter()
        let server = try FakeHTTPServer { _ in calls.next() == 0 ? .init(status: 503, body: #"{"error":"retry later"}"#) : .init(status: 204) }
        defer { server.stop() }
        let r = try CLI.run(["ingest", "--server", server.url, "-"], stdin: "m v=1i 1\nm v=2i 2\n")
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.hasPrefix("2 rows written, 0 lines rejected"), "\(r.stdout)")
        #expect(server.requests.count == 2)
    }

    @Test func refusedWritesFail() throws {
        let server = try FakeHTTPServer { _ in .init(status: 401, body: #"{"error":"invalid token"}"#) }
        defer { server.stop() }
        let r = try CLI.run(["ingest", "--server", server.url, "--token", "bad", "-"], stdin: "m v=1i 1\n")
        CLI.expectFailure(r, mentioning: "invalid token")
        #expect(r.stderr.contains("401"))
    }

    @Test func queryAsksTheServerForTheFormat() throws {
        let server = try FakeHTTPServer { req in
            req.query["q"]?.contains("FORM") == false ? .init(status: 200, contentType: "text/csv", body: "n\n42\n")
                : .init(status: 400, body: #"{"error":"syntax error at 1:8 near 'FORM': expected FROM"}"#)
        }
        defer { server.stop() }
        let r = try CLI.run(["query", "--server", server.url, "--db", "music", "--format", "csv", "SELECT count(*) AS n FROM plays"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout == "n\n42\n")
        let req = try #require(server.requests.first)
        #expect(req.method == "GET" && req.path == "/api/v3/query_sql")
        #expect(req.query == ["db": "music", "q": "SELECT count(*) AS n FROM plays", "format": "csv"])
        let e = try CLI.run(["query", "--server", server.url, "SELECT * FORM plays"])
        CLI.expectFailure(e, mentioning: "expected FROM")
        #expect(e.stderr.hasSuffix("\n  SELECT * FORM plays\n         ^\n"), "a caret under the server's position: \(e.stderr)")
        #expect(server.requests.last?.query["format"] == "csv", "a table is drawn here from the server's CSV")
        let table = try CLI.run(["query", "--server", server.url, "SELECT count(*) AS n FROM plays"])
        #expect(table.stdout.hasSuffix("│ integer │\n├─────────┤\n│      42 │\n└─────────┘\n1 row\n"), "\(table.stdout)")
    }

    /// Ctrl-C in a shell on `--server` abandons the request; the shell goes on with the next statement.
    @Test func ctrlCAbandonsARemoteQuery() throws {
        let release = DispatchSemaphore(value: 0)
        let server = try FakeHTTPServer { req in
            if req.query["q"]?.contains("slow") == true { _ = release.wait(timeout: .now() + 30) }
            return .init(status: 200, contentType: "text/csv", body: "name\nplays\n")
        }
        defer { release.signal(); server.stop() }
        let pty = try PseudoTerminal(CLI.binary, ["shell", "--server", server.url])
        #expect(pty.wait(for: "\ntsdb> "))
        let running = pty.screen.endIndex
        pty.type("SELECT 'slow' AS name;\r")
        #expect(pty.wait(for: " rows scanned, ", from: running), "progress after a second: \(pty.screen[running...])")
        pty.type("\u{3}")
        #expect(pty.wait(for: "cancelled", from: running) && pty.wait(for: "\ntsdb> ", from: running), "\(pty.screen[running...])")
        release.signal()
        let after = pty.screen.endIndex
        #expect(pty.line("SELECT 'fast' AS name;"))
        #expect(pty.screen[after...].contains("│ plays  │"), "\(pty.screen[after...])")
        #expect(pty.ctrlD() == 0)
    }

    @Test func unreachableServerIsAOneLineError() throws {
        let server = try FakeHTTPServer { _ in .init(status: 204) }
        let url = server.url
        server.stop()
        let r = try CLI.run(["query", "--server", url, "SELECT 1"])
        CLI.expectFailure(r, mentioning: "cannot reach http://127.0.0.1")
        #expect(r.stderr.split(separator: "\n").count == 1, "\(r.stderr)")
        CLI.expectUsageError(try CLI.run(["query", "--server", "ftp://x", "SELECT 1"]), mentioning: "--server")
        CLI.expectUsageError(try CLI.run(["query", "--token", "t", "SELECT 1"]), mentioning: "--token")
    }
}

/// Counts calls from a server thread.
final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var n = 0
    /// The count before this call.
    func next() -> Int { lock.withLock { defer { n += 1 }; return n } }
}
