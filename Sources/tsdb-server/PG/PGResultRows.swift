import ColumnStore
import NIOCore
import PGWire
import QueryEngine

/// A query result as PostgreSQL rows: the type of each column and DataRows encoded in slices.
enum PGResultRows {
    /// The PostgreSQL type tsdb's result columns are sent as: times are UTC instants (timestamptz),
    /// unsigned integers may pass int8's range (numeric).
    static func type(of c: ColumnType) -> PGType {
        switch c {
        case .time: .timestamptz
        case .int64: .int8
        case .uint64: .numeric
        case .float64: .float8
        case .bool: .bool
        case .string, .symbol: .text
        }
    }

    /// The type of a result column: an array column is sent as the array type of its elements (`_int8`,
    /// `_text`…), in PostgreSQL's text form.
    static func type(of c: ColumnType, arrayElement: ColumnType?) -> PGType {
        guard let e = arrayElement else { return type(of: c) }
        return PGType.array(of: type(of: e)) ?? .text
    }

    /// A RowDescription's columns. Array columns are described in text format whatever the client asked:
    /// the server writes no binary array encoding.
    static func description(_ columns: [(name: String, type: ColumnType, arrayElement: ColumnType?)], formats: [PGFormat]) -> [PGColumnDescription] {
        columns.enumerated().map { i, c in
            PGColumnDescription(name: c.name, type: type(of: c.type, arrayElement: c.arrayElement),
                                format: c.arrayElement == nil ? PGFormat.pick(formats, i) : .text)
        }
    }

    /// Appends DataRows for `rows` of `result` to `writer`.
    static func write(_ result: QueryResult, rows: Range<Int>, formats: [PGFormat], into writer: inout PGDataRowWriter) {
        let columns = result.columns
        let f = columns.indices.map { PGFormat.pick(formats, $0) }
        for r in rows {
            writer.beginRow(columns: columns.count)
            for (i, c) in columns.enumerated() {
                let v = c.array?.postgresText ?? c.vector
                if v.isNull(r) { writer.writeNull(); continue }
                switch v.type {
                case .time: writer.writeTimestamp(nanoseconds: v.int64s[r], as: .timestamptz, f[i])
                case .int64: writer.writeInteger(v.int64s[r], as: .int8, f[i])
                case .uint64: writer.writeNumeric(v.uint64s[r], f[i])
                case .float64: writer.writeFloat(v.float64s[r], f[i])
                case .bool: writer.writeBool(v.bools[r] != 0, f[i])
                case .string: v.withStringBytes(r) { writer.writeText($0) }
                case .symbol: preconditionFailure("BUG: a symbol column left the engine unresolved")
                }
            }
            writer.endRow()
        }
    }
}
