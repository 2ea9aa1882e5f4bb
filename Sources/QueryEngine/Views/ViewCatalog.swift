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
                    if let run = running[r.name] { r.pending.formUnion(run) }
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
            if let run = running[name] { u.formUnion(run) }
            return u.clipped(from: r.frozenBefore)
        }
    }

    /// Seconds since the oldest change the view has not materialized yet; 0 when it is current.
    func lag(_ name: String) -> Double { lock.withLock { pendingSince[name].map { Self.clock() - $0 } ?? 0 } }


    // MARK: changes

    private func changed(_ c: TableChange) throws {
        var persist = false
        lock.withLock {
            for d in definitions.values where d.source == c.table {
                switch c.kind {
                case .write, .delete:
                    let (lo, hi) = d.buckets(coveringDays: c.days)
                    records[d.name]!.pending.insert(lo, hi)
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
            if persist || c.kind == .write { lock.broadcast() }
        }
        if persist { try save() }
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
    /// for them, deletes the view's rows there and inserts the new ones, syncs the WAL once for all, then
    /// clears them. The ranges stay in `VIEWS` until the new rows are durable, so a crash anywhere redoes
    /// the whole step after restart; queries meanwhile answer those buckets from raw. Returns the rows written.
    /// `foreground`: on every core; `background`: the background loop's step, which a deferral skips.
    @discardableResult
    func maintain(_ names: [String], foreground: Bool = false, background: Bool = false) throws -> Int {
        try maintenanceLock.withLock {
            let taken: [(ViewDefinition, BucketRanges)] = lock.withLock {
                // Deferred: a background step that was already due takes nothing (checked with the taking).
                if deferred && background { return [] }
                return names.compactMap { name in
                    guard let d = definitions[name], var r = records[name] else { return nil }
                    let ranges = r.pending.clipped(from: r.frozenBefore)
                    r.pending = BucketRanges()
                    records[name] = r
                    pendingSince[name] = nil
                    guard !ranges.isEmpty else { return nil }
                    running[name] = ranges
                    return (d, ranges)
                }
            }
            guard !taken.isEmpty else { return 0 }
            var n = 0
            do {
                try save()
                let e = foreground ? foregroundEngine : engine
                for (d, ranges) in taken { n += try ViewMaintenance(catalog: self, definition: d, engine: e).recompute(ranges) }
                // The views' rows must outlive a crash before the ranges leave `VIEWS`, whatever the durability setting.
                try database.syncWAL()
            } catch {
                lock.withLock {
                    for (d, ranges) in taken {
                        records[d.name]?.pending.formUnion(ranges)
                        running[d.name] = nil
                        if pendingSince[d.name] == nil { pendingSince[d.name] = Self.clock() }
                    }
                }
                throw error
            }
            lock.withLock {
                let at = Int64(Date().timeIntervalSince1970 * 1e9)
                for (d, _) in taken {
                    running[d.name] = nil
                    records[d.name]?.refreshedAt = at
                }
            }
            try save()
            return n
        }
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
                let waiting = !deferred && records.values.contains { !$0.pending.isEmpty }
                if !waiting { _ = lock.wait(until: Date().addingTimeInterval(1)) }
                return !deferred && records.values.contains { !$0.pending.isEmpty }
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
