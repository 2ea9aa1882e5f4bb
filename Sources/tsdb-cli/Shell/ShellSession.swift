import Foundation
import QueryEngine

/// The interactive SQL shell: reads statements ended by `;` and dot commands, prints results.
final class ShellSession {
    let backend: Backend
    let editor: LineEditor?
    var mode = ResultFormat.table
    var timer = false
    var maxRows = 40
    private var splitter = StatementSplitter()
    /// Statements and commands that failed (a non-interactive run exits 1 when any did).
    private(set) var failures = 0

    static let prompt = "tsdb> "
    static let continuation = "  ...> "

    init(backend: Backend, editor: LineEditor?) {
        self.backend = backend
        self.editor = editor
    }

    static let help = """
        Enter SQL statements ended by ';' (they may span lines). Commands:
          .tables               list the tables
          .schema [TABLE]       the columns and types of a table (all tables without TABLE)
          .mode table|csv|json|jsonl
                                how results are printed
          .timer on|off         print how long each statement took
          .maxrows N            table mode: show at most N rows (0: all)
          .history              the lines entered in this session
          .help                 this text
          .quit                 leave (also .exit or Ctrl-D)
        Keys: Up/Down walk the history, Ctrl-C abandons the statement being typed.

        """

    /// Runs until `.quit` or the end of input.
    func run() {
        if editor != nil {
            Terminal.out("tsdb shell on \(backend.label). End statements with ';'. Type .help for help.\n")
        }
        while true {
            let pending = splitter.isPending
            guard let line = nextLine(prompt: pending ? Self.continuation : Self.prompt) else {
                if let rest = splitter.takeRest() { execute(rest) }
                return
            }
            if !pending && line.trimmingCharacters(in: .whitespaces).hasPrefix(".") {
                editor?.remember(line)
                if !command(line.trimmingCharacters(in: .whitespaces)) { return }
                continue
            }
            editor?.remember(line)
            for statement in splitter.feed(line) { execute(statement) }
        }
    }

    /// The next line of input; nil at the end. Ctrl-C abandons the statement being typed.
    private func nextLine(prompt: String) -> String? {
        guard let editor else { return readLine(strippingNewline: true) }
        while true {
            switch editor.read(prompt: prompt) {
            case let .line(s): return s
            case .end: return nil
            case .interrupt:
                splitter.reset()
                return ""
            }
        }
    }

    /// Runs a dot command; false means leave the shell.
    func command(_ line: String) -> Bool {
        let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        let name = words[0], args = Array(words.dropFirst())
        switch name {
        case ".quit", ".exit", ".q":
            return false
        case ".help", ".h":
            Terminal.out(Self.help)
        case ".tables":
            show { try self.backend.tables(format: self.mode) }
        case ".schema":
            if let table = args.first {
                show { try self.backend.describe(table, format: self.mode) }
            } else {
                do {
                    let names = try tableNames()
                    for t in names { Terminal.out("\(t):\n"); show { try self.backend.describe(t, format: self.mode) } }
                    if names.isEmpty { Terminal.out("(no tables)\n") }
                } catch {
                    fail("\(error)")
                }
            }
        case ".timer":
            guard args.count == 1, args[0] == "on" || args[0] == "off" else { return usage(".timer on|off") }
            timer = args[0] == "on"
        case ".mode":
            guard args.count == 1, let f = ResultFormat(name: args[0]) else { return usage(".mode table|csv|json|jsonl") }
            mode = f
        case ".maxrows":
            guard args.count == 1, let n = Int(args[0]), n >= 0 else { return usage(".maxrows N") }
            maxRows = n
        case ".history":
            for (i, h) in (editor?.history ?? []).enumerated() { Terminal.out("\(i + 1)  \(h)\n") }
        default:
            fail("unknown command '\(name)'; type .help for the list")
        }
        return true
    }

    private func usage(_ text: String) -> Bool {
        fail("usage: \(text)")
        return true
    }

    private func tableNames() throws -> [String] {
        let answer = try backend.query("SHOW TABLES", format: .csv, threads: nil)
        let lines = String(decoding: answer.render(.csv), as: UTF8.self).split(separator: "\n").dropFirst()
        return lines.map { String($0.split(separator: ",").first ?? "") }.filter { !$0.isEmpty }
    }

    /// Runs one SQL statement and prints its answer.
    func execute(_ sql: String) {
        let clock = Stopwatch()
        do {
            let answer = try backend.query(sql, format: mode, threads: nil)
            let seconds = clock.elapsed
            Terminal.write(STDOUT_FILENO, answer.render(mode, maxRows: maxRows))
            if timer { Terminal.out("Run Time: \(ResultFormatter.formatDuration(seconds: seconds))\n") }
        } catch {
            fail(QueryErrorText.describe(error, sql: sql))
        }
    }

    private func show(_ body: () throws -> QueryAnswer) {
        do {
            Terminal.write(STDOUT_FILENO, try body().render(mode, maxRows: 0))
        } catch {
            fail("\(error)")
        }
    }

    private func fail(_ message: String) {
        failures += 1
        Terminal.err("Error: \(message)\n")
    }
}
