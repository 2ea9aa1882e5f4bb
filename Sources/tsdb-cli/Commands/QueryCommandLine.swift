/// `tsdb-cli query …` read without argument-parser, for the command every cold query starts with.
///
/// argument-parser finds a command's options by reflection and decodes them through `Decodable`: the
/// Swift runtime's first lookups of those generic types scan every protocol conformance in the binary,
/// about a third of a cold `SELECT 1`'s CPU (docs/benchmarks.md). This reads only the plain forms of the
/// query command's own options (`--name value`, `--name=value`, `-f value`, `-o value`, each at most once)
/// and one SQL argument, and runs the same validations. Anything else — help, `--version`, options before
/// the subcommand, a repeated or unknown option, a value that looks like an option, a failed validation —
/// returns nil, and argument-parser parses the whole line and explains it as before.
enum QueryCommandLine {
    /// The command for `arguments` (without the program name), or nil to leave them to argument-parser.
    static func parse(_ arguments: [String]) -> QueryCommand? {
        guard arguments.first == "query" else { return nil }
        var values: [String: String] = [:]
        var timing = false
        var sql: String?
        var i = 1
        while i < arguments.count {
            let arg = arguments[i]
            i += 1
            guard arg.hasPrefix("-"), arg != "-" else {
                guard sql == nil else { return nil }
                sql = arg
                continue
            }
            var name: Substring, attached: Substring?
            if arg.hasPrefix("--") {
                let body = arg.dropFirst(2)
                if let eq = body.firstIndex(of: "=") {
                    name = body[..<eq]
                    attached = body[body.index(after: eq)...]
                } else {
                    name = body
                }
            } else {
                switch arg {
                case "-f": name = "format"
                case "-o": name = "output"
                default: return nil
                }
            }
            if name == "timing" {
                guard attached == nil, !timing else { return nil }
                timing = true
                continue
            }
            guard valueOptions.contains(name), values[String(name)] == nil else { return nil }
            let value: String
            if let attached {
                value = String(attached)
            } else {
                guard i < arguments.count, !arguments[i].hasPrefix("-") else { return nil }
                value = arguments[i]
                i += 1
            }
            values[String(name)] = value
        }
        guard let sql else { return nil }

        var global = GlobalOptions()
        global.data = values["data"]
        global.server = values["server"]
        global.token = values["token"]
        global.db = values["db"] ?? "default"
        var memory = QueryMemoryOption()
        memory.queryMemory = values["query-memory"] ?? "4GiB"
        var command = QueryCommand()
        command.global = global
        command.memory = memory
        command.format = values["format"] ?? "table"
        command.output = values["output"]
        command.compression = values["compression"] ?? "zstd"
        command.timing = timing
        command.sql = sql
        if let text = values["max-rows"] {
            guard let n = Int(text) else { return nil }
            command.maxRows = n
        } else {
            command.maxRows = QueryAnswer.defaultMaxRows
        }
        if let text = values["threads"] {
            guard let n = Int(text) else { return nil }
            command.threads = n
        } else {
            command.threads = nil
        }
        // argument-parser validates the option groups, then the command; a failure is its to report.
        do {
            try global.validate()
            try memory.validate()
            try command.validate()
        } catch {
            return nil
        }
        return command
    }

    /// The query command's options that take a value, by long name (`-f` and `-o` are format and output).
    private static let valueOptions: Set<Substring> = [
        "data", "server", "token", "db", "query-memory", "format", "output", "compression", "max-rows", "threads",
    ]
}
