import ColumnStore
import Foundation

/// PostgreSQL's regular-expression match (`~`, `regexp_matches`) and the catalog functions its
/// clients call in their metadata queries (psql's `\d` family, JDBC, Grafana): `pg_get_userbyid`,
/// `pg_encoding_to_char`, `format_type`, `quote_ident`.
public enum PGCatalogFunctions {
    /// The owner every catalog object reports (PostgreSQL's bootstrap superuser, OID 10).
    static let ownerOID: Int64 = 10
    public static let ownerName = "tsdb"

    /// A vector for the functions that are not row-at-a-time over `Value`s, else nil.
    static func eval(_ f: ScalarFunction, _ args: [Vec], _ n: Int) throws -> Vec? {
        guard f == .regexpMatches else { return nil }
        var flags = ""
        if args.count == 3, case let .string(s)? = args[2].constant { flags = s }
        // The pattern compiles once per batch when it is a constant (the usual case), else per row.
        let constantPattern: NSRegularExpression?
        switch args[1].constant {
        case let .string(p)?: constantPattern = try regex(p, flags: flags)
        case .null?: return Vec(constant: .null, count: n)
        default: constantPattern = nil
        }
        var out = [UInt8](repeating: 0, count: n)
        var validity = Bitmap(count: n, value: true)
        var anyNull = false
        for i in 0..<n {
            if args[0].value(i) == .null || (constantPattern == nil && args[1].value(i) == .null) {
                validity[i] = false
                anyNull = true
                continue
            }
            let re = try constantPattern ?? regex(args[1].string(i), flags: flags)
            let s = args[0].string(i)
            out[i] = re.firstMatch(in: s, range: NSRange(s.startIndex..., in: s)) != nil ? 1 : 0
        }
        return Vec.bools(out, anyNull ? validity : nil)
    }

    /// A compiled pattern; `flags` `i` ignores case.
    static func regex(_ pattern: String, flags: String) throws -> NSRegularExpression {
        do {
            return try NSRegularExpression(pattern: pattern, options: flags.contains("i") ? [.caseInsensitive] : [])
        } catch {
            throw QueryError("invalid regular expression '\(pattern)'")
        }
    }

    static func apply(_ f: ScalarFunction, _ a: [Value]) -> Value {
        switch f {
        case .pgGetUserByID:
            guard case let .int(oid) = a[0] else { return .null }
            return .string(oid == ownerOID ? ownerName : "unknown (OID=\(oid))")
        case .pgEncodingToChar:
            guard case let .int(code) = a[0] else { return .null }
            return .string(code == 6 ? "UTF8" : code == 0 ? "SQL_ASCII" : "")
        case .formatType:
            guard case let .int(oid) = a[0] else { return .null }
            return .string(typeNames[oid] ?? "???")
        case .quoteIdent:
            guard case let .string(name) = a[0] else { return .null }
            return .string(quoteIdent(name))
        case .regclass:
            guard case let .string(name) = a[0] else { return .null }
            return .int(relationOID(name))
        case .regnamespace:
            guard case let .int(oid) = a[0] else { return .null }
            return .string(namespaceNames[oid] ?? "\(oid)")
        default:
            return .null
        }
    }

    /// PostgreSQL's `quote_ident`: the name as is when it is a plain lower-case identifier, else in
    /// double quotes with `"` doubled.
    static func quoteIdent(_ name: String) -> String {
        let plain = name.utf8.first.map { ($0 >= 0x61 && $0 <= 0x7A) || $0 == 0x5F } ?? false
            && name.utf8.allSatisfy { ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x5F }
        return plain ? name : "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// The OID of the relation `name` (as `'name'::regclass` reads it: optionally schema-qualified, in
    /// double quotes to keep its case): PostgreSQL's own for the catalog tables tsdb serves, else a stored
    /// table's, 16384 (PostgreSQL's first user OID) plus 31 bits of FNV-1a of its name.
    public static func relationOID(_ name: String) -> Int64 {
        var parts = name.split(separator: ".", maxSplits: 1).map(String.init)
        if parts.count == 2, parts[0] == "public" || parts[0] == "pg_catalog" || parts[0] == "\"public\"" { parts.removeFirst() }
        var relation = parts.joined(separator: ".")
        if relation.count >= 2, relation.hasPrefix("\""), relation.hasSuffix("\"") {
            relation = String(relation.dropFirst().dropLast()).replacingOccurrences(of: "\"\"", with: "\"")
        } else {
            relation = relation.lowercased()
        }
        if let oid = catalogOIDs[relation] { return oid }
        return tableOID(relation)
    }

    /// A stored table's OID: 16384 plus 31 bits of FNV-1a of its name, so every query agrees on it.
    public static func tableOID(_ name: String) -> Int64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in name.utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        return 16_384 + Int64(h >> 33)
    }

    /// PostgreSQL's fixed OIDs of its catalog tables (JDBC compares `classoid` with `'pg_class'::regclass`).
    public static let catalogOIDs: [String: Int64] = [
        "pg_type": 1247, "pg_attribute": 1249, "pg_proc": 1255, "pg_class": 1259, "pg_attrdef": 2604,
        "pg_constraint": 2606, "pg_inherits": 2611, "pg_index": 2610, "pg_namespace": 2615, "pg_database": 1262,
        "pg_description": 2609, "pg_am": 2601, "pg_authid": 1260, "pg_policy": 3256, "pg_collation": 3456,
        "pg_publication": 6104, "pg_trigger": 2620, "pg_statistic_ext": 3381,
    ]

    /// The schemas tsdb's catalog shows, by OID (PostgreSQL's fixed OIDs for pg_catalog and public).
    static let namespaceNames: [Int64: String] = [11: "pg_catalog", 2200: "public", 13_000: "information_schema"]

    /// `format_type` of PostgreSQL's built-in types (the ones tsdb's catalogs and parameters use).
    static let typeNames: [Int64: String] = [
        16: "boolean", 17: "bytea", 19: "name", 20: "bigint", 21: "smallint", 23: "integer", 25: "text", 26: "oid",
        700: "real", 701: "double precision", 705: "unknown", 1043: "character varying", 1042: "character",
        1082: "date", 1114: "timestamp without time zone", 1184: "timestamp with time zone", 1186: "interval",
        1700: "numeric", 1000: "boolean[]", 1003: "name[]", 1005: "smallint[]", 1007: "integer[]", 1009: "text[]",
        1015: "character varying[]", 1016: "bigint[]", 1021: "real[]", 1022: "double precision[]", 1028: "oid[]",
        1185: "timestamp with time zone[]", 1231: "numeric[]",
    ]
}
