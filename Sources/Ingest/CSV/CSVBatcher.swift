import ColumnStore
import LineProtocol

/// A CSV column's type: given with `--types col:type` or inferred from the first records.
public enum CSVColumnType: String, Sendable, CaseIterable {
    /// `date` (a DATE column: `YYYY-MM-DD`) is given with `--types`, never inferred: `string`, before it,
    /// accepts every value, and inference keeps reading such columns as timestamps.
    case integer, float, boolean, timestamp, string, date

    /// Accepts the names users write (DuckDB's too).
    public init?(name: String) {
        switch name.lowercased() {
        case "integer", "int", "bigint", "int64": self = .integer
        case "float", "double", "float64", "real": self = .float
        case "boolean", "bool": self = .boolean
        case "timestamp", "time": self = .timestamp
        case "string", "varchar", "text": self = .string
        case "date": self = .date
        default: return nil
        }
    }

    /// True when `field` (non-empty) reads as this type.
    func accepts(_ field: UnsafeRawBufferPointer) -> Bool {
        switch self {
        case .integer: CSVValueParsing.int64(field) != nil
        case .float: CSVValueParsing.float64(field) != nil
        case .boolean: CSVValueParsing.bool(field) != nil
        case .timestamp: CSVValueParsing.timestamp(field) != nil
        case .string: true
        case .date: CSVValueParsing.date(field) != nil
        }
    }
}

/// Turns CSV records into `WriteBatch`es for one table, as the Parquet import does: the time column
/// becomes the designated timestamp, the named columns become tags (SYMBOL), every other column a
/// field of its type (a timestamp field is stored as integer nanoseconds, as Parquet import does).
/// An empty unquoted field is NULL. A record that does not fit is rejected with its line number.
public struct CSVBatcher: Sendable {
    public let table: String
    public let names: [String]
    public private(set) var types: [CSVColumnType]
    public let timeColumn: Int
    public let tagColumns: Set<Int>
    public let precision: Precision
    private var explicit: Set<Int> = []
    private var time: [Int64] = []
    private var vectors: [ColumnVector] = []
    private var dictionaries: [ByteStringTable] = []
    /// The input line of each row in the batch being built.
    public private(set) var rowLines: [Int] = []

    /// Checks the header against the plan. `given` types override inference for the columns they name.
    public init(table: String, header: [String], timeColumn: String, tags: [String], given: [String: CSVColumnType],
                precision: Precision) throws(CSVImportError) {
        guard !table.isEmpty else { throw CSVImportError("the table name is empty") }
        var seen = Set<String>()
        for n in header {
            guard !n.isEmpty else { throw CSVImportError("the header has an empty column name") }
            guard seen.insert(n).inserted else { throw CSVImportError("the header has two columns named '\(n)'") }
        }
        guard let t = header.firstIndex(of: timeColumn) else {
            throw CSVImportError("no column '\(timeColumn)' for the time (columns: \(header.joined(separator: ", "))); name one with --time-column")
        }
        var tagColumns = Set<Int>()
        for tag in tags {
            guard let i = header.firstIndex(of: tag) else { throw CSVImportError("--tags names '\(tag)', which is not a column") }
            guard i != t else { throw CSVImportError("'\(tag)' is the time column") }
            tagColumns.insert(i)
        }
        for name in given.keys where !seen.contains(name) { throw CSVImportError("--types names '\(name)', which is not a column") }
        self.table = table
        self.names = header
        self.timeColumn = t
        self.tagColumns = tagColumns
        self.precision = precision
        types = header.map { given[$0] ?? .string }
        for (i, n) in header.enumerated() where given[n] != nil { explicit.insert(i) }
        if let g = given[timeColumn], g != .integer && g != .timestamp {
            throw CSVImportError("the time column '\(timeColumn)' cannot be \(g.rawValue): it holds integers (epoch, --precision) or timestamps")
        }
        startBatch()
    }

    /// Candidate types per column, narrowed by sample records (see `infer`).
    public struct Inference: Sendable {
        var possible: [[Bool]]
        var seenValue: [Bool]
        /// Sampled times that read as integers and as timestamps: the time column takes the majority,
        /// so a few bad times are rejected rather than deciding its kind.
        var integerTimes = 0, timestampTimes = 0
    }

    public func startInference() -> Inference {
        Inference(possible: names.map { _ in CSVColumnType.allCases.map { _ in true } }, seenValue: names.map { _ in false })
    }

    /// Narrows the candidates with one sample record (records of the wrong width are left out).
    public func sample(_ r: CSVRecordReader, into inf: inout Inference) {
        guard r.fieldCount == names.count else { return }
        r.withField(timeColumn) { f in
            if CSVValueParsing.int64(f) != nil { inf.integerTimes += 1 } else if CSVValueParsing.timestamp(f) != nil { inf.timestampTimes += 1 }
        }
        for c in names.indices where !explicit.contains(c) && !tagColumns.contains(c) && c != timeColumn {
            r.withField(c) { f in
                if f.isEmpty && !r.quoted[c] { return }
                inf.seenValue[c] = true
                for (k, t) in CSVColumnType.allCases.enumerated() where inf.possible[c][k] && !t.accepts(f) {
                    inf.possible[c][k] = false
                }
            }
        }
    }

    /// Fixes the types from the sample: the first of integer, float, boolean, timestamp, string that
    /// every sampled value reads as; a column with no values is a string.
    public mutating func infer(_ inf: Inference) {
        for c in names.indices where !explicit.contains(c) {
            if tagColumns.contains(c) { types[c] = .string; continue }
            if c == timeColumn { types[c] = inf.integerTimes > inf.timestampTimes ? .integer : .timestamp; continue }
            let first = CSVColumnType.allCases.indices.first { inf.possible[c][$0] }!
            types[c] = inf.seenValue[c] ? CSVColumnType.allCases[first] : .string
        }
        startBatch()
    }

    private mutating func startBatch() {
        time = []
        rowLines = []
        vectors = names.indices.map { c in
            if tagColumns.contains(c) { return ColumnVector(type: .symbol) }
            switch types[c] {
            case .integer, .timestamp: return ColumnVector(type: .int64)
            case .float: return ColumnVector(type: .float64)
            case .boolean: return ColumnVector(type: .bool)
            case .string: return ColumnVector(type: .string)
            case .date: return ColumnVector(type: .date)
            }
        }
        dictionaries = names.map { _ in ByteStringTable() }
    }

    public var rowCount: Int { time.count }

    /// Adds the reader's current record; returns why it was rejected, or nil. A rejected record
    /// leaves no trace in the batch (every field is checked before anything is appended).
    public mutating func add(_ r: CSVRecordReader) -> String? {
        guard r.fieldCount == names.count else {
            return "\(r.fieldCount) field\(r.fieldCount == 1 ? "" : "s"), the header has \(names.count)"
        }
        // Check pass.
        var ts: Int64 = 0
        let timeProblem: String? = r.withField(timeColumn) { f in
            if f.isEmpty { return "the time '\(names[timeColumn])' is empty" }
            if types[timeColumn] == .integer {
                guard let v = CSVValueParsing.int64(f) else { return "time '\(String(decoding: f, as: UTF8.self))' is not an integer" }
                let (n, o) = v.multipliedReportingOverflow(by: precision.nanosecondsPerUnit)
                if o { return "time \(v) \(precision.rawValue) is out of range" }
                ts = n
            } else {
                guard let v = CSVValueParsing.timestamp(f) else { return "time '\(String(decoding: f, as: UTF8.self))' is not an RFC 3339 timestamp" }
                ts = v
            }
            return nil
        }
        if let timeProblem { return timeProblem }
        for c in names.indices where c != timeColumn && !tagColumns.contains(c) && types[c] != .string {
            let bad: Bool = r.withField(c) { f in !(f.isEmpty && !r.quoted[c]) && !types[c].accepts(f) }
            if bad { return "column '\(names[c])': '\(r.fieldString(c))' is not \(types[c] == .integer ? "an" : "a") \(types[c].rawValue)" }
        }
        // Append pass.
        time.append(ts)
        rowLines.append(r.recordLine)
        for c in names.indices where c != timeColumn {
            r.withField(c) { f in
                let null = f.isEmpty && !r.quoted[c]
                if null { vectors[c].appendNulls(1); return }
                if tagColumns.contains(c) { vectors[c].append(code: dictionaries[c].intern(f)); return }
                switch types[c] {
                case .integer: vectors[c].append(int64: CSVValueParsing.int64(f)!)
                case .timestamp: vectors[c].append(int64: CSVValueParsing.timestamp(f)!)
                case .float: vectors[c].append(float64: CSVValueParsing.float64(f)!)
                case .boolean: vectors[c].append(bool: CSVValueParsing.bool(f)!)
                case .string: vectors[c].append(string: f)
                case .date: vectors[c].append(int64: CSVValueParsing.date(f)!)
                }
            }
        }
        return nil
    }

    /// The rows so far as a batch, with the line of each row; the batcher starts empty again.
    public mutating func finish() -> (batch: WriteBatch, lines: [Int]) {
        var batch = WriteBatch(table: table, time: time)
        for c in names.indices where c != timeColumn {
            batch.columns.append(BatchColumn(name: names[c], vector: vectors[c], dictionary: dictionaries[c]))
        }
        let lines = rowLines
        startBatch()
        return (batch, lines)
    }
}

/// A CSV file that cannot be imported as asked.
public struct CSVImportError: Error, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
