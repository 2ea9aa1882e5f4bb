import Foundation

/// What a caller can do to a running query: cancel it (from any thread), cap the rows it may return,
/// and bound the memory it may hold.
///
/// The scan checks it between row groups (64K rows at most) and between merged partitions, so a
/// cancelled query stops within milliseconds and frees its threads, instead of running to the end
/// with nobody waiting for it.
///
/// **Memory budget.** The parts of a query whose memory grows with the data — the vectors a batch's
/// expressions produce, buffered projection rows, hash-aggregate tables and their accumulators
/// (DISTINCT sets included), sort orders and the result being built — charge their size here
/// (`charge`) and give it back when freed (`release`). A charge that takes the total past
/// `memoryLimit` fails the query with `QueryControl.memoryError`; what it held is freed as its
/// operators unwind. The sizes are estimates of the large buffers, not of every allocation.
public final class QueryControl: @unchecked Sendable {
    private let lock = NSLock()
    private var reason: String?
    private var memoryUsed = 0
    private var memoryPeak = 0
    /// Results with more rows than this fail with an error instead of being built (nil: no cap).
    public let maxRows: Int?
    /// Bytes the query may hold at once (nil: no limit).
    public let memoryLimit: Int?
    /// How the limit is set, named in the error (`--query-memory`).
    public let memoryOption: String

    /// The default `--query-memory`: 4 GiB.
    public static let defaultMemoryLimit = 4 << 30

    public init(maxRows: Int? = nil, memoryLimit: Int? = nil, memoryOption: String = "--query-memory") {
        self.maxRows = maxRows
        self.memoryLimit = memoryLimit
        self.memoryOption = memoryOption
    }

    /// Stops the query at its next check; it then fails with `reason`.
    public func cancel(_ reason: String) {
        lock.withLock { if self.reason == nil { self.reason = reason } }
    }

    public var isCancelled: Bool { lock.withLock { reason != nil } }

    /// Why the query was cancelled (nil while it was not).
    public var cancellation: String? { lock.withLock { reason } }

    /// Bytes charged now, and the most charged at once so far.
    public var memory: (used: Int, peak: Int) { lock.withLock { (memoryUsed, memoryPeak) } }

    private var scanned = 0

    /// Rows the scan has read so far (for a progress display; read it from any thread).
    public var rowsScanned: Int { lock.withLock { scanned } }

    private var scannedBytes = 0

    /// Stored bytes of the columns the scan has decoded so far (compressed blocks; memtable values).
    public var bytesScanned: Int { lock.withLock { scannedBytes } }

    /// Counts `n` more rows, and `bytes` of their columns, read by the scan.
    func didScan(_ n: Int, bytes: Int = 0) {
        lock.withLock { scanned += n; scannedBytes += bytes }
    }

    /// Throws the cancellation as a `QueryError` when the query was cancelled.
    func check() throws {
        if let r = lock.withLock({ reason }) { throw QueryError(r) }
    }

    /// The error for a result that outgrew `maxRows`.
    func tooManyRows(_ rows: Int, exact: Bool) -> QueryError {
        QueryError("the result has \(exact ? "" : "more than ")\(rows) rows, more than the limit of \(maxRows ?? 0) "
                   + "(--max-result-rows); add a LIMIT or aggregate")
    }

    /// Adds `bytes` to the query's memory; throws (charging nothing) when that passes the limit.
    /// The query is then cancelled too, so its other threads stop at their next check.
    func charge(_ bytes: Int) throws {
        guard bytes > 0 else { release(-bytes); return }
        let over: Bool = lock.withLock {
            let (total, o) = memoryUsed.addingReportingOverflow(bytes)
            if o || memoryLimit.map({ total > $0 }) == true {
                if reason == nil { reason = memoryMessage }
                return true
            }
            memoryUsed = total
            memoryPeak = max(memoryPeak, total)
            return false
        }
        if over { throw QueryError(memoryMessage) }
    }

    /// Gives back bytes charged earlier.
    func release(_ bytes: Int) {
        guard bytes > 0 else { return }
        lock.withLock { memoryUsed = max(0, memoryUsed - bytes) }
    }

    /// Moves a charge from `old` to `new` bytes (an operator whose size changed), updating `old`.
    func recharge(_ old: inout Int, to new: Int) throws {
        if new == old { return }
        try charge(new - old)
        old = new
    }

    var memoryMessage: String {
        "query needs more than \(Self.formatBytes(memoryLimit ?? 0)) of memory (limit \(memoryOption)); narrow it "
            + "with WHERE, fewer columns or groups, or a LIMIT, or raise \(memoryOption)"
    }

    /// `1.0 GiB`, `512.0 MiB`, `64.0 KiB`, `100 bytes`.
    public static func formatBytes(_ n: Int) -> String {
        let units = ["GiB", "MiB", "KiB"]
        for (i, u) in units.enumerated() {
            let size = 1 << (30 - 10 * i)
            if n >= size { return String(format: "%.1f %@", Double(n) / Double(size), u) }
        }
        return "\(n) bytes"
    }

    /// Parses a size: a number of bytes with an optional unit `K`, `M`, `G`, `T` (powers of 1024,
    /// with or without `iB`/`B`), e.g. `4GiB`, `512M`, `1048576`. Nil when it is not one.
    public static func parseBytes(_ text: String) -> Int? {
        let s = text.trimmingCharacters(in: .whitespaces).uppercased()
        var digits = s.prefix { $0.isNumber || $0 == "." }
        var unit = s.dropFirst(digits.count).trimmingCharacters(in: .whitespaces)
        if digits.isEmpty { return nil }
        if unit.hasSuffix("IB") { unit.removeLast(2) } else if unit.hasSuffix("B") { unit.removeLast() }
        let scale: Double
        switch unit {
        case "": scale = 1
        case "K": scale = 1024
        case "M": scale = 1024 * 1024
        case "G": scale = 1024 * 1024 * 1024
        case "T": scale = 1024 * 1024 * 1024 * 1024
        default: return nil
        }
        if digits.hasSuffix(".") { digits.removeLast() }
        guard let v = Double(digits), v > 0 else { return nil }
        let bytes = v * scale
        guard bytes < 9.0e18 else { return nil }
        return Int(bytes)
    }
}
