import ColumnStore
import Foundation

/// One maintenance step of one view: recompute whole buckets from raw and replace the view's rows for them.
struct ViewMaintenance {
    let catalog: ViewCatalog
    let definition: ViewDefinition
    /// Runs the step's queries (the catalog's background or foreground engine).
    let engine: QueryEngine

    init(catalog: ViewCatalog, definition: ViewDefinition, engine: QueryEngine? = nil) {
        self.catalog = catalog
        self.definition = definition
        self.engine = engine ?? catalog.engine
    }

    var database: Database { catalog.database }
    static func now() -> Int64 { Int64(Date().timeIntervalSince1970 * 1e9) }

    /// Creates the view's table when it is missing (a new view, or a crash between saving the definition
    /// and creating the table): the columns of the defining query, the bucket as `time`, tags stay tags.
    func ensureTable(settings: [String: String]) throws {
        let name = definition.name
        guard database.schema(of: name) == nil else { return }
        let q = definition.materializeQuery(BucketRanges())
        let root = try QueryPlanner(engine: engine, now: Self.now(), control: nil).plan(q)
        let empty = QueryResult(columns: root.columns.map { ResultColumn(name: $0.name, vector: ColumnVector(type: $0.type.columnType)) })
        let columns = try DDLRunner.columns(of: empty, select: q, engine: engine, at: q.position)
        var options = database.options.tableDefaults
        let p = q.position
        try TableSettings.apply(settings.sorted { $0.key < $1.key }.map { TableSetting(name: $0.key, value: $0.value, at: p) }, to: &options)
        options.declaredSchema = true
        options.dedupKeys = nil
        _ = try database.createTable(TableSchema(table: name, columns: columns), options: options, ifNotExists: true)
    }

    /// Replaces the view's rows in `ranges` with the defining query's answer there; returns the rows written.
    /// The new rows are in the WAL, not yet synced: the caller syncs it once for every view of its step.
    func recompute(_ ranges: BucketRanges) throws -> Int {
        let settings = catalog.record(definition.name)?.settings ?? [:]
        try ensureTable(settings: settings)
        let now = Self.now()
        let rows = try SelectRunner(engine: engine, now: now, control: nil, capsRows: false).run(definition.materializeQuery(ranges))
        return try replace(ranges, with: rows, now: now)
    }

    /// Replaces the view's rows in `ranges` (buckets whose stored rows lack only `appended`'s rows) with
    /// those rows merged in by `rules` (`ViewMerge`); `appended` is an engine on which the raw table's name
    /// reads the appended rows. Returns the rows written, WAL not yet synced.
    func merge(_ ranges: BucketRanges, rules: [ViewMerge.Rule], appended: QueryEngine) throws -> Int {
        let now = Self.now()
        let q = try ViewMerge.query(definition, rules: rules, ranges: ranges)
        let rows = try SelectRunner(engine: appended, now: now, control: nil, capsRows: false).run(q)
        return try replace(ranges, with: rows, now: now)
    }

    /// Deletes the view's rows in `ranges` and inserts `rows` (columns named as the view's table's).
    private func replace(_ ranges: BucketRanges, with rows: QueryResult, now: Int64) throws -> Int {
        let p = definition.query.position
        let target = TableName(definition.name, at: p)
        // A DELETE flushes the memtable first (delete marks live in segments): it covers only the part of the
        // ranges where the view holds rows (none for buckets new to it, the usual case while data arrives in
        // time order).
        let held = heldRanges(ranges)
        if !held.isEmpty {
            _ = try DeleteRunner(engine: engine, now: now, control: nil)
                .delete(DeleteStatement(table: target, where: ViewDefinition.predicate(held, column: TableSchema.timeColumn, at: p)))
        }
        guard rows.rowCount > 0 else { return 0 }
        return try Inserter(engine: engine, now: now).insert(rows, into: definition.name, columns: rows.columns.map(\.name), at: p)
    }

    /// The part of `ranges` where the view's table may hold rows: each range cut to the time span of the
    /// segment blocks and memtable chunks that overlap it. Every stored row of `ranges` lies in it.
    func heldRanges(_ ranges: BucketRanges) -> BucketRanges {
        var out = BucketRanges()
        guard let first = ranges.intervals.first, let last = ranges.intervals.last else { return out }
        let span = first.lo...(last.hi == .max ? .max : last.hi - 1)
        guard let snap = database.snapshot(table: definition.name, range: span) else { return out }
        for g in snap.rowGroups where g.rowCount > 0 {
            let gHi = g.maxTime == .max ? Int64.max : g.maxTime + 1
            for i in ranges.intervals where g.minTime < i.hi && gHi > i.lo {
                out.insert(max(i.lo, g.minTime), min(i.hi, gHi))
            }
        }
        return out
    }
}
