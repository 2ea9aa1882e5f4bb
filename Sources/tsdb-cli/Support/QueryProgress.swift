import Foundation
import QueryEngine

/// A progress line on standard error while a statement runs longer than a second, on a terminal only:
/// `⋯ 12,345,678 rows scanned, 3.4 s (Ctrl-C cancels)`, redrawn in place and erased when the statement
/// ends, so the answer prints as if it had never been there.
struct QueryProgress {
    let control: QueryControl
    let clock = Stopwatch()
    /// Shown at all: standard error is a terminal.
    let enabled = Terminal.isTTY(STDERR_FILENO)
    static let delay = 1.0
    private var shown = false
    private var lastDraw = 0.0

    init(control: QueryControl) {
        self.control = control
    }

    /// Called every few milliseconds while the statement runs.
    mutating func tick() {
        let t = clock.elapsed
        guard enabled, t >= Self.delay, t - lastDraw >= 0.1 else { return }
        lastDraw = t
        shown = true
        let rows = Units.count(control.rowsScanned)
        var line = "⋯ \(rows) rows scanned, \(ResultFormatter.formatDuration(seconds: t)) (Ctrl-C cancels)"
        if let width = Terminal.columns(), line.count >= width { line = String(line.prefix(max(0, width - 1))) }
        Terminal.err("\r" + line + "\u{1B}[K")
    }

    /// Erases the line, if it was drawn.
    func finish() {
        if shown { Terminal.err("\r\u{1B}[K") }
    }
}
