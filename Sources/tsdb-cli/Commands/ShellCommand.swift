import ArgumentParser

/// `tsdb-cli shell`: an interactive SQL prompt (or a script read from standard input).
struct ShellCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "shell",
        abstract: "Interactive SQL: statements end with ';'; .help lists the dot commands.",
        discussion: """
            On a terminal, lines are edited with libedit: history in ~/.tsdb_history (Up/Down, \
            Ctrl-R), Tab completion, Ctrl-C cancels a running statement. \
            When standard input is not a terminal, it is read as a script (no prompts) and the exit \
            status is 1 if any statement failed.
            """
    )

    @OptionGroup var global: GlobalOptions
    @OptionGroup var memory: QueryMemoryOption

    func run() throws {
        // Like `query`, the shell reads: a directory without the database is a typo, not a new store.
        let backend = try global.openBackend(create: false)
        memory.apply(to: backend)
        defer { try? backend.close() }
        let editor = LineEditor.isAvailable ? LineEditor() : nil
        let session = ShellSession(backend: backend, editor: editor)
        session.run()
        if editor == nil && session.failures > 0 { throw ExitCode(1) }
    }
}
