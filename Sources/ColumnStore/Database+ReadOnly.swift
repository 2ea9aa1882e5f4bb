import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// What a read-only open serves: the manifest it read, the WAL it replayed, and the segments it has
/// opened so far. Segment files never change once published (ids are never reused), so opened segments
/// are kept across refreshes while the manifest still lists them.
final class ReadOnlyCatalog {
    /// The MANIFEST bytes the view was built from (nil: there was none), to tell when the writer published.
    var manifestBytes: [UInt8]?
    /// The WAL files replayed and their sizes, to tell when the writer logged more.
    var walSizes: [UInt64: Int] = [:]
    /// Each table's segments from the manifest, by day, oldest day first; none is opened until touched.
    /// A table's entry is read from the manifest when a query first touches it (`Database.daysLocked`).
    var days: [String: [(day: Int32, segments: [Manifest.Segment])]] = [:]
    /// Where each table's segment list lies in `manifestBytes`, until `days` holds it.
    var unread: [String: Range<Int>] = [:]
    /// Segments opened so far, by `table/day/file`.
    var opened: [String: Database.LiveSegment] = [:]
    /// Tables whose symbol dictionaries are loaded.
    var symbolsLoaded: Set<String> = []
    /// Each touched table's segments in this view with the row groups of those opened, so that every
    /// snapshot after the first builds no strings and looks nothing up by name (`SnapshotIndex`).
    var indexes: [String: SnapshotIndex] = [:]
}

/// What changed on disk since a read-only view was built.
public enum ReadOnlyChange: Sendable {
    /// Nothing: the view is current.
    case none
    /// The writer logged more rows (the WAL grew); the manifest is the same.
    case wal
    /// The writer published a new manifest (flush, compaction, retention, a schema or option change).
    case manifest
}

extension Database {
    /// Opens the database in `path` for reading only, beside whichever process writes it.
    ///
    /// Takes no lock and changes no file: no fsync, no WAL file, no sweep for orphans, no repair of a
    /// torn tail. Reads the MANIFEST and replays the WAL after its checkpoint into a private memtable
    /// (so it sees every row the writer had acknowledged, and perhaps some it had logged but not yet
    /// acknowledged); segments and symbol dictionaries are opened when a snapshot first touches them.
    /// Cost does not grow with the number of partitions beyond reading the manifest. `refresh` (and
    /// `consistentRead`) moves the view to what the writer has published since.
    public static func openReadOnly(path: String, options: DatabaseOptions = DatabaseOptions()) throws -> Database {
        guard FileIO.isDirectory(path) else { throw StorageError.io(path: path, op: "open", errno: ENOENT) }
        var opts = options
        opts.background = false
        let wal = try WriteAheadLog(directory: path + "/" + FileNames.walDirectory, create: false)
        let db = Database(readOnlyShell: path, options: opts, wal: wal)
        db.readOnly = ReadOnlyCatalog()
        try db.state.withLock { try db.loadViewLocked() }
        return db
    }

    /// True when opened by `openReadOnly`.
    public var isReadOnly: Bool { readOnly != nil }

    /// Throws `StorageError.readOnly` on a read-only database: every writer and maintainer calls it first.
    func refuseIfReadOnly() throws {
        if readOnly != nil { throw StorageError.readOnly(path: path) }
    }

    /// Moves a read-only view to the writer's current state when it changed; a no-op on a writable database.
    @discardableResult
    public func refresh() throws -> ReadOnlyChange {
        guard readOnly != nil else { return .none }
        return try state.withLock {
            let change = try changeLocked()
            if change != .none { try loadViewLocked() }
            return change
        }
    }

    /// Runs `body` (a query) on a current view. On a read-only database, when it fails with a storage
    /// error after the writer published a new manifest (compaction replaced a segment under it, a flush
    /// trimmed the WAL it was reading), it runs again on the new view, up to four times.
    public func consistentRead<R>(_ body: () throws -> R) throws -> R {
        guard readOnly != nil else { return try body() }
        try refresh()
        var attempt = 0
        while true {
            do {
                return try body()
            } catch let error as StorageError {
                attempt += 1
                guard attempt < 5, try refresh() == .manifest else { throw error }
            }
        }
    }

    // MARK: building the view

    /// Builds the view; retried while the writer publishes under it (the manifest changes between the start
    /// and the end of the build). Called with `state` held.
    private func loadViewLocked() throws {
        var attempt = 0
        while true {
            let before = try readManifestBytes()
            do {
                try buildViewLocked(manifestBytes: before)
                if Self.sameBytes(try readManifestBytes(), before) { return }
            } catch {
                // A real error stands when the manifest did not move: nothing else would explain it.
                if Self.sameBytes(try readManifestBytes(), before) { throw error }
            }
            attempt += 1
            if attempt >= 100 {
                throw StorageError.corrupt(path: path + "/" + FileNames.manifest, detail: "the manifest changed under each of \(attempt) read-only opens; the writer publishes faster than a reader can follow")
            }
            usleep(UInt32(min(attempt, 20)) * 1_000)
        }
    }

    /// Byte equality by `memcmp` (a MANIFEST is compared whole on every query of a read-only view).
    private static func sameBytes(_ a: [UInt8]?, _ b: [UInt8]?) -> Bool {
        guard let a, let b else { return a == nil && b == nil }
        guard a.count == b.count else { return false }
        return a.withUnsafeBytes { pa in b.withUnsafeBytes { pb in a.isEmpty || memcmp(pa.baseAddress!, pb.baseAddress!, a.count) == 0 } }
    }

    private func readManifestBytes() throws -> [UInt8]? {
        let p = path + "/" + FileNames.manifest
        do {
            return try FileIO.readFile(p)
        } catch let StorageError.io(_, _, e) where e == ENOENT {
            return nil
        }
    }

    private func buildViewLocked(manifestBytes bytes: [UInt8]?) throws {
        let catalog = readOnly!
        let manifestPath = path + "/" + FileNames.manifest
        let m: Manifest
        var unread: [String: Range<Int>] = [:]
        if let bytes {
            // Segment lists are read per table on first touch: a query on one table, or on none, does not
            // pay for every day of every table.
            (m, unread) = try Manifest.decode(bytes, path: manifestPath, deferringSegments: true)
        } else {
            try Self.checkNoManifestNeeded(path)
            m = Manifest()
        }
        manifest = m
        tables = [:]
        damaged = [:]
        active = Memtable()
        flushing = []
        catalog.manifestBytes = bytes
        catalog.symbolsLoaded = []
        catalog.days = [:]
        catalog.indexes = [:]
        catalog.unread = [:]
        // A table a CREATE TABLE … AS SELECT is still filling (or a crash left half-filled) is not shown.
        let unfinished = Self.unfinishedCreates(m)
        for (name, t) in m.tables where !unfinished.contains(name) {
            tables[name] = Table(schema: TableSchema(table: name, columns: t.columns), options: t.options)
            if let r = unread[name] { catalog.unread[name] = r } else { try? setDaysLocked(name, t.segments) }
        }
        // Segments opened by an earlier view stay open only for tables still listed; `setDaysLocked` keeps
        // a table's to those its new list names.
        catalog.opened = catalog.opened.filter { tables[String($0.key.prefix { $0 != "/" })] != nil }
        // The same check as a writable open: a checkpoint with no WAL file above it does not describe this log.
        let walFiles = wal.files()
        if m.walCheckpoint > 0, walFiles.last ?? 0 <= m.walCheckpoint {
            throw StorageError.corrupt(path: manifestPath, detail: "walCheckpoint \(m.walCheckpoint) is at or above every WAL file present; WAL file \(m.walCheckpoint + 1) is missing, or the checkpoint does not describe this log")
        }
        catalog.walSizes = try wal.replayReadOnly(after: m.oldestCheckpoint) { seq, batches in
            var pending = batches.filter { seq > m.checkpoint(of: $0.table) && damaged[$0.table] == nil && !unfinished.contains($0.table) }
            for b in pending where tables[b.table] != nil && !catalog.symbolsLoaded.contains(b.table) {
                do { try loadSymbolsLocked(b.table) } catch let e as StorageError { damaged[b.table] = e; tables[b.table] = nil }
            }
            pending.removeAll { damaged[$0.table] != nil }
            if !pending.isEmpty { _ = try applyLocked(pending, logged: false) }
        }
    }

    /// Loads a table's dictionaries (at least the entries the manifest says segments use), without repair.
    private func loadSymbolsLocked(_ name: String) throws {
        guard let t = tables[name] else { return }
        try loadSymbols(t, name: name, required: manifest.tables[name]?.symbolCounts ?? [:])
        readOnly!.symbolsLoaded.insert(name)
    }

    /// What changed since the view was built: a different MANIFEST, or WAL files added, removed or grown.
    private func changeLocked() throws -> ReadOnlyChange {
        let catalog = readOnly!
        if !Self.sameBytes(try readManifestBytes(), catalog.manifestBytes) { return .manifest }
        let live = wal.files().filter { $0 > manifest.oldestCheckpoint }
        guard live.count == catalog.walSizes.count else { return .wal }
        for seq in live {
            let size = FileIO.fileSize(wal.directory + "/" + FileNames.walFile(seq))
            if size != catalog.walSizes[seq] { return .wal }
        }
        return .none
    }

    // MARK: lazy segments

    /// `table`'s segments by day in this view, read from the manifest on first use. Throws (and closes the
    /// table in this view) when its list cannot be read or names a bad partition.
    func daysLocked(_ table: String) throws -> [(day: Int32, segments: [Manifest.Segment])] {
        let catalog = readOnly!
        if let d = catalog.days[table] { return d }
        if let why = damaged[table] { throw StorageError.tableDamaged(table: table, cause: why.description) }
        guard let r = catalog.unread.removeValue(forKey: table), let bytes = catalog.manifestBytes else { return [] }
        let manifestPath = path + "/" + FileNames.manifest
        let list: [Manifest.Segment]
        do { list = try Manifest.deferredSegments(bytes, r, table: table, path: manifestPath) } catch let e as StorageError { throw tableFailed(table, e) }
        try setDaysLocked(table, list)
        return catalog.days[table] ?? []
    }

    /// Groups `table`'s manifest entries by day into the view; a bad partition name closes the table.
    private func setDaysLocked(_ table: String, _ list: [Manifest.Segment]) throws {
        let catalog = readOnly!
        var byDay: [(day: Int32, index: Int)] = []
        byDay.reserveCapacity(list.count)
        var sorted = true
        for (k, s) in list.enumerated() {
            guard let day = Day.parse(s.day) else {
                throw tableFailed(table, .corrupt(path: path + "/" + FileNames.manifest, detail: "bad partition name '\(s.day)'"))
            }
            if let last = byDay.last, last.day > day { sorted = false }
            byDay.append((day, k))
        }
        // Entries are written day by day, so usually in order already; a stable sort keeps each day's own order.
        if !sorted { byDay.sort { $0.day != $1.day ? $0.day < $1.day : $0.index < $1.index } }
        var days: [(day: Int32, segments: [Manifest.Segment])] = []
        for (day, k) in byDay {
            if days.last?.day == day { days[days.count - 1].segments.append(list[k]) } else { days.append((day, [list[k]])) }
        }
        catalog.days[table] = days
        catalog.indexes[table] = nil
        if !catalog.opened.isEmpty {
            let listed = Set(list.map { table + "/" + $0.day + "/" + $0.file })
            catalog.opened = catalog.opened.filter { !$0.key.hasPrefix(table + "/") || listed.contains($0.key) }
        }
    }

    /// A table failed to open: it stays closed in this view (like a damaged table on a writable open).
    private func tableFailed(_ name: String, _ e: StorageError) -> StorageError {
        damaged[name] = e
        tables[name] = nil
        return .tableDamaged(table: name, cause: e.description)
    }

    /// The segment `entry` of `table`, opened on first touch.
    func openSegmentLocked(_ table: String, _ entry: Manifest.Segment) throws -> LiveSegment {
        let key = table + "/" + entry.day + "/" + entry.file
        if let s = readOnly!.opened[key] { return s }
        let reader = try SegmentReader(path: segmentPath(table: table, day: entry.day, file: entry.file), mappings: options.segmentMappings)
        let s = try openLiveSegment(table: table, entry: entry, reader: reader)
        readOnly!.opened[key] = s
        return s
    }

    /// `snapshot` on a read-only view: prunes by the manifest's time ranges, opens only the segments
    /// that may hold rows in `range`. Counts what it pruned exactly as a writable open does.
    func readOnlySnapshotLocked(_ name: String, range: ClosedRange<Int64>, symbolColumns: Set<Int>? = nil) throws -> TableSnapshot? {
        if let why = damaged[name] { throw StorageError.tableDamaged(table: name, cause: why.description) }
        guard let t = tables[name] else { return nil }
        var lazy: LazySymbols?
        if !readOnly!.symbolsLoaded.contains(name) {
            do {
                if let symbolColumns {
                    // Only the tags the query reads: a large dictionary it never looks at (a 172K-entry
                    // `track`) is not read at all.
                    try loadSymbols(t, name: name, required: manifest.tables[name]?.symbolCounts ?? [:], columns: symbolColumns)
                    lazy = LazySymbols(database: self, table: t, name: name)
                } else {
                    try loadSymbolsLocked(name)
                }
            } catch let e as StorageError { throw tableFailed(name, e) }
        }
        var st = SnapshotStats()
        var groups: [RowGroup] = []
        try segmentGroupsLocked(name, schema: t.schema, range: range, stats: &st, to: &groups)
        appendMemtableGroups(table: name, schema: t.schema, range: range, stats: &st, to: &groups)
        if let key = DedupKey(schema: t.schema, options: t.options) { groups = Self.dedupGroups(groups, key: key, schema: t.schema) }
        return TableSnapshot(schema: t.schema, options: t.options, rowGroups: groups, symbols: t.symbols, stats: st,
                             lazySymbols: lazy)
    }

    /// Appends the row groups of `name`'s segments that may hold rows in `range`, opening them on first
    /// touch, through the table's `SnapshotIndex`; counts partitions and segments (pruned or not) into `st`.
    private func segmentGroupsLocked(_ name: String, schema: TableSchema, range: ClosedRange<Int64>,
                                     stats st: inout SnapshotStats, to groups: inout [RowGroup]) throws {
        let catalog = readOnly!
        let index: SnapshotIndex
        if let x = catalog.indexes[name] {
            index = x
        } else {
            index = SnapshotIndex(days: try daysLocked(name), columnCount: schema.count)
            catalog.indexes[name] = index
        }
        if index.columnCount != schema.count {  // the schema grew: map columns again
            index.groups = Array(repeating: nil, count: index.entries.count)
            index.all = nil
            index.columnCount = schema.count
        }
        let lo = Day.of(range.lowerBound), hi = Day.of(range.upperBound)
        let whole = index.covers(range, lo: lo, hi: hi)
        if whole, let all = index.all {
            st.partitions += index.dayCount
            st.segments += index.entries.count
            if groups.isEmpty { groups = all } else { groups.append(contentsOf: all) }
            return
        }
        let start = groups.count
        var lastDay = Int32.min, dayIn = false
        for i in index.entries.indices {
            let day = index.day[i]
            if day != lastDay {
                lastDay = day
                st.partitions += 1
                dayIn = day >= lo && day <= hi
                if !dayIn { st.partitionsPruned += 1 }
            }
            guard dayIn else { continue }
            st.segments += 1
            guard index.minTime[i] <= range.upperBound && index.maxTime[i] >= range.lowerBound else { st.segmentsPruned += 1; continue }
            if let g = index.groups[i] { groups.append(contentsOf: g); continue }
            let e = index.entries[i]
            var s = try openSegmentLocked(name, e)
            var g: [RowGroup] = []
            Self.appendRowGroups(of: &s, schema: schema, to: &g)
            catalog.opened[name + "/" + e.day + "/" + e.file] = s  // keeps the column map for the next view
            index.groups[i] = g
            groups.append(contentsOf: g)
        }
        if whole { index.all = Array(groups[start...]) }
    }

    /// Loads one tag column's dictionary of `table` (a table object of this view or an earlier one) if it
    /// is not loaded yet; nil when it cannot be read.
    func loadSymbolColumn(_ table: Table, name: String, column: Int) -> SymbolDictionary? {
        state.withLock {
            if table.symbols[column] == nil {
                try? loadSymbols(table, name: name, required: manifest.tables[name]?.symbolCounts ?? [:], columns: [column])
            }
            return table.symbols[column]
        }
    }

    /// `segments(of:)` on a read-only view: opens every segment of the table.
    func readOnlySegmentsLocked(_ name: String) throws -> [(day: String, path: String, rows: Int, bytes: Int, footer: SegmentFooter)] {
        guard tables[name] != nil else { return [] }
        return try daysLocked(name).flatMap { _, entries in
            try entries.map { e in
                let s = try openSegmentLocked(name, e)
                return (e.day, s.reader.path, e.rows, e.bytes, s.reader.footer)
            }
        }
    }
}

/// The tag dictionaries a read-only snapshot did not load up front, loaded into the table they belong to
/// when first asked for.
final class LazySymbols: @unchecked Sendable {  // immutable; loading goes through the database's lock
    private let database: Database
    private let table: Database.Table
    private let name: String

    init(database: Database, table: Database.Table, name: String) {
        self.database = database
        self.table = table
        self.name = name
    }

    func dictionary(_ column: Int) -> SymbolDictionary? {
        database.loadSymbolColumn(table, name: name, column: column)
    }
}
