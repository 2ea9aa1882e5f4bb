import ColumnStore
import Foundation

/// approx_count_distinct: HyperLogLog with 2^14 registers (standard error about 0.8%), exact while a
/// group has seen few distinct hashes (a sparse set), so small groups get exact answers.
final class HyperLogLogAccumulator: Accumulator {
    static let p = 14
    static let m = 1 << p
    static let sparseLimit = 2048

    var sparse: [Set<UInt64>] = []
    var registers: [[UInt8]?] = []

    /// Bytes of the sparse sets' entries and the dense registers.
    private var stateBytes = 0
    var memoryBytes: Int { sparse.capacity * 8 + registers.capacity * 8 + stateBytes }

    func resize(_ groups: Int) {
        while sparse.count < groups { sparse.append([]); registers.append(nil) }
    }

    @inline(__always) static func mix(_ x: UInt64) -> UInt64 {
        var h = x &+ 0x9E37_79B9_7F4A_7C15
        h = (h ^ (h >> 30)) &* 0xBF58_476D_1CE4_E5B9
        h = (h ^ (h >> 27)) &* 0x94D0_49BB_1331_11EB
        return h ^ (h >> 31)
    }

    /// A hash of the value itself (not of a per-thread code), so threads agree.
    @inline(__always) static func hash(_ a: Vec, _ r: Int) -> UInt64 {
        if a.constant == nil {
            switch a.col.type {
            case .symbol: return mix(UInt64(a.col.codes[r]))
            case .string: return a.col.withStringBytes(r) { mix(ByteStringTable.hash($0)) }
            default: break
            }
        }
        var none = ByteStringTable()
        return mix(distinctKey(a, r, &none))
    }

    private func add(_ g: Int, _ h: UInt64) {
        if registers[g] == nil {
            if sparse[g].insert(h).inserted { stateBytes += 16 }
            if sparse[g].count > Self.sparseLimit { densify(g) }
            return
        }
        let idx = Int(h >> UInt64(64 - Self.p))
        let rank = UInt8(min(64 - Self.p + 1, ((h << UInt64(Self.p)) | (1 << UInt64(Self.p - 1))).leadingZeroBitCount + 1))
        if registers[g]![idx] < rank { registers[g]![idx] = rank }
    }

    private func densify(_ g: Int) {
        registers[g] = [UInt8](repeating: 0, count: Self.m)
        let s = sparse[g]
        stateBytes += Self.m - 16 * s.count
        sparse[g] = []
        for h in s { add(g, h) }
    }

    func update(_ gids: [Int32], _ sel: [Int32]?, _ arg: Vec?, _ pool: inout StringPool) {
        guard let a = arg, a.constant != .null else { return }
        let valid = a.constant == nil ? a.col.validity : nil
        for (j, g) in gids.enumerated() {
            let r = row(sel, j)
            if let valid, !valid[r] { continue }
            add(Int(g), Self.hash(a, r))
        }
    }

    func merge(_ other: Accumulator, map: [Int32], from: StringPool, into: inout StringPool) {
        let o = other as! HyperLogLogAccumulator
        for g in o.sparse.indices where map[g] >= 0 {
            let m = Int(map[g])
            if let regs = o.registers[g] {
                if registers[m] == nil { densify(m) }
                for i in 0..<Self.m where registers[m]![i] < regs[i] { registers[m]![i] = regs[i] }
            } else {
                for h in o.sparse[g] { add(m, h) }
            }
        }
    }

    func finalize(_ pool: StringPool) -> ColumnVector {
        var out = ColumnVector(type: .int64)
        out.int64s = sparse.indices.map { g in
            guard let regs = registers[g] else { return Int64(sparse[g].count) }
            return Int64(Self.estimate(regs).rounded())
        }
        out._setCount(sparse.count)
        return out
    }

    /// Ertl's improved estimator ("New cardinality estimation algorithms for HyperLogLog sketches", 2017):
    /// unbiased from small to large cardinalities without empirical bias tables or a switch-over point.
    static func estimate(_ regs: [UInt8]) -> Double {
        let q = 64 - p
        var hist = [Int](repeating: 0, count: q + 2)
        for r in regs { hist[Int(r)] += 1 }
        let m = Double(Self.m)
        var z = m * tau(1 - Double(hist[q + 1]) / m)
        for k in stride(from: q, through: 1, by: -1) { z = 0.5 * (z + Double(hist[k])) }
        z += m * sigma(Double(hist[0]) / m)
        return m * m / (2 * log(2.0)) / z
    }

    static func sigma(_ x0: Double) -> Double {
        if x0 == 1 { return .infinity }
        var x = x0, y = 1.0, z = x0
        while true {
            x *= x
            let old = z
            z += x * y
            y += y
            if z == old { return z }
        }
    }

    static func tau(_ x0: Double) -> Double {
        if x0 == 0 || x0 == 1 { return 0 }
        var x = x0, y = 1.0, z = 1 - x0
        while true {
            x = x.squareRoot()
            let old = z
            y *= 0.5
            z -= (1 - x) * (1 - x) * y
            if z == old { return z / 3 }
        }
    }
}
