import ColumnStore

/// `CREATE TABLE [IF NOT EXISTS] t (col TYPE, …) [WITH (name = value, …)] [DEDUP UPSERT KEYS (col, …)]`,
/// or `CREATE TABLE [IF NOT EXISTS] t [WITH (…)] AS SELECT …`.
public struct CreateTableStatement: Sendable, Hashable {
    public var table: TableName
    public var ifNotExists: Bool
    /// The declared columns; empty for `AS SELECT`, whose result's columns are the table's.
    public var columns: [ColumnSpec]
    public var settings: [TableSetting]
    /// `DEDUP UPSERT KEYS (…)`: the columns whose equal values make rows duplicates; nil without the clause.
    public var dedupKeys: [String]?
    public var asSelect: SelectStatement?

    public init(table: TableName, ifNotExists: Bool = false, columns: [ColumnSpec] = [], settings: [TableSetting] = [],
                dedupKeys: [String]? = nil, asSelect: SelectStatement? = nil) {
        self.table = table
        self.ifNotExists = ifNotExists
        self.columns = columns
        self.settings = settings
        self.dedupKeys = dedupKeys
        self.asSelect = asSelect
    }
}

/// One declared column: its name and stored type. Equality ignores the position.
public struct ColumnSpec: Sendable, Hashable {
    public var name: String
    public var type: ColumnType
    public var position: SourcePosition

    public init(name: String, type: ColumnType, at position: SourcePosition) {
        self.name = name
        self.type = type
        self.position = position
    }

    public static func == (lhs: ColumnSpec, rhs: ColumnSpec) -> Bool { lhs.name == rhs.name && lhs.type == rhs.type }
    public func hash(into hasher: inout Hasher) { hasher.combine(name); hasher.combine(type) }
}

/// `name = value` in `WITH (…)` or `ALTER TABLE … SET (…)`; the value is a string or number as written.
/// Equality ignores the position.
public struct TableSetting: Sendable, Hashable {
    public var name: String
    public var value: String
    public var position: SourcePosition

    public init(name: String, value: String, at position: SourcePosition) {
        self.name = name
        self.value = value
        self.position = position
    }

    public static func == (lhs: TableSetting, rhs: TableSetting) -> Bool { lhs.name == rhs.name && lhs.value == rhs.value }
    public func hash(into hasher: inout Hasher) { hasher.combine(name); hasher.combine(value) }
}

/// `INSERT INTO t [(cols)] VALUES (…), (…)` or `INSERT INTO t [(cols)] SELECT …`.
public struct InsertStatement: Sendable, Hashable {
    /// Where the rows come from.
    public enum Source: Sendable, Hashable {
        /// Rows of expressions, each as long as the column list.
        case values([[Expr]])
        case select(SelectStatement)
    }

    public var table: TableName
    /// The named target columns; nil: every column of the table, in order.
    public var columns: [String]?
    public var source: Source

    public init(table: TableName, columns: [String]? = nil, source: Source) {
        self.table = table
        self.columns = columns
        self.source = source
    }
}

/// `ALTER TABLE t ADD COLUMN …` or `ALTER TABLE t SET (…)`.
public struct AlterTableStatement: Sendable, Hashable {
    /// What changes.
    public enum Action: Sendable, Hashable {
        /// `ADD [COLUMN] [IF NOT EXISTS] name TYPE`.
        case addColumn(ColumnSpec, ifNotExists: Bool)
        /// `SET (retention = '30 days', compression = 'zstd')`.
        case set([TableSetting])
    }

    public var table: TableName
    public var action: Action

    public init(table: TableName, action: Action) {
        self.table = table
        self.action = action
    }
}

extension CreateTableStatement: CustomStringConvertible {
    public var description: String {
        var text = "CREATE TABLE " + (ifNotExists ? "IF NOT EXISTS " : "") + SQLIdentifier.quoted(table.name)
        if asSelect == nil { text += " (" + columns.map(\.description).joined(separator: ", ") + ")" }
        if !settings.isEmpty { text += " WITH " + TableSetting.list(settings) }
        if let dedupKeys { text += " DEDUP UPSERT KEYS (" + dedupKeys.map(SQLIdentifier.quoted).joined(separator: ", ") + ")" }
        if let asSelect { text += " AS " + asSelect.description }
        return text
    }
}

extension ColumnSpec: CustomStringConvertible {
    public var description: String { SQLIdentifier.quoted(name) + " " + SQLColumnType.name(type) }
}

extension TableSetting {
    /// `(a = 'x', b = 'y')`.
    static func list(_ settings: [TableSetting]) -> String {
        "(" + settings.map { SQLIdentifier.quoted($0.name) + " = " + SQLIdentifier.stringLiteral($0.value) }.joined(separator: ", ") + ")"
    }
}

extension InsertStatement: CustomStringConvertible {
    public var description: String {
        var text = "INSERT INTO " + SQLIdentifier.quoted(table.name)
        if let columns { text += " (" + columns.map(SQLIdentifier.quoted).joined(separator: ", ") + ")" }
        switch source {
        case let .values(rows):
            text += " VALUES " + rows.map { "(" + $0.map(\.description).joined(separator: ", ") + ")" }.joined(separator: ", ")
        case let .select(s):
            text += " " + s.description
        }
        return text
    }
}

extension AlterTableStatement: CustomStringConvertible {
    public var description: String {
        let text = "ALTER TABLE " + SQLIdentifier.quoted(table.name)
        switch action {
        case let .addColumn(c, ifNotExists): return text + " ADD COLUMN " + (ifNotExists ? "IF NOT EXISTS " : "") + c.description
        case let .set(settings): return text + " SET " + TableSetting.list(settings)
        }
    }
}
