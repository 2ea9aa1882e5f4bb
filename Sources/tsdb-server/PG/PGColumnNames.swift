import QueryEngine

/// Result column names as PostgreSQL gives them to a select item without an alias (its FigureColname):
/// a column's name, a function's name (`count(*)` is `count`), a cast's operand's name or else its type's
/// (`int8`), `case`, `array`, `exists`, and `?column?` for anything else (`1 + 1`). The engine names
/// such columns as DuckDB does (`count_star()`, `(1 + 1)`), which HTTP and the CLI keep.
enum PGColumnNames {
    /// The PostgreSQL name of each result column of `sql`, nil where the engine's name stands (an alias,
    /// or not a plain SELECT list: `*`, other statements).
    static func names(_ sql: String) -> [String?]? {
        guard case let .select(s)? = try? SQLParser.parse(sql) else { return nil }
        var items: [String?] = []
        for item in s.items {
            guard case let .expr(e, alias) = item else { return nil }  // `*`: the columns' own names
            items.append(alias == nil ? name(e) : nil)
        }
        return items
    }

    /// `columns` with the PostgreSQL names of `sql`'s unnamed items.
    static func renamed<C>(_ columns: [C], _ sql: String, name: WritableKeyPath<C, String>) -> [C] {
        guard let names = names(sql), names.count == columns.count else { return columns }
        var out = columns
        for i in out.indices { if let n = names[i] { out[i][keyPath: name] = n } }
        return out
    }

    static func name(_ e: Expr) -> String {
        switch e.kind {
        case let .column(_, n): return n
        case let .function(call), let .window(call, _): return call.name
        case let .cast(x, type):
            if let n = figured(x) { return n }
            return typeName(type)
        case .arrayCast(let x, _): return figured(x) ?? "?column?"
        case .caseWhen: return "case"
        case .array, .arraySubquery: return "array"
        case .exists: return "exists"
        case let .literal(l):
            if case .bool = l { return "bool" }
            return "?column?"
        default: return "?column?"
        }
    }

    /// The name of an expression that has one of its own (not `?column?`).
    private static func figured(_ e: Expr) -> String? {
        let n = name(e)
        return n == "?column?" ? nil : n
    }

    /// PostgreSQL's `typname` of a cast's target type.
    private static func typeName(_ t: SQLType) -> String {
        switch t {
        case .boolean: "bool"
        case .integer: "int4"
        case .bigint: "int8"
        case .ubigint: "numeric"
        case .real: "float4"
        case .double: "float8"
        case .varchar: "varchar"
        case .timestamp: "timestamp"
        case .date: "date"
        case .interval: "interval"
        case .oid: "oid"
        case .regclass: "regclass"
        case .regtype: "regtype"
        case .regnamespace: "regnamespace"
        }
    }
}
