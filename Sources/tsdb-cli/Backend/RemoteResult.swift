import ColumnStore
import QueryEngine

/// Rebuilds a `QueryResult` from a server's CSV answer, so a remote table prints through the same renderer
/// (and the same row cap) as an embedded one.
///
/// CSV keeps the column order and names (also of an empty result) and tells NULL (an empty unquoted
/// field) from the empty string (`""`). Each column's type is read back from its text: integers,
/// floats (the writer always prints a `.`, an exponent, `inf` or `nan`), `true`/`false`, RFC 3339
/// timestamps, else strings. What CSV cannot say: a text column whose every value looks like a number
/// reads as a number, an unsigned column within Int64's range reads as `integer`, and a column that
/// is empty or all NULL reads as `string`.
enum RemoteResult {
    /// Parses `bytes` (RFC 4180: a header row, LF or CRLF line ends, `"` quoting) into columns.
    static func decode(csv bytes: [UInt8]) -> QueryResult {
        let rows = parse(bytes)
        guard let header = rows.first else { return QueryResult(columns: []) }
        return decode(header: header, rows: rows.dropFirst())
    }

    /// Columns named by `header`, typed from the text of `body`'s cells.
    static func decode(header: [Field], rows body: some Collection<[Field]>) -> QueryResult {
        var columns: [ResultColumn] = []
        for (c, name) in header.enumerated() {
            let cells: [Field?] = body.map { row in
                guard c < row.count else { return nil }
                let f = row[c]
                return f.quoted || !f.text.isEmpty ? f : nil
            }
            columns.append(ResultColumn(name: name.text, vector: column(cells)))
        }
        return QueryResult(columns: columns)
    }

    struct Field {
        var text: String
        var quoted: Bool
    }

    /// The records of a CSV text.
    static func parse(_ bytes: [UInt8]) -> [[Field]] {
        var rows: [[Field]] = []
        var row: [Field] = []
        var field: [UInt8] = []
        var quoted = false, inQuotes = false, any = false
        func endField() {
            row.append(Field(text: String(decoding: field, as: UTF8.self), quoted: quoted))
            field.removeAll(keepingCapacity: true)
            quoted = false
        }
        var i = 0
        while i < bytes.count {
            let b = bytes[i]
            i += 1
            if inQuotes {
                if b == 0x22 {
                    if i < bytes.count && bytes[i] == 0x22 { field.append(0x22); i += 1 } else { inQuotes = false }
                } else {
                    field.append(b)
                }
                continue
            }
            any = true
            switch b {
            case 0x22: inQuotes = true; quoted = true
            case 0x2C: endField()
            case 0x0D where i < bytes.count && bytes[i] == 0x0A: break
            case 0x0A:
                endField()
                rows.append(row)
                row = []
                any = false
            default: field.append(b)
            }
        }
        if any || !row.isEmpty || !field.isEmpty { endField(); rows.append(row) }
        return rows
    }

    /// A typed vector for one column's cells (nil: NULL).
    static func column(_ cells: [Field?]) -> ColumnVector {
        let present = cells.compactMap { $0 }
        let texts = present.map(\.text)
        func all(_ ok: (String) -> Bool) -> Bool { !present.isEmpty && !present.contains { $0.quoted } && texts.allSatisfy(ok) }
        func build(_ type: ColumnType, _ append: (inout ColumnVector, String) -> Void) -> ColumnVector {
            var v = ColumnVector(type: type, capacity: cells.count)
            for cell in cells {
                if let cell { append(&v, cell.text) } else { v.appendNulls(1) }
            }
            return v
        }
        if all({ Int64($0) != nil }) { return build(.int64) { $0.append(int64: Int64($1)!) } }
        if all({ UInt64($0) != nil }) { return build(.uint64) { $0.append(uint64: UInt64($1)!) } }
        if all(isFloat) { return build(.float64) { $0.append(float64: Double($1)!) } }
        if all({ $0 == "true" || $0 == "false" }) { return build(.bool) { $0.append(bool: $1 == "true") } }
        if all(isTimestamp) { return build(.time) { $0.append(int64: (try? SQLTimestamp.parse($1)) ?? 0) } }
        return build(.string) { $0.append(string: $1) }
    }

    /// Text the result writer prints for a float: digits with a `.` or an exponent, `inf`, `-inf`, `nan`.
    static func isFloat(_ s: String) -> Bool {
        guard Double(s) != nil else { return false }
        return s.contains(".") || s.contains("e") || s == "inf" || s == "-inf" || s == "nan"
    }

    /// RFC 3339 UTC as the result writer prints it: `YYYY-MM-DDTHH:MM:SS[.f]Z`.
    static func isTimestamp(_ s: String) -> Bool {
        let u = Array(s.utf8)
        guard u.count >= 20, u[4] == 0x2D, u[7] == 0x2D, u[10] == 0x54, u.last == 0x5A else { return false }
        return (try? SQLTimestamp.parse(s)) != nil
    }
}
