import ColumnStore
import QueryEngine
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

/// RFC 3339 text with nanoseconds, as Go's RFC3339Nano writes it: SQL's timestamp text with `T` and `Z`.
func formatRFC3339(_ ns: Int64) -> String {
    var text = SQLTimestamp.format(ns)  // YYYY-MM-DD HH:MM:SS[.fraction], trailing zeros dropped
    let space = text.index(text.startIndex, offsetBy: 10)
    text.replaceSubrange(space...space, with: "T")
    return text + "Z"
}
