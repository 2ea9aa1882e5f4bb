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

/// EXPLAIN's drawing of an operator tree, one node a line, children indented under their parent.
enum PlanPrinter {
    static func lines(_ root: any Operator) -> [String] {
        var out: [String] = []
        var shared = Set<ObjectIdentifier>()
        func visit(_ op: any Operator, _ depth: Int) {
            let pad = String(repeating: "  ", count: depth)
            out.append(pad + op.label)
            for d in op.details { out.append(pad + "    " + d) }
            if let cte = op as? CTEScan {
                // A WITH query read several times runs once: its tree is drawn at its first reader.
                guard shared.insert(ObjectIdentifier(cte.definition)).inserted else { return }
            }
            for c in op.children { visit(c, depth + 1) }
        }
        visit(root, 0)
        return out
    }
}
