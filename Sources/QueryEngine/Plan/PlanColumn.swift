import ColumnStore

/// One output column of a plan node: its name, the table name or alias that qualifies it, its type.
struct PlanColumn: Sendable {
    var name: String
    var qualifier: String?
    /// Always a type a result vector has (`.int`, `.double`, `.string`, an array of them…; never `.int32` or
    /// `.null`, except as an array's element: `int4[]` stays INTEGER[] so a client is told `_int4`).
    var type: ValueType
    /// Found only as `qualifier.name`: the two inputs of a `USING` column, whose merged column answers
    /// to the bare name.
    var qualifiedOnly = false

    init(name: String, qualifier: String? = nil, type: ValueType, qualifiedOnly: Bool = false) {
        self.name = name
        self.qualifier = qualifier
        self.type = PlanColumn.resultType(type)
        self.qualifiedOnly = qualifiedOnly
    }

    /// The type a vector of `t` values has once materialized.
    static func resultType(_ t: ValueType) -> ValueType {
        if case let .array(e) = t { return .array(e) }
        if case .record = t { return t }
        // An interval stays one (its words are Int64 nanoseconds, `IntervalValues`).
        if t == .interval { return .interval }
        // A DATE stays one (its words are days since 1970), printed as `YYYY-MM-DD` when it leaves.
        if t == .date { return .date }
        return ValueType((t == .null ? .int : t).columnType)
    }
}

/// The columns a SELECT binds its names against when its FROM is a child operator.
struct PlanInput {
    var columns: [PlanColumn]
    /// The columns `*` expands to, in order.
    var star: [Int]

    init(columns: [PlanColumn], star: [Int]? = nil) {
        self.columns = columns
        self.star = star ?? columns.indices.filter { !columns[$0].qualifiedOnly }
    }

    /// `name` or `qualifier.name`; unknown and ambiguous names are errors at `p`.
    func resolve(_ qualifier: String?, _ name: String, _ p: SourcePosition) throws -> BoundExpr {
        func matches(_ c: PlanColumn) -> Bool {
            (c.name == name || c.name.lowercased() == name)
                && (qualifier.map { c.qualifier == $0 || c.qualifier?.lowercased() == $0 } ?? !c.qualifiedOnly)
        }
        let found = columns.indices.filter { matches(columns[$0]) }
        if found.count == 1 { return .column(found[0], columns[found[0]].type) }
        let shown = (qualifier.map { "\($0)." } ?? "") + name
        if found.isEmpty {
            func named(_ c: PlanColumn) -> String { (c.qualifier.map { "\($0)." } ?? "") + c.name }
            if let q = qualifier, !columns.contains(where: { $0.qualifier == q || $0.qualifier?.lowercased() == q }) {
                var aliases: [String] = []
                for c in columns { if let a = c.qualifier, !aliases.contains(a) { aliases.append(a) } }
                let hint = (q.count > 1 ? Suggestions.closest(to: q, in: aliases) : nil).map { " (did you mean '\($0)'?)" }
                    ?? (aliases.isEmpty ? "" : " (the FROM has \(aliases.map { "'\($0)'" }.joined(separator: ", ")))")
                throw QueryError("unknown table or alias '\(q)' in '\(shown)'\(hint)", at: p)
            }
            // The nearest name among the columns the qualifier (or, without one, the FROM) offers.
            let pool = columns.filter { c in qualifier.map { c.qualifier == $0 || c.qualifier?.lowercased() == $0 } ?? true }
            let hint = Suggestions.closest(to: name, in: pool.map(\.name)).flatMap { n in
                pool.first { $0.name == n }.map { " (did you mean '\(qualifier == nil ? n : named($0))'?)" }
            } ?? ""
            throw QueryError("unknown column '\(shown)'\(hint)", at: p)
        }
        let candidates = found.map { (columns[$0].qualifier.map { "\($0)." } ?? "") + columns[$0].name }
        throw QueryError("column reference '\(shown)' is ambiguous (\(candidates.joined(separator: ", ")))", at: p)
    }
}

/// Columns of equal length flowing between operators.
///
/// A column may hold dictionary codes (`.symbol`) with its dictionary in `dicts` — a tag read for a join,
/// or a join side's repeated strings — so tags are not turned into strings per row on their way through
/// joins. Only operators the planner marks (scans feeding a join, joins) produce such columns, and only
/// joins and scans consume them; `resolved()` turns them into strings.
struct Batch {
    var columns: [ColumnVector]
    var rowCount: Int
    /// Per column: the dictionary of a `.symbol` column, nil for every other (columns appended past
    /// its end, as `Window` appends, have none).
    var dicts: [SymbolDictionary?]

    /// Column `i`'s dictionary, if it holds codes.
    func dict(_ i: Int) -> SymbolDictionary? { i < dicts.count ? dicts[i] : nil }

    init(columns: [ColumnVector], rowCount: Int, dicts: [SymbolDictionary?]? = nil) {
        self.columns = columns
        self.rowCount = rowCount
        self.dicts = dicts ?? columns.map { _ in nil }
    }

    /// The columns as evaluator vectors of the given types.
    func vecs(_ types: [PlanColumn]) -> [Vec] {
        zip(columns.indices, types).map { Vec(type: $1.type, col: columns[$0], dict: dict($0)) }
    }

    /// The rows `rows` of every column, in that order.
    func gather(_ rows: [Int32]) -> Batch {
        Batch(columns: columns.map { $0.gather(rows) }, rowCount: rows.count, dicts: columns.indices.map(dict))
    }

    /// The batch with every dictionary-coded column turned into strings.
    func resolved() -> Batch {
        guard dicts.contains(where: { $0 != nil }) else { return self }
        let cols = columns.indices.map { i in
            dict(i).map { Vec(type: .string, col: columns[i], dict: $0).materialized() } ?? columns[i]
        }
        return Batch(columns: cols, rowCount: rowCount)
    }
}

/// What every operator needs while it runs.
struct ExecutionContext {
    let engine: QueryEngine
    let now: Int64
    let control: QueryControl?

    func check() throws { try control?.check() }
    func charge(_ bytes: Int) throws { try control?.charge(bytes) }
}
