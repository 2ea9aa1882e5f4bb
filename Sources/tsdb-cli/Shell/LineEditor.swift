import CLibedit
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The shell's line editor on a terminal: libedit (BSD editline) through its readline interface.
///
/// libedit edits the line in place (wrapped lines redraw correctly), keeps the history (Up/Down, Ctrl-R
/// searches it), and completes words with Tab from `ShellCompletion`. The history is kept in a file
/// (`~/.tsdb_history`) across sessions; a statement typed over several lines is one entry.
final class LineEditor {
    enum Input: Equatable {
        case line(String)
        /// Ctrl-C: the line was abandoned.
        case interrupt
        /// Ctrl-D on an empty line, or the terminal went away.
        case end
    }

    /// The entries added in this session (`.history`).
    private(set) var history: [String] = []
    /// Where the history is kept; nil when `$HOME` is unknown.
    let historyFile: String?
    static let historyLimit = 1000

    init(historyFile: String? = LineEditor.defaultHistoryFile) {
        self.historyFile = historyFile
        // The shell handles SIGINT itself (ShellInterrupt); libedit's own handler would re-send it to
        // the whole process group.
        tsdb_editline_setup(UnsafePointer(strdup("tsdb")), 0, ShellCompletion.generate, LineEditor.readKey)
        rl_initialize()
        // Ctrl-W deletes the word before the cursor, as in a terminal's own line discipline (libedit's
        // emacs map kills the region instead).
        _ = rl_parse_and_bind("bind ^W ed-delete-prev-word")
        using_history()
        stifle_history(Int32(Self.historyLimit))
        if let historyFile { _ = read_history(historyFile) }
        hasOriginal = tcgetattr(STDIN_FILENO, &original) == 0
    }

    /// The terminal's settings when the shell started (restored when it ends).
    private var original = termios()
    private var hasOriginal = false

    /// Between two edited lines (while a statement runs and its answer prints) keys typed ahead must
    /// reach the next line as keys: in the terminal's cooked mode the line discipline would take
    /// Ctrl-D, Ctrl-R, Ctrl-W… itself. So the terminal stays non-canonical without echo then; only
    /// Ctrl-C still raises SIGINT (`ShellInterrupt`). libedit sets up its own mode for each line.
    private func betweenLines() {
        guard hasOriginal else { return }
        var t = original
        t.c_lflag &= ~tcflag_t(ICANON | ECHO | IEXTEN)
        withUnsafeMutableBytes(of: &t.c_cc) { cc in
            cc[Int(VMIN)] = 1
            cc[Int(VTIME)] = 0
        }
        _ = tcsetattr(STDIN_FILENO, TCSANOW, &t)
    }

    /// Gives the terminal back as it was.
    func restore() {
        guard hasOriginal else { return }
        _ = tcsetattr(STDIN_FILENO, TCSANOW, &original)
    }

    /// `$HOME/.tsdb_history`.
    static var defaultHistoryFile: String? {
        guard let home = ProcessInfo.processInfo.environment["HOME"], !home.isEmpty else { return nil }
        return home + "/.tsdb_history"
    }

    /// True when both standard input and output are terminals that can take escape sequences.
    static var isAvailable: Bool {
        guard Terminal.isTTY(STDIN_FILENO), Terminal.isTTY(STDOUT_FILENO) else { return false }
        let term = getenv("TERM").map { String(cString: $0) } ?? ""
        return term != "dumb"
    }

    /// Adds an entry to the history (not a repeat of the last one) and saves the history file.
    func remember(_ entry: String) {
        guard !entry.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, history.last != entry else { return }
        history.append(entry)
        add_history(entry)
        if let historyFile { _ = write_history(historyFile) }
    }

    /// libedit's key reader: one byte of standard input, or EOF once Ctrl-C was pressed (also when it
    /// came just before the read began, which a blocking read would miss).
    static let readKey: @convention(c) (UnsafeMutablePointer<FILE>?) -> Int32 = { _ in
        while true {
            if ShellInterrupt.isRaised { return EOF }
            var p = pollfd(fd: STDIN_FILENO, events: Int16(POLLIN), revents: 0)
            let n = poll(&p, 1, 100)
            if n < 0 && errno != EINTR { return EOF }
            guard n > 0 else { continue }
            var b: UInt8 = 0
            let r = Glibc.read(STDIN_FILENO, &b, 1)
            if r == 1 { return Int32(b) }
            if r < 0 && errno == EINTR { continue }
            return EOF
        }
    }

    /// Reads one line after `prompt`. Ctrl-C abandons it (also one pressed since the last statement
    /// ended: the person meant to interrupt).
    func read(prompt: String) -> Input {
        let p = readline(prompt)
        betweenLines()
        guard let p else {
            if ShellInterrupt.take() {
                Terminal.out("^C\n")
                return .interrupt
            }
            Terminal.out("\n")
            return .end
        }
        defer { free(p) }
        // A Ctrl-C after Enter stays raised: it cancels the statement the line starts.
        return .line(String(cString: p))
    }
}
