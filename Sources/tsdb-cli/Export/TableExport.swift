import ColumnStore
import Foundation
import Parquet

/// Writes a table as Hive-partitioned Parquet: `DIR/TABLE/day=YYYY-MM-DD/part-N.parquet`, one file per
/// UTC day per export (N is the next free number, so a later export adds files beside earlier ones).
///
/// Reads the table's snapshot one row group (segment block or memtable chunk) at a time and writes each
/// day's file before starting the next, so memory stays at about one Parquet row group. Tags are written
/// as strings; every file has the table's full schema, time first.
struct TableExport {
    let snapshot: TableSnapshot
    /// Rows with `range.contains(time)` are exported.
    let range: Range<Int64>
    let options: ParquetWriterOptions

    struct Summary {
        var rows = 0
        var files: [String] = []
    }

    /// Exports into `directory`; `willWrite` hears each file's path before the file is created (the
    /// archive journals it there).
    func run(to directory: String, willWrite: (String) throws -> Void = { _ in }, progress: (Int) -> Void) throws -> Summary {
        let schema = snapshot.schema
        let columns = schema.columns.map { ParquetColumn(name: $0.name, type: $0.type == .symbol ? .string : $0.type) }
        var byDay: [Int32: [RowGroup]] = [:]
        for g in snapshot.rowGroups where g.rowCount > 0 && g.maxTime >= range.lowerBound && g.minTime < range.upperBound {
            byDay[Day.of(g.minTime), default: []].append(g)
        }
        var summary = Summary()
        let tableDir = directory + "/" + schema.table
        for day in byDay.keys.sorted() {
            let groups = byDay[day]!.sorted { $0.minTime < $1.minTime }
            let dir = tableDir + "/day=" + Day.name(day)
            try FileIO.makeDirectories(dir)
            var n = 0
            while FileIO.exists(dir + "/part-\(n).parquet") { n += 1 }
            let path = dir + "/part-\(n).parquet"
            try willWrite(path)
            let file = try ParquetFileWriter(path: path, columns: columns, options: options)
            var written = 0
            do {
                for g in groups {
                    let vectors = try read(g)
                    let keep = rows(vectors[0])
                    if keep.count == g.rowCount {
                        try file.write(vectors, rows: 0..<g.rowCount)
                    } else if !keep.isEmpty {
                        try file.write(vectors.map { $0.gather(keep) }, rows: 0..<keep.count)
                    }
                    written += keep.count
                    progress(summary.rows + written)
                }
                if written == 0 {
                    file.abandon()
                    continue
                }
                try file.finish()
            } catch {
                file.abandon()
                throw error
            }
            summary.rows += written
            summary.files.append(path)
        }
        return summary
    }

    /// Every column of `g`, time first, tags resolved to the strings they stand for.
    func read(_ g: RowGroup) throws -> [ColumnVector] {
        var vectors: [ColumnVector] = []
        var raw = ColumnVector(type: .int64)
        for (c, def) in snapshot.schema.columns.enumerated() {
            try g.read(c, type: def.type, into: &raw)
            vectors.append(def.type == .symbol ? try resolve(raw, column: c) : raw)
        }
        return vectors
    }

    /// The rows whose time is in `range`.
    func rows(_ time: ColumnVector) -> [Int32] {
        var keep: [Int32] = []
        keep.reserveCapacity(time.count)
        for (i, t) in time.int64s.enumerated() where range.contains(t) { keep.append(Int32(i)) }
        return keep
    }

    /// A tag column's codes as the strings they stand for.
    func resolve(_ codes: ColumnVector, column: Int) throws -> ColumnVector {
        var out = ColumnVector(type: .string, capacity: codes.count)
        guard let dictionary = snapshot.dictionary(column) else {
            if codes.nullCount == codes.count { return ColumnVector(type: .string, nulls: codes.count) }
            throw CLIError("table \(snapshot.schema.table): no dictionary for tag column \(snapshot.schema.columns[column].name)")
        }
        try dictionary.withTable { table in
            try table.arena.withUnsafeBytes { arena in
                for r in 0..<codes.count {
                    if codes.isNull(r) { out.appendNulls(1); continue }
                    let code = Int(codes.codes[r])
                    guard code + 1 < table.offsets.count else {
                        throw CLIError("tag code \(code) of column \(snapshot.schema.columns[column].name) is not in its dictionary")
                    }
                    out.append(string: UnsafeRawBufferPointer(rebasing: arena[Int(table.offsets[code])..<Int(table.offsets[code + 1])]))
                }
            }
        }
        return out
    }
}
