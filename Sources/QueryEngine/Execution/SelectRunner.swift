import ColumnStore
import Foundation

/// Executes a SELECT: a parallel scan of row groups (pruned by statistics) feeding either per-thread
/// hash aggregation or per-thread projection buffers, merged, then HAVING, ORDER BY and LIMIT.
struct SelectRunner {
    let engine: QueryEngine
    let now: Int64
    let control: QueryControl?
    /// Whether `control.maxRows` applies (not to a subquery's rows).
    var capsRows = true
    /// What session functions (`version()`, `current_setting()`…) answer.
    var session = QuerySession()
    /// Whether output columns that are a tag as read stay dictionary codes (`executeBatch`, for a join's
    /// input) instead of becoming strings.
    var keepSymbols = false

    /// Plans `s` as an operator tree (joins, CTEs, set operations, subqueries) and runs it; the row cap
    /// applies to its result when `capsRows`.
    func run(_ s: SelectStatement) throws -> QueryResult {
        let root = try QueryPlanner(engine: engine, now: now, control: control, session: session).plan(s, root: capsRows)
        let batch = try root.run(ExecutionContext(engine: engine, now: now, control: control))
        // A scan leaf enforces the row cap itself; other roots (set operations) are checked here.
        if capsRows, !(root is ScanAggregate), let c = control, let m = c.maxRows, batch.rowCount > m {
            throw c.tooManyRows(batch.rowCount, exact: true)
        }
        return QueryResult(columns: zip(root.columns, batch.columns).map { ResultColumn(name: $0.name, type: $0.type, vector: $1) })
    }

    /// A unit of scan work: one row group of a table, or a slice of computed rows.
    enum Unit {
        case group(RowGroup)
        case rows(Range<Int>)
    }

    func units(_ plan: SelectPlan) -> [Unit] {
        switch plan.source {
        case let .table(snap): return snap.rowGroups.map { .group($0) }
        case let .rows(_, count):
            return stride(from: 0, to: max(count, 1), by: 65_536).map { .rows($0..<min(count, $0 + 65_536)) }
        case .none: return [.rows(0..<1)]
        }
    }

    /// True when block statistics prove no row of `g` passes the filter.
    static func pruned(_ g: RowGroup, _ prune: [PrunePredicate], _ range: ClosedRange<Int64>) -> Bool {
        if g.maxTime < range.lowerBound || g.minTime > range.upperBound { return true }
        for p in prune {
            guard let st = g.stats(p.column) else { continue }
            if !p.mayMatch(st, rows: g.rowCount) { return true }
        }
        return false
    }

    func execute(_ plan: SelectPlan) throws -> QueryResult {
        let b = try executeBatch(plan)
        return QueryResult(columns: zip(zip(plan.outputNames, plan.outputs), b.columns).map { ResultColumn(name: $0.0, type: $0.1.type, vector: $1) })
    }

    /// The plan's output rows; with `keepSymbols`, a column that is a tag as read holds its codes and
    /// the batch its dictionary. With `morsels`, the plan's input rows are a join's, probed per row group
    /// of its fact table (`HashJoin+Probe`); the plan's `.rows` source only gives their types.
    func executeBatch(_ plan: SelectPlan, morsels: JoinProbe? = nil) throws -> Batch {
        // count(*) of a whole source: its row count, no scan.
        if morsels == nil, plan.isAggregate, plan.filter == nil, plan.keys.isEmpty, plan.aggregates.allSatisfy({ $0.kind == .count && $0.argument == nil && $0.filter == nil }) {
            let w = Worker(plan: plan, partitionAfter: engine.partitionAfterGroups)
            let rows = switch plan.source {
            case let .table(snap): snap.rowGroups.reduce(0) { $0 + $1.rowCount }
            case let .rows(_, count): count
            case .none: 1
            }
            try w.aggregate!.consume([], plan.aggregates.flatMap { $0.inputs.map { _ in nil } }, sel: nil, rows: rows)
            return try finish(plan, [w], symbolDicts: [])
        }
        // A latest-row-per-group query scans newest first and skips the row groups that cannot win.
        let latest = morsels == nil ? LatestRowPruning(plan) : nil
        let work = morsels == nil ? (latest.map { $0.ordered(units(plan)) } ?? units(plan)) : []
        let unitCount = morsels?.morselCount ?? work.count
        let threads = max(1, min(engine.threads, unitCount))
        let shared = SharedScan(count: unitCount, control: control)
        var types = plan.sourceTypes
        var storage: [ColumnType] = types.map(\.columnType)
        var dicts: [SymbolDictionary?] = types.map { _ in nil }
        var rowVecs: [Vec] = []
        switch plan.source {
        case let .table(snap):
            storage = snap.schema.columns.map(\.type)
            dicts = plan.readDictionaries(snap)
        case let .rows(v, _):
            rowVecs = v
            types = v.map(\.type)
        case .none: break
        }
        // Outputs that are a tag as read, kept as codes with the column's one dictionary.
        let symbolDicts: [SymbolDictionary?] = plan.outputs.map { e in
            guard keepSymbols, !plan.isAggregate, case let .column(c, .string) = e else { return nil }
            switch plan.source {
            case .table: return dicts[c]
            case let .rows(v, _): return v[c].col.type == .symbol ? v[c].dict : nil
            case .none: return nil
            }
        }
        let partitionTables = plan.isAggregate && !plan.keys.isEmpty
            ? PartitionTables(keyTypes: plan.keys.map(\.type), specs: plan.aggregates, control: control) : nil
        let workers: [Worker] = (0..<threads).map { _ in
            Worker(plan: plan, partitionAfter: engine.partitionAfterGroups, tables: partitionTables, control: control,
                   symbolDicts: symbolDicts)
        }
        // What the workers hold is freed when this returns; the result built from it stays charged.
        defer {
            for w in workers { w.releaseMemory() }
            partitionTables?.releaseMemory()
        }
        let (colTypes, colStorage, colDicts, rows) = (types, storage, dicts, rowVecs)
        let limitRows = plan.rowsNeeded
        // Rows a projection may produce before its result is known to exceed `maxRows` (none under a
        // LIMIT that keeps it within).
        let rowCap: Int? = capsRows && !plan.isAggregate
            ? control?.maxRows.flatMap { m in plan.limit.map { $0 <= Int64(m) } == true ? nil : saturatingAdd(m, plan.offsetRows) } : nil
        DispatchQueue.concurrentPerform(iterations: threads) { w in
            let worker = workers[w]
            var scratch = [ColumnVector?](repeating: nil, count: colTypes.count)
            // A projection's rows so far: stop at LIMIT, fail past the row cap.
            func countRows() {
                guard !plan.isAggregate else { return }
                let total = shared.addRows(worker.takeNewRows())
                if plan.order.isEmpty, let l = limitRows, total >= l { shared.stop() }
                if let cap = rowCap, total > cap, let c = control { shared.fail(c.tooManyRows(c.maxRows ?? 0, exact: false)) }
            }
            while let u = shared.next() {
                if let morsels {
                    do {
                        guard var m = try morsels.morsel(u, scratch: &scratch, control: control) else { continue }
                        if let joined = m.joined { try worker.consume(joined, plan: plan) }
                        m.joined = nil  // its columns may be the decoded buffers: one reference left, reused in place
                        scratch = m.decoded.recycle()
                        countRows()
                    } catch {
                        shared.fail(error)
                    }
                    continue
                }
                do {
                    let src: RowGroupColumns
                    switch work[u] {
                    case let .group(g):
                        if Self.pruned(g, plan.prune, plan.timeRange) { continue }
                        if let latest, worker.partitioned == nil, let agg = worker.aggregate, latest.cannotWin(g, agg) { continue }
                        src = RowGroupColumns(group: g, types: colTypes, storage: colStorage, dicts: colDicts, scratch: scratch)
                        // The buffers are src's alone now: a second reference would make every decode copy them.
                        scratch = []
                    case let .rows(r):
                        src = RowGroupColumns(rows: rows, range: r, types: colTypes)
                    }
                    try worker.consume(src, plan: plan)
                    control?.didScan(src.rowCount, bytes: src.bytesRead)
                    scratch = src.recycle()
                    countRows()
                } catch {
                    shared.fail(error)
                }
            }
            do {
                try worker.partitioned?.flushAll()
                try worker.updateCharge()
            } catch { shared.fail(error) }
        }
        if let e = shared.error { throw e }
        return try finish(plan, workers, symbolDicts: symbolDicts)
    }

    /// Charges `bytes` to the query's budget (nothing without a control).
    private func charge(_ bytes: Int) throws { try control?.charge(bytes) }

    private func finish(_ plan: SelectPlan, _ workers: [Worker], symbolDicts: [SymbolDictionary?]) throws -> Batch {
        guard plan.isAggregate else {
            // The other workers' rows are copied onto the first's: a second copy while both are alive.
            try charge(workers.dropFirst().reduce(0) { $0 + $1.memoryBytes })
            var outCols = workers[0].outputs
            var keyCols = workers[0].orderKeys
            for w in workers.dropFirst() {
                for i in outCols.indices { outCols[i].append(contentsOf: w.outputs[i], range: 0..<w.outputs[i].count) }
                for i in keyCols.indices { keyCols[i].append(contentsOf: w.orderKeys[i], range: 0..<w.orderKeys[i].count) }
            }
            let rows = outCols.first?.count ?? 0
            // Without ORDER BY the rows stay in scan order and OFFSET/LIMIT cut a range: no permutation
            // (for the 10M rows a join reads from its fact side, that was 120 MB built to find it is the
            // identity).
            if plan.order.isEmpty {
                let lo = min(plan.offsetRows, rows)
                let hi = plan.limit.map { lo + min(rows - lo, Int(clamping: $0)) } ?? rows
                try checkRowCap(hi - lo)
                return Batch(columns: try outCols.map { c in
                    guard lo > 0 || hi < rows else { return c }
                    let v = c.slice(lo..<hi)
                    try charge(MemorySize.of(v))
                    return v
                }, rowCount: hi - lo, dicts: symbolDicts)
            }
            try charge(saturatingMultiply(rows, 16))  // the sort's index arrays
            defer { control?.release(saturatingMultiply(rows, 16)) }
            let perm = Self.ordered(plan, keyCols, rows: rows)
            try checkRowCap(perm.count)
            let identity = perm.count == rows && perm.enumerated().allSatisfy { Int($0.element) == $0.offset }
            return Batch(columns: try outCols.map { c in
                let v = identity ? c : c.gather(perm)
                if !identity { try charge(MemorySize.of(v)) }
                return v
            }, rowCount: perm.count, dicts: symbolDicts)
        }
        let grouped: [Vec]
        let n: Int
        let parted = workers.compactMap(\.partitioned)
        if parted.isEmpty {
            let agg = workers[0].aggregate!
            for w in workers.dropFirst() {
                try agg.merge(w.aggregate!)
                try workers[0].updateCharge()
            }
            grouped = try agg.finalize()
            try charge(grouped.reduce(0) { $0 + MemorySize.of($1) })
            n = grouped.first?.count ?? agg.groupCount
        } else {
            grouped = try parted[0].tables.finish(direct: workers.map { $0.aggregate! }.filter { $0.groupCount > 0 },
                                                  threads: engine.threads, control: control)
            n = grouped.first?.count ?? 0
        }
        let batch = VecBatch(columns: grouped, rowCount: n)
        var sel: [Int32]?
        if let h = plan.having { sel = Worker.selection(try Evaluator.eval(h, batch), n) }
        // Order and LIMIT first, then build only the output rows that remain (no strings for groups cut off).
        try charge(saturatingMultiply(n, 24))  // the sort's index arrays and the selected rows
        defer { control?.release(saturatingMultiply(n, 24)) }
        let perm = try Self.orderedGroups(plan, batch, sel: sel, n: n)
        try checkRowCap(perm.count)
        var rows: [Int32]? = sel.map { s in perm.map { s[Int($0)] } } ?? perm
        if rows!.count == n && rows!.enumerated().allSatisfy({ Int($0.element) == $0.offset }) { rows = nil }
        return Batch(columns: try plan.outputs.map { e in
            let v = Worker.gather(try Evaluator.eval(e, batch), rows, n)
            try charge(MemorySize.of(v))
            return v
        }, rowCount: rows?.count ?? n)
    }

    /// Fails a result of more rows than the caller allows, before its columns are built.
    private func checkRowCap(_ rows: Int) throws {
        if capsRows, let c = control, let m = c.maxRows, rows > m { throw c.tooManyRows(rows, exact: true) }
    }

    /// The rows to return, in order: ORDER BY (a bounded top-N under LIMIT), then OFFSET and LIMIT.
    /// LIMIT and OFFSET may be as large as BIGINT: every sum saturates, so a huge OFFSET is an empty result.
    static func ordered(_ plan: SelectPlan, _ keyCols: [ColumnVector], rows: Int) -> [Int32] {
        let order = Sorter.order(keyCols, plan.order, rows: rows, limit: plan.rowsNeeded)
        let lo = min(plan.offsetRows, order.count)
        let hi = plan.limit.map { lo + min(order.count - lo, Int(clamping: $0)) } ?? order.count
        return order[lo..<hi].map { Int32($0) }
    }
}

/// Work distribution and the first error, shared by the scan threads.
final class SharedScan: @unchecked Sendable {
    private let lock = NSLock()
    private var nextUnit = 0
    private let count: Int
    private let control: QueryControl?
    private var stopped = false
    private var rows = 0
    private(set) var error: Error?

    init(count: Int, control: QueryControl? = nil) {
        self.count = count
        self.control = control
    }

    /// The next unit of work; nil when all are taken, after an error, or once the query is cancelled.
    func next() -> Int? {
        if let c = control, c.isCancelled {
            do { try c.check() } catch { fail(error) }
            return nil
        }
        return lock.withLock {
            guard !stopped, nextUnit < count else { return nil }
            nextUnit += 1
            return nextUnit - 1
        }
    }

    func fail(_ e: Error) { lock.withLock { if error == nil { error = e }; stopped = true } }
    func stop() { lock.withLock { stopped = true } }
    func addRows(_ n: Int) -> Int { lock.withLock { rows += n; return rows } }
}

/// One scan thread's state: a hash aggregate (partitioned once it holds many groups), or buffers of
/// projected rows.
final class Worker: @unchecked Sendable {
    var aggregate: HashAggregate?
    var partitioned: PartitionedAggregate?
    let partitionAfter: Int
    /// Shared by all workers of a grouped query; used once this worker partitions.
    let partitionTables: PartitionTables?
    var outputs: [ColumnVector] = []
    var orderKeys: [ColumnVector] = []
    private var newRows = 0
    /// The query's memory budget (nil: none), and what this worker has charged to it for what it keeps
    /// between batches: projection buffers, or its aggregate table and partition buffers.
    let control: QueryControl?
    private var charged = 0

    /// Per output: the dictionary of a tag kept as codes (`SelectRunner.keepSymbols`), else nil.
    let symbolDicts: [SymbolDictionary?]

    init(plan: SelectPlan, partitionAfter: Int, tables: PartitionTables? = nil, control: QueryControl? = nil,
         symbolDicts: [SymbolDictionary?] = []) {
        self.partitionAfter = partitionAfter
        self.symbolDicts = symbolDicts
        partitionTables = tables
        self.control = control
        if plan.isAggregate {
            aggregate = HashAggregate(keyTypes: plan.keys.map(\.type), specs: plan.aggregates)
        } else {
            outputs = plan.outputs.enumerated().map { i, e in
                ColumnVector(type: i < symbolDicts.count && symbolDicts[i] != nil ? .symbol : (e.type == .null ? .int : e.type).columnType)
            }
            orderKeys = plan.order.map { ColumnVector(type: ($0.expr.type == .null ? .int : $0.expr.type).columnType) }
        }
    }

    func takeNewRows() -> Int { defer { newRows = 0 }; return newRows }

    /// Estimated bytes this worker keeps between batches.
    var memoryBytes: Int {
        if let agg = aggregate { return agg.memoryBytes + (partitioned?.memoryBytes ?? 0) }
        return outputs.reduce(0) { $0 + MemorySize.of($1) } + orderKeys.reduce(0) { $0 + MemorySize.of($1) }
    }

    /// Brings this worker's charge up to date with what it holds; throws past the budget.
    func updateCharge() throws {
        if let control { try control.recharge(&charged, to: memoryBytes) }
    }

    func releaseMemory() {
        control?.release(charged)
        charged = 0
    }

    func consume(_ src: RowGroupColumns, plan: SelectPlan) throws {
        let n = src.rowCount
        // Vectors computed for this batch (not columns read as they are) count against the budget
        // until the batch is done.
        var batchBytes = 0
        defer { control?.release(batchBytes) }
        func computed(_ e: BoundExpr, _ source: some ColumnSource) throws -> Vec {
            let v = try Evaluator.eval(e, source)
            if let control {
                if case .column = e { return v }
                let b = MemorySize.of(v)
                try control.charge(b)
                batchBytes += b
            }
            return v
        }
        var sel: [Int32]?
        if let f = Self.residualFilter(plan, src.group) {
            sel = Self.selection(try Evaluator.eval(f, src), n)
            if sel?.isEmpty == true { return }
        }
        if let agg = aggregate {
            func evaluate(_ source: some ColumnSource) throws -> ([Vec], [Vec?]) {
                (try plan.keys.map { try computed($0, source) }, try plan.aggregates.flatMap(\.inputs).map { try $0.map { try computed($0, source) } })
            }
            var (keys, args): ([Vec], [Vec?])
            var (rowsSel, rows) = (sel, n)
            do {
                (keys, args) = try evaluate(src)
            } catch {
                // Keys and arguments are computed for the whole batch (the fast way); when that fails (an
                // overflow, say) they are computed again for just the rows WHERE kept, which alone may fail.
                guard let sel else { throw error }
                (keys, args) = try evaluate(GatheredColumns(base: src, rows: sel))
                (rowsSel, rows) = (nil, sel.count)
            }
            if let part = partitioned {
                try part.add(keys, args, sel: rowsSel, rows: rows)
            } else {
                try agg.consume(keys, args, sel: rowsSel, rows: rows)
                if agg.groupCount > partitionAfter && agg.canPartition && !agg.keepsOneTable, let tables = partitionTables {
                    partitioned = PartitionedAggregate(tables: tables)
                }
            }
            try updateCharge()
            return
        }
        // The select list is evaluated for the rows WHERE kept only (so rows it dropped can't fail it
        // with an overflow), and — late materialisation — without ORDER BY, for the first rows a LIMIT
        // needs only, not for the whole batch.
        var picked = sel
        if plan.order.isEmpty, let need = plan.rowsNeeded {
            let room = need - (outputs.first?.count ?? 0)
            if room <= 0 { return }
            if (sel?.count ?? n) > room { picked = sel.map { Array($0.prefix(room)) } ?? (0..<Int32(room)).map { $0 } }
        }
        // ORDER BY … LIMIT n (n small against the batch): the sort keys first, then the select list for
        // the batch's best n rows only (the query's best n are among them), as DuckDB's top-N does —
        // rows that can't make the cut are never computed, so they can't fail it either.
        var pickedKeys: [ColumnVector]?
        if !plan.order.isEmpty, let keep = plan.rowsNeeded, keep < (sel?.count ?? n) / 8 {
            let selected = sel?.count ?? n
            let keySource = sel.map { GatheredColumns(base: src, rows: $0) }
            let keys = try plan.order.map { k in
                Self.gather(try keySource.map { try Evaluator.eval(k.expr, $0) } ?? Evaluator.eval(k.expr, src), nil, selected)
            }
            let top = Sorter.order(keys, plan.order, rows: selected, limit: keep).map { Int32($0) }
            pickedKeys = keys.map { $0.gather(top) }
            picked = top.map { sel?[Int($0)] ?? $0 }
        }
        let gathered = picked.map { GatheredColumns(base: src, rows: $0) }
        let rowCount = picked?.count ?? n
        func evalRows(_ e: BoundExpr, codes: Bool = false) throws -> ColumnVector {
            let v = try gathered.map { try Evaluator.eval(e, $0) } ?? Evaluator.eval(e, src)
            if codes, v.isSymbol { return v.col }
            return Self.gather(v, nil, rowCount)
        }
        for (i, e) in plan.outputs.enumerated() {
            let g = try evalRows(e, codes: i < symbolDicts.count && symbolDicts[i] != nil)
            let before = MemorySize.of(outputs[i])
            outputs[i].append(contentsOf: g, range: 0..<g.count)
            if let control { try control.recharge(&charged, to: charged + MemorySize.of(outputs[i]) - before) }
        }
        for (i, k) in plan.order.enumerated() {
            let g = try pickedKeys?[i] ?? evalRows(k.expr)
            let before = MemorySize.of(orderKeys[i])
            orderKeys[i].append(contentsOf: g, range: 0..<g.count)
            if let control { try control.recharge(&charged, to: charged + MemorySize.of(orderKeys[i]) - before) }
        }
        newRows += rowCount
        // ORDER BY … LIMIT: keep only the best rows seen so far (a bounded top-N).
        if let keep = plan.rowsNeeded, !plan.order.isEmpty {
            if outputs.first.map({ $0.count > max(65_536, saturatingMultiply(4, keep)) }) ?? false {
                let order = Sorter.order(orderKeys, plan.order, rows: outputs[0].count, limit: keep).map { Int32($0) }
                outputs = outputs.map { $0.gather(order) }
                orderKeys = orderKeys.map { $0.gather(order) }
                try updateCharge()
            }
        }
    }

    /// The part of the filter left to evaluate on row group `g`: conjuncts its block statistics prove
    /// true for every row are dropped (nil when none is left).
    static func residualFilter(_ plan: SelectPlan, _ g: RowGroup?) -> BoundExpr? {
        guard let f = plan.filter else { return nil }
        guard let g, plan.conjuncts.contains(where: { $0.proof != nil }) else { return f }
        var left: [BoundExpr] = []
        for c in plan.conjuncts {
            if let p = c.proof, let st = g.stats(p.column), p.mustMatch(st, rows: g.rowCount) { continue }
            left.append(c.expr)
        }
        if left.count == plan.conjuncts.count { return f }
        return left.isEmpty ? nil : left.dropFirst().reduce(left[0]) { .and($0, $1) }
    }

    /// Rows where a boolean vector is TRUE; nil when every row is.
    static func selection(_ v: Vec, _ n: Int) -> [Int32]? {
        if let c = v.constant { return c == .bool(true) ? nil : [] }
        var sel = [Int32]()
        sel.reserveCapacity(n)
        v.col.bools.withUnsafeBufferPointer { b in
            if let valid = v.col.validity {
                for i in 0..<n where b[i] != 0 && valid[i] { sel.append(Int32(i)) }
            } else {
                for i in 0..<n where b[i] != 0 { sel.append(Int32(i)) }
            }
        }
        return sel.count == n ? nil : sel
    }

    /// The selected rows of `v` as a materialized column (tags resolved to strings).
    static func gather(_ v: Vec, _ sel: [Int32]?, _ n: Int) -> ColumnVector {
        let count = sel?.count ?? n
        if let c = v.constant { return Vec.broadcast(c, type: v.type == .null ? .int : v.type, count: count) }
        if v.col.type == .symbol {
            var codes = v
            if let sel { codes.col = v.col.gather(sel); codes.count = sel.count }
            return codes.materialized()
        }
        if let sel { return v.col.gather(sel) }
        return v.col
    }
}

/// Some rows of a batch, for evaluating expressions on those rows only: each column is gathered on first use.
final class GatheredColumns<Base: ColumnSource>: ColumnSource {
    let base: Base
    let rows: [Int32]
    private var cache: [Int: Vec] = [:]

    init(base: Base, rows: [Int32]) {
        self.base = base
        self.rows = rows
    }

    var rowCount: Int { rows.count }

    func column(_ i: Int) throws -> Vec {
        if let v = cache[i] { return v }
        let v = try base.column(i)
        let g = v.constant.map { Vec(constant: $0, count: rows.count) } ?? Vec(type: v.type, col: v.col.gather(rows), dict: v.dict)
        cache[i] = g
        return g
    }
}
