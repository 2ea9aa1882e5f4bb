import ColumnStore
import Foundation

extension SelectRunner {
    /// Runs `s` and hands its answer to `emit` a batch of rows at a time, in order, at least once (an
    /// empty result is one empty batch, which still names the columns).
    ///
    /// A plain projection of a table (no aggregate, ORDER BY, join or subquery) streams: its row groups
    /// are scanned a wave of `threads` groups at a time and each group's rows are emitted before the next
    /// wave starts, so memory stays at a few row groups however large the answer. Other queries are run
    /// whole (their answers are aggregates, sorted or joined, and held by the engine anyway) and emitted
    /// in slices.
    func stream(_ s: SelectStatement, emit: (QueryResult) throws -> Void) throws {
        let root = try QueryPlanner(engine: engine, now: now, control: control, session: session).plan(s, root: capsRows)
        if let scan = root as? ScanAggregate, scan.children.isEmpty, !scan.plan.isAggregate, scan.plan.order.isEmpty,
           case .table = scan.plan.source {
            try streamScan(scan.plan, emit: emit)
            return
        }
        let batch = try root.run(ExecutionContext(engine: engine, now: now, control: control))
        if capsRows, !(root is ScanAggregate), let c = control, let m = c.maxRows, batch.rowCount > m {
            throw c.tooManyRows(batch.rowCount, exact: true)
        }
        let result = QueryResult(columns: zip(root.columns, batch.columns).map { ResultColumn(name: $0.name, type: $0.type, vector: $1) })
        try Self.emitSlices(result, emit: emit)
    }

    /// Rows per batch when a materialized result is handed out in slices.
    static let sliceRows = 65_536

    /// Hands `result` to `emit` in slices of `sliceRows` (once, when it is empty or small).
    static func emitSlices(_ result: QueryResult, emit: (QueryResult) throws -> Void) throws {
        let n = result.rowCount
        if n <= sliceRows { try emit(result); return }
        var lo = 0
        while lo < n {
            let hi = min(n, lo + sliceRows)
            try emit(QueryResult(columns: result.columns.map { $0.slice(lo..<hi) }))
            lo = hi
        }
    }

    /// The streaming scan of a projection: waves of row groups scanned in parallel, emitted in
    /// row-group order, with OFFSET, LIMIT and the row cap applied as rows go out.
    private func streamScan(_ plan: SelectPlan, emit: (QueryResult) throws -> Void) throws {
        guard case let .table(snap) = plan.source else { preconditionFailure("BUG: streaming scan of a non-table") }
        let groups = snap.rowGroups.filter { !Self.pruned($0, plan.prune, plan.timeRange) }
        let types = plan.sourceTypes
        let storage = snap.schema.columns.map(\.type)
        let dicts = plan.readDictionaries(snap)
        let threads = max(1, min(engine.threads, groups.count))
        var skip = plan.offsetRows
        var remaining = plan.limit.map { Int(clamping: $0) }
        let cap = capsRows ? control?.maxRows : nil
        var sent = 0
        var emitted = false
        func send(_ columns: [ColumnVector]) throws {
            try emit(QueryResult(columns: zip(zip(plan.outputNames, plan.outputs), columns).map { ResultColumn(name: $0.0, type: $0.1.type, vector: $1) }))
            emitted = true
        }
        var next = 0
        scan: while next < groups.count, remaining != 0 {
            try control?.check()
            let wave = next..<min(groups.count, next + threads)
            let workers = wave.map { _ in Worker(plan: plan, partitionAfter: engine.partitionAfterGroups, control: control) }
            let failure = FirstError()
            DispatchQueue.concurrentPerform(iterations: wave.count) { k in
                do {
                    let src = RowGroupColumns(group: groups[wave.lowerBound + k], types: types, storage: storage, dicts: dicts,
                                              scratch: [ColumnVector?](repeating: nil, count: types.count))
                    try workers[k].consume(src, plan: plan)
                    try workers[k].updateCharge()
                    control?.didScan(src.rowCount, bytes: src.bytesRead)
                } catch {
                    failure.set(error)
                }
            }
            defer { for w in workers { w.releaseMemory() } }
            if let e = failure.error { throw e }
            for w in workers {
                var cols = w.outputs
                var n = cols.first?.count ?? 0
                if skip > 0 {
                    let dropped = min(skip, n)
                    skip -= dropped
                    if dropped > 0 { cols = cols.map { $0.slice(dropped..<n) }; n -= dropped }
                }
                if let r = remaining, n > r { cols = cols.map { $0.slice(0..<r) }; n = r }
                guard n > 0 else { continue }
                sent += n
                if let m = cap, sent > m, let c = control { throw c.tooManyRows(m, exact: false) }
                try send(cols)
                if let r = remaining { remaining = r - n; if r - n == 0 { break scan } }
            }
            next = wave.upperBound
        }
        if !emitted {
            try send(plan.outputs.map { ColumnVector(type: ($0.type == .null ? .int : $0.type).columnType) })
        }
    }
}

/// The first error of several threads.
final class FirstError: @unchecked Sendable {
    private let lock = NSLock()
    private(set) var error: Error?
    func set(_ e: Error) { lock.withLock { if error == nil { error = e } } }
}
