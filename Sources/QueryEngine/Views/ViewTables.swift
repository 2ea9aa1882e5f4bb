import ColumnStore
import Foundation

/// `tsdb_views` / `SHOW MATERIALIZED VIEWS`, and the statements a view's table refuses.
enum ViewTables {
    static let columns: [ColumnDef] = [
        ColumnDef(name: "name", type: .string), ColumnDef(name: "source", type: .string),
        ColumnDef(name: "definition", type: .string), ColumnDef(name: "pending_ranges", type: .int64),
        ColumnDef(name: "lag_seconds", type: .float64), ColumnDef(name: "rows", type: .int64),
        ColumnDef(name: "partitions", type: .int64), ColumnDef(name: "bytes", type: .int64),
        ColumnDef(name: "retention_days", type: .int64), ColumnDef(name: "frozen_before", type: .string),
        ColumnDef(name: "refreshed_at", type: .string), ColumnDef(name: "error", type: .string),
    ]

    /// `tsdb_views`: one row per materialized view with its definition, maintenance lag and size.
    static let views = VirtualTable(name: "tsdb_views", columns: columns) { engine in try rows(engine) }

    static func show(_ engine: QueryEngine) throws -> QueryResult {
        QueryResult(columns: zip(columns, try rows(engine)).map { ResultColumn(name: $0.name, vector: $1) })
    }

    static func rows(_ engine: QueryEngine) throws -> [ColumnVector] {
        let db = engine.database
        let catalog = ViewCatalog.of(db)
        catalog.reloadIfReadOnly()
        var v = columns.map { ColumnVector(type: $0.type) }
        var sizes: [String: (rows: Int, partitions: Int, bytes: Int)] = [:]
        for p in db.partitions() {
            var s = sizes[p.table] ?? (0, 0, 0)
            s.rows += p.rows; s.partitions += 1; s.bytes += p.bytes
            sizes[p.table] = s
        }
        for name in catalog.names {
            guard let r = catalog.record(name) else { continue }
            let d = catalog.definition(name)
            let size = sizes[name] ?? (0, 0, 0)
            v[0].append(string: name)
            if let d { v[1].append(string: d.source) } else { v[1].appendNulls(1) }
            v[2].append(string: r.sql)
            v[3].append(int64: Int64(catalog.unmaterialized(name).intervals.count))
            v[4].append(float64: catalog.lag(name))
            v[5].append(int64: Int64(size.rows))
            v[6].append(int64: Int64(size.partitions))
            v[7].append(int64: Int64(size.bytes))
            if let days = db.tableOptions(of: name)?.retentionDays { v[8].append(int64: Int64(days)) } else { v[8].appendNulls(1) }
            if r.frozenBefore != .min { v[9].append(string: SQLTimestamp.format(r.frozenBefore)) } else { v[9].appendNulls(1) }
            if let t = r.refreshedAt { v[10].append(string: SQLTimestamp.format(t)) } else { v[10].appendNulls(1) }
            if d == nil { v[11].append(string: "the definition no longer plans (its table is gone or damaged)") }
            else if let e = catalog.lastError { v[11].append(string: e) } else { v[11].appendNulls(1) }
        }
        return v
    }

    /// Statements that would change a view's table behind maintenance, or drop a table views read.
    static func refuseOnView(_ s: Statement, _ engine: QueryEngine) throws {
        let catalog = ViewCatalog.of(engine.database)
        func refuse(_ t: TableName, _ what: String) throws {
            if catalog.record(t.name) != nil {
                throw QueryError("'\(t.name)' is a materialized view: \(what) (its rows follow its query; DROP MATERIALIZED VIEW removes it)", at: t.position)
            }
        }
        switch s {
        case let .insert(i): try refuse(i.table, "INSERT is not allowed")
        case let .delete(d): try refuse(d.table, "DELETE is not allowed")
        case let .truncate(t): try refuse(t, "TRUNCATE is not allowed")
        case let .alterDedup(t, _): try refuse(t, "dedup keys cannot be set")
        case let .alterTable(a):
            if case .addColumn = a.action { try refuse(a.table, "columns cannot be added") }
        case let .dropTable(t, _):
            try refuse(t, "use DROP MATERIALIZED VIEW")
            let readers = catalog.views(reading: t.name)
            if !readers.isEmpty {
                throw QueryError("table '\(t.name)' has materialized views (\(readers.joined(separator: ", "))): drop them first", at: t.position)
            }
        default: break
        }
    }
}
