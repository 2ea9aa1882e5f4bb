import ColumnStore

/// The table functions `generate_series(start, stop[, step])` (stop included) and
/// `range(start, stop[, step])` (stop excluded) over BIGINTs, or TIMESTAMPs with an INTERVAL step —
/// so a calendar of days can be LEFT JOINed to fill the missing ones.
final class SeriesScan: Operator {
    enum Bounds {
        case int(Int64, Int64, step: Int64)
        case time(Int64, Int64, step: SQLInterval)
    }

    let bounds: Bounds
    let inclusive: Bool
    let columns: [PlanColumn]
    /// The most rows one series may produce.
    static let maxRows = 100_000_000

    init(bounds: Bounds, inclusive: Bool, column: PlanColumn) {
        self.bounds = bounds
        self.inclusive = inclusive
        columns = [column]
    }

    var children: [any Operator] { [] }
    var label: String { "\(inclusive ? "GENERATE_SERIES" : "RANGE") \(bounds)" }

    func run(_ context: ExecutionContext) throws -> Batch {
        switch bounds {
        case let .int(start, stop, step):
            var out = ColumnVector(type: .int64)
            var x = start
            while step > 0 ? (inclusive ? x <= stop : x < stop) : (inclusive ? x >= stop : x > stop) {
                out.append(int64: x)
                if out.count > Self.maxRows { throw QueryError("the series has more than \(Self.maxRows) rows") }
                let (y, o) = x.addingReportingOverflow(step)
                if o { break }
                x = y
            }
            try context.charge(MemorySize.of(out))
            return Batch(columns: [out], rowCount: out.count)
        case let .time(start, stop, step):
            var out = ColumnVector(type: .time)
            var x = start
            var k: Int64 = 0
            let forward = try TimeArithmetic.add(start, step, negate: false) > start
            while forward ? (inclusive ? x <= stop : x < stop) : (inclusive ? x >= stop : x > stop) {
                out.append(int64: x)
                if out.count > Self.maxRows { throw QueryError("the series has more than \(Self.maxRows) rows") }
                k += 1
                // From the start each time, so month steps don't drift (Jan 31 + 1 month + 1 month).
                guard let next = Self.times(step, k).flatMap({ try? TimeArithmetic.add(start, $0, negate: false) }) else { break }
                x = next
            }
            try context.charge(MemorySize.of(out))
            return Batch(columns: [out], rowCount: out.count)
        }
    }

    /// `i` × `k`, or nil when a part overflows.
    static func times(_ i: SQLInterval, _ k: Int64) -> SQLInterval? {
        let (m, o1) = Int64(i.months).multipliedReportingOverflow(by: k)
        let (d, o2) = Int64(i.days).multipliedReportingOverflow(by: k)
        let (n, o3) = i.nanoseconds.multipliedReportingOverflow(by: k)
        guard !o1, !o2, !o3, let m32 = Int32(exactly: m), let d32 = Int32(exactly: d) else { return nil }
        return SQLInterval(months: m32, days: d32, nanoseconds: n)
    }
}
