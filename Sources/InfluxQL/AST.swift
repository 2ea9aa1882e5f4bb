/// An InfluxQL expression: in a field list, a WHERE clause or a call's arguments.
public indirect enum InfluxExpr: Sendable, Equatable {
    /// A field, tag or `time`, with an optional `::field` / `::tag` hint.
    case ref(String, hint: String?)
    case wildcard
    case regex(String)
    case call(String, [InfluxExpr])
    case integer(Int64)
    case number(Double)
    case string(String)
    case bool(Bool)
    /// A duration or an epoch literal with a unit, in nanoseconds.
    case duration(Int64)
    case now
    case binary(InfluxBinaryOp, InfluxExpr, InfluxExpr)
    case paren(InfluxExpr)
}

/// Binary operators, loosest first by `precedence`.
public enum InfluxBinaryOp: String, Sendable, Equatable {
    case or = "OR", and = "AND"
    case eq = "=", neq = "!=", lt = "<", lte = "<=", gt = ">", gte = ">=", match = "=~", notMatch = "!~"
    case add = "+", sub = "-", mul = "*", div = "/", mod = "%"

    var precedence: Int {
        switch self {
        case .or: 1
        case .and: 2
        case .eq, .neq, .lt, .lte, .gt, .gte, .match, .notMatch: 3
        case .add, .sub: 4
        case .mul, .div, .mod: 5
        }
    }
}

/// One item of a SELECT list.
public struct InfluxField: Sendable, Equatable {
    public var expr: InfluxExpr
    public var alias: String?
}

/// Where a SELECT reads from.
public indirect enum InfluxSource: Sendable, Equatable {
    case measurement(String)
    case regex(String)
    case subquery(InfluxSelect)
}

/// `fill(…)` of a GROUP BY time query.
public enum InfluxFill: Sendable, Equatable {
    case null, none, previous, linear
    case value(Double)
}

/// A parsed SELECT statement.
public struct InfluxSelect: Sendable, Equatable {
    public var fields: [InfluxField] = []
    public var sources: [InfluxSource] = []
    public var condition: InfluxExpr?
    /// GROUP BY time(interval, offset), nanoseconds.
    public var interval: Int64?
    public var intervalOffset: Int64 = 0
    public var groupTags: [String] = []
    public var groupAllTags = false
    public var fill: InfluxFill = .null
    public var descending = false
    public var limit = 0, offset = 0, slimit = 0, soffset = 0
    public var timeZone: String?
}

/// The `WITH KEY` part of SHOW TAG VALUES.
public enum InfluxKeyFilter: Sendable, Equatable {
    case equals(String)
    case notEquals(String)
    case among([String])
    case matches(String)
    case notMatches(String)
}

/// One InfluxQL statement.
public enum InfluxStatement: Sendable, Equatable {
    case select(InfluxSelect)
    case showDatabases
    case createDatabase(String)
    case dropDatabase(String)
    case showMeasurements(regex: String?, equals: String?, condition: InfluxExpr?, limit: Int, offset: Int)
    case showTagKeys(sources: [InfluxSource], limit: Int, offset: Int)
    case showTagValues(sources: [InfluxSource], key: InfluxKeyFilter, condition: InfluxExpr?, limit: Int, offset: Int)
    case showFieldKeys(sources: [InfluxSource])
    case showSeries(sources: [InfluxSource], condition: InfluxExpr?, limit: Int, offset: Int)
    case showRetentionPolicies(database: String?)

    /// True for statements that change the server's state (need write rights, and POST).
    public var changesData: Bool {
        switch self {
        case .createDatabase, .dropDatabase: true
        default: false
        }
    }
}
