/// Splits RFC 4180 CSV into records, fed a chunk at a time: quoted fields may hold commas, doubled
/// quotes and line breaks; CRLF and LF both end a record. A record's fields are unquoted into one
/// reused byte buffer, so reading allocates nothing per row.
public struct CSVRecordReader: Sendable {
    private var buffer: [UInt8] = []
    private var at = 0
    /// 1-based line where the next record starts.
    private var line = 1
    /// The current record's fields back to back; field i is `bytes[starts[i] ..< starts[i + 1]]`.
    public private(set) var bytes: [UInt8] = []
    public private(set) var starts: [Int] = [0]
    /// Per field: it was quoted (so an empty quoted field is an empty string, not NULL).
    public private(set) var quoted: [Bool] = []
    /// The line the current record started on.
    public private(set) var recordLine = 0

    public init() {}

    public var fieldCount: Int { quoted.count }

    /// Field `i` of the current record.
    @inline(__always)
    public func withField<R>(_ i: Int, _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try bytes.withUnsafeBytes { try body(UnsafeRawBufferPointer(rebasing: $0[starts[i]..<starts[i + 1]])) }
    }

    public func fieldString(_ i: Int) -> String { withField(i) { String(decoding: $0, as: UTF8.self) } }

    /// Adds input; bytes already consumed are dropped first.
    public mutating func feed(_ p: UnsafeRawBufferPointer) {
        if at > 0 { buffer.removeSubrange(0..<at); at = 0 }
        buffer.append(contentsOf: p)
    }

    public enum Outcome: Equatable, Sendable {
        /// A record is ready in `bytes`/`starts`/`quoted`.
        case record
        /// The buffered input ends inside a record: feed more (or pass `final`).
        case needMore
        case end
        /// A record that is not valid CSV (its line in `recordLine`); it has been skipped.
        case malformed(String)
    }

    /// The next record. With `final`, the input is complete: a last record without a line break is
    /// returned, and an unterminated quote is reported as malformed.
    public mutating func next(final: Bool) -> Outcome {
        bytes.removeAll(keepingCapacity: true)
        starts.removeAll(keepingCapacity: true)
        starts.append(0)
        quoted.removeAll(keepingCapacity: true)
        recordLine = line
        if at == buffer.count { return final ? .end : .needMore }
        var i = at, lines = 0
        var inQuotes = false, fieldQuoted = false, afterQuote = false
        var problem: String? = nil
        let n = buffer.count
        let done: Bool = buffer.withUnsafeBufferPointer { b in
            while i < n {
                let c = b[i]
                if inQuotes {
                    if c == UInt8(ascii: "\"") {
                        if i + 1 < n && b[i + 1] == UInt8(ascii: "\"") { bytes.append(c); i += 2; continue }
                        if i + 1 == n && !final { return false }
                        inQuotes = false; afterQuote = true; i += 1; continue
                    }
                    if c == UInt8(ascii: "\n") { lines += 1 }
                    bytes.append(c); i += 1; continue
                }
                switch c {
                case UInt8(ascii: ","):
                    starts.append(bytes.count); quoted.append(fieldQuoted)
                    fieldQuoted = false; afterQuote = false
                case UInt8(ascii: "\n"), UInt8(ascii: "\r"):
                    if c == UInt8(ascii: "\r") {
                        if i + 1 == n && !final { return false }
                        if i + 1 < n && b[i + 1] == UInt8(ascii: "\n") { i += 1 }
                    }
                    lines += 1; i += 1
                    return true
                case UInt8(ascii: "\""):
                    if starts.last == bytes.count && !fieldQuoted && !afterQuote {
                        inQuotes = true; fieldQuoted = true
                    } else if problem == nil {
                        problem = "a quote inside an unquoted field (quote the field and double the quote)"
                    }
                default:
                    if afterQuote && problem == nil { problem = "text after a closing quote" }
                    bytes.append(c)
                }
                i += 1
            }
            return final && !inQuotes
        }
        if !done {
            if final && inQuotes {
                at = n
                return .malformed("a quoted field is not closed before the end of the input")
            }
            return .needMore
        }
        starts.append(bytes.count); quoted.append(fieldQuoted)
        at = i
        line += lines
        if let problem { return .malformed(problem) }
        return .record
    }

    /// True when the current record is one empty line (skipped, as DuckDB skips it).
    public var isBlank: Bool { fieldCount == 1 && bytes.isEmpty && !quoted[0] }
}
