#if canImport(Glibc)
import Glibc
#endif

/// Shows an ingest's progress on standard error: a redrawn bar on a terminal, a plain line every
/// `lineInterval` seconds otherwise, or nothing.
final class IngestProgress {
    enum Style { case bar, lines, off }

    let style: Style
    /// Sum of the inputs' sizes, when all are known: gives a percentage and an ETA.
    let totalBytes: Int?
    let lineInterval: Double
    private let clock = Stopwatch()
    private var lastShown = -1.0
    private var drawn = false

    init(style: Style, totalBytes: Int?, lineInterval: Double = 1.0) {
        self.style = style
        self.totalBytes = totalBytes
        self.lineInterval = lineInterval
    }

    /// The style for standard error: a bar on a terminal, lines otherwise; none when `quiet`.
    static func automatic(quiet: Bool) -> Style {
        quiet ? .off : Terminal.isTTY(STDERR_FILENO) ? .bar : .lines
    }

    func update(_ s: IngestSummary) {
        let now = clock.elapsed
        switch style {
        case .off:
            return
        case .bar:
            guard now - lastShown >= 0.1 else { return }
            lastShown = now
            Terminal.err("\r" + bar(s, now) + "\u{1B}[K")
            drawn = true
        case .lines:
            guard now - lastShown >= lineInterval else { return }
            if lastShown < 0 { lastShown = now; return }  // nothing to say before the first interval
            lastShown = now
            Terminal.err("ingest: " + figures(s, now).joined(separator: ", ") + "\n")
        }
    }

    /// Says that the data is being flushed (the bar's last state stays).
    func flushing() {
        if style == .bar && drawn { Terminal.err("\r\u{1B}[Kflushing to segments…") }
    }

    /// Clears the bar.
    func finish() {
        if style == .bar && drawn { Terminal.err("\r\u{1B}[K") }
    }

    /// `45%, 1,234,567 rows, 230.1 MB, 1.05M rows/s, ETA 12s`
    func figures(_ s: IngestSummary, _ now: Double) -> [String] {
        var parts: [String] = []
        if let total = totalBytes, total > 0 {
            parts.append("\(min(100, s.bytes * 100 / total))%")
        }
        parts.append("\(Units.count(s.rowsWritten)) rows")
        parts.append(Units.bytes(s.bytes))
        if now > 0 { parts.append("\(Units.short(Double(s.rowsWritten) / now)) rows/s") }
        if let eta = eta(s, now) { parts.append("ETA \(Units.seconds(eta))") }
        if s.linesRejected > 0 { parts.append("\(Units.count(s.linesRejected)) rejected") }
        return parts
    }

    func eta(_ s: IngestSummary, _ now: Double) -> Double? {
        guard let total = totalBytes, s.bytes > 0, now > 0.2, s.bytes < total else { return nil }
        return now * Double(total - s.bytes) / Double(s.bytes)
    }

    func bar(_ s: IngestSummary, _ now: Double) -> String {
        let text = figures(s, now).joined(separator: "  ")
        guard let total = totalBytes, total > 0 else { return text }
        let width = Terminal.columns() ?? 80
        let barWidth = max(10, min(40, width - text.count - 4))
        let filled = min(barWidth, s.bytes * barWidth / total)
        return "[" + String(repeating: "█", count: filled) + String(repeating: "░", count: barWidth - filled) + "] " + text
    }
}
