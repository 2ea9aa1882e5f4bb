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
    public var vector: ColumnVector

    public init(name: String, vector: ColumnVector) {
        self.name = name
        self.vector = vector
    }

    public var type: ColumnType { vector.type }
}
