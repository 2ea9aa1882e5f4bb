import ColumnStore

/// The set-returning functions of a select list (PostgreSQL's ProjectSet, DuckDB's UNNEST): each input
/// row becomes as many rows as its longest function result, the functions' results side by side (a
/// shorter one padded with NULLs, as PostgreSQL 10+ and DuckDB zip them), the input's columns repeated;
/// a row whose functions all return nothing disappears. Output: the input's columns, then one per function.
final class ProjectSet: Operator {
    /// One set-returning function over columns of the input row.
    enum Function {
        /// `unnest(array)`: the elements.
        case unnest(array: Int, element: ValueType)
        /// `_pg_expandarray(array)`: records `(x, n)`, the element and its 1-based index.
        case expandArray(array: Int, element: ValueType)
        /// `generate_series(start, stop[, step])` over BIGINTs (step column, or 1), stop included.
        case series(start: Int, stop: Int, step: Int?)
        /// `generate_series(start, stop, INTERVAL step)` over TIMESTAMPs, stop included.
        case timeSeries(start: Int, stop: Int, step: SQLInterval)

        /// The type of the function's output column.
        var type: ValueType {
            switch self {
            case let .unnest(_, e): e
            case let .expandArray(_, e): .record(Self.expandedRecord(e))
            case .series: .int
            case .timeSeries: .time
            }
        }

        /// `_pg_expandarray`'s record: `x` the element, `n` its index (INTEGER).
        static func expandedRecord(_ element: ValueType) -> RecordType {
            RecordType(names: ["x", "n"], types: [element, .int32])
        }
    }

    let child: any Operator
    let functions: [Function]
    let columns: [PlanColumn]

    init(child: any Operator, functions: [Function], names: [String]) {
        self.child = child
        self.functions = functions
        columns = child.columns + zip(functions, names).map { PlanColumn(name: $1, type: $0.type) }
    }

    var children: [any Operator] { [child] }
    var label: String { "PROJECT SET (\(functions.count) set-returning function\(functions.count == 1 ? "" : "s"))" }

    func run(_ context: ExecutionContext) throws -> Batch {
        let input = try child.run(context).resolved()
        var rows: [Int32] = []
        var outs = functions.map { ColumnVector(type: $0.type.columnType) }
        for r in 0..<input.rowCount {
            var n = 0
            for f in functions { n = max(n, try Self.count(f, input, r)) }
            if n == 0 { continue }
            if rows.count + n > SeriesScan.maxRows { throw QueryError("set-returning functions produce more than \(SeriesScan.maxRows) rows") }
            for _ in 0..<n { rows.append(Int32(r)) }
            for (k, f) in functions.enumerated() { try Self.append(f, input, r, rows: n, into: &outs[k]) }
            if r & 1023 == 1023 { try context.check() }
        }
        var out = input.gather(rows)
        for o in outs {
            out.columns.append(o)
            out.dicts.append(nil)
        }
        for c in out.columns { try context.charge(MemorySize.of(c)) }
        return out
    }

    /// How many rows `f` returns for row `r`.
    static func count(_ f: Function, _ input: Batch, _ r: Int) throws -> Int {
        switch f {
        case let .unnest(a, e), let .expandArray(a, e):
            let v = input.columns[a]
            if v.isNull(r) { return 0 }
            var n = 0
            v.withStringBytes(r) { ArrayCoding.forEach($0, element: e) { _ in n += 1 } }
            return n
        case let .series(start, stop, step):
            guard let b = intBounds(input, r, start, stop, step) else { return 0 }
            if b.step == 0 { throw QueryError("generate_series() step size cannot equal zero") }
            if b.step > 0 ? b.start > b.stop : b.start < b.stop { return 0 }
            let span = UInt64(bitPattern: b.step > 0 ? b.stop &- b.start : b.start &- b.stop)
            let n = span / b.step.magnitude + 1
            if n > UInt64(SeriesScan.maxRows) { throw QueryError("the series has more than \(SeriesScan.maxRows) rows") }
            return Int(n)
        case let .timeSeries(start, stop, step):
            var n = 0
            try forEachTime(input, r, start, stop, step) { _ in n += 1 }
            return n
        }
    }

    /// Appends `f`'s values for row `r`, then NULLs up to `rows`.
    static func append(_ f: Function, _ input: Batch, _ r: Int, rows: Int, into out: inout ColumnVector) throws {
        let before = out.count
        switch f {
        case let .unnest(a, e):
            let v = input.columns[a]
            if !v.isNull(r) {
                v.withStringBytes(r) { ArrayCoding.forEach($0, element: e) { append($0, to: &out) } }
            }
        case let .expandArray(a, e):
            let v = input.columns[a]
            if !v.isNull(r) {
                var k: Int64 = 0
                v.withStringBytes(r) {
                    ArrayCoding.forEach($0, element: e) { x in
                        k += 1
                        ArrayCoding.encode(items: [ArrayCoding.value(x), .int(k)]).withUnsafeBytes { out.append(string: $0) }
                    }
                }
            }
        case let .series(start, stop, step):
            if let b = intBounds(input, r, start, stop, step) {
                var x = b.start
                while b.step > 0 ? x <= b.stop : x >= b.stop {
                    out.append(int64: x)
                    let (y, o) = x.addingReportingOverflow(b.step)
                    if o { break }
                    x = y
                }
            }
        case let .timeSeries(start, stop, step):
            try forEachTime(input, r, start, stop, step) { out.append(int64: $0) }
        }
        if out.count < before + rows { out.appendNulls(before + rows - out.count) }
    }

    static func append(_ e: ArrayElement, to out: inout ColumnVector) {
        switch e {
        case .null: out.appendNulls(1)
        case let .bool(b): out.append(bool: b)
        case let .int(x), let .time(x): out.append(int64: x)
        case let .uint(x): out.append(uint64: x)
        case let .double(x): out.append(float64: x)
        case let .string(p): out.append(string: p)
        }
    }

    /// A BIGINT series' bounds in row `r`; nil when one is NULL (no rows, as PostgreSQL answers).
    static func intBounds(_ input: Batch, _ r: Int, _ start: Int, _ stop: Int, _ step: Int?) -> (start: Int64, stop: Int64, step: Int64)? {
        let a = input.columns[start], b = input.columns[stop]
        if a.isNull(r) || b.isNull(r) { return nil }
        var s: Int64 = 1
        if let step {
            if input.columns[step].isNull(r) { return nil }
            s = input.columns[step].int64s[r]
        }
        return (a.int64s[r], b.int64s[r], s)
    }

    /// Calls `body` with each time of a TIMESTAMP series in row `r`, each step from the last value as
    /// `SeriesScan` (and DuckDB) steps.
    static func forEachTime(_ input: Batch, _ r: Int, _ start: Int, _ stop: Int, _ step: SQLInterval, _ body: (Int64) -> Void) throws {
        let a = input.columns[start], b = input.columns[stop]
        if a.isNull(r) || b.isNull(r) { return }
        let first = a.int64s[r], last = b.int64s[r]
        let forward = try TimeArithmetic.add(first, step, negate: false) > first
        var x = first, n = 0
        while forward ? x <= last : x >= last {
            body(x)
            n += 1
            if n > SeriesScan.maxRows { throw QueryError("the series has more than \(SeriesScan.maxRows) rows") }
            guard let next = try? TimeArithmetic.add(x, step, negate: false) else { break }
            x = next
        }
    }
}
