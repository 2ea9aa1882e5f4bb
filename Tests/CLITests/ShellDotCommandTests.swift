import Foundation
import Testing

/// The shell's dot commands for output and scripts: `.output`, `.once`, `.read`, and the `.mode` layouts.
@Suite struct ShellDotCommandTests {
    let fx = CLIFixture.shared

    @Test func outputOnceAndRead() throws {
        let d = fx.scratch()
        defer { d.remove() }
        let script = d.path + "/script.sql"
        try """
            -- a script: statements over lines, and dot commands
            .mode csv
            SELECT count(*) AS n
              FROM plays;
            SELECT 'from the script' AS s;
            """.write(toFile: script, atomically: true, encoding: .utf8)
        let input = """
            .once \(d.path)/once.txt
            SELECT 1 AS first;
            SELECT 2 AS second;
            .output \(d.path)/out.txt
            .read \(script)
            .tables
            .output
            SELECT 3 AS third;
            .read \(d.path)/missing.sql
            """
        let r = try CLI.run(["shell", "--data", fx.dataDir], stdin: input)
        #expect(r.status == 1, "the missing file failed: \(r.stderr)")
        #expect(r.stderr.split(separator: "\n") == ["Error: cannot read \(d.path)/missing.sql"], "\(r.stderr)")
        let once = try String(contentsOfFile: d.path + "/once.txt", encoding: .utf8)
        #expect(once.contains("│  first  │"), "\(once)")
        #expect(!once.contains("second"), ".once takes one result: \(once)")
        let out = try String(contentsOfFile: d.path + "/out.txt", encoding: .utf8)
        #expect(out == "n\n\(CLIFixture.rows)\ns\nfrom the script\nname\nplays\n", "\(out)")
        #expect(r.stdout.contains("second") && r.stdout.contains("third\n3\n"), "back on standard output, still csv: \(r.stdout)")
        #expect(!r.stdout.contains("first") && !r.stdout.contains("from the script"))
    }

    @Test func modes() throws {
        let sql = "SELECT platform, count(*) AS n, 'a|b' AS p FROM plays GROUP BY platform ORDER BY platform LIMIT 2;"
        func run(_ mode: String) throws -> String {
            let r = try CLI.run(["shell", "--data", fx.dataDir], stdin: ".mode \(mode)\n\(sql)\n")
            #expect(r.status == 0, "\(mode): \(r.stderr)")
            return r.stdout
        }
        #expect(try run("markdown") == """
            | platform     |   n | p    |
            |--------------|----:|------|
            | amazon_music | 227 | a\\|b |
            | apple_music  | 357 | a\\|b |

            """)
        #expect(try run("line") == """
            platform = amazon_music
                   n = 227
                   p = a|b

            platform = apple_music
                   n = 357
                   p = a|b

            """)
        let ascii = try run("table")
        #expect(ascii.hasPrefix("+--------------+---------+--------+\n|   platform   |    n    |   p    |\n"), "\(ascii)")
        let box = try run("box")
        let plain = try CLI.run(["query", "--data", fx.dataDir, sql])
        #expect(box == plain.stdout, "box is what query --format table prints")
        #expect(try run("jsonl").hasPrefix(#"{"platform":"amazon_music","n":227,"p":"a|b"}"#))
    }

    /// `.output` and `.read` at a terminal, waiting for the prompt after each step.
    @Test func outputAndReadAtATerminal() throws {
        let data = try fx.copyOfData()
        defer { data.remove() }
        let script = data.path + "/q.sql"
        try "SELECT 6 * 7 AS answer;\n".write(toFile: script, atomically: true, encoding: .utf8)
        let pty = try PseudoTerminal(CLI.binary, ["shell", "--data", data.path + "/data"])
        #expect(pty.wait(for: "\ntsdb> "))
        #expect(pty.line(".output \(data.path)/out.txt"))
        let mark = pty.screen.endIndex
        #expect(pty.line(".read \(script)"))
        #expect(!pty.screen[mark...].contains("42"), "the result went to the file")
        #expect(pty.line(".output"))
        let back = pty.screen.endIndex
        #expect(pty.line(".read \(script)"))
        #expect(pty.screen[back...].contains("│      42 │"), "\(pty.screen[back...])")
        #expect(pty.ctrlD() == 0)
        let out = try String(contentsOfFile: data.path + "/out.txt", encoding: .utf8)
        #expect(out.contains("│      42 │"), "\(out)")
    }
}
