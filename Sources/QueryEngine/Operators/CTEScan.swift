/// A `WITH` query, run once however many times the query reads it.
final class CTEDefinition {
    let name: String
    let plan: any Operator
    private var result: Batch?

    init(name: String, plan: any Operator) {
        self.name = name
        self.plan = plan
    }

    func rows(_ context: ExecutionContext) throws -> Batch {
        if let result { return result }
        let b = try plan.run(context)
        result = b
        return b
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
