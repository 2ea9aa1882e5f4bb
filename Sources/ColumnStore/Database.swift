import Foundation

/// A database: a directory of tables, with a write-ahead log, a memtable and day-partitioned segments.
///
/// Writes go WAL → memtable and are acknowledged when durable under `options.durability`; the memtable
/// flushes to segments by size or age; queries read consistent snapshots. One process opens a
/// database for writing at a time (an flock on `LOCK`); readers open it with `openReadOnly`, beside the writer.
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
        /// Rows DELETE removed (nil: none), until a purge rewrites the segment without them.
        var deletes: SegmentDeletes? = nil
    }

    var tables: [String: Table] = [:]
    var active = Memtable()
    var flushing: [Memtable] = []
    var manifest: Manifest
    /// Tables that failed verification on open, with the reason (naming the file and offset). They are not
    /// in `tables`; their files and their WAL rows are kept as they are until an operator repairs them.
    var damaged: [String: StorageError] = [:]
    /// Set when a manifest save failed after its rename: which manifest is on disk is unknown, so flush,
    /// compaction and retention refuse until the database is reopened (reading the manifest again).
    var maintenanceFailure: String?
    let wal: WriteAheadLog
    let counters = DatabaseCounters()
    /// Who hears of changes (`addChangeListener`), and objects kept beside the database.
    let changeListeners = DatabaseListeners()
    private var lockFD: Int32 = -1
    /// Set on a read-only open (`Database+ReadOnly.swift`): the manifest's segments, opened on first touch.
    var readOnly: ReadOnlyCatalog?
    var isClosed = false
    var flushRequested = false
    /// Why the last flush failed (nil once one succeeds): told to writers that time out waiting for room.
    var lastFlushFailure: String?
    var stopBackground = false
    /// Monotonic time of the oldest delete not yet purged (nil: none pending); the background purges
    /// (`vacuum`) once it is `options.purgeAfter` old.
    var purgeDue: Double?
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
        let deadline = Self.now() + options.lockWait
        while flock(fd, LOCK_EX | LOCK_NB) != 0 {
            if Self.now() >= deadline {
                Glibc.close(fd)
                throw StorageError.locked(path: path)
            }
            usleep(10_000)
        }
        lockFD = fd
        do {
            // Verify everything first (manifest, tables, WAL); only then make the repairs open may make.
            let manifestPath = path + "/" + FileNames.manifest
            if let m = try Manifest.load(manifestPath) {
                manifest = m
            } else {
                try Self.checkNoManifestNeeded(path)
                manifest = Manifest()
            }
            wal = try WriteAheadLog(directory: path + "/" + FileNames.walDirectory, counters: counters)
            let unfinished = Self.unfinishedCreates(manifest)
            openTables(except: unfinished)
            let m = manifest
            // A flush rotates to a new WAL file before it publishes a checkpoint, so a file above the checkpoint
            // always exists; if none does, the checkpoint does not describe this log: never trim on its strength.
            // (No file at all above a published checkpoint: the log's newest file, and the acknowledged rows in
            // it, were removed.)
            if m.walCheckpoint > 0, wal.files().last ?? 0 <= m.walCheckpoint {
                let top = wal.files().last.map { "the highest is \($0)" } ?? "there is none"
                throw StorageError.corrupt(path: manifestPath, detail: "walCheckpoint \(m.walCheckpoint) is at or above every WAL file present (\(top)): WAL file \(m.walCheckpoint + 1) is missing, or the checkpoint does not describe this log; refusing to trust it")
            }
            let report = try wal.replay(after: m.oldestCheckpoint, appendAfter: m.walCheckpoint) { seq, batches in
                // A table's rows in files up to its checkpoint are in its segments; a damaged table's stay in the log.
                let pending = batches.filter { seq > m.checkpoint(of: $0.table) && self.damaged[$0.table] == nil && !unfinished.contains($0.table) }
                if !pending.isEmpty { _ = try self.applyLocked(pending, logged: false) }
            }
            if let c = report.cut {
                logBackground("cut a torn tail of \(c.bytes) bytes at offset \(c.offset) from \(c.path) (an append the crash interrupted)")
            }
            active.lastWALSequence = wal.sequence
            removeGarbage()
            wal.trim(upTo: m.oldestCheckpoint)
            try dropUnfinishedCreates(unfinished)
        } catch {
            Glibc.close(fd)
            throw error
        }
        for (name, why) in damaged.sorted(by: { $0.key < $1.key }) {
            logBackground("table '\(name)' is damaged and stays closed; the other tables open: \(why)")
        }
        if options.background { startBackground() }
    }

    /// The shell of a read-only open, which `openReadOnly` fills: no lock, no log file, no background work.
    init(readOnlyShell path: String, options: DatabaseOptions, wal: WriteAheadLog) {
        self.path = path
        self.options = options
        self.manifest = Manifest()
        self.wal = wal
    }

    /// A missing MANIFEST is a new database only when no row can have left the WAL: the first WAL file
    /// (sequence 1) is still there, or there is no WAL file and no table folder. Otherwise the manifest was
    /// lost, and opening without it would treat every segment as an orphan: refuse.
    static func checkNoManifestNeeded(_ path: String) throws {
        let walFiles = FileIO.list(path + "/" + FileNames.walDirectory).compactMap(FileNames.walSequence)
        if walFiles.contains(1) { return }
        let tables = FileIO.list(path).filter {
            FileNames.isValidName($0) && FileIO.isDirectory(path + "/" + $0) && !FileIO.list(path + "/" + $0).isEmpty
        }
        if walFiles.isEmpty && tables.isEmpty { return }
        var held: [String] = []
        if !tables.isEmpty { held.append("table folders \(tables.joined(separator: ", "))") }
        if let first = walFiles.min() { held.append("WAL files from sequence \(first) (earlier ones were trimmed after a flush)") }
        throw StorageError.corrupt(path: path + "/" + FileNames.manifest,
                                   detail: "the manifest is missing but the database holds \(held.joined(separator: " and ")); restore MANIFEST from a backup (see docs/operations.md, Recovery rules)")
    }

    /// Opens every table the manifest lists (but `skipped`); a table that fails verification is recorded in `damaged`.
    private func openTables(except skipped: Set<String>) {
        for (name, t) in manifest.tables.sorted(by: { $0.key < $1.key }) where !skipped.contains(name) {
            do {
                tables[name] = try openTable(name, t)
            } catch let e as StorageError {
                damaged[name] = e
            } catch {
                damaged[name] = .corrupt(path: path + "/" + name, detail: "\(error)")
            }
        }
    }

    /// A live segment with its delete vector, when the manifest names one: for writable and read-only opens.
    func openLiveSegment(table name: String, entry s: Manifest.Segment, reader: SegmentReader) throws -> LiveSegment {
        var live = LiveSegment(entry: s, reader: reader)
        if let d = s.deletes {
            guard let id = FileNames.segmentID(s.file) else { throw StorageError.corrupt(path: path + "/" + FileNames.manifest, detail: "segment '\(s.file)' with deletes has no id") }
            let v = try DeleteVector.load(segmentPath(table: name, day: s.day, file: d), segmentID: id, segmentRows: reader.rowCount)
            live.deletes = SegmentDeletes(v, blockRowCounts: reader.footer.blockRowCounts)
        }
        return live
    }

    private func openTable(_ name: String, _ t: Manifest.Table) throws -> Table {
        let table = Table(schema: TableSchema(table: name, columns: t.columns), options: t.options)
        try loadSymbols(table, name: name, required: t.symbolCounts)
        for s in t.segments {
            guard let day = Day.parse(s.day) else { throw StorageError.corrupt(path: path + "/" + FileNames.manifest, detail: "bad partition name '\(s.day)'") }
            let reader = try SegmentReader(path: segmentPath(table: name, day: s.day, file: s.file), mappings: options.segmentMappings)
            let live = try openLiveSegment(table: name, entry: s, reader: reader)
            // Deletes from before this open are purged within `purgeAfter` of it.
            if live.deletes != nil { purgeDue = Self.now() }
            table.segments[day, default: []].append(live)
        }
        return table
    }

    /// Deletes the files the manifest proves garbage (see `Manifest`) — after every check of open passed.
    /// A damaged table's folder is left alone.
    private func removeGarbage() {
        for name in FileIO.list(path) where name.hasSuffix(FileNames.tempSuffix) {
            FileIO.unlink(path + "/" + name)  // e.g. MANIFEST.tmp of a save that never renamed
        }
        let retired = Set(manifest.retired ?? [])
        for name in manifest.droppedTables ?? [] where manifest.tables[name] == nil && FileNames.isValidName(name) {
            FileIO.removeTree(path + "/" + name)  // DROP TABLE published, its folder not yet removed
        }
        for name in FileIO.list(path) where damaged[name] == nil && name != FileNames.walDirectory && FileIO.isDirectory(path + "/" + name) {
            let segs = manifest.tables[name]?.segments ?? []
            let live = Set(segs.map { $0.day + "/" + $0.file } + segs.compactMap { s in s.deletes.map { s.day + "/" + $0 } })
            let tdir = path + "/" + name
            for day in FileIO.list(tdir) where Day.parse(day) != nil {
                let ddir = tdir + "/" + day
                for f in FileIO.list(ddir) where !live.contains(day + "/" + f) {
                    let unpublished = (FileNames.segmentID(f) ?? FileNames.deleteVectorID(f)).map { $0 >= manifest.nextSegmentID } ?? false
                    if unpublished || f.hasSuffix(FileNames.tempSuffix) || retired.contains(name + "/" + day + "/" + f) {
                        FileIO.unlink(ddir + "/" + f)
                    } else {
                        logBackground("kept \(ddir)/\(f): the manifest does not list it, but cannot prove it garbage (see docs/operations.md, Recovery rules)")
                    }
                }
                if FileIO.list(ddir).isEmpty { _ = rmdir(ddir) }
            }
        }
    }

    /// Tables that failed verification on open, with the reason (naming the file and offset). Each stays
    /// closed — reads and writes get `StorageError.tableDamaged` — while the other tables serve.
    public func damagedTables() -> [String: StorageError] {
        state.withLock { damaged }
    }

    /// Throws `StorageError.tableDamaged` when `table` failed verification on open.
    public func checkNotDamaged(_ table: String) throws {
        if let why = state.withLock({ damaged[table] }) { throw StorageError.tableDamaged(table: table, cause: why.description) }
    }

    /// Loads (or creates) the dictionaries of a table's tag columns.
    func loadSymbols(_ table: Table, name: String, required: [String: Int] = [:], columns: Set<Int>? = nil) throws {
        for (i, c) in table.schema.columns.enumerated() where c.type == .symbol && table.symbols[i] == nil {
            if let columns, !columns.contains(i) { continue }
            let p = symbolPath(table: name, column: c.name)
            let d = try SymbolDictionary.load(path: p, required: required[c.name] ?? 0, repair: readOnly == nil)
            table.symbols[i] = d
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
        try refuseIfReadOnly()
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

    /// Sets (nil: removes) a table's retention and drops the partitions it expires at once — also on a
    /// running server, rather than at the next hourly check. Returns the partitions dropped.
    @discardableResult
    public func setRetention(_ table: String, days: Int?, now: Int64 = Int64(Date().timeIntervalSince1970 * 1e9)) throws -> Int {
        try setTableOptions(table) { $0.retentionDays = days }
        return try applyRetention(now: now)
    }

    /// Rows in the memtable (not yet in segments).
    public var memtableRows: Int { state.withLock { active.rowCount + flushing.reduce(0) { $0 + $1.rowCount } } }
    public var memtableBytes: Int { state.withLock { active.approximateBytes + flushing.reduce(0) { $0 + $1.approximateBytes } } }

    // MARK: close

    /// Flushes the memtable, stops background work and releases the directory.
    public func close() throws {
        if readOnly != nil { state.withLock { isClosed = true }; return }  // nothing of ours to flush or release
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
            if let due = state.withLock({ purgeDue }), Self.now() - due >= options.purgeAfter {
                do { try vacuum() } catch { logBackground("purge of deleted rows failed: \(error)") }
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
