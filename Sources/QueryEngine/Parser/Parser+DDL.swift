import ColumnStore

/// Statements that define and fill tables: CREATE TABLE, INSERT, ALTER TABLE, SHOW PARTITIONS.
/// Their words (CREATE, INSERT, VALUES, …) are not keywords: they mean something only here.
extension Parser {
    /// The statement starting at a DDL word, or nil when the current token starts none.
    mutating func parseDDLStatement() throws(SQLError) -> Statement? {
        if isWord("create") { return .createTable(try parseCreateTable()) }
        if isWord("insert") { return .insert(try parseInsert()) }
        if isWord("alter") { return try parseAlterTable() }
        return nil
    }

    /// `SHOW PARTITIONS FROM t`; the current token is PARTITIONS.
    mutating func parseShowPartitions() throws(SQLError) -> Statement {
        advance()
        guard current.is(.from) else { throw unexpected(["FROM"]) }
        advance()
        let table = try parseTableName()
        followers = []
        return .showPartitions(table)
    }

    /// `IF NOT EXISTS`, when it comes next.
    mutating func acceptIfNotExists() throws(SQLError) -> Bool {
        guard acceptWord("if") else { return false }
        try expect(.not, ["NOT"])
        try expectWord("exists")
        return true
    }

    @inline(never)
    private mutating func parseCreateTable() throws(SQLError) -> CreateTableStatement {
        advance()
        try expectWord("table")
        var create = CreateTableStatement(table: TableName("", at: current.position))
        create.ifNotExists = try acceptIfNotExists()
        create.table = try parseTableName()
        if current.kind == .leftParen {
            advance()
            repeat {
                create.columns.append(try parseColumnSpec())
            } while accept(.comma)
            try expect(.rightParen, ["',' or ')'"])
        }
        if acceptWord("with") || accept(.with) { create.settings = try parseSettings() }
        if create.columns.isEmpty {
            guard accept(.as) else { throw unexpected(["'('", "WITH", "AS SELECT"]) }
            guard current.is(.select) else { throw unexpected(["SELECT"]) }
            create.asSelect = try parseSelect()
            return create
        }
        if acceptWord("dedup") {
            try expectWord("upsert")
            try expectWord("keys")
            create.dedupKeys = try parseNameList()
        }
        followers = create.dedupKeys == nil ? (create.settings.isEmpty ? ["WITH", "DEDUP UPSERT KEYS"] : ["DEDUP UPSERT KEYS"]) : []
        return create
    }

    /// `name TYPE`: the SQL types DuckDB spells (and their aliases), plus `SYMBOL` for a tag.
    /// A length such as `VARCHAR(64)` is accepted and ignored, as DuckDB does.
    private mutating func parseColumnSpec() throws(SQLError) -> ColumnSpec {
        guard current.isIdentifier else { throw unexpected(["a column name"]) }
        let position = current.position
        let columnName = name(current)
        advance()
        let typeToken = current
        guard typeToken.kind == .word else { throw unexpected(["a column type such as TIMESTAMP, SYMBOL, VARCHAR, BIGINT, DOUBLE or BOOLEAN"]) }
        let typeName = name(typeToken)
        let type: ColumnType
        if typeName == "symbol" || typeName == "tag" {
            type = .symbol
            advance()
        } else {
            let sql = try parseType()
            switch sql {
            case .boolean: type = .bool
            case .integer, .bigint: type = .int64
            case .ubigint: type = .uint64
            case .real, .double: type = .float64
            case .varchar: type = .string
            case .timestamp: type = .time
            case .date: type = .date
            case .interval, .oid, .regclass, .regtype, .regnamespace:
                throw error(.syntax, at: typeToken, "\(sql) columns are not supported: store a TIMESTAMP or a BIGINT")
            }
        }
        if current.kind == .leftParen, peek().kind == .integer, peek(2).kind == .rightParen {
            advance(); advance(); advance()
        }
        return ColumnSpec(name: columnName, type: type, at: position)
    }

    /// `(name = value, …)`; a value is a string, a number or a word.
    mutating func parseSettings() throws(SQLError) -> [TableSetting] {
        try expect(.leftParen, ["'('"])
        var settings: [TableSetting] = []
        repeat {
            guard current.isIdentifier else { throw unexpected(["a setting such as retention or compression"]) }
            let position = current.position
            let key = name(current)
            advance()
            try expect(.equal, ["'='"])
            let v = current
            let value: String
            switch v.kind {
            case .string: value = unquote(v, quote: UInt8(ascii: "'"))
            case .integer, .decimal: value = text(v)
            case .word: value = name(v)
            default: throw unexpected(["a value such as '30 days' or 'zstd'"])
            }
            advance()
            settings.append(TableSetting(name: key, value: value, at: position))
        } while accept(.comma)
        try expect(.rightParen, ["',' or ')'"])
        return settings
    }

    /// `(a, b, …)`.
    private mutating func parseNameList() throws(SQLError) -> [String] {
        try expect(.leftParen, ["'('"])
        var names: [String] = []
        repeat {
            guard current.isIdentifier else { throw unexpected(["a column name"]) }
            names.append(name(current))
            advance()
        } while accept(.comma)
        try expect(.rightParen, ["',' or ')'"])
        return names
    }

    @inline(never)
    private mutating func parseInsert() throws(SQLError) -> InsertStatement {
        advance()
        try expectWord("into")
        let table = try parseTableName()
        var columns: [String]?
        if current.kind == .leftParen, !peek().is(.select) { columns = try parseNameList() }
        if current.is(.select) {
            return InsertStatement(table: table, columns: columns, source: .select(try parseSelect()))
        }
        if current.kind == .leftParen, peek().is(.select) {
            let sub = try parseParenthesizedSelect()
            followers = []
            return InsertStatement(table: table, columns: columns, source: .select(sub))
        }
        guard acceptWord("values") else { throw unexpected(columns == nil ? ["'('", "VALUES", "SELECT"] : ["VALUES", "SELECT"]) }
        var rows: [[Expr]] = []
        repeat {
            try expect(.leftParen, ["'('"])
            var row: [Expr] = []
            repeat {
                row.append(try parseExpr())
            } while accept(.comma)
            try expect(.rightParen, ["',' or ')'"])
            rows.append(row)
        } while accept(.comma)
        followers = ["','"]
        return InsertStatement(table: table, columns: columns, source: .values(rows))
    }

    /// `(SELECT …)`.
    private mutating func parseParenthesizedSelect() throws(SQLError) -> SelectStatement {
        advance()
        let s = try parseSelect()
        try expect(.rightParen, followers + ["')'"])
        return s
    }

    @inline(never)
    /// `ALTER TABLE t ADD COLUMN …`, `… SET (…)`, or `… DEDUP …` (Parser+Lifecycle.swift).
    private mutating func parseAlterTable() throws(SQLError) -> Statement {
        advance()
        try expectWord("table")
        let table = try parseTableName()
        if let dedup = try parseAlterDedup(table) { return dedup }
        if acceptWord("add") {
            _ = acceptWord("column")
            let ifNotExists = try acceptIfNotExists()
            let spec = try parseColumnSpec()
            followers = []
            return .alterTable(AlterTableStatement(table: table, action: .addColumn(spec, ifNotExists: ifNotExists)))
        }
        if acceptWord("set") {
            let settings = try parseSettings()
            followers = []
            return .alterTable(AlterTableStatement(table: table, action: .set(settings)))
        }
        throw unexpected(["ADD COLUMN", "SET", "DEDUP"])
    }
}
