import ColumnStore
import LineProtocol

/// One rejected line, for a report: its number and a message a person can act on.
public struct IngestError: Sendable, Equatable, CustomStringConvertible {
    /// 1-based line number in the request or stream.
    public var line: Int
    /// The full message, starting with the line number (`line 17, column 48: invalid integer …`).
    public var message: String
    public init(line: Int, message: String) { self.line = line; self.message = message }
    public var description: String { message }
}

/// What happened to the lines of a write (InfluxDB partial-write semantics: good lines are written).
public struct IngestReport: Sendable, Equatable, CustomStringConvertible {
    public var linesAccepted = 0
    public var linesRejected = 0
    /// Good lines not written because the write was all-or-nothing and other lines were rejected.
    public var linesDiscarded = 0
    /// The first `maxErrors` errors, by line number.
    public var errors: [IngestError] = []
    public var maxErrors: Int

    public init(maxErrors: Int = 100) { self.maxErrors = maxErrors }

    /// The error messages, in line order.
    public var messages: [String] { errors.map(\.message) }

    /// True when no line was rejected.
    public var isComplete: Bool { linesRejected == 0 }

    public var description: String {
        var s = "\(linesAccepted) lines accepted, \(linesRejected) rejected"
        if !errors.isEmpty {
            s += errors.count < linesRejected ? "; first \(errors.count) errors:" : ":"
            for e in errors { s += "\n  " + e.message }
        }
        return s
    }

    /// Counts `rejected` more lines and merges their errors, keeping the first `maxErrors` by line.
    public mutating func addRejections(_ count: Int, _ more: [IngestError]) {
        linesRejected += count
        guard !more.isEmpty else { return }
        errors = Array((errors + more).sorted { $0.line < $1.line }.prefix(maxErrors))
    }

    /// Adds another report's counts and errors (e.g. the next chunk of a stream).
    public mutating func merge(_ other: IngestReport) {
        linesAccepted += other.linesAccepted
        linesDiscarded += other.linesDiscarded
        addRejections(other.linesRejected, other.errors)
    }
}
