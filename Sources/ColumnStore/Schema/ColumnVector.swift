/// One column's values for a run of rows, in typed contiguous arrays.
///
/// Only the arrays of the vector's `type` are used: `.time`/`.int64`/`.date` → `int64s`, `.uint64` → `uint64s`,
/// `.float64` → `float64s`, `.bool` → `bools` (one byte per row, 0 or 1), `.symbol` → `codes`,
/// `.string` → `offsets` (count + 1 entries, the first 0) and `bytes`.
/// A NULL row holds the type's zero value in the data array and a 0 bit in `validity`;
/// `validity` is nil when every row is present.
public struct ColumnVector: Sendable {
    public let type: ColumnType
    public private(set) var count: Int = 0
    public var int64s: [Int64] = []
    public var uint64s: [UInt64] = []
    public var float64s: [Double] = []
    public var bools: [UInt8] = []
    public var codes: [UInt32] = []
    public var offsets: [UInt32] = []
    public var bytes: [UInt8] = []
    public var validity: Bitmap?

    public init(type: ColumnType, capacity: Int = 0) {
        self.type = type
        switch type {
        case .time, .int64, .date: int64s.reserveCapacity(capacity)
        case .uint64: uint64s.reserveCapacity(capacity)
        case .float64: float64s.reserveCapacity(capacity)
        case .bool: bools.reserveCapacity(capacity)
        case .symbol: codes.reserveCapacity(capacity)
        case .string: offsets.reserveCapacity(capacity + 1); offsets.append(0)
        }
    }

    /// A vector of `count` NULLs.
    public init(type: ColumnType, nulls count: Int) {
        self.init(type: type, capacity: count)
        appendNulls(count)
    }

    /// Number of NULL rows.
    public var nullCount: Int { validity.map { count - $0.popCount } ?? 0 }

    @inlinable public func isNull(_ i: Int) -> Bool {
        guard let v = validity else { return false }
        return !v[i]
    }

    // MARK: appending

    @inline(__always) mutating func _markValid() {
        if validity != nil { validity!.append(true) }
        count += 1
    }

    public mutating func append(int64 v: Int64) { int64s.append(v); _markValid() }
    /// Appends present values to a `.time`/`.int64` vector in one copy.
    public mutating func append(int64s values: ArraySlice<Int64>) {
        int64s.append(contentsOf: values)
        if validity != nil { validity!.append(repeating: true, count: values.count) }
        count += values.count
    }
    public mutating func append(uint64 v: UInt64) { uint64s.append(v); _markValid() }
    public mutating func append(float64 v: Double) { float64s.append(v); _markValid() }
    public mutating func append(bool v: Bool) { bools.append(v ? 1 : 0); _markValid() }
    public mutating func append(code v: UInt32) { codes.append(v); _markValid() }
    public mutating func append(string p: UnsafeRawBufferPointer) {
        bytes.append(contentsOf: p)
        offsets.append(UInt32(truncatingIfNeeded: bytes.count))
        _markValid()
    }
    public mutating func append(string s: String) {
        var s = s
        s.withUTF8 { append(string: UnsafeRawBufferPointer($0)) }
    }

    /// Appends `n` NULL rows.
    public mutating func appendNulls(_ n: Int) {
        guard n > 0 else { return }
        if validity == nil { validity = Bitmap(count: count, value: true) }
        validity!.append(repeating: false, count: n)
        switch type {
        case .time, .int64, .date: int64s.append(contentsOf: repeatElement(0, count: n))
        case .uint64: uint64s.append(contentsOf: repeatElement(0, count: n))
        case .float64: float64s.append(contentsOf: repeatElement(0, count: n))
        case .bool: bools.append(contentsOf: repeatElement(0, count: n))
        case .symbol: codes.append(contentsOf: repeatElement(0, count: n))
        case .string: offsets.append(contentsOf: repeatElement(UInt32(truncatingIfNeeded: bytes.count), count: n))
        }
        count += n
    }

    /// Appends rows `range` of `other`, which has the same type.
    public mutating func append(contentsOf other: ColumnVector, range: Range<Int>) {
        precondition(other.type == type, "BUG: appending \(other.type) to \(type)")
        guard !range.isEmpty else { return }
        if other.validity != nil || validity != nil {
            if validity == nil { validity = Bitmap(count: count, value: true) }
            for i in range { validity!.append(!other.isNull(i)) }
        }
        switch type {
        case .time, .int64, .date: int64s.append(contentsOf: other.int64s[range])
        case .uint64: uint64s.append(contentsOf: other.uint64s[range])
        case .float64: float64s.append(contentsOf: other.float64s[range])
        case .bool: bools.append(contentsOf: other.bools[range])
        case .symbol: codes.append(contentsOf: other.codes[range])
        case .string:
            let lo = Int(other.offsets[range.lowerBound]), hi = Int(other.offsets[range.upperBound])
            let shift = Int64(bytes.count) - Int64(lo)
            bytes.append(contentsOf: other.bytes[lo..<hi])
            for i in range { offsets.append(UInt32(truncatingIfNeeded: Int64(other.offsets[i + 1]) + shift)) }
        }
        count += range.count
        if let v = validity, v.allSet { validity = nil }
    }

    /// A new vector holding the rows at `indices`, in that order (used to sort by the table's sort key).
    public func gather(_ indices: [Int32]) -> ColumnVector {
        var out = ColumnVector(type: type, capacity: indices.count)
        indices.withUnsafeBufferPointer { out.append(contentsOf: self, rows: $0) }
        return out
    }

    /// Appends the rows of `other` (same type) at `rows`, in that order.
    public mutating func append(contentsOf other: ColumnVector, rows: UnsafeBufferPointer<Int32>) {
        precondition(other.type == type, "BUG: appending \(other.type) to \(type)")
        guard !rows.isEmpty else { return }
        if other.validity != nil || validity != nil {
            if validity == nil { validity = Bitmap(count: count, value: true) }
            if let v = other.validity { for i in rows { validity!.append(v[Int(i)]) } }
            else { validity!.append(repeating: true, count: rows.count) }
        }
        @inline(__always) func pick<T>(_ dst: inout [T], _ src: [T]) {
            // No reserveCapacity: it grows to the exact size, which repeated small appends make quadratic.
            src.withUnsafeBufferPointer { s in for i in rows { dst.append(s[Int(i)]) } }
        }
        switch type {
        case .time, .int64, .date: pick(&int64s, other.int64s)
        case .uint64: pick(&uint64s, other.uint64s)
        case .float64: pick(&float64s, other.float64s)
        case .bool: pick(&bools, other.bools)
        case .symbol: pick(&codes, other.codes)
        case .string:
            // Offsets first (they give the exact size), then one copy per row into the grown bytes.
            let start = bytes.count
            var end = start
            other.offsets.withUnsafeBufferPointer { o in
                for i in rows {
                    end += Int(o[Int(i) + 1] &- o[Int(i)])
                    offsets.append(UInt32(truncatingIfNeeded: end))
                }
            }
            bytes.append(contentsOf: repeatElement(0, count: end - start))
            bytes.withUnsafeMutableBytes { dst in
                other.bytes.withUnsafeBytes { src in
                    other.offsets.withUnsafeBufferPointer { o in
                        var at = start
                        for i in rows {
                            let lo = Int(o[Int(i)]), n = Int(o[Int(i) + 1]) - lo
                            if n > 0 { (dst.baseAddress! + at).copyMemory(from: src.baseAddress! + lo, byteCount: n) }
                            at += n
                        }
                    }
                }
            }
        }
        count += rows.count
        if let v = validity, v.allSet { validity = nil }
    }

    /// The same values under another type of the same storage (`.date` days as `.int64`, and back):
    /// the arrays are shared, not copied.
    public func retyped(_ t: ColumnType) -> ColumnVector {
        precondition(Self.int64Storage(type) && Self.int64Storage(t), "BUG: retyping \(type) as \(t)")
        var out = ColumnVector(type: t)
        out.int64s = int64s
        out.validity = validity
        out.count = count
        return out
    }

    /// Types held in `int64s`.
    @inlinable public static func int64Storage(_ t: ColumnType) -> Bool { t == .time || t == .int64 || t == .date }

    /// A copy of rows `range`.
    public func slice(_ range: Range<Int>) -> ColumnVector {
        var out = ColumnVector(type: type, capacity: range.count)
        out.append(contentsOf: self, range: range)
        return out
    }

    /// The bytes of string row `i`.
    @inlinable public func withStringBytes<R>(_ i: Int, _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        let lo = Int(offsets[i]), hi = Int(offsets[i + 1])
        return try bytes.withUnsafeBytes { try body(UnsafeRawBufferPointer(rebasing: $0[lo..<hi])) }
    }

    /// String row `i` (for output, not hot loops).
    public func string(at i: Int) -> String {
        withStringBytes(i) { String(decoding: $0, as: UTF8.self) }
    }

    /// Empties the vector, keeping its buffers for reuse.
    public mutating func removeAll() {
        int64s.removeAll(keepingCapacity: true); uint64s.removeAll(keepingCapacity: true)
        float64s.removeAll(keepingCapacity: true); bools.removeAll(keepingCapacity: true)
        codes.removeAll(keepingCapacity: true); bytes.removeAll(keepingCapacity: true)
        offsets.removeAll(keepingCapacity: true)
        if type == .string { offsets.append(0) }
        validity = nil
        count = 0
    }

    /// Sets the row count after a decoder filled the arrays directly.
    public mutating func _setCount(_ n: Int) { count = n }
}
