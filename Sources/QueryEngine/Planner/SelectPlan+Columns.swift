import ColumnStore

extension SelectPlan {
    /// The source columns the scan reads: the filter's, the group keys' and the aggregates' inputs, or —
    /// without aggregation — the outputs' and the order keys' (an aggregate plan's outputs, HAVING and
    /// ORDER BY read the grouped batch, not the source). A read-only snapshot loads only these tags'
    /// dictionaries.
    func sourceColumns(filter: BoundExpr?) -> Set<Int> {
        var used = Set<Int>()
        filter?.columns(into: &used)
        for k in keys { k.columns(into: &used) }
        for a in aggregates { for e in a.inputs { e?.columns(into: &used) } }
        if !isAggregate {
            for e in outputs { e.columns(into: &used) }
            for k in order { k.expr.columns(into: &used) }
        }
        return used
    }

    /// The dictionaries of the tag columns the scan reads (`sourceColumns`), by column; nil elsewhere.
    func readDictionaries(_ snap: TableSnapshot) -> [SymbolDictionary?] {
        let used = sourceColumns(filter: filter)
        return (0..<snap.schema.count).map { used.contains($0) ? snap.dictionary($0) : nil }
    }
}
