import ColumnStore
import Foundation

/// What a SELECT reads: a measurement (a table) or a subquery, with its tags and typed fields.
struct Relation {
    /// The measurement name series carry.
    var name: String
    /// SQL for the FROM clause.
    var from: String
    /// Tag columns (symbols), by name.
    var tags: Set<String>
    /// Field columns and their types.
    var fields: [String: ColumnType]
    /// True when `time` is a BIGINT of nanoseconds (a subquery's), false for a stored TIMESTAMP.
    var timeIsNanoseconds: Bool
    /// The values a tag may hold, for regex conditions (the table's symbol dictionary).
    var tagValues: (String) -> [String]

    /// SQL giving `time` as BIGINT nanoseconds.
    var timeNanoseconds: String { timeIsNanoseconds ? "\"time\"" : "epoch_ns(\"time\")" }

    /// SQL comparing `time` with an instant: on a stored table as RFC 3339 text, so pruning by time works.
    func compareTime(_ op: String, _ ns: Int64) -> String {
        timeIsNanoseconds ? "\"time\" \(op) \(ns)" : "\"time\" \(op) '\(formatRFC3339(ns))'"
    }

    /// A stored measurement of `db`.
    static func table(_ db: Database, _ name: String) -> Relation? {
        guard let schema = db.schema(of: name) else { return nil }
        var tags = Set<String>(), fields: [String: ColumnType] = [:]
        for c in schema.columns where c.name != TableSchema.timeColumn {
            if c.type == .symbol { tags.insert(c.name) } else { fields[c.name] = c.type }
        }
        return Relation(name: name, from: SQLText.ident(name), tags: tags, fields: fields, timeIsNanoseconds: false) { tag in
            guard let snap = db.snapshot(table: name, range: 0...0), let idx = schema.index(of: tag),
                  let dict = snap.dictionary(idx) else { return [] }
            let erased = dict.erasedCodes
            return (0..<UInt32(dict.count)).filter { !erased.contains($0) }.map { dict.string($0) }
        }
    }
}

/// RFC 3339 text with nanoseconds, as Go's RFC3339Nano writes it.
func formatRFC3339(_ ns: Int64) -> String {
    let (secs, frac) = ns >= 0 || ns % 1_000_000_000 == 0 ? (ns / 1_000_000_000, ns % 1_000_000_000)
        : (ns / 1_000_000_000 - 1, ns % 1_000_000_000 + 1_000_000_000)
    let days = secs >= 0 || secs % 86_400 == 0 ? secs / 86_400 : secs / 86_400 - 1
    let sod = secs - days * 86_400
    let (y, m, d) = civil(days)
    var s = String(format: "%04d-%02d-%02dT%02d:%02d:%02d", y, m, d, Int(sod / 3600), Int(sod / 60 % 60), Int(sod % 60))
    if frac != 0 {
        var f = String(format: "%09d", Int(frac))
        while f.hasSuffix("0") { f.removeLast() }
        s += "." + f
    }
    return s + "Z"
}

private func civil(_ days: Int64) -> (Int, Int, Int) {
    let z = days + 719_468
    let era = (z >= 0 ? z : z - 146_096) / 146_097
    let doe = z - era * 146_097
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
    let mp = (5 * doy + 2) / 153
    let day = doy - (153 * mp + 2) / 5 + 1
    let month = mp < 10 ? mp + 3 : mp - 9
    return (Int(yoe + era * 400 + (month <= 2 ? 1 : 0)), Int(month), Int(day))
}
