import NIOCore
import PGWire

/// `$n` parameters of the extended protocol, put into the SQL text as typed literals.
///
/// Each value is decoded by its type and format (`PGValue`) and written as a literal the engine's
/// grammar reads back exactly: numbers as numbers (validated, never raw client text), strings quoted
/// with `'` doubled, times as `TIMESTAMP '…'`, so no parameter can change the statement's structure.
/// Substitution keeps a map of the replaced ranges, so an error position in the substituted text is
/// reported at the matching place of the text the client sent.
enum PGParameters {
    /// The substituted text and, per replacement, (start in the new text, length in the new text,
    /// start in the original, length in the original), in order.
    struct Substituted {
        var sql: String
        var replacements: [(new: Int, newLength: Int, old: Int, oldLength: Int)] = []

        /// The UTF-8 offset in the original text of `offset` in the substituted one.
        func originalOffset(_ offset: Int) -> Int {
            var shift = 0
            for r in replacements {
                if offset < r.new { break }
                if offset < r.new + r.newLength { return r.old }
                shift = (r.old + r.oldLength) - (r.new + r.newLength)
            }
            return offset + shift
        }
    }

    /// Parameter types of a statement: those Parse gave (0 means unspecified), else a `$n::type` cast's,
    /// else a count's after LIMIT/OFFSET, else that of the column the parameter is compared with
    /// (`columnType`, from the database's tables), else text. The count is the highest `$n` used (or the
    /// number of types Parse gave, if more).
    static func types(of sql: String, declared: [UInt32], columnType: (String) -> PGType? = { _ in nil }) throws(PGErrorFields) -> [PGType] {
        let placeholders = PGSQLText.placeholders(sql)
        let count = max(declared.count, placeholders.map(\.number).max() ?? 0)
        var out: [PGType] = []
        for i in 0..<count {
            if i < declared.count, declared[i] != 0 {
                guard let t = PGType(oid: declared[i]) else {
                    throw PGErrorFields(code: PGSQLState.featureNotSupported, message: "parameter $\(i + 1) has type OID \(declared[i]), which tsdb does not support")
                }
                out.append(t)
                continue
            }
            let uses = placeholders.filter { $0.number == i + 1 }
            if let cast = uses.lazy.compactMap({ PGSQLText.castAfter($0, in: sql) }).first, let t = typeNamed(cast) {
                out.append(t)
            } else if uses.contains(where: { ["LIMIT", "OFFSET"].contains(PGSQLText.wordBefore($0, in: sql)) }) {
                out.append(.int8)  // a row count, as PostgreSQL infers it
            } else if let t = comparedColumnType(uses, sql, columnType) {
                out.append(t)  // as PostgreSQL infers it from the other operand
            } else {
                out.append(.text)
            }
        }
        return out
    }

    /// The type of the first column one of the placeholders is compared with.
    static func comparedColumnType(_ uses: [PGSQLText.Placeholder], _ sql: String, _ columnType: (String) -> PGType?) -> PGType? {
        for u in uses {
            if let name = PGSQLText.comparedName(u, in: sql), let t = columnType(name) { return t }
        }
        return nil
    }

    /// The PostgreSQL type a cast names, for the spellings tsdb's SQL accepts.
    static func typeNamed(_ name: String) -> PGType? {
        switch name {
        case "bool", "boolean": .bool
        case "int2", "smallint": .int2
        case "int", "int4", "integer": .int4
        case "int8", "bigint", "long": .int8
        case "float4", "real", "float": .float4
        case "float8", "double", "double precision": .float8
        case "numeric", "decimal": .numeric
        case "text", "varchar", "string", "character varying": .text
        case "timestamp", "datetime", "timestamp without time zone": .timestamp
        case "timestamptz", "timestamp with time zone": .timestamptz
        case "date": .date
        case "interval": .interval
        default: nil
        }
    }

    /// `sql` with every `$n` replaced by the literal of value n.
    static func substitute(_ sql: String, _ values: [PGValue], types: [PGType]) throws(PGErrorFields) -> Substituted {
        let placeholders = PGSQLText.placeholders(sql)
        guard !placeholders.isEmpty else { return Substituted(sql: sql) }
        let b = Array(sql.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(b.count + 16 * placeholders.count)
        var result = Substituted(sql: "")
        var last = 0
        for p in placeholders {
            guard p.number <= values.count else {
                throw PGErrorFields(code: "08P01", message: "there is no parameter $\(p.number): \(values.count) were bound",
                                    position: PGSQLText.characterPosition(sql, utf8Offset: p.range.lowerBound))
            }
            out.append(contentsOf: b[last..<p.range.lowerBound])
            let literal = try Self.literal(values[p.number - 1], type: types[p.number - 1], number: p.number)
            result.replacements.append((out.count, literal.utf8.count, p.range.lowerBound, p.range.count))
            out.append(contentsOf: literal.utf8)
            last = p.range.upperBound
        }
        out.append(contentsOf: b[last...])
        result.sql = String(decoding: out, as: UTF8.self)
        return result
    }

    /// A value a placeholder stands for while a statement is only described (no values yet): one of
    /// the parameter's type, so the description has the types the execution will have.
    static func placeholderValue(_ type: PGType) -> PGValue {
        switch type.oid {
        case PGType.bool.oid: .bool(false)
        case PGType.int2.oid, PGType.int4.oid, PGType.int8.oid: .int(0)
        case PGType.float4.oid, PGType.float8.oid: .double(0)
        case PGType.numeric.oid: .numeric("0")
        case PGType.timestamp.oid, PGType.timestamptz.oid: .timestamp(micros: 0)
        case PGType.date.oid: .date(days: 0)
        case PGType.interval.oid: .interval(months: 0, days: 1, micros: 0)
        default: .null
        }
    }

    /// The SQL literal of one value.
    static func literal(_ v: PGValue, type: PGType, number: Int) throws(PGErrorFields) -> String {
        switch v {
        case .null: return "NULL"
        case let .bool(b): return b ? "TRUE" : "FALSE"
        case let .int(i): return i < 0 ? "(\(i))" : "\(i)"
        case let .double(d):
            guard d.isFinite else {
                throw PGErrorFields(code: PGSQLState.featureNotSupported, message: "parameter $\(number): \(d) is not supported (tsdb has no NaN or infinite literals)")
            }
            let s = "\(d)"
            return "CAST(" + (d < 0 ? "(\(s))" : s) + " AS DOUBLE)"
        case let .numeric(n): return n.hasPrefix("-") ? "(\(n))" : n
        case let .timestamp(micros):
            return "TIMESTAMP '" + PGDataRowWriter.timestampString(micros: micros, zone: false) + "'"
        case let .date(days):
            return "DATE '" + String(PGDataRowWriter.timestampString(micros: days * 86_400_000_000, zone: false).prefix(10)) + "'"
        case let .interval(months, days, micros):
            return "INTERVAL '\(months) months \(days) days \(micros) microseconds'"
        case let .text(s):
            guard !s.utf8.contains(0) else {
                throw PGErrorFields(code: PGSQLState.characterNotInRepertoire, message: "parameter $\(number) holds a NUL byte")
            }
            let quoted = "'" + s.replacingOccurrences(of: "'", with: "''") + "'"
            switch type.oid {
            case PGType.timestamp.oid, PGType.timestamptz.oid: return "TIMESTAMP " + quoted
            case PGType.date.oid: return "DATE " + quoted
            case PGType.interval.oid: return "INTERVAL " + quoted
            default: return quoted
            }
        }
    }
}

import Foundation
