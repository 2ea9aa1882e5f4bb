import ColumnStore

/// `approx_quantile(x, q)`: a t-digest per group (`TDigest`), merged across threads. The result has x's
/// type, rounded to the nearest integer or nanosecond for integers and timestamps, as DuckDB's does.
final class ApproxQuantileAccumulator: Accumulator {
    let type: ValueType
    let fraction: Double
    var digests: [TDigest] = []

    init(type: ValueType, fraction: Double) {
        self.type = type
        self.fraction = fraction
    }

    var memoryBytes: Int { digests.reduce(digests.capacity * 8) { $0 + $1.memoryBytes } }

    func resize(_ groups: Int) {
        if digests.count < groups { digests.append(contentsOf: repeatElement(TDigest(), count: groups - digests.count)) }
    }

    func update(_ gids: [Int32], _ sel: [Int32]?, _ arg: Vec?, _ pool: inout StringPool) {
        guard let arg, arg.constant != .null else { return }
        let (xs, valid) = doubleValues(arg)
        for (j, g) in gids.enumerated() {
            let r = row(sel, j)
            if let valid, !valid[r] { continue }
            digests[Int(g)].add(xs[r])
        }
    }

    func merge(_ other: Accumulator, map: [Int32], from: StringPool, into: inout StringPool) {
        let o = other as! ApproxQuantileAccumulator
        for g in o.digests.indices where map[g] >= 0 { digests[Int(map[g])].merge(o.digests[g]) }
    }

    func finalize(_ pool: StringPool) -> ColumnVector {
        var out = ColumnVector(type: (type == .null ? ValueType.int : type).columnType, capacity: digests.count)
        for g in digests.indices {
            guard let q = digests[g].quantile(fraction) else { out.appendNulls(1); continue }
            switch type {
            case .double: out.append(float64: q)
            case .uint: out.append(uint64: UInt64(nearest: q))
            default: out.append(int64: Int64(nearest: q))
            }
        }
        return out
    }
}
