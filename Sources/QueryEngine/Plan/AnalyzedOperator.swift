import Foundation

/// EXPLAIN ANALYZE's instrument around one operator: it runs the operator unchanged and records the
/// rows it returned and how long its runs took (its children's time included; the printer subtracts it).
final class AnalyzedOperator: Operator, @unchecked Sendable {
    let inner: any Operator
    private let lock = NSLock()
    private var stats = (runs: 0, rows: 0, nanoseconds: UInt64(0))

    init(_ inner: any Operator) { self.inner = inner }

    var columns: [PlanColumn] { inner.columns }
    var children: [any Operator] { inner.children }
    var label: String { inner.label }
    var details: [String] { inner.details }

    func run(_ context: ExecutionContext) throws -> Batch {
        let start = DispatchTime.now().uptimeNanoseconds
        let batch = try inner.run(context)
        let elapsed = DispatchTime.now().uptimeNanoseconds &- start
        lock.withLock {
            stats.runs += 1
            stats.rows += batch.rowCount
            stats.nanoseconds &+= elapsed
        }
        return batch
    }

    /// Records a run done for the operator by another (a join probed inside the scan above it).
    func record(rows: Int, nanoseconds: UInt64) {
        lock.withLock {
            stats.runs += 1
            stats.rows += rows
            stats.nanoseconds &+= nanoseconds
        }
    }

    /// How often the operator ran, the rows it returned in all, and the time its runs took.
    var recorded: (runs: Int, rows: Int, nanoseconds: UInt64) { lock.withLock { stats } }

    /// The operator under any instrument.
    static func unwrapped(_ op: any Operator) -> any Operator {
        (op as? AnalyzedOperator)?.inner ?? op
    }
}

extension QueryPlanner {
    /// `op`, instrumented when planning for EXPLAIN ANALYZE.
    func node(_ op: any Operator) -> any Operator {
        analyze ? AnalyzedOperator(op) : op
    }
}
