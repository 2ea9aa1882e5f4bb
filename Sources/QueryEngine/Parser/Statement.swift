/// One parsed statement.
public enum Statement: Sendable, Hashable {
    case select(SelectStatement)
    /// `EXPLAIN <select>`: show the plan instead of running it.
    case explain(SelectStatement)
    /// `EXPLAIN ANALYZE <select>`: run the query, then show the plan with each operator's rows and time.
    case explainAnalyze(SelectStatement)
    /// `SHOW TABLES`.
    case showTables
    /// `DESCRIBE <table>`: the table's columns and types.
    case describe(TableName)
    /// `SHOW PARTITIONS FROM <table>`: the table's day partitions.
    case showPartitions(TableName)
    case createTable(CreateTableStatement)
    case insert(InsertStatement)
    case alterTable(AlterTableStatement)
    /// `COPY (query) TO 'path' (…)` / `COPY table TO …`: write rows to a file.
    case copy(CopyStatement)
    /// `DELETE FROM t [WHERE …]`.
    case delete(DeleteStatement)
    /// `VACUUM [t]`: purge deleted rows physically (every table when nil).
    case vacuum(TableName?)
    /// `TRUNCATE [TABLE] t`.
    case truncate(TableName)
    /// `DROP TABLE [IF EXISTS] t`.
    case dropTable(TableName, ifExists: Bool)
    /// `ALTER TABLE t DEDUP ENABLE UPSERT KEYS (…)` (keys) or `ALTER TABLE t DEDUP DISABLE` (nil).
    case alterDedup(TableName, keys: [String]?)
    /// `CREATE / DROP / REFRESH MATERIALIZED VIEW`, `SHOW MATERIALIZED VIEWS`.
    case materializedView(MaterializedViewStatement)
}

/// `DELETE FROM t [WHERE condition]`; without WHERE every row goes.
public struct DeleteStatement: Sendable, Hashable {
    public var table: TableName
    public var `where`: Expr?

    public init(table: TableName, where: Expr? = nil) {
        self.table = table
        self.where = `where`
    }
}

/// `SELECT [DISTINCT] items [FROM …] [WHERE …] [GROUP BY …] [HAVING …] [ORDER BY …] [LIMIT n] [OFFSET m]`.
///
/// Equality ignores `position`, like `Expr`'s.
public struct SelectStatement: Sendable, Hashable {
    public var distinct: Bool
    public var items: [SelectItem]
    /// Nil for a query without `FROM`, such as `SELECT now()`.
    public var from: TableRef?
    public var `where`: Expr?
    /// Expressions, output names (aliases) or 1-based ordinals (integer literals); the planner resolves which.
    public var groupBy: [Expr]
    public var having: Expr?
    /// Keys as expressions, aliases or ordinals, like `groupBy`.
    public var orderBy: [OrderItem]
    public var limit: Int64?
    public var offset: Int64?
    /// The `SELECT` keyword.
    public var position: SourcePosition
    /// `WITH name AS (…), …` before this query: names visible to it and to its subqueries.
    public var with: [CommonTableExpr] = []
    /// `UNION`/`INTERSECT`/`EXCEPT` operands after this one (each without ORDER BY or LIMIT); when there
    /// are any, this statement's `orderBy`, `limit` and `offset` apply to the combined rows.
    public var setOperations: [SetOperand] = []
    /// `SELECT DISTINCT ON (e, …)`: the first row (in ORDER BY order) of each distinct value of these.
    public var distinctOn: [Expr] = []
    /// `QUALIFY condition`: a filter on window function results.
    public var qualify: Expr?

    public init(
        distinct: Bool = false, items: [SelectItem], from: TableRef? = nil, where: Expr? = nil,
        groupBy: [Expr] = [], having: Expr? = nil, orderBy: [OrderItem] = [], limit: Int64? = nil,
        offset: Int64? = nil, position: SourcePosition
    ) {
        self.distinct = distinct
        self.items = items
        self.from = from
        self.where = `where`
        self.groupBy = groupBy
        self.having = having
        self.orderBy = orderBy
        self.limit = limit
        self.offset = offset
        self.position = position
    }

    public static func == (lhs: SelectStatement, rhs: SelectStatement) -> Bool {
        lhs.distinct == rhs.distinct && lhs.items == rhs.items && lhs.from == rhs.from && lhs.where == rhs.where
            && lhs.groupBy == rhs.groupBy && lhs.having == rhs.having && lhs.orderBy == rhs.orderBy
            && lhs.limit == rhs.limit && lhs.offset == rhs.offset && lhs.with == rhs.with
            && lhs.setOperations == rhs.setOperations && lhs.distinctOn == rhs.distinctOn
            && lhs.qualify == rhs.qualify
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(distinct)
        hasher.combine(items)
        hasher.combine(from)
        hasher.combine(self.where)
        hasher.combine(groupBy)
        hasher.combine(having)
        hasher.combine(orderBy)
        hasher.combine(limit)
        hasher.combine(offset)
        hasher.combine(with)
        hasher.combine(setOperations)
        hasher.combine(distinctOn)
        hasher.combine(qualify)
    }
}

/// `name AS (query)` of a `WITH` clause.
public struct CommonTableExpr: Sendable, Hashable {
    /// Lower case unless it was double-quoted.
    public var name: String
    public var query: SelectStatement

    public init(name: String, query: SelectStatement) {
        self.name = name
        self.query = query
    }
}

/// One `UNION [ALL] | INTERSECT [ALL] | EXCEPT [ALL] <select>` after the first SELECT.
public struct SetOperand: Sendable, Hashable {
    /// The set operation; INTERSECT binds tighter than UNION and EXCEPT, as in PostgreSQL and DuckDB.
    public enum Operation: String, Sendable, Hashable {
        case union = "UNION", intersect = "INTERSECT", except = "EXCEPT"
    }

    public var operation: Operation
    /// `ALL`: keep duplicates (bag semantics) instead of returning distinct rows.
    public var all: Bool
    public var query: SelectStatement

    public init(_ operation: Operation, all: Bool, _ query: SelectStatement) {
        self.operation = operation
        self.all = all
        self.query = query
    }
}

/// One entry of the select list.
public enum SelectItem: Sendable, Hashable {
    /// `*`: every column of the `FROM` source.
    case wildcard
    /// `expr [AS alias]`; the alias is folded to lower case unless double-quoted.
    case expr(Expr, alias: String?)
}

/// The `FROM` source: a table or a parenthesized subquery, with an optional alias.
public struct TableRef: Sendable, Hashable {
    /// What rows come from.
    public indirect enum Source: Sendable, Hashable {
        case table(TableName)
        case subquery(SelectStatement)
        /// `left [kind] JOIN right [ON … | USING (…)]`, or `left, right` (a cross join).
        case join(TableRef, JoinKind, TableRef, JoinCondition)
        /// A table function such as `generate_series(a, b, step)` or `range(…)`.
        case function(FunctionCall, at: SourcePosition)
    }

    public var source: Source
    public var alias: String?
    /// `alias(c1, c2, …)`: names for the source's first columns.
    public var columnAliases: [String] = []

    public init(_ source: Source, alias: String? = nil) {
        self.source = source
        self.alias = alias
    }

    /// The table name's position, or the subquery's `SELECT`.
    public var position: SourcePosition {
        switch source {
        case .table(let name): return name.position
        case .subquery(let select): return select.position
        case .join(let left, _, _, _): return left.position
        case .function(_, let at): return at
        }
    }
}

/// The kind of a join.
public enum JoinKind: String, Sendable, Hashable {
    case inner = "JOIN", left = "LEFT JOIN", right = "RIGHT JOIN", full = "FULL JOIN", cross = "CROSS JOIN"
}

/// How a join matches rows.
public enum JoinCondition: Sendable, Hashable {
    /// CROSS JOIN or a comma: every pair.
    case none
    case on(Expr)
    /// `USING (a, b)`: equal columns of these names, which then appear once.
    case using([String])
}

/// A table name and where it was written (for "unknown table" errors). Equality ignores the position.
public struct TableName: Sendable, Hashable {
    /// Lower case unless it was double-quoted.
    public var name: String
    public var position: SourcePosition

    public init(_ name: String, at position: SourcePosition) {
        self.name = name
        self.position = position
    }

    public static func == (lhs: TableName, rhs: TableName) -> Bool { lhs.name == rhs.name }
    public func hash(into hasher: inout Hasher) { hasher.combine(name) }
}

/// One `ORDER BY` key.
public struct OrderItem: Sendable, Hashable {
    /// Where NULLs sort when written out; when nil, DuckDB's default applies: NULLS LAST for both directions.
    public enum Nulls: Sendable, Hashable {
        case first, last
    }

    public var expr: Expr
    public var descending: Bool
    public var nulls: Nulls?

    public init(_ expr: Expr, descending: Bool = false, nulls: Nulls? = nil) {
        self.expr = expr
        self.descending = descending
        self.nulls = nulls
    }
}
