import ColumnStore

/// `string_agg(x, separator)`: each group's non-NULL strings joined, in the order rows arrive (as in
/// DuckDB without ORDER BY, the order between threads is unspecified). One growing byte buffer per group.
final class StringAggAccumulator: Accumulator {
    let separator: [UInt8]
    var texts: [[UInt8]] = []
    var has: [Bool] = []
    private var bytes = 0

    init(separator: String) { self.separator = Array(separator.utf8) }
    var memoryBytes: Int { texts.capacity * 8 + has.capacity + bytes }

    func resize(_ groups: Int) {
        let k = groups - has.count
        guard k > 0 else { return }
        texts.append(contentsOf: repeatElement([], count: k))
        has.append(contentsOf: repeatElement(false, count: k))
    }

    private func add(_ g: Int, _ b: UnsafeRawBufferPointer) {
        if has[g] { texts[g].append(contentsOf: separator); bytes += separator.count }
        texts[g].append(contentsOf: b)
        bytes += b.count
        has[g] = true
    }

    func update(_ gids: [Int32], _ sel: [Int32]?, _ arg: Vec?, _ pool: inout StringPool) {
        guard let arg, arg.constant != .null else { return }
        for (j, g) in gids.enumerated() {
            let r = row(sel, j)
            if arg.constant == nil && arg.col.isNull(r) { continue }
            arg.withBytes(r) { add(Int(g), $0) }
        }
    }

    func merge(_ other: Accumulator, map: [Int32], from: StringPool, into: inout StringPool) {
        let o = other as! StringAggAccumulator
        for g in o.has.indices where map[g] >= 0 && o.has[g] {
            o.texts[g].withUnsafeBytes { add(Int(map[g]), $0) }
        }
    }

    func finalize(_ pool: StringPool) -> ColumnVector {
        var out = ColumnVector(type: .string, capacity: has.count)
        for g in has.indices {
            if has[g] { texts[g].withUnsafeBytes { out.append(string: $0) } } else { out.appendNulls(1) }
        }
        return out
    }
}
