import ColumnStore
import Foundation

/// Runs CREATE / DROP / REFRESH MATERIALIZED VIEW and SHOW MATERIALIZED VIEWS.
struct ViewRunner {
    let engine: QueryEngine
    let now: Int64

    var catalog: ViewCatalog { ViewCatalog.of(engine.database) }

    func run(_ s: MaterializedViewStatement) throws -> QueryResult {
        if s != .show { try engine.database.refuseWrites() }
        switch s {
        case let .create(view, ifNotExists, settings, query): return try create(view, ifNotExists: ifNotExists, settings: settings, query: query)
        case let .drop(view, ifExists): return try drop(view, ifExists: ifExists)
        case let .refresh(view):
            guard catalog.definition(view.name) != nil else { throw QueryError("unknown materialized view '\(view.name)'", at: view.position) }
            catalog.invalidateAll(view.name)
            let n = try catalog.maintain(view.name)
            return status("refreshed materialized view \(view.name) with \(n) rows")
        case .show:
            return try ViewTables.show(engine)
        }
    }

    private func create(_ view: TableName, ifNotExists: Bool, settings: [TableSetting], query: SelectStatement) throws -> QueryResult {
        let name = view.name
        if engine.virtualTables.table(named: name) != nil { throw QueryError("'\(name)' is a system table", at: view.position) }
        return try catalog.maintenanceLock.withLock {
            if catalog.record(name) != nil {
                if ifNotExists { return status("materialized view \(name) exists") }
                throw QueryError("materialized view '\(name)' already exists", at: view.position)
            }
            if engine.database.schema(of: name) != nil { throw QueryError("'\(name)' is a table: a materialized view needs a name of its own", at: view.position) }
            guard FileNames.isValidName(name) else { throw QueryError("'\(name)' cannot name a view (it names its table's folder)", at: view.position) }
            var options = ColumnStore.TableOptions()
            try TableSettings.apply(settings, to: &options)  // refuses bad settings before anything is stored
            let d = try ViewDefinition(name: name, query: query, engine: engine)
            // Plan the stored form once: errors in the query (unknown columns, non-aggregated keys) surface now.
            _ = try QueryPlanner(engine: catalog.engine, now: now, control: nil).plan(d.materializeQuery(BucketRanges()))
            var s: [String: String] = [:]
            for x in settings { s[x.name] = x.value }
            try catalog.add(d, settings: s)
            do {
                try ViewMaintenance(catalog: catalog, definition: d).ensureTable(settings: s)
            } catch {
                try? catalog.remove(name)
                throw error
            }
            return nil
        } ?? {
            let n = try catalog.maintain(name)
            return status("created materialized view \(name) with \(n) rows")
        }()
    }

    private func drop(_ view: TableName, ifExists: Bool) throws -> QueryResult {
        try catalog.maintenanceLock.withLock {
            guard catalog.record(view.name) != nil else {
                if ifExists { return status("materialized view \(view.name) does not exist") }
                throw QueryError("unknown materialized view '\(view.name)'", at: view.position)
            }
            // The definition goes first: a crash after it leaves an ordinary table, never a view without rows.
            try catalog.remove(view.name)
            _ = try engine.database.dropTable(view.name)
            return status("dropped materialized view \(view.name)")
        }
    }

    func status(_ text: String) -> QueryResult { DDLRunner(engine: engine, now: now, control: nil).status(text) }
}
