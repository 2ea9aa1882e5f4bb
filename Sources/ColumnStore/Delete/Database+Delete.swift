import Foundation
import Synchronization

extension Database {
    /// Deletes the rows `select` picks and returns how many it deleted.
    ///
    /// The memtable is flushed first, so every row written before the call is in a segment; then each
    /// segment block whose time range meets `timeRange` is offered to `select` as a `RowGroup` (its live rows
    /// only), which answers the offsets of the rows to delete (nil: all of them, []: none). `threads` threads
    /// offer blocks at once, so `select` must be safe to call concurrently. The result is one new delete
    /// vector file per segment touched, made durable, then published by one atomic manifest save: a crash
    /// leaves the table as before the call or as after it. Queries from then on skip the rows; `vacuum` (or
    /// the background purge, `options.purgeAfter`) removes their bytes.
    ///
    /// Rows written while the call runs are not offered (they are after it). Runs beside writes and queries;
    /// flush, compaction and retention wait for it.
    public func delete(from table: String, timeRange: ClosedRange<Int64> = Int64.min...Int64.max, threads: Int = 1,
                       select: (RowGroup) throws -> [Int32]?) throws -> Int {
        try checkNotDamaged(table)
        return try maintenance.withLock {
            try flushHoldingMaintenance()
            typealias Seg = (day: Int32, seg: LiveSegment, map: [Int?])
            let segs: [Seg]? = state.withLock {
                guard let t = tables[table] else { return nil }
                var out: [Seg] = []
                for day in t.segments.keys.sorted() {
                    for s in t.segments[day]! where s.entry.minTime <= timeRange.upperBound && s.entry.maxTime >= timeRange.lowerBound {
                        out.append((day, s, t.schema.columns.map { s.reader.column(named: $0.name) }))
                    }
                }
                return out
            }
            guard let segs else { throw StorageError.unknownTable(table) }
            // The blocks to offer, in segment order: the scan is spread over threads, the marking is not.
            var units: [DeleteUnit] = []
            for (si, (_, s, _)) in segs.enumerated() {
                var first = 0
                for (b, rows) in s.reader.footer.blockRowCounts.enumerated() {
                    defer { first += rows }
                    if s.deletes?.keep[b]?.isEmpty == true { continue }
                    let ts = s.reader.footer.blocks[0][b].stats
                    guard ts.minInt <= timeRange.upperBound && ts.maxInt >= timeRange.lowerBound else { continue }
                    units.append(DeleteUnit(segment: si, block: b, first: first, rows: rows))
                }
            }
            let picks = try Self.offer(units, threads: threads) { u in
                let (_, s, map) = segs[u.segment]
                let keep = s.deletes?.keep[u.block]
                let ts = s.reader.footer.blocks[0][u.block].stats
                let g = RowGroup(source: .segment(s.reader, block: u.block, columns: map), rowCount: keep?.count ?? u.rows,
                                 minTime: ts.minInt, maxTime: ts.maxInt, keep: keep)
                return try select(g)
            }
            var changed: [DeleteChange] = []
            var total = 0
            var next = 0
            for (si, (day, s, _)) in segs.enumerated() {
                var bits: Bitmap?
                while next < units.count && units[next].segment == si {
                    let u = units[next]
                    let picked = picks[next]
                    next += 1
                    if picked?.isEmpty == true { continue }
                    let keep = s.deletes?.keep[u.block]
                    if bits == nil { bits = s.deletes?.vector.deleted ?? Bitmap(count: s.reader.rowCount, value: false) }
                    if let picked {
                        for i in picked { bits![u.first + Int(keep.map { $0[Int(i)] } ?? i)] = true }
                    } else if let keep {
                        for i in keep { bits![u.first + Int(i)] = true }
                    } else {
                        for i in 0..<u.rows { bits![u.first + i] = true }
                    }
                }
                guard let bits else { continue }
                let n = bits.popCount - (s.deletes?.deletedRows ?? 0)
                guard n > 0, let c = deleteChange(day: day, segment: s, deleted: bits) else { continue }
                total += n
                changed.append(c)
            }
            guard !changed.isEmpty else { return 0 }
            try publishDeletes(table: table, changed)
            return total
        }
    }

    /// `select`'s answer for each unit, asked from `threads` threads at once (each unit once; the answers
    /// in the units' order). The first error stops the others and is thrown.
    static func offer(_ units: [DeleteUnit], threads: Int, _ select: (DeleteUnit) throws -> [Int32]?) throws -> [[Int32]?] {
        let workers = max(1, min(threads, units.count))
        if workers == 1 { return try units.map(select) }
        return try withoutActuallyEscaping(select) { select in
            let offer = ParallelOffer(units, select)
            defer { offer.release() }
            DispatchQueue.concurrentPerform(iterations: workers) { _ in offer.work() }
            return try offer.result()
        }
    }

    /// Writes the delete vector files, syncs them, saves the manifest that names them, then swaps them in
    /// memory and unlinks the files they replace. Called with `maintenance` held.
    func publishDeletes(table: String, _ changed: [DeleteChange]) throws {
        try notifyDays(table, changed.map(\.day), .delete)
        let paths = changed.map { segmentPath(table: table, day: Day.name($0.day), file: $0.file) }
        let uncertainBefore = maintenanceFailure != nil
        do {
            for (c, p) in zip(changed, paths) { try c.vector.write(to: p) }
            try FileIO.syncAll(paths)
            try FileIO.syncAll(Array(Set(paths.map { FileIO.parent(of: $0) })))
            try saveManifest { m in
                m.retired = []
                Self.record(changed, table: table, in: &m)
            }
        } catch {
            // As in compaction: after a save that may have renamed, the manifest on disk may name these files.
            if !uncertainBefore && maintenanceFailure != nil { throw error }
            for p in paths { FileIO.unlink(p) }
            throw error
        }
        let old = state.withLock { installLocked(changed, table: table) }
        for p in old { FileIO.unlink(p) }
    }

    /// Names the new delete vectors in manifest `m` and retires the ones they replace.
    static func record(_ changed: [DeleteChange], table: String, in m: inout Manifest) {
        for c in changed {
            let dn = Day.name(c.day)
            guard let i = m.tables[table]?.segments.firstIndex(where: { $0.day == dn && $0.file == c.segment }) else { continue }
            if let old = m.tables[table]!.segments[i].deletes { m.retired = (m.retired ?? []) + [table + "/" + dn + "/" + old] }
            m.tables[table]!.segments[i].deletes = c.file
            m.tables[table]!.segments[i].deletedRows = c.vector.deleted.popCount
        }
    }

    /// Puts published delete vectors in effect for queries; returns the paths of the vector files they
    /// replace (to unlink). Called with `state` held.
    func installLocked(_ changed: [DeleteChange], table: String) -> [String] {
        var old: [String] = []
        guard let t = tables[table] else { return old }
        for c in changed {
            guard let i = t.segments[c.day]?.firstIndex(where: { $0.entry.file == c.segment }) else { continue }
            var s = t.segments[c.day]![i]
            if let o = s.entry.deletes { old.append(segmentPath(table: table, day: Day.name(c.day), file: o)) }
            s.entry.deletes = c.file
            s.entry.deletedRows = c.vector.deleted.popCount
            s.deletes = SegmentDeletes(c.vector, blockRowCounts: s.reader.footer.blockRowCounts)
            t.segments[c.day]![i] = s
        }
        if purgeDue == nil { purgeDue = Self.now() }
        return old
    }

    /// A new delete vector for a segment: allocates its file name (an id from `nextSegmentID`).
    func deleteChange(day: Int32, segment: LiveSegment, deleted: Bitmap) -> DeleteChange? {
        guard let segID = FileNames.segmentID(segment.entry.file) else { return nil }
        let id = manifest.nextSegmentID
        manifest.nextSegmentID += 1
        return DeleteChange(day: day, segment: segment.entry.file, vector: DeleteVector(segmentID: segID, deleted: deleted),
                            file: FileNames.deleteVectorFile(id))
    }
}

/// One segment's new delete vector, not yet published.
struct DeleteChange {
    var day: Int32
    /// The segment's file name.
    var segment: String
    var vector: DeleteVector
    /// The vector's file name.
    var file: String
}

/// One segment block a DELETE offers to its row selection.
struct DeleteUnit {
    /// Index into the DELETE's list of segments.
    var segment: Int
    var block: Int
    /// The block's first row in the segment.
    var first: Int
    /// Rows in the block, deleted ones included.
    var rows: Int
}

/// The shared state of a parallel DELETE scan: threads take units from `cursor` and each writes its
/// unit's answer into its own slot, so the slots need no lock. `@unchecked Sendable` for that reason; the
/// closure does not outlive `Database.offer`, which waits for every thread.
private final class ParallelOffer: @unchecked Sendable {
    let units: [DeleteUnit]
    let select: (DeleteUnit) throws -> [Int32]?
    let answers: UnsafeMutableBufferPointer<[Int32]?>
    let cursor = Atomic<Int>(0)
    let failure = Mutex<(any Error)?>(nil)

    init(_ units: [DeleteUnit], _ select: @escaping (DeleteUnit) throws -> [Int32]?) {
        self.units = units
        self.select = select
        answers = .allocate(capacity: units.count)
        answers.initialize(repeating: [])
    }

    func work() {
        while true {
            let i = cursor.wrappingAdd(1, ordering: .relaxed).oldValue
            guard i < units.count, failure.withLock({ $0 == nil }) else { return }
            do {
                answers[i] = try select(units[i])
            } catch {
                failure.withLock { if $0 == nil { $0 = error } }
            }
        }
    }

    func result() throws -> [[Int32]?] {
        if let e = failure.withLock({ $0 }) { throw e }
        return Array(answers)
    }

    func release() {
        answers.deinitialize()
        answers.deallocate()
    }
}
