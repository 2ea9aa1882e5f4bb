import ColumnStore
import Foundation
import Testing
import TestSupport
@testable import QueryEngine

/// A fixed batch as an operator's output.
private final class BatchSource: Operator {
    let batch: Batch
    let columns: [PlanColumn]
    init(_ batch: Batch, types: [ValueType]) {
        self.batch = batch
        columns = types.enumerated().map { PlanColumn(name: "c\($0)", type: $1) }
    }
    var children: [any Operator] { [] }
    var label: String { "BATCH" }
    func run(_ context: ExecutionContext) throws -> Batch { batch }
}

/// The Window operator (grouped, typed, parallel sorts shared between functions) against the old
/// single-sort algorithm (`WindowReference`) over seeded random batches: partitions over ints and
/// strings, ORDER BY over ints, timestamps and doubles (NaN among them), NULLs and ties everywhere,
/// every function kind and frame shape.
@Suite("Window operator vs the reference algorithm")
struct WindowPropertyTests {
    /// Columns: 0 partition int, 1 partition string, 2 order int, 3 order time, 4 order double,
    /// 5 value int, 6 value double, 7 lag/lead default int.
    static let types: [ValueType] = [.int, .string, .int, .time, .double, .int, .double, .int]

    static func batch(rows n: Int, _ rng: inout OutputTestRNG) -> Batch {
        let groups = Int64(1 + rng.next() % UInt64(max(2, n / 20)))
        let span = Int64(1 + rng.next() % 40)
        func nullish() -> Bool { rng.next() % 10 == 0 }
        var cols = [ColumnVector(type: .int64), ColumnVector(type: .string), ColumnVector(type: .int64), ColumnVector(type: .time),
                    ColumnVector(type: .float64), ColumnVector(type: .int64), ColumnVector(type: .float64), ColumnVector(type: .int64)]
        let words = ["a", "b", "", "ab", "ba", "é", "z"]
        for _ in 0..<n {
            if nullish() { cols[0].appendNulls(1) } else { cols[0].append(int64: Int64(rng.next() % UInt64(groups)) - 3) }
            if nullish() { cols[1].appendNulls(1) } else { cols[1].append(string: words[Int(rng.next() % UInt64(words.count))]) }
            if nullish() { cols[2].appendNulls(1) } else { cols[2].append(int64: Int64(rng.next() % UInt64(span)) - span / 2) }
            if nullish() { cols[3].appendNulls(1) } else { cols[3].append(int64: 1_700_000_000_000_000_000 + Int64(rng.next() % UInt64(span)) * 1_000_000_000) }
            if nullish() { cols[4].appendNulls(1) } else {
                let x = rng.next() % 30
                cols[4].append(float64: x == 0 ? .nan : (x == 1 ? -0.0 : Double(x % 7) / 2))
            }
            if nullish() { cols[5].appendNulls(1) } else { cols[5].append(int64: Int64(rng.next() % 1000) - 500) }
            if nullish() { cols[6].appendNulls(1) } else { cols[6].append(float64: Double(rng.next() % 10_000) / 64 - 50) }
            if nullish() { cols[7].appendNulls(1) } else { cols[7].append(int64: -Int64(rng.next() % 100)) }
        }
        return Batch(columns: cols, rowCount: n)
    }

    /// A random window function over the batch's columns; `shapes` is a small pool of PARTITION BY /
    /// ORDER BY pairs so several functions of one operator share a layout.
    static func function(_ rng: inout OutputTestRNG,
                         _ shapes: [([Int], [(column: Int, descending: Bool, nullsFirst: Bool)])]) -> WindowFunction {
        let kinds: [WindowFunction.Kind] = [.rowNumber, .rank, .denseRank, .ntile, .lag, .lead, .firstValue, .lastValue,
                                            .sum, .avg, .min, .max, .count]
        let kind = kinds[Int(rng.next() % UInt64(kinds.count))]
        let (partition, order) = shapes[Int(rng.next() % UInt64(shapes.count))]
        let arg = [5, 6, 1][Int(rng.next() % 3)]
        var f = WindowFunction(kind: kind, arguments: [], constant: 0, partition: partition, order: order, frame: nil, type: .int)
        switch kind {
        case .rowNumber, .rank, .denseRank: break
        case .ntile: f.constant = Int64(1 + rng.next() % 5)
        case .lag, .lead:
            f.arguments = rng.next() % 2 == 0 ? [arg] : [5, 7]
            f.constant = Int64(rng.next() % 4)
            f.type = types[f.arguments[0]]
        case .firstValue, .lastValue, .min, .max:
            f.arguments = [arg]
            f.type = types[arg]
        case .sum, .avg:
            f.arguments = [[5, 6][Int(rng.next() % 2)]]
            f.type = kind == .avg ? .double : types[f.arguments[0]]
        case .count:
            f.arguments = rng.next() % 3 == 0 ? [] : [arg]
        }
        if [.firstValue, .lastValue, .sum, .avg, .min, .max, .count].contains(kind) { f.frame = frame(&rng, order) }
        return f
    }

    static func frame(_ rng: inout OutputTestRNG, _ order: [(column: Int, descending: Bool, nullsFirst: Bool)]) -> WindowFrame? {
        let a = Int64(rng.next() % 4), b = Int64(rng.next() % 4)
        switch rng.next() % 5 {
        case 0: return nil
        case 1:
            let starts: [WindowFrame.Bound] = [.unboundedPreceding, .preceding(a), .currentRow]
            let ends: [WindowFrame.Bound] = [.currentRow, .following(b), .unboundedFollowing]
            return WindowFrame(unit: .rows, start: starts[Int(rng.next() % 3)], end: ends[Int(rng.next() % 3)])
        case 2: return WindowFrame(unit: .range, start: .unboundedPreceding, end: .currentRow)
        case 3: return WindowFrame(unit: .range, start: .currentRow, end: .unboundedFollowing)
        default:
            // Offsets need one numeric ORDER BY key.
            guard order.count == 1, order[0].column == 2 || order[0].column == 4 else { return nil }
            return WindowFrame(unit: .range, start: .preceding(a), end: .following(b))
        }
    }

    static func shapes(_ rng: inout OutputTestRNG) -> [([Int], [(column: Int, descending: Bool, nullsFirst: Bool)])] {
        let partitions: [[Int]] = [[], [0], [1], [0, 1], [1, 0]]
        let orders: [[Int]] = [[], [2], [3], [4], [2, 4], [4, 3], [1, 2]]
        return (0..<3).map { _ in
            let o = orders[Int(rng.next() % UInt64(orders.count))]
            return (partitions[Int(rng.next() % UInt64(partitions.count))],
                    o.map { (column: $0, descending: rng.next() % 2 == 0, nullsFirst: rng.next() % 2 == 0) })
        }
    }

    /// Whether two output columns agree: exact, but sums and averages of doubles to rounding (the
    /// reference's are exact, the operator's compensated).
    static func same(_ x: ColumnVector, _ y: ColumnVector) -> Bool {
        guard x.count == y.count, x.type == y.type else { return false }
        for i in 0..<x.count {
            if x.isNull(i) != y.isNull(i) { return false }
            if x.isNull(i) { continue }
            if x.type == .float64 {
                let a = x.float64s[i], b = y.float64s[i]
                if !(a == b || (a.isNaN && b.isNaN) || abs(a - b) <= 1e-9 * Swift.max(1, abs(a), abs(b))) { return false }
            } else if !RowKeys.equal(x, i, y, i) {
                return false
            }
        }
        return true
    }

    @Test("matches the reference", arguments: [(1, 200), (2, 500), (3, 1_000), (4, 3_000), (5, 40_000)])
    func matchesReference(_ seed: Int, _ rows: Int) throws {
        let dir = TempDirectory(); defer { dir.remove() }
        var o = DatabaseOptions()
        o.background = false
        let db = try Database(path: dir.path, options: o)
        defer { try? db.close() }
        let context = ExecutionContext(engine: QueryEngine(database: db, threads: 2), now: 0, control: nil)
        var rng = OutputTestRNG(seed: UInt64(seed))
        for round in 0..<(rows > 10_000 ? 1 : 8) {
            let b = Self.batch(rows: rows, &rng)
            let shapes = Self.shapes(&rng)
            let functions = (0..<6).map { _ in Self.function(&rng, shapes) }
            let window = Window(child: BatchSource(b, types: Self.types), functions: functions, names: functions.indices.map { "w\($0)" })
            let out = try window.run(context)
            #expect(out.rowCount == rows)
            for (i, f) in functions.enumerated() {
                let expected = try WindowReference.compute(f, b)
                let got = out.columns[Self.types.count + i]
                #expect(Self.same(got, expected),
                        "seed \(seed) round \(round): \(f.kind) partition \(f.partition) order \(f.order.map { "\($0)" }) frame \(String(describing: f.frame))")
            }
        }
    }

    /// Doubles of wildly different magnitudes (1e20 beside 1 beside 1e-300, zeros after huge values, a
    /// rare ±∞ or NaN), frames of every shape and width (direct, running, from the end, segment tree).
    static func adversarial(_ n: Int, _ rng: inout OutputTestRNG) -> ColumnVector {
        let pool: [Double] = [0, 0, 0, 1, -1, 0.1, 3.5, 1e20, -1e20, 1e16, 2e-3, 1e-300, 1e200, -1e200, 7e100]
        var c = ColumnVector(type: .float64)
        for _ in 0..<n {
            switch rng.next() % 200 {
            case 0: c.append(float64: .infinity)
            case 1: c.append(float64: -.infinity)
            case 2: c.append(float64: .nan)
            case 3..<20: c.appendNulls(1)
            default: c.append(float64: pool[Int(rng.next() % UInt64(pool.count))] * Double(1 + rng.next() % 9))
            }
        }
        return c
    }

    /// `sum`/`avg` of DOUBLE over any frame: within rounding of the frame's own values (Σ|x| there) of
    /// the exact sum, so a frame of zeros after 1e20 is 0 and 1 + 1 after 1e20 is 2; ∞ and NaN only
    /// where the frame holds them.
    @Test("double sums are exact to their own frame's rounding", arguments: [(11, 300), (12, 1_000), (13, 5_000)])
    func doubleSumsAreExact(_ seed: Int, _ rows: Int) throws {
        let dir = TempDirectory(); defer { dir.remove() }
        var o = DatabaseOptions()
        o.background = false
        let db = try Database(path: dir.path, options: o)
        defer { try? db.close() }
        let context = ExecutionContext(engine: QueryEngine(database: db, threads: 2), now: 0, control: nil)
        var rng = OutputTestRNG(seed: UInt64(seed))
        let widths: [Int64] = [0, 1, 3, 63, 64, 200, 2_000]
        for round in 0..<6 {
            var b = Self.batch(rows: rows, &rng)
            b.columns[6] = Self.adversarial(rows, &rng)
            let shapes = Self.shapes(&rng)
            let functions: [WindowFunction] = (0..<8).map { _ in
                let (partition, order) = shapes[Int(rng.next() % UInt64(shapes.count))]
                let kind: WindowFunction.Kind = rng.next() % 2 == 0 ? .sum : .avg
                var f = WindowFunction(kind: kind, arguments: [6], constant: 0, partition: partition, order: order, frame: nil, type: .double)
                let a = widths[Int(rng.next() % UInt64(widths.count))], z = widths[Int(rng.next() % UInt64(widths.count))]
                let starts: [WindowFrame.Bound] = [.unboundedPreceding, .preceding(a), .currentRow, .following(a)]
                let ends: [WindowFrame.Bound] = [.preceding(z), .currentRow, .following(z), .unboundedFollowing]
                switch rng.next() % 4 {
                case 0: f.frame = Self.frame(&rng, order)
                default: f.frame = WindowFrame(unit: .rows, start: starts[Int(rng.next() % 4)], end: ends[Int(rng.next() % 4)])
                }
                return f
            }
            let window = Window(child: BatchSource(b, types: Self.types), functions: functions, names: functions.indices.map { "w\($0)" })
            let out = try window.run(context)
            for (i, f) in functions.enumerated() {
                let (expected, magnitudes) = try WindowReference.computeWithMagnitudes(f, b)
                let got = out.columns[Self.types.count + i]
                var bad: [String] = []
                for r in 0..<rows where bad.count < 3 {
                    if got.isNull(r) != expected.isNull(r) { bad.append("row \(r): NULL mismatch"); continue }
                    if got.isNull(r) { continue }
                    let g = got.float64s[r], e = expected.float64s[r]
                    let close = g == e || (g.isNaN && e.isNaN) || (e.isFinite && abs(g - e) <= 1e-14 * magnitudes[r])
                    if !close { bad.append("row \(r): \(g), exact \(e), frame Σ|x| \(magnitudes[r])") }
                }
                #expect(bad.isEmpty, "seed \(seed) round \(round): \(f.kind) partition \(f.partition) frame \(String(describing: f.frame)): \(bad)")
            }
        }
    }

    /// A cancelled query stops in the layout's parallel sort.
    @Test func cancelledInSort() throws {
        var rng = OutputTestRNG(seed: 9)
        let b = Self.batch(rows: 50_000, &rng)
        let control = QueryControl()
        control.cancel("cancelled by the test")
        let f = WindowFunction(kind: .rowNumber, arguments: [], constant: 0, partition: [0], order: [(column: 2, descending: false, nullsFirst: false)],
                               frame: nil, type: .int)
        #expect(throws: QueryError.self) { try WindowOrder(f, b, threads: 2, control: control) }
        #expect(throws: Never.self) { try WindowOrder(f, b, threads: 2, control: QueryControl()) }
    }
}
