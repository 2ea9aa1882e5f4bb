import ColumnStore

/// The aggregation path a SELECT's keys choose, as EXPLAIN prints it (the rules `HashAggregate` and
/// `PartitionedAggregate` follow; see docs/query-execution.md#aggregation).
extension SelectPlan {
    var aggregationStrategy: String? {
        guard isAggregate else { return nil }
        guard let first = keys.first else { return "aggregation: ungrouped (one reduction per aggregate per thread, then merged)" }
        if keys.count == 1 && first.type == .bool {
            return "aggregation: dense (the boolean key indexes an array of groups)"
        }
        if keys.count == 1 && first.type == .string {
            if case let .column(i, _) = first, case let .table(snap) = source, snap.schema.columns[i].type == .symbol {
                return "aggregation: dense (the tag's dictionary code indexes an array of groups)"
            }
            return "aggregation: dense over interned strings (their codes index an array of groups); hash-partitioned when a thread's groups pass the limit"
        }
        return "aggregation: hash on \(keys.count) key(s) (open addressing); hash-partitioned into 128 partitions when a thread's groups pass the limit"
    }
}
