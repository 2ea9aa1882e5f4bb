import ColumnStore
import Foundation
import QueryEngine

/// SHOW MEASUREMENTS, SHOW TAG KEYS, SHOW TAG VALUES, SHOW FIELD KEYS and SHOW SERIES, answered from
/// the tables' schemas and (for values present in the data) SELECT DISTINCT through the engine.
struct MetaQueries {
    let executor: InfluxQLExecutor
    let engine: QueryEngine

    func run(_ s: InfluxStatement) throws(InfluxQLError) -> [InfluxSeries] {
        switch s {
        case .showMeasurements(let regex, let equals, let condition, let limit, let offset):
            var names = engine.database.tableNames().sorted()
            if let regex {
                let re = try compile(regex)
                names = names.filter { WhereTranslator.matches(re, $0) }
            }
            if let equals { names = names.filter { $0 == equals } }
            if let condition {
                var kept: [String] = []
                for m in names where try hasRows(m, condition) { kept.append(m) }
                names = kept
            }
            names = page(names, limit, offset)
            guard !names.isEmpty else { return [] }
            return [InfluxSeries(name: "measurements", columns: ["name"], values: names.map { [.string($0)] })]
        case .showTagKeys(let sources, let limit, let offset):
            let measurements = try executor.measurements(sources, engine)
            return measurements.compactMap { m in
                guard let schema = engine.database.schema(of: m) else { return nil }
                let keys = page(schema.columns.filter { $0.type == .symbol }.map(\.name).sorted(), limit, offset)
                guard !keys.isEmpty else { return nil }
                return InfluxSeries(name: m, columns: ["tagKey"], values: keys.map { [.string($0)] })
            }
        case .showFieldKeys(let sources):
            let measurements = try executor.measurements(sources, engine)
            return measurements.compactMap { m in
                guard let schema = engine.database.schema(of: m) else { return nil }
                let fields = schema.columns.filter { $0.type != .symbol && $0.name != TableSchema.timeColumn }.sorted { $0.name < $1.name }
                guard !fields.isEmpty else { return nil }
                return InfluxSeries(name: m, columns: ["fieldKey", "fieldType"],
                                    values: fields.map { [.string($0.name), .string(Self.fieldType($0.type))] })
            }
        case .showTagValues(let sources, let key, let condition, let limit, let offset):
            var out: [InfluxSeries] = []
            for m in try executor.measurements(sources, engine) {
                guard let relation = Relation.table(engine.database, m) else { continue }
                let keys = try matchingKeys(relation.tags.sorted(), key)
                var rows: [[InfluxValue]] = []
                for k in keys {
                    var sql = "SELECT DISTINCT \(SQLText.ident(k)) AS v FROM \(relation.from) WHERE \(SQLText.ident(k)) IS NOT NULL"
                    if let condition { sql += " AND " + (try WhereTranslator(relation: relation, now: executor.now).sql(condition)) }
                    sql += " ORDER BY v"
                    let r = try executor.sql(engine, sql)
                    for i in 0..<r.rowCount { rows.append([.string(k), .string(SeriesShaper.string(r.columns[0].vector, i))]) }
                }
                rows = page(rows, limit, offset)
                if !rows.isEmpty { out.append(InfluxSeries(name: m, columns: ["key", "value"], values: rows)) }
            }
            return out
        case .showSeries(let sources, let condition, let limit, let offset):
            var keys: [String] = []
            for m in try executor.measurements(sources, engine) {
                guard let relation = Relation.table(engine.database, m) else { continue }
                let tags = relation.tags.sorted()
                var sql = "SELECT DISTINCT " + (tags.isEmpty ? "1" : tags.map(SQLText.ident).joined(separator: ", ")) + " FROM \(relation.from)"
                if let condition { sql += " WHERE " + (try WhereTranslator(relation: relation, now: executor.now).sql(condition)) }
                let r = try executor.sql(engine, sql)
                for i in 0..<r.rowCount {
                    var key = Self.escape(m, measurement: true)
                    for (t, tag) in tags.enumerated() where !r.columns[t].vector.isNull(i) {
                        key += "," + Self.escape(tag, measurement: false) + "=" + Self.escape(SeriesShaper.string(r.columns[t].vector, i), measurement: false)
                    }
                    keys.append(key)
                }
            }
            keys = page(keys.sorted(), limit, offset)
            guard !keys.isEmpty else { return [] }
            return [InfluxSeries(name: nil, columns: ["key"], values: keys.map { [.string($0)] })]
        default:
            preconditionFailure("BUG: \(s) is not a meta query")
        }
    }

    private func hasRows(_ m: String, _ condition: InfluxExpr) throws(InfluxQLError) -> Bool {
        guard let relation = Relation.table(engine.database, m) else { return false }
        let w = try WhereTranslator(relation: relation, now: executor.now).sql(condition)
        return try executor.sql(engine, "SELECT 1 FROM \(relation.from) WHERE \(w) LIMIT 1").rowCount > 0
    }

    private func matchingKeys(_ tags: [String], _ key: InfluxKeyFilter) throws(InfluxQLError) -> [String] {
        switch key {
        case .equals(let k): return tags.filter { $0 == k }
        case .notEquals(let k): return tags.filter { $0 != k }
        case .among(let ks): return tags.filter { ks.contains($0) }
        case .matches(let r):
            let re = try compile(r)
            return tags.filter { WhereTranslator.matches(re, $0) }
        case .notMatches(let r):
            let re = try compile(r)
            return tags.filter { !WhereTranslator.matches(re, $0) }
        }
    }

    private func compile(_ pattern: String) throws(InfluxQLError) -> NSRegularExpression {
        do { return try NSRegularExpression(pattern: pattern) } catch { throw InfluxQLError("invalid regular expression /\(pattern)/") }
    }

    private func page<T>(_ xs: [T], _ limit: Int, _ offset: Int) -> [T] {
        var out = Array(xs.dropFirst(offset))
        if limit > 0 { out = Array(out.prefix(limit)) }
        return out
    }

    /// InfluxDB's name of a field type.
    static func fieldType(_ t: ColumnType) -> String {
        switch t {
        case .int64: "integer"
        case .uint64: "unsigned"
        case .float64: "float"
        case .bool: "boolean"
        case .string, .symbol: "string"
        case .time, .date: "integer"
        }
    }

    /// Line-protocol escaping of a series key part.
    static func escape(_ s: String, measurement: Bool) -> String {
        var out = ""
        for c in s {
            if c == "," || c == " " || (!measurement && c == "=") { out.append("\\") }
            out.append(c)
        }
        return out
    }
}
