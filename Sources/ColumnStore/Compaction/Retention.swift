import Foundation

extension Database {
    /// Drops whole day partitions older than each table's `retentionDays` (days before `now`'s UTC day).
    /// Returns the number of partitions dropped.
    @discardableResult
    public func applyRetention(now: Int64 = Int64(Date().timeIntervalSince1970 * 1e9)) throws -> Int {
        try refuseIfReadOnly()
        return try maintenance.withLock {
            let today = Day.of(now)
            // Expired days still in the memtable go too: the flush leaves them out of the segments it writes.
            let expiredInMemory: Bool = state.withLock {
                ([active] + flushing).contains { mt in
                    mt.tables.contains { name, days in
                        guard let keep = tables[name]?.options.retentionDays else { return false }
                        return days.keys.contains { $0 < today - Int32(clamping: keep) }
                    }
                }
            }
            if expiredInMemory { try flushHoldingMaintenance() }
            let doomed: [(String, Int32, [String])] = state.withLock {
                var d: [(String, Int32, [String])] = []
                for (name, t) in tables {
                    guard let keep = t.options.retentionDays else { continue }
                    for (day, segs) in t.segments where day < today - Int32(keep) {
                        d.append((name, day, segs.map { $0.entry.file }))
                    }
                }
                return d
            }
            guard !doomed.isEmpty else { return 0 }
            for (name, days) in Dictionary(grouping: doomed, by: { $0.0 }) { try notifyDays(name, days.map(\.1), .expire) }
            try saveManifest { m in
                m.retired = []
                for (name, day, files) in doomed {
                    let dn = Day.name(day)
                    let gone = m.tables[name]!.segments.filter { $0.day == dn && files.contains($0.file) }
                    m.retired! += gone.flatMap { [$0.file] + ($0.deletes.map { [$0] } ?? []) }.map { name + "/" + dn + "/" + $0 }
                    m.tables[name]!.segments.removeAll { $0.day == dn && files.contains($0.file) }
                }
            }
            var readers: [SegmentReader] = state.withLock {
                var gone: [SegmentReader] = []
                for (name, day, _) in doomed {
                    gone += (tables[name]?.segments[day] ?? []).map(\.reader)
                    tables[name]?.segments[day] = nil
                }
                return gone
            }
            // Snapshots taken earlier may still read these files: keep them mapped past the unlink.
            for i in readers.indices where !isKnownUniquelyReferenced(&readers[i]) { readers[i].retire() }
            readers = []
            for (name, day, _) in doomed { FileIO.removeTree(path + "/" + name + "/" + Day.name(day)) }
            counters.partitionsDropped.wrappingIncrement(by: doomed.count, ordering: .relaxed)
            return doomed.count
        }
    }
}
