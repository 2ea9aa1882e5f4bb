import ColumnStore
import Foundation
import QueryEngine

/// The databases the server has opened, with one query engine each.
final class ServerDatabases: @unchecked Sendable {
    let registry: DatabaseRegistry
    let queryThreads: Int
    /// Whether the engines answer raw queries from materialized views (`--view-rewrite`).
    let viewRewrite: Bool
    private let lock = NSLock()
    private var opened: [String: (Database, QueryEngine)] = [:]
    /// Where failed opens are reported (`/health`).
    let health: ServerHealth

    /// Tables every engine computes at query time: tsdb's system tables and the PostgreSQL catalogs
    /// clients read (PGCatalog).
    let virtualTables: VirtualTableRegistry
    /// The tokens `pg_roles` shows, given by the server's context once it has read them.
    let pgRoles = PGRoleSource()

    init(registry: DatabaseRegistry, queryThreads: Int, viewRewrite: Bool = true, health: ServerHealth = ServerHealth()) {
        self.viewRewrite = viewRewrite
        self.registry = registry
        var tables = VirtualTableRegistry.standard
        for t in PGCatalog.tables(databases: { [registry] in registry.names() }, roles: pgRoles) { tables.register(t) }
        virtualTables = tables
        self.queryThreads = queryThreads
        self.health = health
    }

    /// The database `name`, created if `create`; nil when it does not exist and `create` is false.
    func database(_ name: String, create: Bool) throws -> Database? {
        try entry(name, create: create)?.0
    }

    /// The query engine of database `name`; nil when it does not exist.
    func engine(_ name: String) throws -> QueryEngine? {
        try entry(name, create: false)?.1
    }

    /// The query engine of database `name`, creating the database first when `create` (a CREATE TABLE
    /// makes its database, as a first write does).
    func engine(_ name: String, create: Bool) throws -> QueryEngine? {
        try entry(name, create: create)?.1
    }

    private func entry(_ name: String, create: Bool) throws -> (Database, QueryEngine)? {
        if let e = lock.withLock({ opened[name] }) { return e }
        let db: Database
        do {
            guard let d = try registry.database(name, create: create) else { return nil }
            db = d
        } catch StorageError.invalidName(let n) {
            throw StorageError.invalidName(n)
        } catch {
            health.databaseOpenFailed(name, error)
            throw error
        }
        health.databaseOpened(name)
        return lock.withLock {
            if let e = opened[name] { return e }
            let e = (db, QueryEngine(database: db, threads: queryThreads, virtualTables: virtualTables, viewRewrite: viewRewrite))
            opened[name] = e
            return e
        }
    }

    /// Opens every database on disk, so one that cannot open is reported by `/health` from the start
    /// (the error is recorded, not thrown: the others serve).
    func openExisting() {
        for name in registry.names() {
            _ = try? entry(name, create: false)
        }
    }

    /// One failing `/health` check per table that failed verification on open (it refuses alone; see
    /// docs/operations.md, Recovery rules).
    func damagedTableChecks() -> [ServerHealth.Check] {
        openDatabases().flatMap { db in
            db.database.damagedTables().sorted { $0.key < $1.key }.map {
                ServerHealth.Check(name: "database \(db.name)", message: "table '\($0.key)' is damaged: \($0.value)")
            }
        }
    }

    /// The databases opened so far, by name.
    func openDatabases() -> [(name: String, database: Database)] {
        lock.withLock { opened.map { ($0.key, $0.value.0) }.sorted { $0.name < $1.name } }
    }

    /// Forgets database `name`, closes it and deletes its data (InfluxQL's DROP DATABASE); false when
    /// there was none.
    func drop(_ name: String) throws -> Bool {
        lock.withLock { _ = opened.removeValue(forKey: name) }
        health.databaseOpened(name)
        return try registry.drop(name)
    }

    /// Flushes and closes every database.
    func closeAll() throws {
        lock.withLock { opened.removeAll() }
        try registry.closeAll()
    }
}
