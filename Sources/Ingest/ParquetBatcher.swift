import ColumnStore
import Parquet

/// Turns the row groups of a Parquet file into `WriteBatch`es for one table: the time column becomes
/// the designated timestamp, the named string columns become tags, every other column a field of its type
/// (another timestamp column becomes an integer field of nanoseconds).
public struct ParquetBatcher: Sendable {
    public let table: String
    public let columns: [ParquetFileColumn]
    /// Index of the time column.
    public let timeColumn: Int
    /// Indices of the columns written as tags.
    public let tagColumns: Set<Int>

    /// Checks the plan against the file's columns: the time column exists and holds timestamps or
    /// integers (nanoseconds), each tag names a string column.
    public init(table: String, columns: [ParquetFileColumn], timeColumn: String = "time", tags: [String] = []) throws(ParquetImportError) {
        guard !table.isEmpty else { throw ParquetImportError("the table name is empty") }
        guard let t = columns.firstIndex(where: { $0.name == timeColumn }) else {
            throw ParquetImportError("no column '\(timeColumn)' for the time (columns: \(columns.map(\.name).joined(separator: ", "))); name one with --time-column")
        }
        guard columns[t].type == .time || columns[t].type == .int64 || columns[t].type == .date else {
            throw ParquetImportError("column '\(timeColumn)' is \(columns[t].type), not a timestamp")
        }
        var tagColumns = Set<Int>()
        for tag in tags {
            guard let i = columns.firstIndex(where: { $0.name == tag }) else { throw ParquetImportError("--tags names '\(tag)', which is not a column") }
            guard columns[i].type == .string else { throw ParquetImportError("--tags names '\(tag)', a \(columns[i].type) column: tags are strings") }
            guard i != t else { throw ParquetImportError("'\(tag)' is the time column") }
            tagColumns.insert(i)
        }
        var seen = Set<String>()
        for c in columns where !seen.insert(c.name).inserted {
            throw ParquetImportError("the file has two columns named '\(c.name)'")
        }
        self.table = table
        self.columns = columns
        self.timeColumn = t
        self.tagColumns = tagColumns
    }

    /// One row group's vectors (in the file's column order) as a batch. A NULL time is an error naming
    /// the row (`firstRow` is the row group's first row in the file).
    public func batch(_ vectors: [ColumnVector], firstRow: Int) throws(ParquetImportError) -> WriteBatch {
        let time = vectors[timeColumn]
        if let validity = time.validity, !validity.allSet {
            let r = (0..<time.count).first { !validity[$0] }!
            throw ParquetImportError("row \(firstRow + r + 1) has a NULL \(columns[timeColumn].name)")
        }
        // A DATE time column: each day's midnight (UTC).
        var batch = WriteBatch(table: table, time: time.type == .date ? time.int64s.map { $0 &* 86_400_000_000_000 } : time.int64s)
        for (c, v) in vectors.enumerated() where c != timeColumn {
            let name = columns[c].name
            if tagColumns.contains(c) {
                var dictionary = ByteStringTable()
                var codes = ColumnVector(type: .symbol, capacity: v.count)
                v.offsets.withUnsafeBufferPointer { o in v.bytes.withUnsafeBytes { b in
                    for r in 0..<v.count {
                        if v.isNull(r) { codes.appendNulls(1); continue }
                        codes.append(code: dictionary.intern(UnsafeRawBufferPointer(rebasing: b[Int(o[r])..<Int(o[r + 1])])))
                    }
                } }
                batch.columns.append(BatchColumn(name: name, vector: codes, dictionary: dictionary))
            } else if v.type == .time {
                var ints = ColumnVector(type: .int64, capacity: v.count)
                for r in 0..<v.count { if v.isNull(r) { ints.appendNulls(1) } else { ints.append(int64: v.int64s[r]) } }
                batch.columns.append(BatchColumn(name: name, vector: ints))
            } else {
                batch.columns.append(BatchColumn(name: name, vector: v))
            }
        }
        return batch
    }
}

/// A Parquet file that cannot be imported as asked.
public struct ParquetImportError: Error, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
