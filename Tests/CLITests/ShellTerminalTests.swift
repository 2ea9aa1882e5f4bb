import ColumnStore
import Foundation
import Synchronization
import TestSupport
import Testing

/// The shell at a terminal (a real pseudo-terminal): history across sessions, Tab completion, Ctrl-C.
/// Every step waits for the next prompt before typing on; no sleep decides a result.
@Suite struct ShellTerminalTests {
    let fx = CLIFixture.shared

    @Test func historyIsKeptAcrossSessionsWithAStatementAsOneEntry() throws {
        let data = try fx.copyOfData()
        defer { data.remove() }
        let home = fx.scratch()
        defer { home.remove() }
        let first = try PseudoTerminal(CLI.binary, ["shell", "--data", data.path + "/data"], env: ["HOME": home.path])
        #expect(first.wait(for: "\ntsdb> "))
        #expect(first.line("SELECT 40 + 1", prompt: "  ...> "))
        #expect(first.line("  AS answer;"))
        #expect(first.line(".timer off"))
        #expect(first.ctrlD() == 0, "Ctrl-D leaves")
        let saved = try String(contentsOfFile: home.path + "/.tsdb_history", encoding: .utf8)
        #expect(saved.contains("SELECT\\04040\\040+\\0401\\040AS\\040answer;"), "one entry for the two lines: \(saved)")

        let second = try PseudoTerminal(CLI.binary, ["shell", "--data", data.path + "/data"], env: ["HOME": home.path])
        #expect(second.wait(for: "\ntsdb> "))
        let mark = second.screen.endIndex
        #expect(second.line("\u{1B}[A\u{1B}[A"), "Up twice: the statement of the last session")
        #expect(second.screen[mark...].contains("│      41 │"), "\(second.screen[mark...])")
        let search = second.screen.endIndex
        #expect(second.line("\u{12}answer"), "Ctrl-R finds it by a word")
        #expect(second.screen[search...].contains("│      41 │"), "\(second.screen[search...])")
        #expect(second.ctrlD() == 0, "Ctrl-D leaves")
    }

    @Test func tabCompletesCommandsTablesColumnsAndKeywords() throws {
        let data = try fx.copyOfData()
        defer { data.remove() }
        let home = fx.scratch()
        defer { home.remove() }
        let pty = try PseudoTerminal(CLI.binary, ["shell", "--data", data.path + "/data"], env: ["HOME": home.path])
        #expect(pty.wait(for: "\ntsdb> "))
        var mark = pty.screen.endIndex
        #expect(pty.line(".tab\t"), "a dot command")
        #expect(pty.screen[mark...].contains("│ plays "), "\(pty.screen[mark...])")
        mark = pty.screen.endIndex
        #expect(pty.line("sel\tcount(*) AS n fr\tplay\tWHERE durat\t> 0;"), "keyword, table, column")
        #expect(pty.screen[mark...].contains(" \(CLIFixture.rows) │"), "\(pty.screen[mark...])")
        pty.type(".quit\r")
        #expect(pty.exitStatus() == 0)
    }

    /// A statement longer than the terminal is wide, edited where it wrapped, runs as edited.
    @Test func editingAWrappedLine() throws {
        let data = try fx.copyOfData()
        defer { data.remove() }
        let pty = try PseudoTerminal(CLI.binary, ["shell", "--data", data.path + "/data"])
        #expect(pty.wait(for: "\ntsdb> "))
        let filler = String(repeating: " ", count: 100)
        let mark = pty.screen.endIndex
        // Left × 3 from the end lands before the "y" of "plays": Backspace and retyping the "a" keep the statement.
        #expect(pty.line("SELECT count(*) AS wrapped\(filler)FROM plays;" + String(repeating: "\u{1B}[D", count: 3) + "\u{7F}a"))
        #expect(pty.screen[mark...].contains(" \(CLIFixture.rows) │"), "\(pty.screen[mark...])")
        #expect(pty.ctrlD() == 0)
    }

    @Test func ctrlCClearsTheLineAndCancelsARunningQuery() throws {
        let data = try BigFixture.shared.dataDir()
        let pty = try PseudoTerminal(CLI.binary, ["shell", "--data", data])
        #expect(pty.wait(for: "\ntsdb> "))
        // At the prompt: the line is dropped, the shell stays.
        pty.type("SELECT 'dropped'")
        #expect(pty.wait(for: "'dropped'"))
        let before = pty.screen.endIndex
        pty.type("\u{3}")
        #expect(pty.wait(for: "^C", from: before) && pty.wait(for: "\ntsdb> ", from: before))
        #expect(pty.line("SELECT 'kept' AS s;"))
        // libedit may redraw the typed line once more before it reads Ctrl-C; what matters is that it never ran.
        #expect(!pty.screen[before...].contains("│ dropped"), "\(pty.screen[before...])")
        #expect(pty.screen[before...].contains("│ kept"), "\(pty.screen[before...])")
        // A query that runs for a long time (minutes in a debug build): Ctrl-C stops it.
        pty.type(BigFixture.slowQuery + "\r")
        #expect(pty.wait(for: "GROUP BY g;\r\n", from: before), "the statement was sent: \(pty.screen.suffix(300))")
        let running = pty.screen.endIndex
        #expect(pty.wait(for: " scanned, ", from: running, timeout: 60), "a progress line after a second: \(pty.screen[running...])")
        // Ctrl-C until the shell answers (the first may arrive before the query starts).
        var answered = false
        for _ in 0..<10 where !answered {
            pty.type("\u{3}")
            answered = pty.wait(for: "cancelled", from: running, timeout: 3)
        }
        #expect(answered, "\(pty.screen[running...])")
        #expect(pty.wait(for: "\ntsdb> ", from: running), "back at the prompt")
        let shown = pty.screen[running...]
        if let last = shown.range(of: " scanned, ", options: .backwards) {
            #expect(shown[last.upperBound...].contains("\r\u{1B}[K"), "the progress line is erased: \(shown)")
        }
        let after = pty.screen.endIndex
        #expect(pty.line("SELECT count(*) AS n FROM big;"), "the shell answers the next query")
        #expect(pty.screen[after...].contains(" \(BigFixture.rows) │"), "\(pty.screen[after...])")
        #expect(pty.ctrlD() == 0, "Ctrl-D leaves")
    }
}

extension ShellTerminalTests {
    /// `query` on a terminal: the progress line on standard error while it runs, erased before the answer.
    @Test func queryShowsProgressOnATerminal() throws {
        // A copy: the Ctrl-C test keeps the fixture's database open meanwhile.
        let copy = fx.scratch()
        defer { copy.remove() }
        try FileManager.default.copyItem(atPath: try BigFixture.shared.dataDir(), toPath: copy.path + "/data")
        let sql = "SELECT count(DISTINCT u) AS a, count(DISTINCT u * 3) AS b, count(DISTINCT u * 5) AS c FROM big"
        let pty = try PseudoTerminal(CLI.binary, ["query", "--data", copy.path + "/data", sql])
        let status = pty.exitStatus(timeout: 240), screen = pty.screen
        #expect(status == 0, "\(screen)")
        // Rows, the stored bytes of the columns read, the rate and the time.
        #expect(screen.contains(" rows (") && screen.contains("B) scanned, ") && screen.contains(" rows/s, "), "\(screen)")
        #expect(screen.contains("\r\u{1B}[K┌"), "erased before the table: \(screen)")
    }
}

/// A table `big` of many rows over many days, written straight into a store (ingesting line protocol
/// in a debug build would take minutes), on which an aggregate runs long enough to interrupt.
final class BigFixture: Sendable {
    static let shared = BigFixture()
    static let days = 40
    static let rowsPerDay = 50_000
    static var rows: Int { days * rowsPerDay }
    /// Distinct counts over many groups: many scan units, each slow, so Ctrl-C always lands mid-query.
    /// Short enough for one terminal line (the test waits for its echo).
    static let slowQuery = "SELECT count(DISTINCT u), count(DISTINCT u*3) FROM big GROUP BY g;"

    private let dir = TempDirectory("tsdb-cli-big")
    /// Removed when the test process exits, like `CLIFixture`'s.
    nonisolated(unsafe) private static var leftover: String?

    private init() {
        Self.leftover = dir.path
        atexit { if let p = BigFixture.leftover { try? FileManager.default.removeItem(atPath: p) } }
    }
    private let built = Mutex<Bool>(false)

    func dataDir() throws -> String {
        try built.withLock { done in
            if !done {
                let registry = try DatabaseRegistry(root: dir.path)
                let db = try #require(try registry.database("default", create: true))
                let day: Int64 = 86_400_000_000_000
                for d in 0..<Self.days {
                    var time: [Int64] = [], u = ColumnVector(type: .int64), g = ColumnVector(type: .int64)
                    time.reserveCapacity(Self.rowsPerDay)
                    for i in 0..<Self.rowsPerDay {
                        let n = Int64(d * Self.rowsPerDay + i)
                        time.append(1_770_000_000_000_000_000 + Int64(d) * day + Int64(i) * 1_000_000)
                        u.append(int64: n &* 7919 % 1_000_003)
                        g.append(int64: n % 997)
                    }
                    _ = try db.write([WriteBatch(table: "big", time: time, columns: [BatchColumn(name: "u", vector: u), BatchColumn(name: "g", vector: g)])])
                }
                try registry.closeAll()
                done = true
            }
            return dir.path
        }
    }
}
