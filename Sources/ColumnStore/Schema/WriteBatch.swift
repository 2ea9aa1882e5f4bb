/// Rows for one table, column by column: what the write API takes.
///
/// `time` holds each row's timestamp (Int64 ns, UTC). Every column has `rowCount` rows;
/// a row that lacks a column holds NULL there. Tag columns are `.symbol` vectors whose codes
/// index the column's batch-local `dictionary`; the store maps them to its own codes.
public struct WriteBatch: Sendable {
    public var table: String
    public var time: [Int64]
    public var columns: [BatchColumn]

    public init(table: String, time: [Int64] = [], columns: [BatchColumn] = []) {
        self.table = table
        self.time = time
        self.columns = columns
    }

    public var rowCount: Int { time.count }
}

/// One named column of a `WriteBatch`.
public struct BatchColumn: Sendable {
    public var name: String
    public var vector: ColumnVector
    /// For `.symbol` columns: the strings the codes stand for.
    public var dictionary: ByteStringTable

    public init(name: String, vector: ColumnVector, dictionary: ByteStringTable = ByteStringTable()) {
        self.name = name
        self.vector = vector
        self.dictionary = dictionary
    }
}

/// Why one row of a batch was not written.
public struct RowRejection: Sendable, Error, CustomStringConvertible {
    /// Index of the row in its `WriteBatch`.
    public var row: Int
    public var reason: String
    public var description: String { reason }

    /// How the reason of a row older than its table's retention starts (InfluxDB's wording).
    public static let beyondRetention = "points beyond retention policy"

    public init(row: Int, reason: String) {
        self.row = row
        self.reason = reason
    }
}

/// What a write did: rows written, and the rows rejected (under `.partial` the rest is written; under
/// `.allOrNothing` a rejection means nothing was written).
public struct WriteResult: Sendable {
    public var written: Int = 0
    /// Per batch (same order as given), the rejected rows.
    public var rejected: [[RowRejection]] = []
    /// Seconds the write waited for room (backpressure) before it was decided.
    public var waitedForRoom: Double = 0
    public init() {}

    /// Rows rejected, over all batches.
    public var rejectedRows: Int { rejected.reduce(0) { $0 + $1.count } }
}
