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

    public init(name: String, columns: [ColumnDef], rows: @escaping @Sendable (QueryEngine) throws -> [ColumnVector]) {
        self.name = name
        self.columns = columns
        self.rows = rows
    }

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
