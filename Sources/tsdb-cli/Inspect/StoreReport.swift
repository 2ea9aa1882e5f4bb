import ColumnStore
import QueryEngine

/// What `inspect` shows of a database: per table its columns, partitions and segments, with sizes,
/// encodings and compression ratios, gathered from the segment footers. Encodable as `--json`.
struct StoreReport: Encodable {
    var database: String
    var path: String
    /// Rows written but not yet flushed to segments.
    var memtableRows: Int
    var tables: [TableReport]

    struct TableReport: Encodable {
        var name: String
        var rows: Int
        var bytes: Int
        var partitionCount: Int
        var segmentCount: Int
        var firstDay: String?
        var lastDay: String?
        var compression: String
        var retentionDays: Int?
        var columns: [ColumnReport]
        var partitions: [PartitionReport]
    }

    struct ColumnReport: Encodable {
        var name: String
        var type: String
        var storedBytes: Int
        var rawBytes: Int
        /// raw / stored; 0 when nothing is stored.
        var compressionRatio: Double
        var nulls: Int
        var blocks: Int
        /// Distinct values of a tag column (its symbol dictionary).
        var symbols: Int?
        /// `encoding+compression` → number of blocks.
        var encodings: [String: Int]
    }

    struct PartitionReport: Encodable {
        var day: String
        var rows: Int
        var bytes: Int
        var minTime: String
        var maxTime: String
        var segments: [SegmentReport]
    }

    struct SegmentReport: Encodable {
        var file: String
        var rows: Int
        var bytes: Int
        var blocks: Int
        var minTime: String
        var maxTime: String
    }

    /// Reads the report off an open database (only `only` when given).
    static func gather(_ db: Database, name: String, only: String?) throws -> StoreReport {
        var tables: [TableReport] = []
        for t in db.tableNames() where only == nil || only == t {
            guard let schema = db.schema(of: t) else { continue }
            let segs = try db.readSegments(of: t)
            let opts = db.tableOptions(of: t)
            let symbols = try db.readSnapshot(table: t, range: 0...0)?.symbols ?? [:]
            var cols: [ColumnReport] = schema.columns.enumerated().map { i, c in
                ColumnReport(name: c.name, type: c.type.description, storedBytes: 0, rawBytes: 0, compressionRatio: 0,
                             nulls: 0, blocks: 0, symbols: c.type == .symbol ? symbols[i]?.count ?? 0 : nil, encodings: [:])
            }
            var byName: [String: Int] = [:]
            for (i, c) in schema.columns.enumerated() { byName[c.name] = i }
            var parts: [PartitionReport] = []
            for s in segs {
                let f = s.footer
                for (ci, def) in f.columns.enumerated() {
                    guard let i = byName[def.name] else { continue }
                    for b in f.blocks[ci] {
                        cols[i].storedBytes += Int(b.length)
                        cols[i].rawBytes += Int(b.rawBytes)
                        cols[i].nulls += b.stats.nullCount
                        cols[i].blocks += 1
                        cols[i].encodings[codecName(b), default: 0] += 1
                    }
                }
                // Columns a segment predates read as NULL there.
                let present = Set(f.columns.map(\.name))
                for (i, c) in schema.columns.enumerated() where !present.contains(c.name) { cols[i].nulls += s.rows }
                let file = String(s.path.split(separator: "/").last ?? "")
                let seg = SegmentReport(file: file, rows: s.rows, bytes: s.bytes, blocks: f.blockRowCounts.count,
                                        minTime: RFC3339.string(f.minTime), maxTime: RFC3339.string(f.maxTime))
                if let last = parts.indices.last, parts[last].day == s.day {
                    parts[last].rows += s.rows
                    parts[last].bytes += s.bytes
                    parts[last].minTime = min(parts[last].minTime, seg.minTime)
                    parts[last].maxTime = max(parts[last].maxTime, seg.maxTime)
                    parts[last].segments.append(seg)
                } else {
                    parts.append(PartitionReport(day: s.day, rows: s.rows, bytes: s.bytes, minTime: seg.minTime,
                                                 maxTime: seg.maxTime, segments: [seg]))
                }
            }
            for i in cols.indices where cols[i].storedBytes > 0 {
                cols[i].compressionRatio = Double(cols[i].rawBytes) / Double(cols[i].storedBytes)
            }
            tables.append(TableReport(
                name: t, rows: segs.reduce(0) { $0 + $1.rows }, bytes: segs.reduce(0) { $0 + $1.bytes },
                partitionCount: parts.count, segmentCount: segs.count, firstDay: parts.first?.day, lastDay: parts.last?.day,
                compression: opts?.compression.name ?? "lz4", retentionDays: opts?.retentionDays, columns: cols, partitions: parts))
        }
        return StoreReport(database: name, path: db.path, memtableRows: db.memtableRows, tables: tables)
    }

    /// `for+lz4`, `constant`, `plain+zstd`: a block's encoding, and its compression when it has one.
    static func codecName(_ b: BlockRef) -> String {
        let enc = EncodingID(rawValue: b.encoding)?.description ?? "encoding-\(b.encoding)"
        guard let comp = CompressionKind(rawValue: b.compression) else { return enc + "+compression-\(b.compression)" }
        return comp == .none ? enc : enc + "+" + comp.name
    }

    /// The report for people: per table a summary line, the columns, and (with `partitions`) the partitions.
    func text(partitions: Bool, segments: Bool) -> String {
        let rows = tables.reduce(0) { $0 + $1.rows }, bytes = tables.reduce(0) { $0 + $1.bytes }
        let segs = tables.reduce(0) { $0 + $1.segmentCount }
        var out = "database \(database) (\(path)): \(tables.count) table\(tables.count == 1 ? "" : "s"), "
            + "\(Units.count(rows)) rows, \(Units.bytes(bytes)) in \(Units.count(segs)) segment\(segs == 1 ? "" : "s")\n"
        if memtableRows > 0 { out += "memtable: \(Units.count(memtableRows)) rows not yet flushed to segments\n" }
        for t in tables {
            out += "\ntable \(t.name): \(Units.count(t.rows)) rows, \(Units.bytes(t.bytes)), "
                + "\(t.partitionCount) partition\(t.partitionCount == 1 ? "" : "s")"
            if let a = t.firstDay, let b = t.lastDay { out += a == b ? " (\(a))" : " (\(a) … \(b))" }
            out += ", \(t.segmentCount) segment\(t.segmentCount == 1 ? "" : "s")"
            out += "; compression \(t.compression), retention \(t.retentionDays.map { Units.plural($0, "day") } ?? "none")\n"
            var table = TextTable(["column", "type", "stored", "raw", "ratio", "nulls", "symbols", "encodings (blocks)"],
                                  rightAligned: [false, false, true, true, true, true, true, false])
            for c in t.columns {
                let enc = c.encodings.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
                    .map { "\($0.key) \($0.value)" }.joined(separator: ", ")
                table.add([c.name, c.type, Units.bytes(c.storedBytes), Units.bytes(c.rawBytes),
                           c.storedBytes > 0 ? Units.fixed(c.compressionRatio, 2) + "x" : "-", Units.count(c.nulls),
                           c.symbols.map(Units.count) ?? "", enc])
            }
            let stored = t.columns.reduce(0) { $0 + $1.storedBytes }, raw = t.columns.reduce(0) { $0 + $1.rawBytes }
            table.add(["(all)", "", Units.bytes(stored), Units.bytes(raw), stored > 0 ? Units.fixed(Double(raw) / Double(stored), 2) + "x" : "-", "", "", ""])
            out += table.render(indent: "  ")
            guard partitions else { continue }
            out += "\n"
            var pt = TextTable(["partition", "segments", "rows", "bytes", "min time", "max time"],
                               rightAligned: [false, true, true, true, false, false])
            for p in t.partitions {
                pt.add([p.day, String(p.segments.count), Units.count(p.rows), Units.bytes(p.bytes), p.minTime, p.maxTime])
                if segments {
                    for s in p.segments {
                        pt.add(["  " + s.file, "\(s.blocks) blk", Units.count(s.rows), Units.bytes(s.bytes), s.minTime, s.maxTime])
                    }
                }
            }
            out += pt.render(indent: "  ")
        }
        if tables.isEmpty { out += "(no tables)\n" }
        return out
    }
}
