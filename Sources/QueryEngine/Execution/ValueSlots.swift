import ColumnStore

/// One NULL-able value per group, of one type, in typed arrays: what `arg_max`, `first` and `last` keep.
///
/// Integers, timestamps and booleans live in `ints`, the others in their own array; strings are copied
/// (callers copy a group's string once per batch at most, never per row).
struct ValueSlots {
    let type: ValueType
    private(set) var ints: [Int64] = []
    private(set) var uints: [UInt64] = []
    private(set) var doubles: [Double] = []
    private(set) var strings: [[UInt8]] = []
    private(set) var valid: [Bool] = []
    private(set) var stringBytes = 0

    init(type: ValueType) { self.type = type }

    var count: Int { valid.count }
    var memoryBytes: Int { valid.capacity + ints.capacity * 8 + uints.capacity * 8 + doubles.capacity * 8 + strings.capacity * 8 + stringBytes }

    mutating func resize(_ n: Int) {
        let k = n - valid.count
        guard k > 0 else { return }
        valid.append(contentsOf: repeatElement(false, count: k))
        switch type {
        case .double: doubles.append(contentsOf: repeatElement(0, count: k))
        case .uint: uints.append(contentsOf: repeatElement(0, count: k))
        case .string: strings.append(contentsOf: repeatElement([], count: k))
        default: ints.append(contentsOf: repeatElement(0, count: k))
        }
    }

    /// Whether the values live in `ints` as Int64 (integers and timestamps; not booleans, stored as bytes).
    var storesInt64: Bool { type == .int || type == .int32 || type == .time }

    /// Moves the Int64 values out (for a loop that updates them in place without exclusivity checks);
    /// `putInts` puts them back.
    mutating func takeInts() -> [Int64] {
        defer { ints = [] }
        return ints
    }

    mutating func putInts(_ values: [Int64]) { ints = values }

    /// Slot g takes row r of `a` (NULL included). `a` is a full vector (no constant).
    mutating func set(_ g: Int, _ a: Vec, _ r: Int) {
        if a.col.isNull(r) || type == .null { valid[g] = false; return }
        valid[g] = true
        switch type {
        case .double: doubles[g] = a.col.float64s[r]
        case .uint: uints[g] = a.col.uint64s[r]
        case .string:
            stringBytes -= strings[g].count
            a.withBytes(r) { b in
                strings[g].removeAll(keepingCapacity: true)
                strings[g].append(contentsOf: b)
            }
            stringBytes += strings[g].count
        case .bool: ints[g] = Int64(a.col.bools[r])
        default: ints[g] = a.col.int64s[r]
        }
    }

    /// Slot g takes slot o of `other`.
    mutating func set(_ g: Int, from other: ValueSlots, _ o: Int) {
        valid[g] = other.valid[o]
        switch type {
        case .double: doubles[g] = other.doubles[o]
        case .uint: uints[g] = other.uints[o]
        case .string: stringBytes += other.strings[o].count - strings[g].count; strings[g] = other.strings[o]
        case .null: break
        default: ints[g] = other.ints[o]
        }
    }

    /// Orders row r of `a` against slot g (both non-NULL): negative, zero or positive.
    func compare(_ a: Vec, _ r: Int, _ g: Int) -> Int {
        switch type {
        case .double: return Self.order(a.col.float64s[r], doubles[g])
        case .uint: return a.col.uint64s[r] < uints[g] ? -1 : a.col.uint64s[r] > uints[g] ? 1 : 0
        case .string: return a.withBytes(r) { b in strings[g].withUnsafeBytes { Kernels.order(b, $0) } }
        case .null: return 0
        case .bool: let x = Int64(a.col.bools[r]); return x < ints[g] ? -1 : x > ints[g] ? 1 : 0
        default: let x = a.col.int64s[r]; return x < ints[g] ? -1 : x > ints[g] ? 1 : 0
        }
    }

    /// Orders slot o of `other` against slot g (both non-NULL).
    func compare(_ other: ValueSlots, _ o: Int, _ g: Int) -> Int {
        switch type {
        case .double: return Self.order(other.doubles[o], doubles[g])
        case .uint: return other.uints[o] < uints[g] ? -1 : other.uints[o] > uints[g] ? 1 : 0
        case .string: return other.strings[o].withUnsafeBytes { x in strings[g].withUnsafeBytes { Kernels.order(x, $0) } }
        case .null: return 0
        default: return other.ints[o] < ints[g] ? -1 : other.ints[o] > ints[g] ? 1 : 0
        }
    }

    /// Orders rows r and s of `a` (both non-NULL).
    static func compare(_ a: Vec, _ r: Int, _ s: Int) -> Int {
        switch a.type {
        case .double: return order(a.col.float64s[r], a.col.float64s[s])
        case .uint: return a.col.uint64s[r] < a.col.uint64s[s] ? -1 : a.col.uint64s[r] > a.col.uint64s[s] ? 1 : 0
        case .string: return a.withBytes(r) { x in a.withBytes(s) { Kernels.order(x, $0) } }
        case .null: return 0
        case .bool: return Int(a.col.bools[r]) - Int(a.col.bools[s])
        default: return a.col.int64s[r] < a.col.int64s[s] ? -1 : a.col.int64s[r] > a.col.int64s[s] ? 1 : 0
        }
    }

    /// DuckDB's order of doubles: NaN after every number.
    @inline(__always) static func order(_ x: Double, _ y: Double) -> Int {
        if x.isNaN { return y.isNaN ? 0 : 1 }
        if y.isNaN { return -1 }
        return x < y ? -1 : x > y ? 1 : 0
    }

    /// The slots as a result column.
    func finalize() -> ColumnVector {
        var out = ColumnVector(type: (type == .null ? ValueType.int : type).columnType, capacity: count)
        for g in 0..<count {
            if !valid[g] { out.appendNulls(1); continue }
            switch type {
            case .double: out.append(float64: doubles[g])
            case .uint: out.append(uint64: uints[g])
            case .string: strings[g].withUnsafeBytes { out.append(string: $0) }
            case .bool: out.append(bool: ints[g] != 0)
            default: out.append(int64: ints[g])
            }
        }
        return out
    }
}

extension Vec {
    /// This vector with a constant spread over `count` rows and tag codes resolved, so rows can be read
    /// directly (`col`) whatever the vector was; once per batch.
    func spread() -> Vec {
        if constant == nil && col.type != .symbol { return self }
        let t = type == .null ? ValueType.int : type
        var out = Vec(type: t, col: materialized())
        out.count = count
        return out
    }
}
