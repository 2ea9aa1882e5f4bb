import ColumnStore

/// The answer to a query: named, typed columns of equal length.
///
/// Column types are `.time` (ns since epoch, printed as RFC 3339 UTC), `.int64`, `.uint64`,
/// `.float64`, `.bool` and `.string`; symbol columns are resolved to `.string` before a result
/// leaves the engine. NULLs are marked in each vector's validity.
public struct QueryResult: Sendable {
    public var columns: [ResultColumn]

    public init(columns: [ResultColumn]) { self.columns = columns }

    public var rowCount: Int { columns.first?.vector.count ?? 0 }
}

/// One named result column.
public struct ResultColumn: Sendable {
    public var name: String
    /// An array column's vector holds DuckDB's text of each array (`[1, 2]`), which every format prints.
    public var vector: ColumnVector
    /// For an array column: its element type and PostgreSQL's text of each array (`{1,2}`), which the PG
    /// wire sends with the array type's OID.
    public var array: ResultArray?
    /// For a record column (its vector holds DuckDB's text, `{'x': 10, 'n': 1}`): each row's record as
    /// PostgreSQL's text (`(10,1)`), which the PG wire sends as type `record`.
    public var postgresRecord: ColumnVector?
    /// For a DATE column (its vector holds each date's text, `2026-09-01`, which every text format
    /// prints): the days since 1970-01-01 (`.int64`, NULL where the date is), which the PG wire (type
    /// `date`), Parquet (INT32 DATE) and Excel (a date cell) write as dates.
    public var dates: ColumnVector?

    public init(name: String, vector: ColumnVector, array: ResultArray? = nil, postgresRecord: ColumnVector? = nil, dates: ColumnVector? = nil) {
        self.name = name
        self.vector = vector
        self.array = array
        self.postgresRecord = postgresRecord
        self.dates = dates
    }

    /// A DATE column from its day numbers (since 1970-01-01, NULLs marked): the text vector beside them.
    public init(name: String, dates: ColumnVector) {
        var text = ColumnVector(type: .string, capacity: dates.count)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(10)
        for i in 0..<dates.count {
            if dates.isNull(i) { text.appendNulls(1); continue }
            bytes.removeAll(keepingCapacity: true)
            SQLDate.write(dates.int64s[i], into: &bytes)
            bytes.withUnsafeBytes { text.append(string: $0) }
        }
        self.init(name: name, vector: text, dates: dates)
    }

    public var type: ColumnType { vector.type }

    /// The type a reader is shown under the column's name: `date` for a DATE, a tag is a `string` (a
    /// server's CSV answer cannot tell them apart), else the vector's type.
    public var typeName: String {
        if dates != nil { return "date" }
        return type == .symbol ? ColumnType.string.description : type.description
    }
}

/// The PostgreSQL side of an array result column.
public struct ResultArray: Sendable {
    /// The elements' type: `.int32` for INTEGER elements (PostgreSQL's `int4[]`), `.int` for BIGINT.
    public var element: ValueType
    /// Each row's array as PostgreSQL's text (`{a,"b c",NULL}`), NULL where the array is NULL.
    public var postgresText: ColumnVector
    /// Each row's array in the engine's encoding (NULL where the array is NULL), read by `forEachElement`.
    public var cells: ColumnVector

    public init(element: ValueType, postgresText: ColumnVector, cells: ColumnVector) {
        self.element = element
        self.postgresText = postgresText
        self.cells = cells
    }

    /// Calls `body` with each element of row `row`'s array (not NULL), in order.
    public func forEachElement(_ row: Int, _ body: (ArrayElement) -> Void) {
        cells.withStringBytes(row) { ArrayCoding.forEach($0, element: element, body) }
    }
}

extension ResultColumn {
    /// A result column from an engine vector of type `type`: arrays are turned into their two texts.
    init(name: String, type: ValueType, vector: ColumnVector) {
        if type == .interval, vector.type == .int64 {
            // An INTERVAL leaves the engine as DuckDB's text of it (`1 day 02:03:04`).
            var text = ColumnVector(type: .string, capacity: vector.count)
            for i in 0..<vector.count {
                if vector.isNull(i) { text.appendNulls(1) } else { text.append(string: IntervalValues.text(IntervalValues.interval(vector.int64s[i]))) }
            }
            self.init(name: name, vector: text)
            return
        }
        if type == .date, vector.type == .int64 || vector.type == .date {
            self.init(name: name, dates: vector.type == .date ? vector.retyped(.int64) : vector)
            return
        }
        if case let .record(t) = type, vector.type == .string {
            var duck = ColumnVector(type: .string, capacity: vector.count)
            var pg = ColumnVector(type: .string, capacity: vector.count)
            for i in 0..<vector.count {
                if vector.isNull(i) { duck.appendNulls(1); pg.appendNulls(1); continue }
                let r = vector.withStringBytes(i) { RecordCoding.decode($0, type: t) }
                duck.append(string: RecordText.duckdb(r))
                pg.append(string: RecordText.postgres(r))
            }
            self.init(name: name, vector: duck, postgresRecord: pg)
            return
        }
        guard case let .array(element) = type, vector.type == .string else {
            self.init(name: name, vector: vector)
            return
        }
        var duck = ColumnVector(type: .string, capacity: vector.count)
        var pg = ColumnVector(type: .string, capacity: vector.count)
        for i in 0..<vector.count {
            if vector.isNull(i) { duck.appendNulls(1); pg.appendNulls(1); continue }
            let a = vector.withStringBytes(i) { ArrayCoding.decode($0, element: element) }
            duck.append(string: ArrayText.duckdb(a))
            pg.append(string: ArrayText.postgres(a))
        }
        self.init(name: name, vector: duck, array: ResultArray(element: element, postgresText: pg, cells: vector))
    }

    /// Rows `range` of this column.
    public func slice(_ range: Range<Int>) -> ResultColumn {
        var a = array
        a?.postgresText = array!.postgresText.slice(range)
        a?.cells = array!.cells.slice(range)
        return ResultColumn(name: name, vector: vector.slice(range), array: a, postgresRecord: postgresRecord?.slice(range), dates: dates?.slice(range))
    }
}
