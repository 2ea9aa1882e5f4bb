import ColumnStore

/// Rows written to one raw table since the last maintenance step took them, as the store announced them
/// (`TableChange.rows`), and their reading as a table: an in-memory virtual table under the raw table's
/// name, with the raw table's columns (tags as strings, columns a batch lacks as NULL), so a view's
/// defining query runs on just these rows unchanged.
struct AppendedRows {
    private(set) var batches: [WriteBatch] = []
    private(set) var rowCount = 0

    mutating func append(_ b: WriteBatch) {
        batches.append(b)
        rowCount += b.rowCount
    }

    /// The rows under `schema`'s columns; nil when a batch's column has another type than the table's
    /// (the caller then recomputes from raw instead).
    func table(named name: String, schema: TableSchema) -> VirtualTable? {
        let defs = schema.columns.map { ColumnDef(name: $0.name, type: $0.type == .symbol ? .string : $0.type) }
        var vectors = defs.map { ColumnVector(type: $0.type, capacity: rowCount) }
        for b in batches {
            let n = b.rowCount
            var byName: [String: Int] = [:]
            for (i, c) in b.columns.enumerated() { byName[c.name] = i }
            for (i, def) in schema.columns.enumerated() {
                if def.name == TableSchema.timeColumn {
                    vectors[i].append(int64s: b.time[...])
                    continue
                }
                guard let ci = byName[def.name] else { vectors[i].appendNulls(n); continue }
                let c = b.columns[ci]
                guard c.vector.type == def.type else { return nil }
                if def.type == .symbol {
                    for r in 0..<n {
                        if c.vector.isNull(r) { vectors[i].appendNulls(1); continue }
                        c.dictionary.withBytes(c.vector.codes[r]) { vectors[i].append(string: $0) }
                    }
                } else {
                    vectors[i].append(contentsOf: c.vector, range: 0..<n)
                }
            }
        }
        let rows = vectors
        return VirtualTable(name: name, columns: defs) { _ in rows }
    }
}
