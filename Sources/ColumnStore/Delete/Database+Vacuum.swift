import Foundation

/// What a purge removed.
public struct VacuumResult: Sendable, Equatable {
    /// Deleted rows whose bytes left the segments.
    public var rowsPurged = 0
    /// Segments rewritten (or removed, when no live row was left).
    public var segmentsRewritten = 0
    /// Tag values no remaining row uses, erased from the symbol dictionaries.
    public var symbolsErased = 0
    public init() {}
}

extension Database {
    /// Purges deleted rows physically, for one table or all: flushes the memtable (so the WAL files that
    /// held rows up to now are trimmed), rewrites every day partition holding deleted rows without them
    /// (compaction), then erases from each tag column's dictionary the values no remaining row uses
    /// (segments and memtable), rewriting the dictionary file. After it, no byte of a deleted row is in a
    /// segment, the WAL or a dictionary. Also run by the background `options.purgeAfter` after a delete.
    @discardableResult
    public func vacuum(table only: String? = nil) throws -> VacuumResult {
        if let only {
            try checkNotDamaged(only)
            guard schema(of: only) != nil else { throw StorageError.unknownTable(only) }
        }
        return try maintenance.withLock {
            try flushHoldingMaintenance()
            var r = VacuumResult()
            r.rowsPurged = state.withLock {
                tables.filter { only == nil || $0.key == only }.values.reduce(0) { n, t in
                    n + t.segments.values.joined().reduce(0) { $0 + ($1.deletes?.deletedRows ?? 0) }
                }
            }
            r.segmentsRewritten = try compactHoldingMaintenance(table: only, minSegments: Int.max, purge: true)
            let names = only.map { [$0] } ?? tableNames()
            for name in names { r.symbolsErased += try eraseUnusedSymbols(table: name) }
            state.withLock {
                let pending = tables.values.contains { $0.segments.values.joined().contains { $0.deletes != nil } }
                if !pending { purgeDue = nil }
            }
            return r
        }
    }

    /// Erases the dictionary entries of `table`'s tag columns that no live row references, and rewrites
    /// their files. Called with `maintenance` held (segments cannot change meanwhile); the memtable is
    /// scanned and the entries erased under the state lock, so no write can start using an erased code
    /// (a later write of the same value interns it again under a new code). Returns the entries erased.
    func eraseUnusedSymbols(table: String) throws -> Int {
        let found: (TableSchema, [LiveSegment], [Int: SymbolDictionary])? = state.withLock {
            guard let t = tables[table] else { return nil }
            return (t.schema, Array(t.segments.values.joined()), t.symbols)
        }
        guard let (schema, segs, symbols) = found else { return 0 }
        var erasedTotal = 0
        for (col, dict) in symbols.sorted(by: { $0.key < $1.key }) {
            let known = dict.count
            var used = Bitmap(count: known, value: false)
            func mark(_ v: ColumnVector, _ rows: [Int32]?) {
                v.codes.withUnsafeBufferPointer { codes in
                    if let rows {
                        for i in rows where !v.isNull(Int(i)) && Int(codes[Int(i)]) < known { used[Int(codes[Int(i)])] = true }
                    } else {
                        for i in 0..<v.count where !v.isNull(i) && Int(codes[i]) < known { used[Int(codes[i])] = true }
                    }
                }
            }
            for s in segs {
                guard let c = s.reader.column(named: schema.columns[col].name) else { continue }
                mark(try s.reader.readColumn(c), s.deletes?.liveRows)
            }
            let erased: [UInt32] = state.withLock {
                for mt in flushing + [active] {
                    for chunk in mt.chunks(table: table, range: Int64.min...Int64.max, schema: schema) where col < chunk.columns.count {
                        mark(chunk.columns[col], nil)
                    }
                }
                let already = dict.erasedCodes
                let gone = (0..<UInt32(known)).filter { !used[Int($0)] && !already.contains($0) }
                dict.erase(gone)
                return gone
            }
            if !erased.isEmpty {
                try FileIO.makeDirectories(path + "/" + table + "/" + FileNames.symbolsDirectory)
                try dict.rewrite(to: symbolPath(table: table, column: schema.columns[col].name))
            }
            erasedTotal += erased.count
        }
        return erasedTotal
    }

    /// Removes every row of `table` and purges them (DELETE of all rows, then VACUUM); keeps the table, its
    /// schema and options. Returns the rows removed. Rows written while it runs survive (they are after it).
    @discardableResult
    public func truncate(table: String) throws -> Int {
        let n = try delete(from: table) { _ in nil }
        try vacuum(table: table)
        return n
    }

    /// Drops a table: its rows, schema, options and folder. Returns false when there is no such table.
    ///
    /// The memtable is flushed first; then the table leaves memory (with any rows that raced the flush) and
    /// a manifest without it is saved atomically — before that save a crash leaves the table whole, after
    /// it the table is gone; its folder is removed next (open finishes that after a crash, `droppedTables`).
    @discardableResult
    public func dropTable(_ table: String) throws -> Bool {
        try checkNotDamaged(table)
        return try maintenance.withLock {
            try flushHoldingMaintenance()
            let gone: Table? = state.withLock {
                guard let t = tables.removeValue(forKey: table) else { return nil }
                active.removeTable(table)
                return t
            }
            guard let gone else { return false }
            do { try notifyChange(TableChange(table: table, days: Int32.min...Int32.max, kind: .drop)) } catch {
                state.withLock { if tables[table] == nil { tables[table] = gone } }
                throw error
            }
            do {
                try saveManifest { m in
                    // The whole folder goes: `droppedTables` lets open finish removing it after a crash.
                    m.retired = []
                    m.tables[table] = nil
                    var dropped = m.droppedTables ?? []
                    if !dropped.contains(table) { dropped.append(table) }
                    m.droppedTables = dropped
                }
            } catch {
                state.withLock { if tables[table] == nil { tables[table] = gone } }
                throw error
            }
            var readers = gone.segments.values.joined().map(\.reader)
            // Snapshots taken earlier may still read these files: keep them mapped past the unlink.
            for i in readers.indices where !isKnownUniquelyReferenced(&readers[i]) { readers[i].retire() }
            readers = []
            FileIO.removeTree(path + "/" + table)
            try FileIO.fsyncDirectory(path)
            return true
        }
    }
}
