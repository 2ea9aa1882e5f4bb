/// A node of the physical operator tree: it runs its children and returns its columns' vectors.
///
/// Operators materialize their output as one `Batch`; the scan leaf (`ScanAggregate`) is where rows
/// stream, in parallel, from storage.
protocol Operator: AnyObject {
    var columns: [PlanColumn] { get }
    var children: [any Operator] { get }
    /// The node's line in EXPLAIN.
    var label: String { get }
    /// Further EXPLAIN lines under the label (pruning, columns read).
    var details: [String] { get }
    func run(_ context: ExecutionContext) throws -> Batch
}

extension Operator {
    var details: [String] { [] }
}

/// EXPLAIN's drawing of an operator tree, one node a line, children indented under their parent. After
/// EXPLAIN ANALYZE ran the tree, each instrumented node also shows its rows and its own time (its
/// children's time taken out).
enum PlanPrinter {
    static func lines(_ root: any Operator) -> [String] {
        var out: [String] = []
        var shared = Set<ObjectIdentifier>()
        func visit(_ op: any Operator, _ depth: Int) {
            let pad = String(repeating: "  ", count: depth)
            out.append(pad + op.label)
            if let a = op as? AnalyzedOperator { out.append(pad + "    " + actual(a)) }
            for d in op.details { out.append(pad + "    " + d) }
            if let cte = AnalyzedOperator.unwrapped(op) as? CTEScan {
                // A WITH query read several times runs once: its tree is drawn at its first reader.
                guard shared.insert(ObjectIdentifier(cte.definition)).inserted else { return }
            }
            for c in op.children { visit(c, depth + 1) }
        }
        visit(root, 0)
        return out
    }

    /// `actual: rows N, time X ms` — the node's own time: its runs' time less its children's, which ran
    /// inside it (a WITH query read twice ran once, in its first reader).
    static func actual(_ a: AnalyzedOperator) -> String {
        let r = a.recorded
        guard r.runs > 0 else { return "actual: never ran" }
        var inner: UInt64 = 0
        for c in a.children {
            let node = (c as? SubqueryNode)?.plan ?? c
            if let ca = node as? AnalyzedOperator { inner &+= ca.recorded.nanoseconds }
        }
        let own = r.nanoseconds > inner ? r.nanoseconds - inner : 0
        let runs = r.runs > 1 ? ", \(r.runs) runs" : ""
        return "actual: rows \(r.rows), time \(milliseconds(own)) ms\(runs)"
    }

    static func milliseconds(_ ns: UInt64) -> String {
        String(format: "%.3f", Double(ns) / 1e6)
    }
}
