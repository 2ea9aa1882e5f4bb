import ColumnStore

/// `bool_and` / `bool_or`: per group whether any non-NULL value was seen and the running AND/OR.
final class BoolAggAccumulator: Accumulator {
    let isAnd: Bool
    /// 0: no value yet; 1: false so far; 2: true so far.
    var state: [UInt8] = []

    init(isAnd: Bool) { self.isAnd = isAnd }
    var memoryBytes: Int { state.capacity }

    func resize(_ groups: Int) {
        if state.count < groups { state.append(contentsOf: repeatElement(0, count: groups - state.count)) }
    }

    @inline(__always) private func fold(_ s: UInt8, _ v: Bool) -> UInt8 {
        if s == 0 { return v ? 2 : 1 }
        return isAnd ? (s == 2 && v ? 2 : 1) : (s == 2 || v ? 2 : 1)
    }

    func update(_ gids: [Int32], _ sel: [Int32]?, _ arg: Vec?, _ pool: inout StringPool) {
        guard let arg, arg.constant != .null else { return }
        let v = arg.spread()
        let valid = v.col.validity
        v.col.bools.withUnsafeBufferPointer { b in
            state.withUnsafeMutableBufferPointer { s in
                for (j, g) in gids.enumerated() {
                    let r = row(sel, j)
                    if let valid, !valid[r] { continue }
                    s[Int(g)] = fold(s[Int(g)], b[r] != 0)
                }
            }
        }
    }

    func merge(_ other: Accumulator, map: [Int32], from: StringPool, into: inout StringPool) {
        let o = other as! BoolAggAccumulator
        for g in o.state.indices where map[g] >= 0 && o.state[g] != 0 {
            state[Int(map[g])] = fold(state[Int(map[g])], o.state[g] == 2)
        }
    }

    func finalize(_ pool: StringPool) -> ColumnVector {
        var out = ColumnVector(type: .bool, capacity: state.count)
        for s in state { if s == 0 { out.appendNulls(1) } else { out.append(bool: s == 2) } }
        return out
    }
}
