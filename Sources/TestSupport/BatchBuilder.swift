import ColumnStore

/// Builds `WriteBatch`es row by row for tests: tags, fields of every type, NULLs where a row omits a column.
public struct BatchBuilder {
    public private(set) var batch: WriteBatch
    private var index: [String: Int] = [:]

    public init(table: String) { batch = WriteBatch(table: table) }

    public enum Value {
        case tag(String), int(Int64), uint(UInt64), float(Double), bool(Bool), string(String)
        var type: ColumnType {
            switch self {
            case .tag: .symbol
            case .int: .int64
            case .uint: .uint64
            case .float: .float64
            case .bool: .bool
            case .string: .string
            }
        }
    }

    /// Appends one row; columns the row lacks get NULL.
    public mutating func add(time: Int64, _ values: [(String, Value)]) {
        let row = batch.rowCount
        batch.time.append(time)
        var touched = Set<Int>()
        for (name, v) in values {
            let i: Int
            if let j = index[name] {
                i = j
            } else {
                i = batch.columns.count
                index[name] = i
                batch.columns.append(BatchColumn(name: name, vector: ColumnVector(type: v.type, nulls: row)))
            }
            touched.insert(i)
            switch v {
            case let .tag(s): let code = batch.columns[i].dictionary.intern(s); batch.columns[i].vector.append(code: code)
            case let .int(x): batch.columns[i].vector.append(int64: x)
            case let .uint(x): batch.columns[i].vector.append(uint64: x)
            case let .float(x): batch.columns[i].vector.append(float64: x)
            case let .bool(x): batch.columns[i].vector.append(bool: x)
            case let .string(s): batch.columns[i].vector.append(string: s)
            }
        }
        for i in batch.columns.indices where !touched.contains(i) { batch.columns[i].vector.appendNulls(1) }
    }
}
