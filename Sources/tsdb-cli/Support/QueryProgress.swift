import Foundation
import QueryEngine

/// A progress line on standard error while a statement runs longer than a second, on a terminal only:
/// `⋯ 12,345,678 rows (48.2 MB) scanned, 3.6M rows/s, 3.4 s (Ctrl-C cancels)`, redrawn in place and erased when the statement
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
        let scanned = control.rowsScanned
        let rate = scanned > 0 ? ", " + Self.rate(Double(scanned) / t) : ""
        let bytes = control.bytesScanned
        let size = bytes > 0 ? " (" + Units.bytes(bytes) + ")" : ""
        var line = "⋯ \(Units.count(scanned)) rows\(size) scanned\(rate), \(ResultFormatter.formatDuration(seconds: t)) (Ctrl-C cancels)"
        if let width = Terminal.columns(), line.count >= width { line = String(line.prefix(max(0, width - 1))) }
        Terminal.err("\r" + line + "\u{1B}[K")
    }

    /// Rows per second, short: `850 rows/s`, `12.3K rows/s`, `3.6M rows/s`.
    static func rate(_ perSecond: Double) -> String {
        switch perSecond {
        case ..<1_000: String(format: "%.0f rows/s", perSecond)
        case ..<1_000_000: String(format: "%.1fK rows/s", perSecond / 1e3)
        default: String(format: "%.1fM rows/s", perSecond / 1e6)
        }
    }

    /// Erases the line, if it was drawn.
    func finish() {
        if shown { Terminal.err("\r\u{1B}[K") }
    }
}
