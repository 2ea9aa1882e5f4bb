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
        case .date: .date
        }
    }

    /// The PostgreSQL type of an array's elements: INTEGER elements are `int4` (`'{1}'::int4[]` is `_int4`).
    static func elementType(_ e: ValueType) -> PGType {
        switch e {
        case .bool: .bool
        case .int32: .int4
        case .int: .int8
        case .uint: .numeric
        case .double: .float8
        case .time: .timestamptz
        default: .text
        }
    }

    /// The type of a result column: an array column is sent as the array type of its elements (`_int4`,
    /// `_int8`, `_text`…).
    static func type(of c: ColumnType, arrayElement: ValueType?) -> PGType {
        guard let e = arrayElement else { return type(of: c) }
        return PGType.array(of: elementType(e)) ?? .text
    }

    /// A RowDescription's columns, each in the format the client asked for; a record column (`record`)
    /// always in text: the server writes no binary record encoding.
    static func description(_ columns: [(name: String, type: ColumnType, arrayElement: ValueType?, record: Bool, date: Bool)], formats: [PGFormat]) -> [PGColumnDescription] {
        columns.enumerated().map { i, c in
            PGColumnDescription(name: c.name, type: c.record ? .record : c.date ? .date : type(of: c.type, arrayElement: c.arrayElement),
                                format: c.record ? .text : PGFormat.pick(formats, i))
        }
    }

    /// Appends DataRows for `rows` of `result` to `writer`.
    static func write(_ result: QueryResult, rows: Range<Int>, formats: [PGFormat], into writer: inout PGDataRowWriter) {
        let columns = result.columns
        let f = columns.indices.map { PGFormat.pick(formats, $0) }
        for r in rows {
            writer.beginRow(columns: columns.count)
            for (i, c) in columns.enumerated() {
                if let t = c.postgresRecord {
                    if t.isNull(r) { writer.writeNull() } else { t.withStringBytes(r) { writer.writeText($0) } }
                    continue
                }
                if let d = c.dates {
                    if d.isNull(r) { writer.writeNull() } else { writer.writeDate(days: d.int64s[r], f[i]) }
                    continue
                }
                if let a = c.array {
                    if a.postgresText.isNull(r) { writer.writeNull(); continue }
                    if f[i] == .binary { writeBinary(a, r, into: &writer) } else { a.postgresText.withStringBytes(r) { writer.writeText($0) } }
                    continue
                }
                let v = c.vector
                if v.isNull(r) { writer.writeNull(); continue }
                switch v.type {
                case .time: writer.writeTimestamp(nanoseconds: v.int64s[r], as: .timestamptz, f[i])
                case .int64: writer.writeInteger(v.int64s[r], as: .int8, f[i])
                case .uint64: writer.writeNumeric(v.uint64s[r], f[i])
                case .float64: writer.writeFloat(v.float64s[r], f[i])
                case .bool: writer.writeBool(v.bools[r] != 0, f[i])
                case .string: v.withStringBytes(r) { writer.writeText($0) }
                case .symbol: preconditionFailure("BUG: a symbol column left the engine unresolved")
                case .date: preconditionFailure("BUG: a DATE leaves the engine as its text beside its days (ResultColumn.dates)")
                }
            }
            writer.endRow()
        }
    }

    /// Row `r` of an array column (not NULL) in PostgreSQL's binary array format.
    static func writeBinary(_ a: ResultArray, _ r: Int, into writer: inout PGDataRowWriter) {
        var count = 0, hasNull = false
        a.forEachElement(r) { e in
            count += 1
            if case .null = e { hasNull = true }
        }
        let element = elementType(a.element)
        writer.beginArray(element: element, count: count, hasNull: hasNull)
        a.forEachElement(r) { e in
            switch e {
            case .null: writer.writeNull()
            case let .bool(b): writer.writeBool(b, .binary)
            case let .int(x): writer.writeInteger(x, as: element, .binary)
            case let .uint(x): writer.writeNumeric(x, .binary)
            case let .double(x): writer.writeFloat(x, .binary)
            case let .time(x): writer.writeTimestamp(nanoseconds: x, as: .timestamptz, .binary)
            case let .string(p): writer.writeText(p)
            }
        }
        writer.endArray()
    }
}
