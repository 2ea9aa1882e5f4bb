/// Finding the GROUP BY key an expression is, however its columns are spelled: `o.artist` is the key
/// `artist` when both name the same source column, and `date_trunc('day', o.time)` the key
/// `date_trunc('day', time)`. A correlated subquery's outer side is written qualified
/// (`p.artist = o.artist`), so without this it could not bind to the group's key.
struct GroupKeyMatcher {
    /// Each key with its columns replaced by their source column numbers; nil where a column did not resolve.
    private let keys: [Expr?]
    private let scan: Binder

    init(keys: [Expr], scan: Binder) {
        self.scan = scan
        keys.isEmpty ? (self.keys = []) : (self.keys = keys.map { Self.canonical($0, scan) })
    }

    /// The index of the key `e` is, or nil.
    func key(_ e: Expr) -> Int? {
        guard !keys.isEmpty, Self.mentionsColumn(e), let c = Self.canonical(e, scan) else { return nil }
        return keys.firstIndex { $0 == c }
    }

    private static func mentionsColumn(_ e: Expr) -> Bool {
        if case .column = e.kind { return true }
        var found = false
        e.kind.forEachChild { if !found { found = mentionsColumn($0) } }
        return found
    }

    /// `e` with every column reference replaced by its source column's number; nil when one does not resolve
    /// in the source (an outer column, an alias) or `e` holds a subquery.
    private static func canonical(_ e: Expr, _ scan: Binder) -> Expr? {
        switch e.kind {
        case .column:
            guard case let .column(i, _)? = try? scan.bind(e) else { return nil }
            return Expr(.column(table: nil, name: "\u{1}#\(i)"), at: e.position)
        case .subquery, .exists, .arraySubquery, .inSubquery:
            return nil
        default:
            var failed = false
            let kind = e.kind.mapChildren { c -> Expr in
                guard !failed, let x = canonical(c, scan) else { failed = true; return c }
                return x
            }
            return failed ? nil : Expr(kind, at: e.position)
        }
    }
}
