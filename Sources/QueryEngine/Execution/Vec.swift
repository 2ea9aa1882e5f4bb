import ColumnStore

/// A column of values during execution: a typed `ColumnVector`, or one constant for every row.
///
/// Strings are `.string` vectors or `.symbol` codes with their dictionary. Integers and timestamps
/// live in `int64s`, booleans in `bools` (0/1), NULLs in `validity`.
struct Vec: @unchecked Sendable {
    var type: ValueType
    var count: Int
    var constant: Value?
    var col: ColumnVector
    var dict: SymbolDictionary?

    init(type: ValueType, col: ColumnVector, dict: SymbolDictionary? = nil) {
        self.type = type
        count = col.count
        constant = nil
        self.col = col
        self.dict = dict
    }

    init(constant: Value, count: Int) {
        type = constant.type
        self.count = count
        self.constant = constant
        col = ColumnVector(type: .int64)
        dict = nil
    }

    var isSymbol: Bool { constant == nil && col.type == .symbol }

    /// Validity of the vector (nil: every row present).
    var validity: Bitmap? {
        if let c = constant { return c == .null ? Bitmap(count: count, value: false) : nil }
        return col.validity
    }

    /// The value at row `i` (for output and slow paths).
    func value(_ i: Int) -> Value {
        if let c = constant { return c }
        if col.isNull(i) { return .null }
        switch type {
        case .bool: return .bool(col.bools[i] != 0)
        case .int, .int32: return .int(col.int64s[i])
        case .time: return .time(col.int64s[i])
        case .date: return .date(col.int64s[i])
        case .uint: return .uint(col.uint64s[i])
        case .double: return .double(col.float64s[i])
        case .string: return .string(string(i))
        case let .array(e): return .array(col.withStringBytes(i) { ArrayCoding.decode($0, element: e) })
        case .interval: return .interval(IntervalValues.interval(col.int64s[i]))
        case let .record(t): return .record(col.withStringBytes(i) { RecordCoding.decode($0, type: t) })
        case .null: return .null
        }
    }

    func string(_ i: Int) -> String {
        if case let .string(s)? = constant { return s }
        if col.type == .symbol { return dict?.string(col.codes[i]) ?? "" }
        return col.string(at: i)
    }

    /// Runs `body` on the bytes of string row `i`.
    func withBytes<R>(_ i: Int, _ body: (UnsafeRawBufferPointer) -> R) -> R {
        if let c = constant, case var .string(s) = c { return s.withUTF8 { body(UnsafeRawBufferPointer($0)) } }
        if col.type == .symbol {
            return dict!.withStrings { $0.withBytes(col.codes[i], body) }
        }
        return col.withStringBytes(i, body)
    }

    /// A full vector of this vec's type (constants broadcast, symbols resolved to strings).
    func materialized() -> ColumnVector {
        if let c = constant { return Vec.broadcast(c, type: type, count: count) }
        if col.type == .symbol, let d = dict {
            var out = ColumnVector(type: .string, capacity: count)
            d.withStrings { t in
                for i in 0..<count {
                    if col.isNull(i) { out.appendNulls(1) } else { t.withBytes(col.codes[i]) { out.append(string: $0) } }
                }
            }
            return out
        }
        return col
    }

    static func broadcast(_ v: Value, type: ValueType, count: Int) -> ColumnVector {
        var out = ColumnVector(type: type.columnType, capacity: count)
        switch v {
        case .null: out.appendNulls(count)
        case let .bool(b): out.bools = [UInt8](repeating: b ? 1 : 0, count: count); out._setCount(count)
        case let .int(x), let .time(x), let .date(x): out.int64s = [Int64](repeating: x, count: count); out._setCount(count)
        case let .uint(x): out.uint64s = [UInt64](repeating: x, count: count); out._setCount(count)
        case let .double(x): out.float64s = [Double](repeating: x, count: count); out._setCount(count)
        case var .string(s):
            s.withUTF8 { p in for _ in 0..<count { out.append(string: UnsafeRawBufferPointer(p)) } }
        case let .interval(i):
            // An interval too long for a word (over 292 years) cannot reach a vector; binding keeps
            // such constants constant.
            guard let ns = IntervalValues.nanoseconds(i) else { out.appendNulls(count); break }
            out.int64s = [Int64](repeating: ns, count: count); out._setCount(count)
        case let .array(a):
            let bytes = ArrayCoding.encode(a)
            bytes.withUnsafeBytes { p in for _ in 0..<count { out.append(string: p) } }
        case let .record(r):
            RecordCoding.encode(r).withUnsafeBytes { p in for _ in 0..<count { out.append(string: p) } }
        }
        return out
    }

    /// A bool vector from value bytes and validity.
    static func bools(_ b: [UInt8], _ validity: Bitmap?) -> Vec {
        var c = ColumnVector(type: .bool)
        c.bools = b
        c._setCount(b.count)
        c.validity = validity
        return Vec(type: .bool, col: c)
    }
}

/// Word-wise AND of validities; nil means all valid.
@inline(__always) func andValidity(_ a: Bitmap?, _ b: Bitmap?) -> Bitmap? {
    guard let a else { return b }
    guard let b else { return a }
    var r = a
    r.words.withUnsafeMutableBufferPointer { w in
        b.words.withUnsafeBufferPointer { o in for i in w.indices { w[i] &= o[i] } }
    }
    return r
}
