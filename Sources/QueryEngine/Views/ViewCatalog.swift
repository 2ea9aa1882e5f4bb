import ColumnStore
import Foundation

/// The materialized views of one database: their definitions and maintenance state, kept durably in the
/// database's `VIEWS` file (replaced atomically), and the change listener that marks buckets dirty.
///
/// Every engine on a database shares one catalog (`ViewCatalog.of`). A view's buckets are either
/// materialized (its stored rows are the defining query's answer for them) or pending (a change touched
/// their raw rows since): queries answer pending buckets from raw, maintenance recomputes them whole.
final class ViewCatalog: @unchecked Sendable {
    /// What `VIEWS` holds per view.
    struct Record: Codable, Sendable {
        var name: String
        /// The defining SELECT, as SQL.
        var sql: String
        var settings: [String: String]
        /// Buckets to recompute; durable for every change but rows still in the WAL (re-derived at open).
        var pending: BucketRanges
        /// Buckets starting before this are frozen: their raw rows expired, the view keeps its own.
        var frozenBefore: Int64
        /// When maintenance last finished (ns since the epoch).
        var refreshedAt: Int64?
    }

    struct FileContents: Codable { var version = 1; var views: [Record] }

    let database: Database
    /// Runs maintenance queries; it does not expand views (a view reads a stored table). Half the cores:
    /// the background loop shares the machine with the writers it follows.
    let engine: QueryEngine
    /// Every core, for a step the caller waits on with nothing else running (a one-shot ingest's end).
    let foregroundEngine: QueryEngine
    let path: String
    private let lock = NSCondition()
    private var records: [String: Record] = [:]
    private var definitions: [String: ViewDefinition] = [:]
    /// Buckets being recomputed now: still answered from raw until the new rows are in.
    private var running: [String: BucketRanges] = [:]
    /// Buckets whose stored rows lack only rows appended since (kept in `appendedRows`): the next step
    /// merges those rows in (`ViewMerge`) instead of recomputing the buckets. Never in `VIEWS` as such: a
    /// save writes them as pending, so after a crash they are recomputed from raw — a merge is never
    /// applied twice, since the rows it merges live only in this process's memory.
    private var appended: [String: BucketRanges] = [:]
    /// Buckets being merged now (answered from raw until the merged rows are in).
    private var merging: [String: BucketRanges] = [:]
    /// The rows written to each raw table since the last step took them, while some view of it has
    /// `appended` buckets.
    private var appendedRows: [String: AppendedRows] = [:]
    /// Beyond this many held rows per table, appended buckets become pending (recomputed from raw): the
    /// memory for merges stays bounded.
    var appendedRowLimit = 2_000_000
    /// How many times a view's appended buckets were merged (rather than recomputed), for tests.
    private(set) var mergeCount = 0
    /// When each view's oldest not-yet-materialized change came (seconds, monotonic).
    private var pendingSince: [String: Double] = [:]
    /// True when `pending` holds ranges the file lacks (rows only in the WAL so far).
    private var unsaved = false
    private let fileLock = NSLock()
    /// Serializes maintenance and view DDL.
    let maintenanceLock = NSLock()
    private var stop = false
    /// While set, the background loop leaves pending buckets alone: a one-shot ingest materializes every
    /// bucket it touched once, at its end, instead of a filling bucket again and again mid-ingest.
    private var deferred = false
    /// The last background maintenance failure, for `tsdb_views`.
    private(set) var lastError: String?

    static func of(_ database: Database) -> ViewCatalog {
        database.attachment("tsdb.materialized-views") { ViewCatalog(database: database) }
    }

    private init(database: Database) {
        self.database = database
        let cores = ProcessInfo.processInfo.activeProcessorCount
        self.engine = QueryEngine(database: database, threads: max(1, cores / 2), attachingViews: false)
        self.foregroundEngine = QueryEngine(database: database, threads: cores, attachingViews: false)
        self.path = database.path + "/VIEWS"
        load()
        database.addChangeListener { [weak self] c in try self?.changed(c) }
        if database.options.background, !database.isReadOnly {
            let t = Thread { [weak self] in self?.backgroundLoop() }
            t.name = "tsdb-views"
            t.start()
        }
    }

    private func load() {
        guard FileIO.exists(path), let bytes = try? FileIO.readFile(path),
              let f = try? JSONDecoder().decode(FileContents.self, from: Data(bytes)) else { return }
        let unflushed = database.unflushedDays()
        var records: [String: Record] = [:], definitions: [String: ViewDefinition] = [:], pendingSince: [String: Double] = [:]
        defer {
            lock.withLock {
                self.records = records
                self.definitions = definitions
                self.pendingSince.merge(pendingSince) { old, _ in old }
            }
        }
        for var r in f.views {
            guard case let .select(q)? = try? SQLParser.parse(r.sql), let d = try? ViewDefinition(name: r.name, query: q, engine: engine, checkingSource: false) else {
                records[r.name] = r  // kept as is; `tsdb_views` shows it, nothing maintains it
                continue
            }
            // Rows only in the WAL were replayed into the memtable: their buckets may be unmaterialized.
            for day in unflushed[d.source] ?? [] {
                let (lo, hi) = d.buckets(coveringDays: day...day)
                r.pending.insert(lo, hi)
            }
            records[r.name] = r
            definitions[r.name] = d
            if !r.pending.isEmpty { pendingSince[r.name] = Self.clock() }
        }
    }

    static func clock() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }

    /// Writes `VIEWS` with every view's pending and running buckets.
    private func save() throws {
        try fileLock.withLock {
            let contents: FileContents = lock.withLock {
                unsaved = false
                return FileContents(views: records.values.sorted { $0.name < $1.name }.map { r in
                    var r = r
                    for u in [running, appended, merging] { if let x = u[r.name] { r.pending.formUnion(x) } }
                    return r
                })
            }
            let enc = JSONEncoder()
            enc.outputFormatting = [.sortedKeys, .prettyPrinted]
            try FileIO.writeFileAtomically(path, Array(try enc.encode(contents)))
        }
    }

    // MARK: reading

    /// A read-only open (beside a writer) rereads `VIEWS` before it answers: the writer changes it.
    func reloadIfReadOnly() {
        if database.isReadOnly { load() }
    }

    func definition(_ name: String) -> ViewDefinition? { lock.withLock { definitions[name] } }
    var names: [String] { lock.withLock { records.keys.sorted() } }
    func record(_ name: String) -> Record? { lock.withLock { records[name] } }
    func views(reading table: String) -> [String] { lock.withLock { definitions.values.filter { $0.source == table }.map(\.name).sorted() } }

    /// The buckets of `name` not materialized now (pending or being recomputed), frozen ones excluded.
    func unmaterialized(_ name: String) -> BucketRanges {
        lock.withLock {
            guard let r = records[name] else { return BucketRanges() }
            var u = r.pending
            for x in [running, appended, merging] { if let x = x[name] { u.formUnion(x) } }
            return u.clipped(from: r.frozenBefore)
        }
    }

    /// Seconds since the oldest change the view has not materialized yet; 0 when it is current.
    func lag(_ name: String) -> Double { lock.withLock { pendingSince[name].map { Self.clock() - $0 } ?? 0 } }


    // MARK: changes

    private func changed(_ c: TableChange) throws {
        var persist = false
        lock.withLock {
            var keep = false
            if c.kind == .write, let rows = c.rows, (appendedRows[c.table]?.rowCount ?? 0) + rows.rowCount > appendedRowLimit {
                dropAppended(c.table)
            }
            for d in definitions.values where d.source == c.table {
                switch c.kind {
                case .write, .delete:
                    let (lo, hi) = d.buckets(coveringDays: c.days)
                    if c.kind == .write, appendable(d, c, lo, hi) {
                        appended[d.name, default: BucketRanges()].insert(lo, hi)
                        keep = true
                    } else {
                        records[d.name]!.pending.insert(lo, hi)
                    }
                    if pendingSince[d.name] == nil { pendingSince[d.name] = Self.clock() }
                    if c.kind == .write { unsaved = true } else { persist = true }
                case .flush:
                    persist = persist || unsaved
                case .expire:
                    let (_, hi) = d.buckets(coveringDays: c.days)
                    records[d.name]!.frozenBefore = max(records[d.name]!.frozenBefore, hi)
                    persist = true
                case .drop:
                    break
                }
            }
            if keep, let rows = c.rows { appendedRows[c.table, default: AppendedRows()].append(rows) }
            if persist || c.kind == .write { lock.broadcast() }
        }
        if persist { try save() }
    }

    /// Whether written buckets `[lo, hi)` of `d` may be merged later rather than recomputed: `d` merges, the
    /// rows only add (no dedup keys), the announcement carries them, no one-shot ingest defers maintenance
    /// (it recomputes once at its end), and no bucket there awaits a recompute (pending or running).
    /// Called with `lock` held.
    private func appendable(_ d: ViewDefinition, _ c: TableChange, _ lo: Int64, _ hi: Int64) -> Bool {
        guard !deferred, !c.replacing, c.rows != nil, ViewMerge.candidateRules(d) != nil, let r = records[d.name] else { return false }
        var range = BucketRanges()
        range.insert(lo, hi)
        return range.subtracting(r.pending) == range && range.subtracting(running[d.name] ?? BucketRanges()) == range
    }

    /// Turns every view's appended buckets over `table` into pending ones and forgets the held rows.
    /// Called with `lock` held.
    private func dropAppended(_ table: String) {
        for d in definitions.values where d.source == table {
            if let a = appended.removeValue(forKey: d.name) { records[d.name]?.pending.formUnion(a) }
        }
        appendedRows[table] = nil
    }

    // MARK: definitions

    /// Adds a view with every bucket pending, durably.
    func add(_ d: ViewDefinition, settings: [String: String]) throws {
        lock.withLock {
            records[d.name] = Record(name: d.name, sql: d.query.description, settings: settings, pending: .everything,
                                     frozenBefore: .min, refreshedAt: nil)
            definitions[d.name] = d
            pendingSince[d.name] = Self.clock()
        }
        try save()
    }

    /// Forgets a view, durably (its table is the caller's to drop).
    func remove(_ name: String) throws {
        lock.withLock {
            records[name] = nil
            definitions[name] = nil
            pendingSince[name] = nil
            running[name] = nil
            appended[name] = nil
            merging[name] = nil
        }
        try save()
    }

    /// Marks every bucket not frozen pending (REFRESH).
    func invalidateAll(_ name: String) {
        lock.withLock {
            records[name]?.pending = .everything
            if pendingSince[name] == nil { pendingSince[name] = Self.clock() }
        }
    }

    // MARK: maintenance

    /// Recomputes the pending buckets of `name` (see `maintain(_:)` of several). Returns the rows written.
    @discardableResult
    func maintain(_ name: String) throws -> Int { try maintain([name]) }

    /// One maintenance step over `names`: takes each view's pending buckets, runs its defining query on raw
    /// for them, deletes the view's rows there and inserts the new ones; takes its appended buckets and
    /// merges the appended rows into its stored rows there (`ViewMerge`); syncs the WAL once for all, then
    /// clears them. The ranges stay in `VIEWS` until the new rows are durable, so a crash anywhere redoes
    /// the whole step after restart (from raw); queries meanwhile answer those buckets from raw. Returns the
    /// rows written. `foreground`: on every core; `background`: the background loop's step, which a
    /// deferral skips.
    @discardableResult
    func maintain(_ names: [String], foreground: Bool = false, background: Bool = false) throws -> Int {
        try maintenanceLock.withLock {
            // The merge rules need the views' stored types: read before taking `lock` (the store's write
            // path calls into this catalog holding its own lock).
            var rules: [String: [ViewMerge.Rule]] = [:]
            for name in names {
                if let d = definition(name), let stored = database.schema(of: name), let r = ViewMerge.rules(d, stored: stored) { rules[name] = r }
            }
            let step: (taken: [(ViewDefinition, recompute: BucketRanges, merge: BucketRanges)], rows: [String: AppendedRows]) = lock.withLock {
                // Deferred: a background step that was already due takes nothing (checked with the taking).
                if deferred && background { return ([], [:]) }
                // The appended rows of every source this step reads: views of those sources left out of
                // the step lose their appended buckets to pending (the rows they would merge go with the step).
                let chosen = Set(names)
                var rows: [String: AppendedRows] = [:]
                for name in names {
                    guard let d = definitions[name], rows[d.source] == nil, let a = appendedRows.removeValue(forKey: d.source) else { continue }
                    rows[d.source] = a
                    for other in definitions.values where other.source == d.source && !chosen.contains(other.name) {
                        if let x = appended.removeValue(forKey: other.name) { records[other.name]?.pending.formUnion(x) }
                    }
                }
                let taken = names.compactMap { name -> (ViewDefinition, recompute: BucketRanges, merge: BucketRanges)? in
                    guard let d = definitions[name], var r = records[name] else { return nil }
                    var recompute = r.pending.clipped(from: r.frozenBefore)
                    var merge = (appended.removeValue(forKey: name) ?? BucketRanges()).clipped(from: r.frozenBefore).subtracting(recompute)
                    if rules[name] == nil || rows[d.source] == nil {
                        recompute.formUnion(merge)
                        merge = BucketRanges()
                    }
                    r.pending = BucketRanges()
                    records[name] = r
                    pendingSince[name] = nil
                    guard !recompute.isEmpty || !merge.isEmpty else { return nil }
                    running[name] = recompute
                    merging[name] = merge
                    return (d, recompute, merge)
                }
                return (taken, rows)
            }
            let taken = step.taken
            guard !taken.isEmpty else { return 0 }
            var n = 0
            do {
                try save()
                let e = foreground ? foregroundEngine : engine
                // Per raw table, an engine reading its appended rows (nil: they do not fit its schema).
                var appendedEngines: [String: QueryEngine?] = [:]
                for (d, recompute, merge) in taken {
                    let m = ViewMaintenance(catalog: self, definition: d, engine: e)
                    if !recompute.isEmpty { n += try m.recompute(recompute) }
                    guard !merge.isEmpty, let r = rules[d.name], let rows = step.rows[d.source] else { continue }
                    if appendedEngines[d.source] == nil { appendedEngines[d.source] = .some(appendedEngine(d.source, rows: rows, like: e)) }
                    if let a = appendedEngines[d.source] ?? nil {
                        n += try m.merge(merge, rules: r, appended: a)
                        lock.withLock { mergeCount += 1 }
                    } else {
                        n += try m.recompute(merge)
                    }
                }
                // The views' rows must outlive a crash before the ranges leave `VIEWS`, whatever the durability setting.
                try database.syncWAL()
            } catch {
                lock.withLock {
                    // Merged or not, the appended rows are gone with this step: recompute those buckets.
                    for (d, recompute, merge) in taken {
                        records[d.name]?.pending.formUnion(recompute)
                        records[d.name]?.pending.formUnion(merge)
                        running[d.name] = nil
                        merging[d.name] = nil
                        if pendingSince[d.name] == nil { pendingSince[d.name] = Self.clock() }
                    }
                }
                throw error
            }
            lock.withLock {
                let at = Int64(Date().timeIntervalSince1970 * 1e9)
                for (d, _, _) in taken {
                    running[d.name] = nil
                    merging[d.name] = nil
                    records[d.name]?.refreshedAt = at
                }
            }
            try save()
            return n
        }
    }

    /// An engine like `e` on which `source` names `rows` (the appended rows) instead of the stored table;
    /// nil when the rows do not fit the table's schema (then those buckets are recomputed from raw).
    private func appendedEngine(_ source: String, rows: AppendedRows, like e: QueryEngine) -> QueryEngine? {
        guard let schema = database.schema(of: source), let table = rows.table(named: source, schema: schema) else { return nil }
        var tables = e.virtualTables
        tables.register(table)
        return QueryEngine(database: database, threads: e.threads, virtualTables: tables, attachingViews: false)
    }

    /// Brings every view up to date in one step (the CLI calls this before it exits, `foreground`: on every
    /// core; the background loop, continuously).
    public func maintainAll(foreground: Bool = false) throws {
        try maintain(names.filter { definition($0) != nil }, foreground: foreground)
    }

    /// Holds (or releases) the background loop; pending buckets stay answered from raw meanwhile.
    func deferBackground(_ on: Bool) {
        lock.withLock {
            deferred = on
            lock.broadcast()
        }
    }

    /// Waits for changes and materializes them, a short moment after they come (so a stream of writes
    /// is folded into few recomputations). Under a steady stream the pause grows with the last step's
    /// length (up to 2 s): maintenance takes at most about half of a core from the writers, and each step
    /// covers more buckets at once (a bucket still filling is recomputed fewer times).
    private func backgroundLoop() {
        var lastStep = 0.0
        while database.isOpen {
            let due: Bool = lock.withLock {
                if stop { return false }
                let waiting = !deferred && (records.values.contains { !$0.pending.isEmpty } || appended.values.contains { !$0.isEmpty })
                if !waiting { _ = lock.wait(until: Date().addingTimeInterval(1)) }
                return !deferred && (records.values.contains { !$0.pending.isEmpty } || appended.values.contains { !$0.isEmpty })
            }
            guard due else { continue }
            Thread.sleep(forTimeInterval: max(0.2, min(lastStep, 2)))
            guard database.isOpen else { return }
            let started = Self.clock()
            defer { lastStep = Self.clock() - started }
            do {
                try maintain(names.filter { definition($0) != nil }, background: true)
                lock.withLock { lastError = nil }
            } catch {
                lock.withLock { lastError = "\(error)" }
                Thread.sleep(forTimeInterval: 1)
            }
        }
    }
}

extension QueryEngine {
    /// Loads the materialized views of `database` and starts tracking its changes (creating a
    /// `QueryEngine` does this too): call it before writing through the database directly.
    public static func attachMaterializedViews(_ database: Database) { _ = ViewCatalog.of(database) }

    /// Materializes every pending bucket of every view of `database` now, on every core.
    public static func maintainMaterializedViews(_ database: Database) throws {
        guard !database.isReadOnly else { return }
        try ViewCatalog.of(database).maintainAll(foreground: true)
    }

    /// Stops background maintenance of `database`'s views until `maintainMaterializedViews`: a one-shot
    /// ingest calls this, so each bucket it touches is recomputed once at its end (queries meanwhile
    /// answer the pending buckets from raw, so views stay exact).
    public static func deferMaterializedViewMaintenance(_ database: Database) {
        ViewCatalog.of(database).deferBackground(true)
    }
}
