import ColumnStore

/// `INSERT INTO t [(cols)] VALUES … | SELECT …`: turns rows into `WriteBatch`es of the table's column types
/// and writes them through the WAL (`Database.write`), durable before it returns.
///
/// Values convert to the column's type as DuckDB's INSERT casts them: integers and decimals between the
/// numeric types when the value fits (a DOUBLE into BIGINT only when whole), text into numbers, booleans
/// and timestamps when it parses, anything into VARCHAR/SYMBOL as its text. A row without a `time` value
/// gets the statement's clock (as a line without a timestamp gets the server's).
struct Inserter {
    let engine: QueryEngine
    let now: Int64

    /// Bounds of one write: each write is one WAL record, written whole or not at all (and a record must
    /// stay well under the WAL's 1 GiB limit). An INSERT beyond them commits in steps.
    static let rowsPerWrite = 4_000_000
    static let bytesPerWrite = 256 << 20

    func run(_ s: InsertStatement, control: QueryControl?) throws -> QueryResult {
        let name = s.table.name
        if engine.virtualTables.table(named: name) != nil { throw QueryError("'\(name)' is a system table: it is read-only", at: s.table.position) }
        try engine.database.checkNotDamaged(name)
        guard let schema = engine.database.schema(of: name) else { throw QueryError("unknown table '\(name)'", at: s.table.position) }
        let targets = s.columns ?? schema.columns.map(\.name)
        let rows: QueryResult
        switch s.source {
        case let .select(select):
            rows = try SelectRunner(engine: engine, now: now, control: control, capsRows: false).run(select)
        case let .values(list):
            rows = try values(list, width: targets.count, schema: schema, targets: targets)
        }
        let n = try insert(rows, into: name, columns: targets, at: s.table.position)
        var v = ColumnVector(type: .int64)
        v.append(int64: Int64(n))
        return QueryResult(columns: [ResultColumn(name: "rows", vector: v)])
    }

    /// Each VALUES row evaluated (any constant expression: `now()`, arithmetic, casts), converted to the
    /// target columns' types, gathered into one result.
    private func values(_ list: [[Expr]], width: Int, schema: TableSchema, targets: [String]) throws -> QueryResult {
        let types = targets.map { schema.column($0)?.type ?? .string }  // unknown names are refused by `insert`
        var out = types.map { ColumnVector(type: $0 == .symbol ? .string : $0, capacity: list.count) }
        let runner = SelectRunner(engine: engine, now: now, control: nil, capsRows: false)
        for row in list {
            guard row.count == width else {
                throw QueryError("VALUES row has \(row.count) values for \(width) columns", at: row.first?.position)
            }
            let r = try runner.run(SelectStatement(items: row.map { .expr($0, alias: nil) }, position: row[0].position))
            for (i, c) in r.columns.enumerated() {
                var dict = ByteStringTable()
                try Self.convert(Self.stored(c), 0..<1, to: &out[i], dictionary: &dict, column: targets[i], at: row[i].position)
            }
        }
        return QueryResult(columns: zip(targets, out).map { ResultColumn(name: $0, vector: $1) })
    }

    /// Writes `rows` (its columns in the order of `columns`) into `table`; returns the rows written.
    func insert(_ rows: QueryResult, into table: String, columns: [String], at position: SourcePosition) throws -> Int {
        let db = engine.database
        guard let schema = db.schema(of: table) else { throw QueryError("unknown table '\(table)'", at: position) }
        guard rows.columns.count == columns.count else {
            throw QueryError("INSERT has \(columns.count) target columns but the query gives \(rows.columns.count)", at: position)
        }
        var seen: Set<String> = []
        for c in columns {
            guard schema.column(c) != nil else {
                throw QueryError("table '\(table)' has no column '\(c)' (columns: \(schema.columns.map(\.name).joined(separator: ", ")))", at: position)
            }
            guard seen.insert(c).inserted else { throw QueryError("column '\(c)' is named twice", at: position) }
        }
        let total = rows.rowCount
        var written = 0
        var lo = 0
        while lo < total {
            let hi = Self.chunkEnd(rows, from: lo)
            let batch = try self.batch(rows, lo..<hi, table: table, columns: columns, schema: schema, at: position)
            let r = try db.write([batch], policy: WritePolicy(atomicity: .allOrNothing))
            if let first = r.rejected.first?.first {
                throw QueryError("row \(lo + first.row + 1) not inserted: \(first.reason)" + (r.rejectedRows > 1 ? " (and \(r.rejectedRows - 1) more rows)" : "") + (lo > 0 ? "; the first \(lo) rows were inserted" : ""), at: position)
            }
            written += r.written
            lo = hi
        }
        // Durable before the answer, whatever the configured durability (except `none`, which never fsyncs).
        if written > 0, db.options.durability != .batch, db.options.durability != .none { try db.syncWAL() }
        return written
    }

    /// The end of the write starting at row `lo`: at most `rowsPerWrite` rows and about `bytesPerWrite`
    /// bytes (8 per value, strings their length plus an offset), at least one row.
    static func chunkEnd(_ rows: QueryResult, from lo: Int, maxRows: Int = rowsPerWrite, maxBytes: Int = bytesPerWrite) -> Int {
        let total = rows.rowCount
        let strings = rows.columns.filter { $0.vector.type == .string }.map(\.vector.offsets)
        let fixed = 8 * (rows.columns.count + 1)
        var bytes = 0
        var hi = lo
        while hi < min(total, lo + maxRows) {
            var row = fixed
            for o in strings { row += 4 + Int(o[hi + 1] - o[hi]) }
            if bytes + row > maxBytes && hi > lo { break }
            bytes += row
            hi += 1
        }
        return hi
    }

    /// Rows `range` of `rows` as a batch of `table`'s types.
    private func batch(_ rows: QueryResult, _ range: Range<Int>, table: String, columns: [String], schema: TableSchema,
                       at position: SourcePosition) throws -> WriteBatch {
        var b = WriteBatch(table: table)
        if let t = columns.firstIndex(of: TableSchema.timeColumn) {
            var time = ColumnVector(type: .time, capacity: range.count)
            var none = ByteStringTable()
            try Self.convert(Self.stored(rows.columns[t]), range, to: &time, dictionary: &none, column: TableSchema.timeColumn, at: position)
            if time.nullCount > 0 { throw QueryError("column 'time' must not be NULL: it is the designated timestamp", at: position) }
            b.time = time.int64s
        } else {
            b.time = Array(repeating: now, count: range.count)
        }
        for (i, name) in columns.enumerated() where name != TableSchema.timeColumn {
            let type = schema.column(name)!.type
            var v = ColumnVector(type: type, capacity: range.count)
            var dict = ByteStringTable()
            try Self.convert(Self.stored(rows.columns[i]), range, to: &v, dictionary: &dict, column: name, at: position)
            b.columns.append(BatchColumn(name: name, vector: v, dictionary: dict))
        }
        return b
    }

    /// The values of a result column as stored: a DATE's days (its `vector` is their text).
    static func stored(_ c: ResultColumn) -> ColumnVector {
        c.dates.map { $0.type == .int64 ? $0.retyped(.date) : $0 } ?? c.vector
    }

    /// Appends rows `range` of `src` (a result vector) to `out`, converting to `out.type`; `.symbol` codes
    /// index `dictionary`.
    static func convert(_ src: ColumnVector, _ range: Range<Int>, to out: inout ColumnVector, dictionary: inout ByteStringTable,
                        column: String, at position: SourcePosition?) throws {
        let target = out.type
        if src.type == target {
            out.append(contentsOf: src, range: range)
            return
        }
        func fail(_ i: Int, _ why: String) -> QueryError {
            QueryError("column '\(column)' (\(SQLColumnType.name(target))): \(why)", at: position)
        }
        for i in range {
            if src.isNull(i) { out.appendNulls(1); continue }
            switch (target, src.type) {
            case (.symbol, .string):
                let code = src.withStringBytes(i) { dictionary.intern($0) }
                out.append(code: code)
            case (.symbol, _), (.string, _):
                let text = Self.text(src, i)
                if target == .symbol { out.append(code: dictionary.intern(text)) } else { out.append(string: text) }
            case (.time, .string):
                do { out.append(int64: try SQLTimestamp.parse(src.string(at: i))) } catch {
                    throw fail(i, "'\(src.string(at: i))' is not a timestamp (\(error.message))")
                }
            case (.date, .string):
                do { out.append(int64: try SQLDate.parse(src.string(at: i))) } catch {
                    throw fail(i, "'\(src.string(at: i))' is not a date (\(error.message))")
                }
            // As DuckDB casts: a TIMESTAMP's (UTC) day, a DATE's midnight.
            case (.date, .time):
                out.append(int64: SQLDate.floorDays(src.int64s[i]))
            case (.time, .date):
                guard let t = SQLDate.midnight(src.int64s[i]) else { throw fail(i, "\(SQLDate.format(src.int64s[i])) is out of the TIMESTAMP range") }
                out.append(int64: t)
            case (.int64, .uint64):
                guard src.uint64s[i] <= UInt64(Int64.max) else { throw fail(i, "\(src.uint64s[i]) is out of range") }
                out.append(int64: Int64(src.uint64s[i]))
            case (.int64, .float64):
                let d = src.float64s[i]
                guard d.rounded() == d, let v = Int64(exactly: d) else { throw fail(i, "\(d) is not a whole number in range") }
                out.append(int64: v)
            case (.uint64, .int64):
                guard src.int64s[i] >= 0 else { throw fail(i, "\(src.int64s[i]) is negative") }
                out.append(uint64: UInt64(src.int64s[i]))
            case (.uint64, .float64):
                let d = src.float64s[i]
                guard let v = UInt64(exactly: d) else { throw fail(i, "\(d) is not a whole non-negative number in range") }
                out.append(uint64: v)
            case (.float64, .int64): out.append(float64: Double(src.int64s[i]))
            case (.float64, .uint64): out.append(float64: Double(src.uint64s[i]))
            case (.int64, .string), (.uint64, .string), (.float64, .string), (.bool, .string):
                let text = src.string(at: i).trimmingSpaces
                switch target {
                case .int64: guard let v = Int64(text) else { throw fail(i, "'\(text)' is not an integer") }; out.append(int64: v)
                case .uint64: guard let v = UInt64(text) else { throw fail(i, "'\(text)' is not an unsigned integer") }; out.append(uint64: v)
                case .float64: guard let v = Double(text) else { throw fail(i, "'\(text)' is not a number") }; out.append(float64: v)
                default:
                    switch text.lowercased() {
                    case "true", "t", "yes", "y", "1": out.append(bool: true)
                    case "false", "f", "no", "n", "0": out.append(bool: false)
                    default: throw fail(i, "'\(text)' is not a boolean")
                    }
                }
            default:
                throw fail(i, "a \(SQLColumnType.name(src.type)) value does not convert to it")
            }
        }
    }

    /// A value as VARCHAR text (DuckDB's cast).
    private static func text(_ v: ColumnVector, _ i: Int) -> String {
        switch v.type {
        case .time: SQLTimestamp.format(v.int64s[i])
        case .int64: String(v.int64s[i])
        case .uint64: String(v.uint64s[i])
        case .float64: String(v.float64s[i])
        case .bool: v.bools[i] != 0 ? "true" : "false"
        case .string: v.string(at: i)
        case .symbol: "?"
        case .date: SQLDate.format(v.int64s[i])
        }
    }
}
