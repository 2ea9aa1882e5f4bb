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

    public init(name: String, vector: ColumnVector, array: ResultArray? = nil) {
        self.name = name
        self.vector = vector
        self.array = array
    }

    public var type: ColumnType { vector.type }
}

/// The PostgreSQL side of an array result column.
public struct ResultArray: Sendable {
    /// The elements' stored type (INTEGER elements are `.int64`, like INTEGER columns).
    public var element: ColumnType
    /// Each row's array as PostgreSQL's text (`{a,"b c",NULL}`), NULL where the array is NULL.
    public var postgresText: ColumnVector

    public init(element: ColumnType, postgresText: ColumnVector) {
        self.element = element
        self.postgresText = postgresText
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
        self.init(name: name, vector: duck, array: ResultArray(element: element.columnType, postgresText: pg))
    }

    /// Rows `range` of this column.
    public func slice(_ range: Range<Int>) -> ResultColumn {
        var a = array
        a?.postgresText = array!.postgresText.slice(range)
        return ResultColumn(name: name, vector: vector.slice(range), array: a)
    }
}
