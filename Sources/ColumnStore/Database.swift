import Foundation

/// A database: a directory of tables, with a write-ahead log, a memtable and day-partitioned segments.
///
/// Writes go WAL → memtable and are acknowledged when durable under `options.durability`; the memtable
/// flushes to segments by size or age; queries read consistent snapshots. One process opens a
/// database at a time (an flock on `LOCK`).
public final class Database: @unchecked Sendable {
    public let path: String
    public let options: DatabaseOptions

    /// Guards everything mutable below, held briefly: never across fsync of a segment.
    let state = NSCondition()
    /// Serialises flush, compaction and retention: the only mutators of `manifest`.
    let maintenance = NSLock()

    final class Table {
        var schema: TableSchema
        var options: TableOptions
        var symbols: [Int: SymbolDictionary] = [:]
        /// Live segments by day, oldest first.
        var segments: [Int32: [LiveSegment]] = [:]

        init(schema: TableSchema, options: TableOptions) {
            self.schema = schema
            self.options = options
        }
    }

    struct LiveSegment {
        var entry: Manifest.Segment
        var reader: SegmentReader
        /// Table column i → segment column (nil: absent), for the schema's first `columnMap.count` columns;
        /// kept so a snapshot does not look every column up by name in every segment.
        var columnMap: [Int?] = []
    }

    var tables: [String: Table] = [:]
    var active = Memtable()
    var flushing: [Memtable] = []
    var manifest: Manifest
    let wal: WriteAheadLog
    let counters = DatabaseCounters()
    private var lockFD: Int32 = -1
    var isClosed = false
    var flushRequested = false
    /// Why the last flush failed (nil once one succeeds): told to writers that time out waiting for room.
    var lastFlushFailure: String?
    var stopBackground = false
    private var background: Thread?
    private let backgroundDone = DispatchSemaphore(value: 0)
    /// Monotonic seconds, for flush by age.
    static func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }

    /// Opens (creating if needed) the database in `path`, replaying its WAL.
    public init(path: String, options: DatabaseOptions = DatabaseOptions()) throws {
        self.path = path
        self.options = options
        try FileIO.makeDirectories(path)
        let lp = path + "/" + FileNames.lock
        let fd = try FileIO.open(lp, O_RDWR | O_CREAT)
        if flock(fd, LOCK_EX | LOCK_NB) != 0 {
            Glibc.close(fd)
            throw StorageError.locked(path: path)
        }
        lockFD = fd
        do {
            manifest = try Manifest.load(path + "/" + FileNames.manifest) ?? Manifest()
            wal = try WriteAheadLog(directory: path + "/" + FileNames.walDirectory, counters: counters)
            try openTables()
            let checkpoint = manifest.walCheckpoint
            _ = try wal.replay(after: checkpoint) { batches in
                _ = try self.applyLocked(batches, logged: false)
            }
            active.lastWALSequence = wal.sequence
            wal.trim(upTo: checkpoint)
        } catch {
            Glibc.close(fd)
            throw error
        }
        if options.background { startBackground() }
    }

    private func openTables() throws {
        for (name, t) in manifest.tables {
            let table = Table(schema: TableSchema(table: name, columns: t.columns), options: t.options)
            try loadSymbols(table, name: name, required: t.symbolCounts)
            var live: Set<String> = []
            for s in t.segments {
                guard let day = Day.parse(s.day) else { throw StorageError.corrupt(path: path + "/" + FileNames.manifest, detail: "bad partition name '\(s.day)'") }
                let p = segmentPath(table: name, day: s.day, file: s.file)
                let reader = try SegmentReader(path: p, mappings: options.segmentMappings)
                table.segments[day, default: []].append(LiveSegment(entry: s, reader: reader))
                live.insert(s.day + "/" + s.file)
            }
            tables[name] = table
            removeOrphans(table: name, live: live)
        }
        // Tables with no manifest entry hold only orphans of a crashed first flush (their symbols stay: see loadSymbols).
        for name in FileIO.list(path) where manifest.tables[name] == nil && FileIO.isDirectory(path + "/" + name)
            && name != FileNames.walDirectory {
            removeOrphans(table: name, live: [])
        }
    }

    /// Loads (or creates) the dictionaries of a table's tag columns.
    func loadSymbols(_ table: Table, name: String, required: [String: Int] = [:]) throws {
        for (i, c) in table.schema.columns.enumerated() where c.type == .symbol && table.symbols[i] == nil {
            let p = symbolPath(table: name, column: c.name)
            let d = try SymbolDictionary.load(path: p)
            if let need = required[c.name], d.count < need {
                throw StorageError.corrupt(path: p, detail: "holds \(d.count) symbols, the manifest needs \(need)")
            }
            table.symbols[i] = d
        }
    }

    private func removeOrphans(table: String, live: Set<String>) {
        let tdir = path + "/" + table
        for day in FileIO.list(tdir) where Day.parse(day) != nil {
            let ddir = tdir + "/" + day
            for f in FileIO.list(ddir) where !live.contains(day + "/" + f) {
                FileIO.unlink(ddir + "/" + f)
            }
            if FileIO.list(ddir).isEmpty { _ = rmdir(ddir) }
        }
    }

    func segmentPath(table: String, day: String, file: String) -> String {
        path + "/" + table + "/" + day + "/" + file
    }

    func symbolPath(table: String, column: String) -> String {
        path + "/" + table + "/" + FileNames.symbolsDirectory + "/" + FileNames.symbolFile(column)
    }

    // MARK: catalog

    /// Names of the tables, sorted.
    public func tableNames() -> [String] {
        state.withLock { tables.keys.sorted() }
    }

    public func schema(of table: String) -> TableSchema? {
        state.withLock { tables[table]?.schema }
    }

    public func tableOptions(of table: String) -> TableOptions? {
        state.withLock { tables[table]?.options }
    }

    /// Changes a table's options (compression, retention, sort key); applies to segments written from now on.
    public func setTableOptions(_ table: String, _ change: (inout TableOptions) -> Void) throws {
        try maintenance.withLock {
            let ok: Bool = state.withLock {
                guard let t = tables[table] else { return false }
                change(&t.options)
                return true
            }
            guard ok else { throw StorageError.unknownTable(table) }
            try saveManifest { _ in }
        }
    }

    /// Rows in the memtable (not yet in segments).
    public var memtableRows: Int { state.withLock { active.rowCount + flushing.reduce(0) { $0 + $1.rowCount } } }
    public var memtableBytes: Int { state.withLock { active.approximateBytes + flushing.reduce(0) { $0 + $1.approximateBytes } } }

    // MARK: close

    /// Flushes the memtable, stops background work and releases the directory.
    public func close() throws {
        let already: Bool = state.withLock {
            let was = isClosed
            stopBackground = true
            state.broadcast()
            return was
        }
        if already { return }
        if let t = background, t.isExecuting || !t.isFinished { backgroundDone.wait() }
        try flush()
        state.withLock { isClosed = true }
        try wal.close()
        if lockFD >= 0 { Glibc.close(lockFD); lockFD = -1 }
    }

    deinit {
        if lockFD >= 0 { Glibc.close(lockFD) }
    }

    // MARK: background

    private func startBackground() {
        let t = Thread { [weak self] in
            self?.backgroundLoop()
            self?.backgroundDone.signal()
        }
        t.name = "tsdb-maintenance"
        background = t
        t.start()
    }

    private func backgroundLoop() {
        var lastRetention = 0.0
        let tick: Double
        if case let .interval(ms) = options.durability { tick = min(0.2, Double(ms) / 1000) } else { tick = 0.2 }
        while true {
            let (stop, wantFlush): (Bool, Bool) = state.withLock {
                if !stopBackground && !flushRequested { _ = state.wait(until: Date().addingTimeInterval(tick)) }
                let age = active.firstWrite.map { Self.now() - $0 } ?? 0
                let want = flushRequested || age >= options.memtableMaxAge || active.approximateBytes >= options.memtableMaxBytes
                flushRequested = false
                return (stopBackground, want)
            }
            if stop { return }
            if case .interval = options.durability { try? wal.syncAll() }
            if wantFlush {
                do { try flush() } catch { logBackground("flush failed: \(error)") }
                do { try compact(minSegments: options.compactionMinSegments) } catch { logBackground("compaction failed: \(error)") }
            }
            if Self.now() - lastRetention > 60 {
                lastRetention = Self.now()
                do { try applyRetention() } catch { logBackground("retention failed: \(error)") }
            }
        }
    }

    func logBackground(_ message: String) {
        FileHandle.standardError.write(Data("tsdb: \(path): \(message)\n".utf8))
    }
}

extension NSCondition {
    func withLock<R>(_ body: () throws -> R) rethrows -> R {
        lock()
        defer { unlock() }
        return try body()
    }
}
