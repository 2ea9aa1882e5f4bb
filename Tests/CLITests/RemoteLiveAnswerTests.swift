import Foundation
import Testing
import TestSupport

/// A server's answer that fails after its first byte (an error line, then no last chunk): `query
/// --server` and the shell print the rows before it, never the error line as a row, and fail with the
/// server's message. And the shell over `--server` streams its answers as `query --server` does.
@Suite struct RemoteLiveAnswerTests {
    let fx = CLIFixture.shared

    @Test(arguments: [
        ("csv", ["n\n1\n", "2\n#error: the result has more than 2 rows\n"], "n\n1\n2\n"),
        ("jsonl", ["{\"n\":1}\n", "{\"n\":2}\n{\"error\":\"the result has more than 2 rows\"}\n"], "{\"n\":1}\n{\"n\":2}\n"),
        ("json", ["[\n{\"n\":1},\n{\"n\":2}", ",\n{\"error\":\"the result has more than 2 rows\"}\n]\n"], "[\n{\"n\":1},\n{\"n\":2},\n"),
    ])
    func anAnswerCutShortFailsWithTheServersMessage(format: String, chunks: [String], printed: String) throws {
        let server = try FakeHTTPServer { _ in .init(status: 200, contentType: "text/plain", chunks: chunks, cutShort: true) }
        defer { server.stop() }
        let r = try CLI.run(["query", "--server", server.url, "-f", format, "SELECT n FROM t"])
        CLI.expectFailure(r, mentioning: "the result has more than 2 rows")
        #expect(r.stdout == printed, "\(format)")
        // The same answer complete (without the error line) prints whole and succeeds.
        let whole = try FakeHTTPServer { _ in .init(status: 200, contentType: "text/plain", chunks: [printed]) }
        defer { whole.stop() }
        let ok = try CLI.run(["query", "--server", whole.url, "-f", format, "SELECT n FROM t"])
        #expect(ok.status == 0 && ok.stdout == printed)
    }

    @Test func aBrokenConnectionIsAnErrorNotAShortAnswer() throws {
        let server = try FakeHTTPServer { _ in .init(status: 200, contentType: "text/csv", chunks: ["n\n1\n2\n"], cutShort: true) }
        defer { server.stop() }
        let r = try CLI.run(["query", "--server", server.url, "-f", "csv", "SELECT n FROM t"])
        CLI.expectFailure(r, mentioning: "cut short")
        // A table is not drawn from a partial answer.
        let t = try CLI.run(["query", "--server", server.url, "SELECT n FROM t"])
        CLI.expectFailure(t, mentioning: "cut short")
        #expect(!t.stdout.contains("2 rows"))
    }

    /// The shell at a terminal over `--server`: a box keeps the first and last rows of a long answer and
    /// says how many it left out, CSV prints every row, and both equal the embedded shell's output.
    @Test func theShellOverAServerStreamsLikeQuery() throws {
        let d = fx.scratch()
        defer { d.remove() }
        let server = try CLIServer(data: d.path + "/data")
        let load = try CLI.run(["--server", server.url, "ingest", "--quiet", fx.playsFile])
        #expect(load.status == 0, "\(load.stderr)")
        let sql = "SELECT time, user_id, track, duration_ms FROM plays ORDER BY time, user_id, track, duration_ms"
        func session(_ target: [String]) throws -> (box: String, csv: String) {
            let pty = try PseudoTerminal(CLI.binary, ["shell"] + target)
            #expect(pty.wait(for: "\ntsdb> "))
            var mark = pty.screen.endIndex
            #expect(pty.line(sql + ";"))
            let box = String(pty.screen[mark...])
            #expect(pty.line(".mode csv"))
            mark = pty.screen.endIndex
            #expect(pty.line(sql + ";"))
            let csv = String(pty.screen[mark...])
            // An error keeps the shell going.
            #expect(pty.line("SELECT nope FROM plays;"))
            #expect(pty.screen.contains("nope"))
            pty.type(".quit\r")
            #expect(pty.exitStatus() == 0)
            return (box, csv)
        }
        let remote = try session(["--server", server.url])
        let local = try session(["--data", fx.dataDir])
        #expect(remote.box.contains("\(CLIFixture.rows) rows (40 shown)"), "\(remote.box.suffix(200))")
        #expect(remote.box == local.box)
        #expect(remote.csv.split(separator: "\n").count >= CLIFixture.rows + 1)
        #expect(remote.csv == local.csv)
    }
}
