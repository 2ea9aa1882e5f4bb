import ColumnStore
import QueryEngine

/// The `pg_catalog` tables of objects tsdb has none of or only one of — defaults, comments, indexes,
/// constraints, inheritance, row-security policies, publications, extended statistics, triggers —
/// and the built-in collations and tablespaces. psql's `\d table` and `\du` and JDBC's
/// `DatabaseMetaData` read them; they hold PostgreSQL's columns, so the clients' queries bind, and the
/// rows tsdb really has (none for most).
extension PGCatalog {
    /// The tables of this file and the roles (`PGRoles.swift`), under their `pg_catalog.` names.
    static func objects(_ roles: PGRoleSource) -> [VirtualTable] {
        [attrdef, description, index, constraint, inherits, policy, publication, publicationRel, publicationNamespace,
         statisticExt, trigger, authMembers(roles), collation, tablespace, self.roles(named: "pg_roles", roles),
         self.roles(named: "pg_authid", roles), user(roles)]
    }

    /// A table with no rows.
    /// `arrays`: the columns that are arrays in PostgreSQL (`oid[]`, `int2vector`, `"char"[]`), by element type.
    private static func empty(_ name: String, _ columns: [ColumnDef], arrays: [String: ValueType] = [:]) -> VirtualTable {
        VirtualTable(name: "pg_catalog." + name, columns: columns, arrays: arrays) { _ in
            columns.map { c in ColumnVector(type: c.type) }
        }
    }

    /// Column defaults: tsdb columns have none.
    static let attrdef = empty("pg_attrdef", [def("oid", .int64), def("adrelid", .int64), def("adnum", .int64), def("adbin", .string)])

    /// Comments (`COMMENT ON`): tsdb keeps none.
    static let description = empty("pg_description", [
        def("objoid", .int64), def("classoid", .int64), def("objsubid", .int64), def("description", .string),
    ])

    /// Indexes: tsdb's tables are sorted by time and have no secondary indexes.
    static let index = empty("pg_index", [
        def("indexrelid", .int64), def("indrelid", .int64), def("indnatts", .int64), def("indnkeyatts", .int64),
        def("indisunique", .bool), def("indisprimary", .bool), def("indisexclusion", .bool), def("indimmediate", .bool),
        def("indisclustered", .bool), def("indisvalid", .bool), def("indisreplident", .bool), def("indkey", .string),
        def("indexprs", .string), def("indpred", .string),
    ], arrays: ["indkey": .int32])

    /// Constraints (primary, unique, foreign keys, checks): none.
    static let constraint = empty("pg_constraint", [
        def("oid", .int64), def("conname", .string), def("connamespace", .int64), def("contype", .string),
        def("condeferrable", .bool), def("condeferred", .bool), def("convalidated", .bool), def("conrelid", .int64),
        def("contypid", .int64), def("conindid", .int64), def("conparentid", .int64), def("confrelid", .int64),
        def("confupdtype", .string), def("confdeltype", .string), def("confmatchtype", .string), def("conislocal", .bool),
        def("coninhcount", .int64), def("connoinherit", .bool), def("conkey", .string), def("confkey", .string),
        def("conbin", .string),
    ], arrays: ["conkey": .int32, "confkey": .int32])

    /// Table inheritance and partitions: none.
    static let inherits = empty("pg_inherits", [
        def("inhrelid", .int64), def("inhparent", .int64), def("inhseqno", .int64), def("inhdetachpending", .bool),
    ])

    /// Row-level security policies: none (access is decided by tokens, per database).
    static let policy = empty("pg_policy", [
        def("oid", .int64), def("polname", .string), def("polrelid", .int64), def("polcmd", .string),
        def("polpermissive", .bool), def("polroles", .string), def("polqual", .string), def("polwithcheck", .string),
    ], arrays: ["polroles": .int])

    /// Logical-replication publications: none.
    static let publication = empty("pg_publication", [
        def("oid", .int64), def("pubname", .string), def("pubowner", .int64), def("puballtables", .bool),
        def("pubinsert", .bool), def("pubupdate", .bool), def("pubdelete", .bool), def("pubtruncate", .bool),
        def("pubviaroot", .bool),
    ])
    static let publicationRel = empty("pg_publication_rel", [
        def("oid", .int64), def("prpubid", .int64), def("prrelid", .int64), def("prqual", .string), def("prattrs", .string),
    ], arrays: ["prattrs": .int32])
    static let publicationNamespace = empty("pg_publication_namespace", [
        def("oid", .int64), def("pnpubid", .int64), def("pnnspid", .int64),
    ])

    /// Extended statistics (`CREATE STATISTICS`): none.
    static let statisticExt = empty("pg_statistic_ext", [
        def("oid", .int64), def("stxrelid", .int64), def("stxname", .string), def("stxnamespace", .int64),
        def("stxowner", .int64), def("stxstattarget", .int64), def("stxkeys", .string), def("stxkind", .string),
        def("stxexprs", .string),
    ], arrays: ["stxkeys": .int32, "stxkind": .string])

    /// Triggers: none.
    static let trigger = empty("pg_trigger", [
        def("oid", .int64), def("tgrelid", .int64), def("tgparentid", .int64), def("tgname", .string), def("tgfoid", .int64),
        def("tgtype", .int64), def("tgenabled", .string), def("tgisinternal", .bool), def("tgconstraint", .int64),
    ])

    /// Role memberships: tsdb has one role, a member of none.
    /// PostgreSQL's built-in collations: `default`, `C` (`name` columns use it) and `POSIX`. tsdb compares
    /// strings by their bytes, which is what all three mean here.
    static let collation = VirtualTable(name: "pg_catalog.pg_collation", columns: [
        def("oid", .int64), def("collname", .string), def("collnamespace", .int64), def("collowner", .int64),
        def("collprovider", .string), def("collisdeterministic", .bool), def("collencoding", .int64),
        def("collcollate", .string), def("collctype", .string),
    ]) { _ in
        [ints([100, 950, 951]), strings(["default", "C", "POSIX"]), ints([pgCatalogOID, pgCatalogOID, pgCatalogOID]),
         ints([ownerOID, ownerOID, ownerOID]), strings(["d", "c", "c"]), bools([true, true, true]), ints([-1, -1, -1]),
         strings(["", "C", "POSIX"]), strings(["", "C", "POSIX"])]
    }

    /// PostgreSQL's two tablespaces; every table reports `reltablespace = 0`, the database's default.
    static let tablespace = VirtualTable(name: "pg_catalog.pg_tablespace", columns: [
        def("oid", .int64), def("spcname", .string), def("spcowner", .int64), def("spcacl", .string), def("spcoptions", .string),
    ]) { _ in
        [ints([1663, 1664]), strings(["pg_default", "pg_global"]), ints([ownerOID, ownerOID]), nulls(2), nulls(2)]
    }
}
