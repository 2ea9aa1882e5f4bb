import ColumnStore

/// The storage's running totals (WAL syncs, flushes, compactions…) as Prometheus counters: counts since
/// the database was opened, so `_total` and `# TYPE … counter` (a database reopened starts again from
/// 0, which Prometheus treats as a counter reset).
enum RunningTotals {
    /// Name (after `tsdb_`), help, and the figure from a database's stats.
    static let all: [(name: String, help: String, value: @Sendable (DatabaseStats) -> Int)] = [
        ("wal_syncs_total", "WAL fdatasync calls since open (one per group commit).", { $0.walSyncs }),
        ("flushes_total", "Memtable flushes since open.", { $0.flushes }),
        ("segments_flushed_total", "Segments written by flushes since open.", { $0.segmentsFlushed }),
        ("compactions_total", "Compaction passes since open.", { $0.compactions }),
        ("segments_compacted_total", "Segments merged or rewritten by compaction since open.", { $0.segmentsCompacted }),
        ("partitions_dropped_total", "Day partitions dropped by retention since open.", { $0.partitionsDropped }),
    ]

    /// Appends the counters of `databases` in the text exposition format.
    static func render(_ databases: [(name: String, database: Database)], into out: inout [UInt8]) {
        guard !databases.isEmpty else { return }
        let stats = databases.map { ($0.name, $0.database.stats) }
        var text = ""
        for m in all {
            text += "# HELP tsdb_\(m.name) \(m.help)\n# TYPE tsdb_\(m.name) counter\n"
            for (db, s) in stats {
                text += "tsdb_\(m.name){db=\"\(PrometheusLabel.escape(db))\"} \(m.value(s))\n"
            }
        }
        out.append(contentsOf: text.utf8)
    }
}

/// Label values in the text exposition format.
enum PrometheusLabel {
    static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"").replacingOccurrences(of: "\n", with: "\\n")
    }
}
