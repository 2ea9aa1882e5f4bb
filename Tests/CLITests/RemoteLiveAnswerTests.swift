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
        /// The lines of the answer on the screen since `mark`: the typed line's echo left out, and a
        /// progress line erased in place (`\r ESC[K`, shown when the statement took over a second) cut off.
        func answer(_ pty: PseudoTerminal, since mark: String.Index) -> [String] {
            pty.screen[mark...].split(whereSeparator: \.isNewline).map { line -> String in
                let text = String(line)
                guard let r = text.range(of: "\u{1B}[K", options: .backwards) else { return text }
                return String(text[r.upperBound...])
            }.filter { !$0.contains("SELECT") && !$0.hasPrefix("tsdb> ") && !$0.isEmpty }
        }
        /// Types a statement and waits (generously: a loaded machine) for the next prompt.
        func run(_ pty: PseudoTerminal, _ text: String) -> [String] {
            let mark = pty.screen.endIndex
            pty.type(text + "\r")
            #expect(pty.wait(for: "\ntsdb> ", from: mark, timeout: 300), "\(pty.screen[mark...].suffix(300))")
            return answer(pty, since: mark)
        }
        func session(_ target: [String]) throws -> (box: [String], csv: [String]) {
            let pty = try PseudoTerminal(CLI.binary, ["shell"] + target)
            #expect(pty.wait(for: "\ntsdb> ", timeout: 60))
            let box = run(pty, sql + ";")
            _ = run(pty, ".mode csv")
            let csv = run(pty, sql + ";")
            // An error keeps the shell going.
            let error = run(pty, "SELECT nope FROM plays;")
            #expect(error.contains { $0.contains("nope") }, "\(error)")
            pty.type(".quit\r")
            #expect(pty.exitStatus(timeout: 60) == 0)
            return (box, csv)
        }
        let remote = try session(["--server", server.url])
        let local = try session(["--data", fx.dataDir])
        #expect(remote.box.last == "\(CLIFixture.rows) rows (40 shown)", "\(remote.box.suffix(3))")
        #expect(remote.box == local.box)
        #expect(remote.csv.count == CLIFixture.rows + 1)
        #expect(remote.csv == local.csv)
    }
}
