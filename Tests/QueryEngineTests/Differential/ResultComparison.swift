/// Compares tsdb's rows with DuckDB's: same column count, same rows, in order when the query's ORDER BY
/// fixes it and as multisets otherwise. Ints, strings, bools and times compare exactly, floats within
/// `relativeTolerance` (or `absoluteTolerance` near zero), NULL equals NULL, NaN equals NaN.
struct ResultComparison {
    var relativeTolerance = 1e-9
    var absoluteTolerance = 1e-9
    /// For `approx_count_distinct`: int cells may differ by this fraction of DuckDB's exact value (0: exact).
    var intRelativeTolerance = 0.0

    /// nil when the answers agree, else what differs first, with both rows.
    func difference(tsdb: [[Cell]], duckdb: [[Cell]], ordered: Bool, names: [String] = []) -> String? {
        let a = ordered ? tsdb : tsdb.sorted(by: Self.canonicalOrder)
        let b = ordered ? duckdb : duckdb.sorted(by: Self.canonicalOrder)
        let how = ordered ? "in order" : "as multisets (sorted)"
        if let wa = a.first?.count, let wb = b.first?.count, wa != wb {
            return "tsdb answered \(wa) columns, DuckDB \(wb)\n  tsdb row 0:   \(Self.show(a[0]))\n  duckdb row 0: \(Self.show(b[0]))"
        }
        for r in 0..<min(a.count, b.count) {
            for c in 0..<a[r].count where !equal(a[r][c], b[r][c]) {
                let name = c < names.count ? " '\(names[c])'" : ""
                return "rows compared \(how): first difference at row \(r) of \(b.count), column \(c)\(name): "
                    + "tsdb \(a[r][c]) (\(a[r][c].kindName)) vs DuckDB \(b[r][c]) (\(b[r][c].kindName))"
                    + (a.count != b.count ? "; and tsdb has \(a.count) rows, DuckDB \(b.count)" : "")
                    + "\n  tsdb row:   \(Self.show(a[r]))\n  duckdb row: \(Self.show(b[r]))"
            }
        }
        if a.count != b.count {
            let r = min(a.count, b.count)
            return "tsdb answered \(a.count) rows, DuckDB \(b.count) (compared \(how); the first \(r) agree)"
                + (r < a.count ? "\n  tsdb row \(r):   \(Self.show(a[r]))" : "")
                + (r < b.count ? "\n  duckdb row \(r): \(Self.show(b[r]))" : "")
        }
        return nil
    }

    func equal(_ x: Cell, _ y: Cell) -> Bool {
        switch (x, y) {
        case let (.float(p), .float(q)): return close(p, q)
        case let (.int(p), .int(q)) where intRelativeTolerance > 0:
            guard let p = Double(p), let q = Double(q) else { return false }
            return abs(p - q) <= intRelativeTolerance * abs(q)
        default: return x == y
        }
    }

    func close(_ p: Double, _ q: Double) -> Bool {
        if p == q || (p.isNaN && q.isNaN) { return true }
        guard p.isFinite && q.isFinite else { return false }
        let d = abs(p - q)
        return d <= absoluteTolerance || d <= relativeTolerance * max(abs(p), abs(q))
    }

    static func show(_ row: [Cell]) -> String {
        "(" + row.map(\.description).joined(separator: ", ") + ")"
    }

    /// A total order on rows, the same for both engines' rows (floats numerically: a difference within
    /// tolerance only reorders rows that agree on every earlier column and nearly on this one).
    static func canonicalOrder(_ x: [Cell], _ y: [Cell]) -> Bool {
        for (p, q) in zip(x, y) {
            if let less = cellOrder(p, q) { return less }
        }
        return x.count < y.count
    }

    /// true: p < q, false: p > q, nil: equal.
    private static func cellOrder(_ p: Cell, _ q: Cell) -> Bool? {
        switch (p, q) {
        case let (.int(a), .int(b)):
            if a == b { return nil }
            let (da, db) = (Double(a) ?? 0, Double(b) ?? 0)
            return da != db ? da < db : a < b
        case let (.float(a), .float(b)):
            if a == b || (a.isNaN && b.isNaN) { return nil }
            return a.isNaN ? false : b.isNaN ? true : a < b
        case let (.string(a), .string(b)): return a == b ? nil : Array(a.utf8).lexicographicallyPrecedes(b.utf8)
        case let (.bool(a), .bool(b)): return a == b ? nil : !a
        case let (.time(a), .time(b)): return a == b ? nil : a < b
        default:
            // Different kinds (or NULL): order by kind so both sides sort alike.
            return p.kindName == q.kindName ? nil : p.kindName < q.kindName
        }
    }
}
