import Foundation
import QueryEngine

/// The interactive SQL shell: reads statements ended by `;` and dot commands, prints results.
final class ShellSession {
    let backend: Backend
    let editor: LineEditor?
    var mode = ShellMode.box
    var timer = false
    var maxRows = QueryAnswer.defaultMaxRows
    /// Where results go: standard output, or the file of `.output FILE`.
    private var output: Int32 = STDOUT_FILENO
    /// The file of `.once FILE`: the next statement's or command's result only.
    private var once: Int32?
    /// `.read` nesting (a file that reads itself stops here).
    private var readDepth = 0
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
          .mode MODE            how results print: box (default), table (ASCII borders),
                                markdown, line, csv, json, jsonl
          .timer on|off         print how long each statement took
          .maxrows N            box and table: show at most N rows (0: all; default 40)
          .output [FILE]        results into FILE from now on; without FILE back to the screen
          .once FILE            the next result only into FILE
          .read FILE            run the statements and commands in FILE
          .history              the lines entered in this session
          .help                 this text
          .quit                 leave (also .exit or Ctrl-D)
        Keys: Up/Down walk the history (kept in ~/.tsdb_history), Ctrl-R searches it, Tab completes,
        Ctrl-C cancels the running statement or drops the one being typed, Ctrl-D leaves.

        """

    /// Runs until `.quit` or the end of input.
    func run() {
        defer {
            editor?.restore()
            endOnce()
            if output != STDOUT_FILENO { close(output) }
        }
        if editor != nil {
            ShellInterrupt.install()
            refreshCompletion()
            Terminal.out("tsdb shell on \(backend.label). End statements with ';'. Type .help for help.\n")
        }
        while true {
            let pending = splitter.isPending
            guard let line = nextLine(prompt: pending ? Self.continuation : Self.prompt) else {
                if let rest = splitter.takeRest() { execute(rest) }
                return
            }
            // A comment line between statements is no statement (a dot command may follow it).
            if !pending && line.trimmingCharacters(in: .whitespaces).hasPrefix("--") { continue }
            if !pending && line.trimmingCharacters(in: .whitespaces).hasPrefix(".") {
                editor?.remember(line)
                if !command(line.trimmingCharacters(in: .whitespaces)) { return }
                continue
            }
            typed.append(line)
            let statements = splitter.feed(line)
            if !splitter.isPending {
                // A statement typed over several lines is one history entry.
                let joinWith = typed.count > 1 && typed.contains(where: { $0.contains("--") }) ? "\n" : " "
                editor?.remember(typed.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }.joined(separator: joinWith))
                typed = []
            }
            for statement in statements { execute(statement) }
        }
    }

    /// The lines of the statement being typed (one history entry once it ends).
    private var typed: [String] = []

    /// The next line of input; nil at the end. Ctrl-C abandons the statement being typed.
    private func nextLine(prompt: String) -> String? {
        guard let editor else { return readLine(strippingNewline: true) }
        while true {
            switch editor.read(prompt: prompt) {
            case let .line(s): return s
            case .end: return nil
            case .interrupt:
                splitter.reset()
                typed = []
                return ""
            }
        }
    }

    /// Tab completes the database's table and column names: read them (again).
    private func refreshCompletion() {
        guard let tables = try? tableNames() else { return }
        var names = tables
        for t in tables {
            guard let answer = try? backend.describe(t, format: .csv) else { continue }
            let lines = String(decoding: answer.render(.csv), as: UTF8.self).split(separator: "\n").dropFirst()
            names += lines.map { String($0.split(separator: ",").first ?? "") }.filter { !$0.isEmpty }
        }
        var seen = Set<String>()
        ShellCompletion.names = names.filter { seen.insert($0).inserted }
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
            show { try self.backend.tables(format: self.mode.queryFormat) }
        case ".schema":
            if let table = args.first {
                show { try self.backend.describe(table, format: self.mode.queryFormat) }
            } else {
                do {
                    let names = try tableNames()
                    let target = once ?? output
                    for t in names {
                        Terminal.write(target, "\(t):\n")
                        show(keepOnce: true) { try self.backend.describe(t, format: self.mode.queryFormat) }
                    }
                    if names.isEmpty { Terminal.write(target, "(no tables)\n") }
                } catch {
                    fail("\(error)")
                }
                endOnce()
            }
        case ".output":
            guard args.count <= 1 else { return usage(".output [FILE]") }
            if output != STDOUT_FILENO { close(output) }
            output = STDOUT_FILENO
            if let path = args.first, let fd = openForWriting(path) { output = fd }
        case ".once":
            guard args.count == 1 else { return usage(".once FILE") }
            endOnce()
            once = openForWriting(args[0])
        case ".read":
            guard args.count == 1 else { return usage(".read FILE") }
            return read(file: args[0])
        case ".timer":
            guard args.count == 1, args[0] == "on" || args[0] == "off" else { return usage(".timer on|off") }
            timer = args[0] == "on"
        case ".mode":
            guard args.count == 1, let m = ShellMode(rawValue: args[0].lowercased()) else { return usage(ShellMode.usage) }
            mode = m
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

    /// Opens (creates or truncates) a file for results; nil after saying why not.
    private func openForWriting(_ path: String) -> Int32? {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        if fd < 0 {
            fail("cannot write \(path): \(String(cString: strerror(errno)))")
            return nil
        }
        return fd
    }

    /// Closes the `.once` file after the result it was for.
    private func endOnce() {
        if let fd = once { close(fd) }
        once = nil
    }

    /// `.read FILE`: its lines as if typed (statements and dot commands); false when one of them was `.quit`.
    private func read(file path: String) -> Bool {
        guard readDepth < 16 else {
            fail(".read nested too deeply at \(path)")
            return true
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            fail("cannot read \(path)")
            return true
        }
        readDepth += 1
        defer { readDepth -= 1 }
        var local = StatementSplitter()
        for line in String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false) {
            let line = String(line.hasSuffix("\r") ? line.dropLast() : line)
            if !local.isPending && line.trimmingCharacters(in: .whitespaces).hasPrefix("--") { continue }
            if !local.isPending && line.trimmingCharacters(in: .whitespaces).hasPrefix(".") {
                if !command(line.trimmingCharacters(in: .whitespaces)) { return false }
                continue
            }
            for statement in local.feed(line) { execute(statement) }
        }
        if let rest = local.takeRest() { execute(rest) }
        return true
    }

    private func usage(_ text: String) -> Bool {
        fail("usage: \(text)")
        return true
    }

    func tableNames() throws -> [String] {
        let answer = try backend.query("SHOW TABLES", format: .csv, threads: nil)
        let lines = String(decoding: answer.render(.csv), as: UTF8.self).split(separator: "\n").dropFirst()
        return lines.map { String($0.split(separator: ",").first ?? "") }.filter { !$0.isEmpty }
    }

    /// Runs one SQL statement and prints its answer.
    /// On a terminal, Ctrl-C cancels the statement (through its `QueryControl`) and the shell prints
    /// `cancelled`.
    func execute(_ sql: String) {
        // SET and RESET hold for the rest of the session: every later statement runs with them.
        do {
            if let s = try SessionStatement.parse(sql), s.changesSettings {
                var session = QuerySession(settings: backend.settings)
                try session.apply(s)
                backend.settings = session.settings
                return
            }
        } catch {
            return fail(QueryErrorText.describe(error, sql: sql))
        }
        let clock = Stopwatch()
        let control = backend.makeControl()
        do {
            if let remote = backend as? RemoteBackend, mode.streamsFromServer {
                try executeRemote(remote, sql, control: control)
                endOnce()
                if timer { Terminal.out("Run Time: \(ResultFormatter.formatDuration(seconds: clock.elapsed))\n") }
                if editor != nil, !sql.uppercased().hasPrefix("SELECT") { refreshCompletion() }
                return
            }
            let answer: QueryAnswer
            let format = mode.queryFormat
            if editor != nil {
                let backend = UnsafeTransfer(self.backend)
                answer = try ShellInterrupt.run(control) { try backend.value.query(sql, format: format, threads: nil, control: control) }
            } else {
                answer = try backend.query(sql, format: format, threads: nil, control: control)
            }
            let seconds = clock.elapsed
            Terminal.write(once ?? output, mode.render(answer, maxRows: maxRows))
            endOnce()
            if timer { Terminal.out("Run Time: \(ResultFormatter.formatDuration(seconds: seconds))\n") }
        } catch {
            endOnce()
            if control.isCancelled {
                Terminal.err("\ncancelled\n")
                return
            }
            fail(QueryErrorText.describe(error, sql: sql))
        }
        if editor != nil, !sql.uppercased().hasPrefix("SELECT") { refreshCompletion() }
    }

    /// From a server, the answer streams as `query --server` streams it: CSV and JSON text is written as
    /// it arrives, a box or table keeps only the rows it shows (`RemoteTableRows`, from the server's CSV),
    /// so a long answer never sits whole in the shell's memory.
    private func executeRemote(_ remote: RemoteBackend, _ sql: String, control: QueryControl) throws {
        let table = mode == .box || mode == .table
        let style = TableStyle(maxRows: maxRows, ascii: mode == .table)
        let sink = RemoteOutput(file: nil, table: table ? RemoteTableRows(maxRows: maxRows) : nil, fd: once ?? output, style: style)
        let format = table ? ResultFormat.csv.rawValue : mode.queryFormat.rawValue
        let run = UnsafeTransfer((remote, sql, format, sink))
        let body = {
            let (remote, sql, format, sink) = run.value
            try remote.stream(sql, format: format, control: control) { try sink.write($0) }
        }
        if editor != nil { try ShellInterrupt.run(control) { try body() } } else { try body() }
        try sink.finish()
    }

    /// Prints a command's answer (every row) where results go.
    private func show(keepOnce: Bool = false, _ body: () throws -> QueryAnswer) {
        do {
            Terminal.write(once ?? output, mode.render(try body(), maxRows: 0))
        } catch {
            fail("\(error)")
        }
        if !keepOnce { endOnce() }
    }

    private func fail(_ message: String) {
        failures += 1
        Terminal.err("Error: \(message)\n")
    }
}
