import ColumnStore
import QueryEngine
import Synchronization

/// The tokens the server accepts, as the roles `pg_roles`, `pg_authid`, `pg_user` and
/// `pg_auth_members` show them (what psql's `\du` lists). Set once the server's `TokenAuthority`
/// exists; read at query time, so a token file reloaded on SIGHUP shows at once.
final class PGRoleSource: Sendable {
    private let authority = Mutex<TokenAuthority?>(nil)

    func set(_ a: TokenAuthority) { authority.withLock { $0 = a } }

    /// The roles now: `tsdb` (OID 10, the owner of everything), each token as a login role named by its
    /// `name=`, and one group role per right a token holds (`read:<db>`, `write:<db>`, `*` for every
    /// database, and `admin`), of which the token is a member.
    func roles() -> [PGRole] {
        let principals = authority.withLock { $0 }?.principals ?? []
        // Without tokens every client is let in with every right: the one role `tsdb` is who they are.
        var out = [PGRole(oid: PGCatalog.ownerOID, name: PGCatalogFunctions.ownerName, superuser: true, createDB: false,
                          canLogin: principals.isEmpty, memberOf: [])]
        var groups: [String] = []
        for p in principals {
            var rights: [String] = []
            func scope(_ kind: String, _ s: DatabaseScope) {
                switch s {
                case .all: rights.append(kind + ":*")
                case let .only(names): rights += names.sorted().map { kind + ":" + $0 }
                }
            }
            scope("read", p.read)
            scope("write", p.write)
            if p.admin { rights.append("admin") }
            for r in rights where !groups.contains(r) { groups.append(r) }
            let full = p.admin && p.read == .all && p.write == .all
            out.append(PGRole(oid: PGRole.oid(p.name), name: p.name, superuser: full, createDB: p.admin && p.write != .none,
                              canLogin: true, memberOf: rights.map(PGRole.oid)))
        }
        for g in groups.sorted() {
            out.append(PGRole(oid: PGRole.oid(g), name: g, superuser: false, createDB: false, canLogin: false, memberOf: []))
        }
        return out
    }
}

/// One role as the catalogs show it.
struct PGRole: Sendable {
    var oid: Int64
    var name: String
    /// Every right: a token with read and write on every database and `admin=yes`.
    var superuser: Bool
    /// May create tables (an admin token that may write somewhere).
    var createDB: Bool
    var canLogin: Bool
    /// The OIDs of the group roles it is a member of.
    var memberOf: [Int64]

    /// A role's OID, derived from its name (as tables' are) so queries agree on it.
    static func oid(_ name: String) -> Int64 { PGCatalogFunctions.tableOID("role " + name) }
}

extension PGCatalog {
    /// `pg_roles` and `pg_authid` (which adds the password, never shown: NULL).
    static func roles(named name: String, _ source: PGRoleSource) -> VirtualTable {
        var columns = [
            def("oid", .int64), def("rolname", .string), def("rolsuper", .bool), def("rolinherit", .bool),
            def("rolcreaterole", .bool), def("rolcreatedb", .bool), def("rolcanlogin", .bool), def("rolreplication", .bool),
            def("rolbypassrls", .bool), def("rolconnlimit", .int64), def("rolvaliduntil", .time), def("rolconfig", .string),
        ]
        if name == "pg_authid" { columns.append(def("rolpassword", .string)) }
        return VirtualTable(name: "pg_catalog." + name, columns: columns) { _ in
            let roles = source.roles()
            let n = roles.count
            var validUntil = ColumnVector(type: .time)
            validUntil.appendNulls(n)
            // No role may create roles (tsdb has no CREATE ROLE), replicate or bypass row security (it has none).
            let no = bools(Array(repeating: false, count: n))
            var out = [ints(roles.map(\.oid)), strings(roles.map(\.name)), bools(roles.map(\.superuser)), bools(Array(repeating: true, count: n)),
                       no, bools(roles.map(\.createDB)), bools(roles.map(\.canLogin)), no, no, ints(Array(repeating: -1, count: n)),
                       validUntil, nulls(n)]
            if name == "pg_authid" { out.append(nulls(n)) }
            return out
        }
    }

    /// `pg_user`: the roles that can log in, under the older column names.
    static func user(_ source: PGRoleSource) -> VirtualTable {
        VirtualTable(name: "pg_catalog.pg_user", columns: [
            def("usename", .string), def("usesysid", .int64), def("usecreatedb", .bool), def("usesuper", .bool),
            def("userepl", .bool), def("usebypassrls", .bool), def("passwd", .string), def("valuntil", .time), def("useconfig", .string),
        ]) { _ in
            let roles = source.roles().filter(\.canLogin)
            let n = roles.count
            var validUntil = ColumnVector(type: .time)
            validUntil.appendNulls(n)
            return [strings(roles.map(\.name)), ints(roles.map(\.oid)), bools(roles.map(\.createDB)), bools(roles.map(\.superuser)),
                    bools(Array(repeating: false, count: n)), bools(Array(repeating: false, count: n)), strings(Array(repeating: "********", count: n)),
                    validUntil, nulls(n)]
        }
    }

    /// `pg_auth_members`: each token's membership in the group roles of its rights.
    static func authMembers(_ source: PGRoleSource) -> VirtualTable {
        VirtualTable(name: "pg_catalog.pg_auth_members", columns: [
            def("oid", .int64), def("roleid", .int64), def("member", .int64), def("grantor", .int64), def("admin_option", .bool),
        ]) { _ in
            var role: [Int64] = [], member: [Int64] = []
            for r in source.roles() {
                for g in r.memberOf { role.append(g); member.append(r.oid) }
            }
            let n = role.count
            return [ints((0..<n).map { Int64(20_000 + $0) }), ints(role), ints(member), ints(Array(repeating: ownerOID, count: n)),
                    bools(Array(repeating: false, count: n))]
        }
    }
}
