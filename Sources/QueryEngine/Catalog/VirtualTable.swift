import ColumnStore

/// A read-only table computed at query time (from the catalog, the storage statistics, …). SELECT reads
/// it like a stored table: its rows become an in-memory `TableSnapshot`, which the scan reads the way it
/// reads memtable chunks, so WHERE, GROUP BY, ORDER BY and the rest work unchanged.
public struct VirtualTable: Sendable {
    /// The name queries use, lower case; may be schema-qualified (`information_schema.tables`).
    public let name: String
    /// The columns, in order. Types are stored types; use `.string` for text (not `.symbol`).
    public let columns: [ColumnDef]
    /// Computes the rows: one vector per column, all of equal length.
    public let rows: @Sendable (QueryEngine) throws -> [ColumnVector]
    /// Columns that hold arrays, by name, with their element type: such a column is `.string` in
    /// `columns`, each cell an array as `ArrayValue.encoded` lays it out.
    public let arrays: [String: ValueType]

    public init(name: String, columns: [ColumnDef], arrays: [String: ValueType] = [:],
                rows: @escaping @Sendable (QueryEngine) throws -> [ColumnVector]) {
        precondition(arrays.keys.allSatisfy { k in columns.contains { $0.name == k && $0.type == .string } },
                     "BUG: an array column of \(name) must be a string column")
        self.name = name
        self.columns = columns
        self.arrays = arrays
        self.rows = rows
    }

    /// The type each column is read as: its stored type, or the array its cells hold.
    var valueTypes: [ValueType] { columns.map { arrays[$0.name].map(ValueType.array) ?? ValueType($0.type) } }

    /// The table's schema (no designated `time` column).
    public var schema: TableSchema { TableSchema(computed: name, columns: columns) }

    /// Computes the rows now and wraps them as a snapshot.
    public func snapshot(_ engine: QueryEngine) throws -> TableSnapshot {
        let vectors = try rows(engine)
        guard vectors.count == columns.count,
              vectors.allSatisfy({ $0.count == (vectors.first?.count ?? 0) }),
              zip(vectors, columns).allSatisfy({ $0.type == $1.type })
        else { preconditionFailure("BUG: virtual table \(name) computed columns that do not match its schema") }
        return TableSnapshot(computed: schema, columns: vectors)
    }
}

/// The virtual tables a `QueryEngine` resolves before stored tables, by name.
public struct VirtualTableRegistry: Sendable {
    private var tables: [String: VirtualTable] = [:]

    public init(_ tables: [VirtualTable] = []) {
        for t in tables { register(t) }
    }

    /// Adds (or replaces) a table under its name.
    public mutating func register(_ table: VirtualTable) {
        tables[table.name] = table
    }

    /// The table named `name`, if one is registered.
    public func table(named name: String) -> VirtualTable? { tables[name] }

    /// Registered names, sorted.
    public var names: [String] { tables.keys.sorted() }

    /// The built-in tables: the `tsdb_*` system tables.
    public static var standard: VirtualTableRegistry { VirtualTableRegistry(SystemTables.all) }
}
