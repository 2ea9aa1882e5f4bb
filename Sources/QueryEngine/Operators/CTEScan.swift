import Foundation

/// A `WITH` query, run once however many times the query reads it (subqueries that read it may run on
/// several scan threads at once: the first runs it, the others wait for its rows).
final class CTEDefinition: @unchecked Sendable {
    let name: String
    let plan: any Operator
    private let lock = NSLock()
    private var result: Batch?

    init(name: String, plan: any Operator) {
        self.name = name
        self.plan = plan
    }

    func rows(_ context: ExecutionContext) throws -> Batch {
        try lock.withLock {
            if let result { return result }
            let b = try plan.run(context)
            result = b
            return b
        }
    }
}

/// A read of a `WITH` query's rows.
final class CTEScan: Operator {
    let definition: CTEDefinition
    let columns: [PlanColumn]

    init(_ definition: CTEDefinition, columns: [PlanColumn]) {
        self.definition = definition
        self.columns = columns
    }

    var children: [any Operator] { [definition.plan] }
    var label: String { "CTE \(definition.name) (runs once)" }
    func run(_ context: ExecutionContext) throws -> Batch { try definition.rows(context) }
}
