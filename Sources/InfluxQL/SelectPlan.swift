/// One SELECT on one measurement, translated: the SQL the engine runs and how its rows become series.
///
/// The SQL's columns are, in order: `__t` (BIGINT nanoseconds: the row's time, the bucket, or the
/// selected point's time), the GROUP BY tags, the output values, then (aggregates) `__n`, the number of
/// rows with a value, which tells a bucket with points from an empty one.
struct SelectPlan {
    enum Kind {
        /// Points as stored, one row each.
        case raw
        /// One row per series (and per bucket with `interval`).
        case aggregate
    }

    var kind: Kind
    var sql: String
    var measurement: String
    /// GROUP BY tags in series-key order; `knownTags` those the measurement has (in the SQL).
    var groupTags: [String]
    var knownTags: [String]
    /// Output column names after `time`.
    var columns: [String]
    /// Output columns that are `count()`s: an empty bucket counts 0 under fill(null).
    var countColumns: Set<Int>
    /// GROUP BY time's width and offset (nanoseconds).
    var interval: Int64?
    var intervalOffset: Int64
    var fill: InfluxFill
    /// The WHERE clause's time range, inclusive.
    var lower: Int64?
    var upper: Int64?
    var now: Int64
    var descending: Bool
    /// `tz()`: buckets of a day or more follow this clock, and times are shown on it.
    var zone: ZoneClock?
    /// Per-series LIMIT/OFFSET, or 0 when the SQL applied them already.
    var limit: Int
    var offset: Int
}
