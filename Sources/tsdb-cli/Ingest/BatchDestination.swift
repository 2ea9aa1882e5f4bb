import ColumnStore

/// Where CSV and Parquet rows go: the embedded store, or a tsdb-server as line protocol
/// (`RemoteBatchWriter`). Either way the rows that were not written come back with their reasons.
enum BatchDestination {
    case database(Database)
    case server(RemoteBackend)

    /// Writes `batch`; `allOrNothing`: no row of it is written if one is rejected (embedded), or no
    /// row of the refused request and none after it (server). Returns the rows written and the rejected
    /// rows in row order.
    func write(_ batch: WriteBatch, allOrNothing: Bool) throws -> (written: Int, rejected: [RowRejection]) {
        switch self {
        case .database(let db):
            let policy = allOrNothing ? WritePolicy(atomicity: .allOrNothing) : .partial
            let rejected = try db.write([batch], policy: policy).rejected.first ?? []
            return (allOrNothing && !rejected.isEmpty ? 0 : batch.rowCount - rejected.count, rejected)
        case .server(let backend):
            return try RemoteBatchWriter(backend: backend, acceptPartial: !allOrNothing).write(batch)
        }
    }

    /// Opens the destination `global` names: a server, or the data directory for writing.
    static func open(_ global: GlobalOptions) throws -> (Backend, BatchDestination) {
        let backend = try global.openBackend(create: true, forWriting: true)
        if let remote = backend as? RemoteBackend { return (backend, .server(remote)) }
        guard let embedded = backend as? EmbeddedBackend else { throw CLIError("BUG: an unknown backend") }
        embedded.deferViewMaintenance()
        return (backend, .database(embedded.database))
    }
}
