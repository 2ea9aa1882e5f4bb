import Foundation
import Testing

/// `tsdb-cli shell`, as a script on standard input and as a person at a terminal.
@Suite struct ShellCommandTests {
    let fx = CLIFixture.shared

    @Test func dotCommandsFromStandardInput() throws {
        let script = ".help\n.tables\n.schema plays\n.mode yaml\n.timer maybe\n.bogus\n.quit\n.tables\n"
        let r = try CLI.run(["shell", "--data", fx.dataDir], stdin: script)
        #expect(r.status == 1, "some commands failed: exit 1 for a script")
        #expect(r.stdout.contains(".schema [TABLE]"))
        #expect(!r.stdout.contains("tsdb> "), "no prompts when input is not a terminal")
        let tables = r.stdout.split(separator: "\n").filter { $0.contains("plays") }
        #expect(tables.count == 1, "one .tables (it stops at .quit): \(r.stdout)")
        for (column, type) in [("artist", "tag"), ("duration_ms", "BIGINT"), ("time", "TIMESTAMP"), ("liked", "BOOLEAN")] {
            #expect(r.stdout.split(separator: "\n").contains { $0.contains(" \(column) ") && $0.contains(" \(type) ") }, "\(column)")
        }
        let errors = r.stderr.split(separator: "\n")
        #expect(errors.count == 3, "\(r.stderr)")
        #expect(errors.allSatisfy { $0.hasPrefix("Error: ") })
        #expect(errors.first?.contains(".mode box|table|markdown|line|csv|json|jsonl") == true)
        #expect(errors.last?.contains("unknown command '.bogus'") == true)
    }

    @Test func statementsFromStandardInput() throws {
        let script = """
            .mode csv
            SELECT count(*) AS n
              FROM plays;
            SELECT 'a;b' AS s; SELECT nosuch FROM plays;
            .timer on
            SELECT 1 AS one;
            SELECT 2 AS two
            """
        let r = try CLI.run(["shell", "--data", fx.dataDir], stdin: script)
        #expect(r.status == 1, "one statement failed")
        let out = r.stdout.split(separator: "\n").map(String.init)
        #expect(Array(out.prefix(4)) == ["n", "\(CLIFixture.rows)", "s", "a;b"], "\(r.stdout)")
        #expect(out.contains("one") && out.contains("two"), "a last statement without ';' runs at the end")
        #expect(out.filter { $0.hasPrefix("Run Time: ") }.count == 2, "\(r.stdout)")
        #expect(r.stderr.hasPrefix("Error: "), "\(r.stderr)")
        #expect(r.stderr.contains("nosuch"))
    }

    @Test func terminalEditingAndHistory() throws {
        let data = try fx.copyOfData()
        defer { data.remove() }
        let pty = try PseudoTerminal(CLI.binary, ["shell", "--data", data.path + "/data"])
        #expect(pty.wait(for: "\ntsdb> "), "prompt: \(pty.screen)")
        #expect(pty.screen.contains("End statements with ';'"))
        #expect(pty.line(".timer on"))
        #expect(pty.line(".mode csv"))
        #expect(pty.line("\u{1B}[A\u{1B}[A"), "Up twice recalls .timer on")
        #expect(pty.line(".timx\u{7F}er off"), "backspace edits")
        #expect(pty.line("\u{1B}[A\u{1B}[D\u{1B}[D\u{1B}[D\u{0B}on"), "Left and Ctrl-K edit a recalled line")
        #expect(pty.line(".mode xyz\u{17}json"), "Ctrl-W deletes a word")
        let mark = pty.screen.endIndex
        #expect(pty.line(".history"))
        let shown = String(pty.screen[mark...])
        for entry in ["1  .timer on", "2  .mode csv", "3  .timer on", "4  .timer off", "5  .timer on", "6  .mode json"] {
            #expect(shown.contains(entry), "\(entry) in \(shown)")
        }
        #expect(pty.line("SELECT 1", prompt: "  ...> "), "continuation prompt for an unfinished statement")
        let beforeInterrupt = pty.screen.endIndex
        pty.type("\u{3}")
        // The next prompt, not just the echo: typing before it races the editor's switch to raw mode.
        #expect(pty.wait(for: "^C", from: beforeInterrupt) && pty.wait(for: "\ntsdb> ", from: beforeInterrupt), "\(pty.screen.debugDescription)")
        #expect(pty.ctrlD() == 0, "Ctrl-D leaves")
    }

    @Test func terminalQuery() throws {
        let data = try fx.copyOfData()
        defer { data.remove() }
        let pty = try PseudoTerminal(CLI.binary, ["shell", "--data", data.path + "/data"])
        #expect(pty.wait(for: "\ntsdb> "))
        #expect(pty.line("SELECT count(*) AS n", prompt: "  ...> "))
        let mark = pty.screen.endIndex
        #expect(pty.line("FROM plays;"))
        #expect(pty.screen[mark...].contains("3000"), "\(pty.screen[mark...])")
        pty.type(".quit\r")
        #expect(pty.exitStatus() == 0)
    }
}
