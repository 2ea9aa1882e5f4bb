import QueryEngine

/// One value of a result row, typed as InfluxDB's JSON prints it.
public enum InfluxValue: Sendable, Equatable {
    case null
    case int(Int64)
    case uint(UInt64)
    case float(Double)
    case bool(Bool)
    case string(String)
    /// A timestamp in nanoseconds: RFC 3339 text, or a number in the `epoch=` unit.
    case time(Int64)
    /// A timestamp shown on a `tz()` zone's clock: RFC 3339 with that offset (seconds east of UTC).
    case zonedTime(Int64, offset: Int32)
}

/// One series of a statement's result: a measurement and tag set with its rows.
public struct InfluxSeries: Sendable, Equatable {
    public var name: String?
    /// Tag keys and values, in key order; nil prints no `tags` member.
    public var tags: [(String, String)]?
    public var columns: [String]
    /// The rows, when built as values (aggregates, buckets, meta queries); empty when `points` holds them.
    public var values: [[InfluxValue]]
    /// Raw points read from the engine's columnar result as they are written out, never built as values.
    public var points: InfluxPointRows?

    public init(name: String?, tags: [(String, String)]? = nil, columns: [String], values: [[InfluxValue]]) {
        self.name = name
        self.tags = tags
        self.columns = columns
        self.values = values
    }

    init(name: String?, tags: [(String, String)]?, columns: [String], points: InfluxPointRows) {
        self.init(name: name, tags: tags, columns: columns, values: [])
        self.points = points
    }

    /// The number of rows.
    public var rowCount: Int { points?.rows.count ?? values.count }

    /// Row `i` as values (building it for points).
    public func row(_ i: Int) -> [InfluxValue] {
        guard let p = points else { return values[i] }
        return (0...p.valueCount).map { p.value(i, $0) }
    }

    public static func == (a: InfluxSeries, b: InfluxSeries) -> Bool {
        a.name == b.name && a.columns == b.columns && a.rowCount == b.rowCount
            && (0..<a.rowCount).allSatisfy { a.row($0) == b.row($0) }
            && a.tags?.map { "\($0.0)=\($0.1)" } == b.tags?.map { "\($0.0)=\($0.1)" }
    }

    /// The text InfluxDB orders series by: `k1=v1,k2=v2`.
    var tagKey: String { (tags ?? []).map { "\($0.0)=\($0.1)" }.joined(separator: ",") }

    /// The series key's tag part: only the tags the series has.
    var presentTagKey: String { (tags ?? []).filter { !$0.1.isEmpty }.map { "\($0.0)=\($0.1)" }.joined(separator: ",") }
}

/// The answer to one statement: its series, or an error.
public struct InfluxStatementResult: Sendable, Equatable {
    public var statementID: Int
    public var series: [InfluxSeries]
    public var error: String?

    public init(statementID: Int, series: [InfluxSeries] = [], error: String? = nil) {
        self.statementID = statementID
        self.series = series
        self.error = error
    }
}

/// An error of one statement, reported in its `results[]` entry (InfluxDB answers 200 with it).
public struct InfluxQLError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// The rows of one raw series: indexes into the engine's result, whose columns are `__t`, the tags,
/// then the values. Cells become `InfluxValue`s only as they are written out, so a large answer costs
/// the engine's columnar result and one chunk, not a boxed value per cell.
public final class InfluxPointRows: Sendable {
    let result: QueryResult
    let rows: [Int]
    let tagCount: Int
    let valueCount: Int
    let zone: ZoneClock?

    init(result: QueryResult, rows: [Int], tagCount: Int, valueCount: Int, zone: ZoneClock?) {
        self.result = result
        self.rows = rows
        self.tagCount = tagCount
        self.valueCount = valueCount
        self.zone = zone
    }

    /// Column `c` of row `i`: 0 is the time, 1… the values.
    func value(_ i: Int, _ c: Int) -> InfluxValue {
        let r = rows[i]
        if c == 0 {
            let v = result.columns[0].vector
            let t = v.isNull(r) ? 0 : v.int64s[r]
            return zone.map { .zonedTime(t, offset: $0.offsetSeconds(at: t)) } ?? .time(t)
        }
        return SeriesShaper.value(result.columns[tagCount + c].vector, r)
    }
}
