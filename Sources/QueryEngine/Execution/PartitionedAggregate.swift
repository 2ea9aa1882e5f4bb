import ColumnStore
import Foundation

/// One thread's aggregation once its groups outgrow the cache: rows are split by a hash of their key
/// (`KeyHash`) into partitions, buffered, and aggregated a partition at a time into that partition's
/// table, which all threads share (`PartitionTables`, a lock each), so the table being probed stays
/// small and no two threads ever hold the same group.
final class PartitionedAggregate: @unchecked Sendable {  // used by one scan thread
    /// Rows buffered per partition before they are aggregated.
    static let flushRows = 32_768

    let keyTypes: [ValueType]
    let specs: [AggregateSpec]
    let tables: PartitionTables
    /// Per partition: key columns, then one column per aggregate input (`AggregateSpec.inputs`; nil for `count(*)`).
    private var buffers: [[ColumnVector?]]
    private var bufferedRows: [Int]
    /// Per column (keys then arguments): its dictionary while it holds symbol codes.
    private var dicts: [SymbolDictionary?]
    private var types: [ValueType]
    private var started = false

    init(tables: PartitionTables) {
        self.tables = tables
        keyTypes = tables.keyTypes
        specs = tables.specs
        buffers = [[ColumnVector?]](repeating: [], count: KeyHash.partitionCount)
        bufferedRows = [Int](repeating: 0, count: KeyHash.partitionCount)
        dicts = []
        types = keyTypes + specs.flatMap { $0.inputs.map { $0?.type ?? .int } }
    }

    /// Adds the selected rows of one batch (full-batch vectors, as `HashAggregate.consume` takes them).
    func add(_ keyVecs: [Vec], _ args: [Vec?], sel: [Int32]?, rows: Int) throws {
        let n = sel?.count ?? rows
        guard n > 0 else { return }
        let parts = KeyHash.partitions(keyVecs, sel: sel, n: n)
        // Counting sort of the selected rows by partition.
        var starts = [Int](repeating: 0, count: KeyHash.partitionCount + 1)
        for p in parts { starts[Int(p) + 1] += 1 }
        for p in 0..<KeyHash.partitionCount { starts[p + 1] += starts[p] }
        var fill = starts
        var order = [Int32](repeating: 0, count: n)
        for j in 0..<n {
            let p = Int(parts[j])
            order[fill[p]] = Int32(row(sel, j))
            fill[p] += 1
        }
        var columns = (keyVecs.map { Optional($0) } + args).enumerated().map { c, v in v.map { columnOf($0, c, rows: rows) } }
        if !started { start(columns) }
        for c in columns.indices { if let v = columns[c] { columns[c] = try adapt(c, v) } }
        try order.withUnsafeBufferPointer { order in
            for p in 0..<KeyHash.partitionCount where starts[p + 1] > starts[p] {
                let picked = UnsafeBufferPointer(rebasing: order[starts[p]..<starts[p + 1]])
                for (c, column) in columns.enumerated() {
                    guard let column else { continue }
                    buffers[p][c]!.append(contentsOf: column.col, rows: picked)
                }
                bufferedRows[p] += picked.count
                if bufferedRows[p] >= Self.flushRows { try flush(p) }
            }
        }
    }

    /// Estimated bytes of the rows buffered for the partitions.
    var memoryBytes: Int {
        var b = 0
        for cols in buffers { for c in cols { if let c { b += MemorySize.of(c) } } }
        return b
    }

    /// Aggregates whatever is still buffered.
    func flushAll() throws {
        for p in 0..<KeyHash.partitionCount where bufferedRows[p] > 0 { try flush(p) }
    }

    private func flush(_ p: Int) throws {
        do {  // the vectors go out of scope before the buffers are emptied, so those keep their storage
            let vecs = buffers[p].enumerated().map { c, col in col.map { Vec(type: types[c], col: $0, dict: dicts[c]) } }
            try tables.consume(p, (0..<keyTypes.count).map { vecs[$0]! }, Array(vecs[keyTypes.count...]), rows: bufferedRows[p])
        }
        for c in buffers[p].indices { buffers[p][c]?.removeAll() }
        bufferedRows[p] = 0
    }

    /// A batch column as a full vector: constants spread out, in the column's own type.
    private func columnOf(_ v: Vec, _ c: Int, rows: Int) -> Vec {
        guard let k = v.constant else { return v }
        let t = types[c] == .null ? ValueType.int : types[c]
        return Vec(type: t, col: Vec.broadcast(k, type: t, count: rows))
    }

    private func start(_ columns: [Vec?]) {
        started = true
        dicts = columns.map { $0?.dict }
        for p in 0..<KeyHash.partitionCount {
            buffers[p] = columns.map { v in v.map { ColumnVector(type: $0.col.type) } }
        }
    }

    /// `v` in the representation of column `c`'s buffers: symbol codes of one dictionary, or else strings
    /// (a column that changes representation between batches is held as strings from then on).
    private func adapt(_ c: Int, _ v: Vec) throws -> Vec {
        guard let have = buffers[0][c]?.type else { return v }
        let got = v.col.type
        if have == got && (have != .symbol || dicts[c] === v.dict) { return v }
        if have == .symbol || have == .string, got == .symbol || got == .string {
            if have == .symbol {
                for p in 0..<KeyHash.partitionCount {
                    buffers[p][c] = Vec(type: .string, col: buffers[p][c]!, dict: dicts[c]).materialized()
                }
                dicts[c] = nil
            }
            return got == .symbol ? Vec(type: v.type, col: v.materialized()) : v
        }
        if (have == .time || have == .int64) && (got == .time || got == .int64) {
            var col = ColumnVector(type: have)
            col.int64s = v.col.int64s
            col.validity = v.col.validity
            col._setCount(v.col.count)
            return Vec(type: v.type, col: col)
        }
        throw QueryError("internal error: a grouped column changed type from \(have) to \(got) between batches")
    }
}

/// The partition tables of one query, shared by its scan threads: partition p's rows, from whichever
/// thread, are aggregated into table p under lock p. With 128 partitions two threads rarely want the
/// same one at once, and afterwards there is nothing to merge between threads.
final class PartitionTables: @unchecked Sendable {
    let keyTypes: [ValueType]
    let specs: [AggregateSpec]
    private var tables: [HashAggregate?]
    private let locks: [NSLock]
    /// Charged with each table's size (under its lock); nil: no memory budget.
    private let control: QueryControl?
    private var charged: [Int]

    init(keyTypes: [ValueType], specs: [AggregateSpec], control: QueryControl? = nil) {
        self.keyTypes = keyTypes
        self.specs = specs
        self.control = control
        charged = [Int](repeating: 0, count: KeyHash.partitionCount)
        tables = [HashAggregate?](repeating: nil, count: KeyHash.partitionCount)
        locks = (0..<KeyHash.partitionCount).map { _ in NSLock() }
    }

    /// Aggregates a batch of rows that all belong to partition `p`.
    func consume(_ p: Int, _ keyVecs: [Vec], _ args: [Vec?], rows: Int) throws {
        try locks[p].withLock {
            let t = tables[p] ?? HashAggregate(keyTypes: keyTypes, specs: specs)
            tables[p] = t
            try t.consume(keyVecs, args, sel: nil, rows: rows)
            if let control { try control.recharge(&charged[p], to: t.memoryBytes) }
        }
    }

    /// Gives back what the tables charged (once the query's result is built).
    func releaseMemory() {
        guard let control else { return }
        for p in charged.indices { locks[p].withLock { control.release(charged[p]); charged[p] = 0 } }
    }

    /// The grouped result (as `HashAggregate.finalize` gives it): each partition's table plus the
    /// groups of partition p in the tables threads filled before they partitioned (`direct`), one
    /// partition per thread at a time, on `threads` threads.
    func finish(direct: [HashAggregate], threads: Int, control: QueryControl? = nil) throws -> [Vec] {
        // Each direct table's groups listed by partition, so each partition's merge visits only its own.
        let directGroups: [[[Int32]]] = direct.map { d in
            var lists = [[Int32]](repeating: [], count: KeyHash.partitionCount)
            for (g, p) in d.groupPartitions().enumerated() { lists[Int(p)].append(Int32(g)) }
            return lists
        }
        let shared = SharedScan(count: KeyHash.partitionCount, control: control)
        let results = PartitionResults()
        DispatchQueue.concurrentPerform(iterations: max(1, threads)) { _ in
            while let p = shared.next() {
                do {
                    var table = locks[p].withLock { tables[p] }
                    for (i, d) in direct.enumerated() where !directGroups[i][p].isEmpty {
                        let into = table ?? HashAggregate(keyTypes: keyTypes, specs: specs)
                        table = into
                        try into.merge(d, only: directGroups[i][p])
                    }
                    if let table {
                        let columns = try table.finalize()
                        try control?.charge(columns.reduce(0) { $0 + MemorySize.of($1) })
                        results.set(p, columns)
                    }
                } catch {
                    shared.fail(error)
                }
            }
        }
        if let e = shared.error { throw e }
        let parts = results.inOrder()
        if parts.isEmpty { return try HashAggregate(keyTypes: keyTypes, specs: specs).finalize() }
        return Self.concatenate(parts)
    }

    /// The partitions' grouped columns one after another (symbol columns of differing dictionaries as strings).
    static func concatenate(_ parts: [[Vec]]) -> [Vec] {
        var out = parts[0]
        for k in out.indices {
            let first = parts[0][k]
            let same = parts.allSatisfy { $0[k].constant == nil && $0[k].col.type == first.col.type && $0[k].dict === first.dict }
            if same {
                var col = first.col
                for part in parts.dropFirst() { col.append(contentsOf: part[k].col, range: 0..<part[k].col.count) }
                out[k] = Vec(type: first.type, col: col, dict: first.dict)
            } else {
                var col = parts[0][k].materialized()
                for part in parts.dropFirst() { let m = part[k].materialized(); col.append(contentsOf: m, range: 0..<m.count) }
                out[k] = Vec(type: first.type, col: col)
            }
        }
        return out
    }
}

/// Finished partitions, filled in by the merging threads.
private final class PartitionResults: @unchecked Sendable {
    private let lock = NSLock()
    private var parts: [Int: [Vec]] = [:]

    func set(_ p: Int, _ columns: [Vec]) { lock.withLock { parts[p] = columns } }
    func inOrder() -> [[Vec]] { lock.withLock { parts.keys.sorted().map { parts[$0]! } } }
}
