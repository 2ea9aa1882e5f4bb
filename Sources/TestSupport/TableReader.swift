import ColumnStore

/// Reads every row of a table snapshot into plain values, for checking what a store holds.
public enum TableReader {
    public enum Cell: Equatable, Hashable, CustomStringConvertible {
        case null, int(Int64), uint(UInt64), float(UInt64), bool(Bool), string(String)
        public var description: String {
            switch self {
            case .null: "NULL"
            case let .int(v): "\(v)"
            case let .uint(v): "\(v)u"
            case let .float(b): "\(Double(bitPattern: b))"
            case let .bool(b): "\(b)"
            case let .string(s): "'\(s)'"
            }
        }
    }

    /// Every row as column name → cell (time as `.int`), in row-group order.
    public static func rows(_ db: Database, table: String, range: ClosedRange<Int64> = Int64.min...Int64.max) throws -> [[String: Cell]] {
        guard let snap = try db.readSnapshot(table: table, range: range) else { return [] }
        var out: [[String: Cell]] = []
        var v = ColumnVector(type: .int64)
        for g in snap.rowGroups {
            var cols: [[Cell]] = []
            for (i, c) in snap.schema.columns.enumerated() {
                try g.read(i, type: c.type, into: &v)
                var cells: [Cell] = []
                for r in 0..<v.count {
                    if v.isNull(r) { cells.append(.null); continue }
                    switch c.type {
                    case .time, .int64, .date: cells.append(.int(v.int64s[r]))
                    case .uint64: cells.append(.uint(v.uint64s[r]))
                    case .float64: cells.append(.float(v.float64s[r].bitPattern))
                    case .bool: cells.append(.bool(v.bools[r] != 0))
                    case .string: cells.append(.string(v.string(at: r)))
                    case .symbol: cells.append(.string(snap.dictionary(i)!.string(v.codes[r])))
                    }
                }
                cols.append(cells)
            }
            for r in 0..<g.rowCount {
                var row: [String: Cell] = [:]
                for (i, c) in snap.schema.columns.enumerated() where r < cols[i].count { row[c.name] = cols[i][r] }
                out.append(row)
            }
        }
        return out.filter { if case let .int(t) = $0["time"]! { range.contains(t) } else { false } }
    }
}
