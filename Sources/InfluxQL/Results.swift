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
    public var values: [[InfluxValue]]

    public init(name: String?, tags: [(String, String)]? = nil, columns: [String], values: [[InfluxValue]]) {
        self.name = name
        self.tags = tags
        self.columns = columns
        self.values = values
    }

    public static func == (a: InfluxSeries, b: InfluxSeries) -> Bool {
        a.name == b.name && a.columns == b.columns && a.values == b.values
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
