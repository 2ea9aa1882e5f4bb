import ColumnStore
import Foundation

/// A join probed inside the scan that reads it: the build side runs first; then each of the scan's
/// workers takes a row group of the fact table, filters it, finds each row's build rows by the key tag's
/// dictionary code, and hands the joined rows of that morsel straight to its own aggregation or
/// projection — scan → filter → probe → aggregate, one pipeline per worker. The fact side is never
/// materialized, and of the join's columns only those the scan above reads are built.
extension HashJoin {
    /// Whether a scan reading this join may probe it in its morsels: an inner join on one key that is a tag
    /// of a plain scan of a table, against a smaller (or unknown) other side (`keyFilterPlan`), with no
    /// other ON condition and no USING column.
    var canProbeInScan: Bool { kind == .inner && residual == nil && merged.isEmpty && keyFilterPlan != nil }

    /// Runs the build side and prepares the probe of the fact table's row groups. `reads`: the join's
    /// output columns the scan above reads.
    func probe(_ context: ExecutionContext, reads: Set<Int>) throws -> JoinProbe {
        guard let f = keyFilterPlan, case let .table(snap) = f.scan.plan.source else { preconditionFailure("BUG: a probe without a fact scan") }
        let (build, buildKey, buildColumns) = f.probeIsLeft ? (right, rightKeys[0], right.columns) : (left, leftKeys[0], left.columns)
        var b = try build.run(context)
        try context.check()
        let factDicts = f.scan.plan.readDictionaries(snap)
        // Codes need a dictionary holding them (an empty side's NULL rows carry code 0), and a build column
        // coded by a dictionary the fact side reads too (a self-join) would have an expression over both
        // read one dictionary twice at once: such columns become strings.
        if b.rowCount == 0 { b = b.resolved() }
        b.dicts = b.columns.indices.map(b.dict)
        for i in b.dicts.indices {
            guard let d = b.dicts[i], factDicts.contains(where: { $0 === d }) else { continue }
            b.columns[i] = Vec(type: .string, col: b.columns[i], dict: d).materialized()
            b.dicts[i] = nil
        }
        // Build rows by key number (chains in input order), then by the fact dictionary's codes.
        var table = ByteStringTable()
        let numbers = StringKeyJoin.numbers(try keyVec(buildKey, b, buildColumns), b.rowCount, &table, intern: true)
        var head = [Int32](repeating: -1, count: table.count)
        var next = [Int32](repeating: -1, count: b.rowCount)
        var keyed = 0
        for i in stride(from: b.rowCount - 1, through: 0, by: -1) where numbers[i] != StringKeyJoin.none {
            next[i] = head[Int(numbers[i])]
            head[Int(numbers[i])] = Int32(i)
            keyed += 1
        }
        let firstRow: [Int32] = snap.dictionary(f.column)?.withTable { d in
            (0..<d.count).map { c in d.withBytes(UInt32(c)) { table.find($0).map { head[Int($0)] } ?? -1 } }
        } ?? []
        try context.charge(saturatingMultiply(firstRow.count + 2 * b.rowCount, 4))
        // The build side's strings repeat once per fact row: 4-byte codes of a dictionary of their own.
        b = Self.encodeStrings(b)
        // The fact rows the other side's keys can meet, first among the scan's conjuncts (and against block
        // statistics), unless every code meets one.
        var plan = f.scan.plan
        let matching = firstRow.map { $0 >= 0 ? UInt8(1) : 0 }
        if matching.contains(0) { plan = ScanAggregate.filtered(plan, column: f.column, codes: CodeSet(table: matching)) }
        let probeCount = f.probeIsLeft ? left.columns.count : right.columns.count
        let buildTypes = buildColumns.map(\.type)
        return JoinProbe(plan: plan, snapshot: snap, keyColumn: f.column, probeIsLeft: f.probeIsLeft, build: b,
                         buildTypes: buildTypes, firstRow: firstRow, next: next, unique: keyed == table.count,
                         reads: reads, probeColumns: probeCount, joinTypes: columns.map(\.type))
    }
}

/// One run of a join probed in the scan's morsels (`HashJoin.probe`): the build side's rows, and for each
/// code of the fact table's key dictionary its first build row.
final class JoinProbe: @unchecked Sendable {
    /// The fact side's scan: its table filter, the key filter, pruning; its outputs are the fact side's columns.
    let plan: SelectPlan
    let snapshot: TableSnapshot
    let keyColumn: Int
    let probeIsLeft: Bool
    let build: Batch
    let buildTypes: [ValueType]
    /// Per code of the key's dictionary: its first build row (-1: none); further rows chain through `next`.
    let firstRow: [Int32]
    let next: [Int32]
    /// Whether every build key is distinct (a dimension table's): a fact row meets at most one row.
    let unique: Bool
    /// The join's columns the scan above reads (the others are never built), and their types.
    let reads: Set<Int>
    let probeColumns: Int
    let joinTypes: [ValueType]
    private let types: [ValueType], storage: [ColumnType], dicts: [SymbolDictionary?]
    private let lock = NSLock()
    /// Fact rows that passed the fact side's filter, and joined rows, for EXPLAIN ANALYZE.
    private(set) var factRows = 0, joinedRows = 0

    init(plan: SelectPlan, snapshot: TableSnapshot, keyColumn: Int, probeIsLeft: Bool, build: Batch, buildTypes: [ValueType],
         firstRow: [Int32], next: [Int32], unique: Bool, reads: Set<Int>, probeColumns: Int, joinTypes: [ValueType]) {
        self.plan = plan
        self.snapshot = snapshot
        self.keyColumn = keyColumn
        self.probeIsLeft = probeIsLeft
        self.build = build
        self.buildTypes = buildTypes
        self.firstRow = firstRow
        self.next = next
        self.unique = unique
        self.reads = reads
        self.probeColumns = probeColumns
        self.joinTypes = joinTypes
        types = plan.sourceTypes
        storage = snapshot.schema.columns.map(\.type)
        dicts = plan.readDictionaries(snapshot)
    }

    var morselCount: Int { snapshot.rowGroups.count }

    /// Where the join's column `i` comes from: (probe side?, that side's column).
    private func side(_ i: Int) -> (probe: Bool, column: Int) {
        let leftCount = probeIsLeft ? probeColumns : buildTypes.count
        let isLeft = i < leftCount
        return (isLeft == probeIsLeft, isLeft ? i : i - leftCount)
    }

    /// Empty columns of the join's types and dictionaries: the scan above plans its batches by them.
    var placeholders: [Vec] {
        joinTypes.indices.map { i in
            let (probe, c) = side(i)
            let dict: SymbolDictionary?
            if probe, case let .column(t, .string) = plan.outputs[c] { dict = dicts[t] } else { dict = probe ? nil : build.dict(c) }
            return Vec(type: joinTypes[i], col: ColumnVector(type: dict != nil ? .symbol : joinTypes[i].columnType), dict: dict)
        }
    }

    /// The joined rows of row group `u` as the scan above's input (nil when none), and the decoded row
    /// group, whose buffers the caller recycles once the joined rows are consumed; nil when statistics
    /// prune the row group.
    func morsel(_ u: Int, scratch: inout [ColumnVector?], control: QueryControl?) throws -> (joined: RowGroupColumns?, decoded: RowGroupColumns)? {
        let g = snapshot.rowGroups[u]
        if SelectRunner.pruned(g, plan.prune, plan.timeRange) { return nil }
        // The scan's first scratch is sized for the join's columns: the fact table's replaces it.
        let src = RowGroupColumns(group: g, types: types, storage: storage, dicts: dicts,
                                  scratch: scratch.count == types.count ? scratch : [ColumnVector?](repeating: nil, count: types.count))
        scratch = []
        let n = src.rowCount
        var sel: [Int32]?
        if let f = Worker.residualFilter(plan, g) { sel = Worker.selection(try Evaluator.eval(f, src), n) }
        let key = try src.column(keyColumn)
        var probeRows: [Int32] = [], buildRows: [Int32] = []
        let selected = sel?.count ?? n
        probeRows.reserveCapacity(selected)
        buildRows.reserveCapacity(selected)
        let valid = key.col.validity
        firstRow.withUnsafeBufferPointer { first in
            key.col.codes.withUnsafeBufferPointer { codes in
                (sel ?? []).withUnsafeBufferPointer { rows in
                    for k in 0..<selected {
                        let r = sel == nil ? k : Int(rows[k])
                        if let valid, !valid[r] { continue }
                        let c = Int(codes[r])
                        var b = c < first.count ? first[c] : -1
                        while b >= 0 {
                            probeRows.append(Int32(truncatingIfNeeded: r))
                            buildRows.append(b)
                            b = unique ? -1 : next[Int(b)]
                        }
                    }
                }
            }
        }
        control?.didScan(n, bytes: src.bytesRead)
        lock.withLock {
            factRows += selected
            joinedRows += probeRows.count
        }
        if probeRows.isEmpty { return (nil, src) }
        // Every row met one build row, in order: the fact columns pass on as decoded.
        let whole = unique && probeRows.count == n
        let factSource = whole ? nil : GatheredColumns(base: src, rows: probeRows)
        var vecs: [Vec] = []
        vecs.reserveCapacity(joinTypes.count)
        for i in joinTypes.indices {
            let (probe, c) = side(i)
            guard reads.contains(i) else {
                vecs.append(Vec(type: joinTypes[i], col: ColumnVector(type: joinTypes[i].columnType)))
                continue
            }
            if probe {
                let e = plan.outputs[c]
                vecs.append(try factSource.map { try Evaluator.eval(e, $0) } ?? Evaluator.eval(e, src))
            } else {
                vecs.append(Vec(type: buildTypes[c], col: build.columns[c].gather(buildRows), dict: build.dict(c)))
            }
        }
        return (RowGroupColumns(rows: vecs, range: 0..<probeRows.count, types: joinTypes), src)
    }
}
