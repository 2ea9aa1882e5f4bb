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
            let forward = try TimeArithmetic.add(start, step, negate: false) > start
            while forward ? (inclusive ? x <= stop : x < stop) : (inclusive ? x >= stop : x > stop) {
                out.append(int64: x)
                if out.count > Self.maxRows { throw QueryError("the series has more than \(Self.maxRows) rows") }
                // Each step from the last value, as DuckDB steps: month steps drift where a day is clamped
                // (Jan 31, Feb 28, Mar 28…).
                guard let next = try? TimeArithmetic.add(x, step, negate: false) else { break }
                x = next
            }
            try context.charge(MemorySize.of(out))
            return Batch(columns: [out], rowCount: out.count)
        }
    }
}
