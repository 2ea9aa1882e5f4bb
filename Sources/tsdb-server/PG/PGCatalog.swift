import ColumnStore
import PGWire
import QueryEngine

/// The parts of PostgreSQL's catalogs clients read to discover tables and columns — `pg_catalog`'s
/// `pg_namespace`, `pg_class`, `pg_attribute`, `pg_type`, `pg_database`, `pg_am`, and `information_schema`'s
/// `schemata`, `tables`, `columns` — as virtual tables computed from tsdb's own catalog at query time.
///
/// Every stored table is a table (`relkind = 'r'`) of schema `public`; its OID is derived from its name,
/// so `pg_class.oid` and `pg_attribute.attrelid` agree across queries. The `pg_catalog` tables answer
/// under their bare names too, as PostgreSQL's search path finds them.
enum PGCatalog {
    static let pgCatalogOID: Int64 = 11
    static let publicOID: Int64 = 2200
    static let informationSchemaOID: Int64 = 13_000
    /// The owner every object reports (PostgreSQL's bootstrap superuser's OID).
    static let ownerOID: Int64 = 10

    /// The virtual tables of a server whose databases are listed by `databases`, its tokens by `roles`.
    static func tables(databases: @escaping @Sendable () -> [String], roles: PGRoleSource) -> [VirtualTable] {
        var out: [VirtualTable] = []
        for t in [namespace, classes, attributes, types, database(databases), accessMethods] + objects(roles) {
            out.append(t)
            out.append(VirtualTable(name: String(t.name.dropFirst("pg_catalog.".count)), columns: t.columns, rows: t.rows))
        }
        return out + [schemata, informationTables, informationColumns]
    }

    /// A table's OID: 16384 (PostgreSQL's first user OID) plus 31 bits of FNV-1a of its name.
    static func oid(ofTable name: String) -> Int64 { PGCatalogFunctions.tableOID(name) }

    /// The database's name: its directory's.
    static func name(_ engine: QueryEngine) -> String {
        engine.database.path.split(separator: "/").last.map(String.init) ?? ""
    }

    /// The PostgreSQL type a stored column is sent as.
    static func pgType(_ c: ColumnType) -> PGType { PGResultRows.type(of: c) }

    /// `information_schema.columns.data_type`: the SQL standard's spelling.
    static func standardName(_ t: PGType) -> String {
        switch t.oid {
        case PGType.timestamptz.oid: "timestamp with time zone"
        case PGType.int8.oid: "bigint"
        case PGType.numeric.oid: "numeric"
        case PGType.float8.oid: "double precision"
        case PGType.bool.oid: "boolean"
        default: "text"
        }
    }

    static func strings(_ values: [String]) -> ColumnVector {
        var v = ColumnVector(type: .string)
        for s in values { v.append(string: s) }
        return v
    }

    static func nulls(_ n: Int) -> ColumnVector {
        var v = ColumnVector(type: .string)
        v.appendNulls(n)
        return v
    }

    static func ints(_ values: [Int64]) -> ColumnVector {
        var v = ColumnVector(type: .int64)
        v.append(int64s: values[...])
        return v
    }

    static func bools(_ values: [Bool]) -> ColumnVector {
        var v = ColumnVector(type: .bool)
        for b in values { v.append(bool: b) }
        return v
    }

    static func def(_ name: String, _ type: ColumnType) -> ColumnDef { ColumnDef(name: name, type: type) }

    static let namespace = VirtualTable(name: "pg_catalog.pg_namespace", columns: [
        def("oid", .int64), def("nspname", .string), def("nspowner", .int64),
    ]) { _ in
        [ints([pgCatalogOID, publicOID, informationSchemaOID]), strings(["pg_catalog", "public", "information_schema"]),
         ints([ownerOID, ownerOID, ownerOID])]
    }

    /// Every stored table with its schema, in name order.
    /// A materialized view's columns are those queries see (`QueryEngine.queryColumns`), as `DESCRIBE` shows.
    private static func schemas(_ engine: QueryEngine) -> [(String, [ColumnDef])] {
        engine.database.tableNames().sorted().compactMap { t in engine.queryColumns(of: t).map { (t, $0) } }
    }

    static let classes = VirtualTable(name: "pg_catalog.pg_class", columns: [
        def("oid", .int64), def("relname", .string), def("relnamespace", .int64), def("relkind", .string),
        def("relowner", .int64), def("relnatts", .int64), def("relhasindex", .bool), def("relpersistence", .string),
        def("relispartition", .bool), def("reltuples", .float64), def("relam", .int64),
        def("relchecks", .int64), def("relhasrules", .bool), def("relhastriggers", .bool), def("relrowsecurity", .bool),
        def("relforcerowsecurity", .bool), def("relhassubclass", .bool), def("reltablespace", .int64), def("reloftype", .int64),
        def("reltype", .int64), def("reltoastrelid", .int64), def("relreplident", .string), def("reloptions", .string),
        def("relacl", .string), def("relpartbound", .string),
    ]) { engine in
        let tables = schemas(engine)
        var reltuples = ColumnVector(type: .float64)
        for _ in tables { reltuples.append(float64: -1) }  // never analysed, as PostgreSQL says
        return [ints(tables.map { oid(ofTable: $0.0) }), strings(tables.map(\.0)), ints(tables.map { _ in publicOID }),
                strings(tables.map { _ in "r" }), ints(tables.map { _ in ownerOID }), ints(tables.map { Int64($0.1.count) }),
                bools(tables.map { _ in false }), strings(tables.map { _ in "p" }), bools(tables.map { _ in false }), reltuples,
                ints(tables.map { _ in heapAccessMethodOID }),
                // No CHECK constraints, rules, triggers, row security, subclasses, tablespace, type, TOAST
                // table, options, privileges or partition bound; replica identity "default".
                ints(tables.map { _ in 0 }), bools(tables.map { _ in false }), bools(tables.map { _ in false }),
                bools(tables.map { _ in false }), bools(tables.map { _ in false }), bools(tables.map { _ in false }),
                ints(tables.map { _ in 0 }), ints(tables.map { _ in 0 }), ints(tables.map { _ in 0 }), ints(tables.map { _ in 0 }),
                strings(tables.map { _ in "d" }), nulls(tables.count), nulls(tables.count), nulls(tables.count)]
    }

    /// PostgreSQL's table access method `heap`, which every table reports as its `relam`.
    static let heapAccessMethodOID: Int64 = 2

    static let accessMethods = VirtualTable(name: "pg_catalog.pg_am", columns: [
        def("oid", .int64), def("amname", .string), def("amtype", .string),
    ]) { _ in
        [ints([heapAccessMethodOID]), strings(["heap"]), strings(["t"])]
    }

    static let attributes = VirtualTable(name: "pg_catalog.pg_attribute", columns: [
        def("attrelid", .int64), def("attname", .string), def("atttypid", .int64), def("attnum", .int64),
        def("attlen", .int64), def("atttypmod", .int64), def("attnotnull", .bool), def("atthasdef", .bool),
        def("attisdropped", .bool), def("attidentity", .string), def("attgenerated", .string), def("attcollation", .int64),
    ]) { engine in
        var rel: [Int64] = [], name: [String] = [], type: [Int64] = [], num: [Int64] = [], len: [Int64] = [], notNull: [Bool] = []
        var collation: [Int64] = []
        for (t, schema) in schemas(engine) {
            for (i, c) in schema.enumerated() {
                let pt = pgType(c.type)
                rel.append(oid(ofTable: t)); name.append(c.name); type.append(Int64(pt.oid)); num.append(Int64(i + 1))
                len.append(Int64(pt.size)); notNull.append(c.type == .time); collation.append(collationOID(pt))
            }
        }
        let n = rel.count
        return [ints(rel), strings(name), ints(type), ints(num), ints(len), ints(Array(repeating: -1, count: n)), bools(notNull),
                bools(Array(repeating: false, count: n)), bools(Array(repeating: false, count: n)),
                strings(Array(repeating: "", count: n)), strings(Array(repeating: "", count: n)), ints(collation)]
    }

    /// The collation of a text type: PostgreSQL's `default` (OID 100); other types have none (0).
    static func collationOID(_ t: PGType) -> Int64 {
        switch t.oid {
        case PGType.text.oid, PGType.varchar.oid, PGType.name.oid, PGType.bpchar.oid: t.oid == PGType.name.oid ? 950 : 100
        default: 0
        }
    }

    static let types = VirtualTable(name: "pg_catalog.pg_type", columns: [
        def("oid", .int64), def("typname", .string), def("typnamespace", .int64), def("typlen", .int64), def("typtype", .string),
        def("typcategory", .string), def("typrelid", .int64), def("typelem", .int64), def("typbasetype", .int64),
        def("typtypmod", .int64), def("typnotnull", .bool), def("typcollation", .int64),
    ]) { _ in
        let all = PGType.all + PGType.arrays.map(\.array)
        func element(_ t: PGType) -> Int64 { PGType.arrays.first { $0.array == t }.map { Int64($0.element.oid) } ?? 0 }
        func category(_ t: PGType) -> String {
            if element(t) != 0 { return "A" }
            return switch t.oid {
            case PGType.bool.oid: "B"
            case PGType.int2.oid, PGType.int4.oid, PGType.int8.oid, PGType.float4.oid, PGType.float8.oid, PGType.numeric.oid, PGType.oidType.oid: "N"
            case PGType.date.oid, PGType.timestamp.oid, PGType.timestamptz.oid: "D"
            case PGType.interval.oid: "T"
            case PGType.unknown.oid: "X"
            case PGType.record.oid: "P"
            default: "S"
            }
        }
        let n = all.count
        return [ints(all.map { Int64($0.oid) }), strings(all.map(\.name)), ints(Array(repeating: pgCatalogOID, count: n)),
                ints(all.map { Int64($0.size) }), strings(Array(repeating: "b", count: n)), strings(all.map(category)),
                ints(Array(repeating: 0, count: n)), ints(all.map(element)), ints(Array(repeating: 0, count: n)),
                ints(Array(repeating: -1, count: n)), bools(Array(repeating: false, count: n)), ints(all.map(collationOID))]
    }

    static func database(_ names: @escaping @Sendable () -> [String]) -> VirtualTable {
        VirtualTable(name: "pg_catalog.pg_database", columns: [
            def("oid", .int64), def("datname", .string), def("datdba", .int64), def("encoding", .int64),
            def("datcollate", .string), def("datctype", .string), def("datistemplate", .bool), def("datallowconn", .bool),
            def("datconnlimit", .int64), def("datlocprovider", .string), def("daticulocale", .string), def("datacl", .string),
        ]) { _ in
            let dbs = names().sorted()
            let n = dbs.count
            return [ints(dbs.map { oid(ofTable: "database " + $0) }), strings(dbs), ints(Array(repeating: ownerOID, count: n)),
                    ints(Array(repeating: 6, count: n)),  // 6: UTF8
                    strings(Array(repeating: "C", count: n)), strings(Array(repeating: "C", count: n)),
                    bools(Array(repeating: false, count: n)), bools(Array(repeating: true, count: n)), ints(Array(repeating: -1, count: n)),
                    strings(Array(repeating: "c", count: n)), nulls(n), nulls(n)]  // libc locale "C", no ICU locale, default privileges
        }
    }

    static let schemata = VirtualTable(name: "information_schema.schemata", columns: [
        def("catalog_name", .string), def("schema_name", .string), def("schema_owner", .string),
    ]) { engine in
        let db = name(engine)
        return [strings([db, db, db]), strings(["pg_catalog", "public", "information_schema"]), strings(["tsdb", "tsdb", "tsdb"])]
    }

    static let informationTables = VirtualTable(name: "information_schema.tables", columns: [
        def("table_catalog", .string), def("table_schema", .string), def("table_name", .string), def("table_type", .string),
        def("is_insertable_into", .string), def("is_typed", .string),
    ]) { engine in
        let tables = schemas(engine).map(\.0)
        let n = tables.count
        return [strings(Array(repeating: name(engine), count: n)), strings(Array(repeating: "public", count: n)), strings(tables),
                strings(Array(repeating: "BASE TABLE", count: n)), strings(Array(repeating: "NO", count: n)), strings(Array(repeating: "NO", count: n))]
    }

    static let informationColumns = VirtualTable(name: "information_schema.columns", columns: [
        def("table_catalog", .string), def("table_schema", .string), def("table_name", .string), def("column_name", .string),
        def("ordinal_position", .int64), def("column_default", .string), def("is_nullable", .string), def("data_type", .string),
        def("udt_name", .string),
    ]) { engine in
        var table: [String] = [], column: [String] = [], position: [Int64] = [], nullable: [String] = [], type: [String] = [], udt: [String] = []
        for (t, schema) in schemas(engine) {
            for (i, c) in schema.enumerated() {
                let pt = pgType(c.type)
                table.append(t); column.append(c.name); position.append(Int64(i + 1))
                nullable.append(c.type == .time ? "NO" : "YES"); type.append(standardName(pt)); udt.append(pt.name)
            }
        }
        let n = table.count
        var defaults = ColumnVector(type: .string)
        defaults.appendNulls(n)
        return [strings(Array(repeating: name(engine), count: n)), strings(Array(repeating: "public", count: n)), strings(table),
                strings(column), ints(position), defaults, strings(nullable), strings(type), strings(udt)]
    }
}
