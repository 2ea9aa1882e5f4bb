import ColumnStore
import Foundation

/// A batch's numbers as doubles (integers converted), once per batch; with the vector's validity.
func doubleValues(_ a: Vec) -> (values: [Double], validity: Bitmap?) {
    let v = a.spread()
    switch v.type {
    case .double: return (v.col.float64s, v.col.validity)
    case .uint: return (v.col.uint64s.map { Double($0) }, v.col.validity)
    case .bool: return (v.col.bools.map { Double($0) }, v.col.validity)
    default: return (v.col.int64s.map { Double($0) }, v.col.validity)
    }
}

/// `var_samp`, `var_pop`, `stddev_samp`, `stddev_pop`: Welford's running mean and sum of squared
/// deviations per group, merged with Chan's formula — the same updates DuckDB makes, so answers agree
/// to the last bits, and no cancellation from summing squares.
final class MomentAccumulator: Accumulator {
    let kind: AggregateKind
    var counts: [Int64] = []
    var means: [Double] = []
    var squares: [Double] = []

    init(kind: AggregateKind) { self.kind = kind }
    var memoryBytes: Int { counts.capacity * 24 }

    func resize(_ groups: Int) {
        let k = groups - counts.count
        guard k > 0 else { return }
        counts.append(contentsOf: repeatElement(0, count: k))
        means.append(contentsOf: repeatElement(0, count: k))
        squares.append(contentsOf: repeatElement(0, count: k))
    }

    func update(_ gids: [Int32], _ sel: [Int32]?, _ arg: Vec?, _ pool: inout StringPool) {
        guard let arg, arg.constant != .null else { return }
        let (x, valid) = doubleValues(arg)
        x.withUnsafeBufferPointer { x in
            counts.withUnsafeMutableBufferPointer { n in
                means.withUnsafeMutableBufferPointer { mean in
                    squares.withUnsafeMutableBufferPointer { sq in
                        for (j, g) in gids.enumerated() {
                            let r = row(sel, j), gi = Int(g)
                            if let valid, !valid[r] { continue }
                            n[gi] &+= 1
                            let v = x[r]
                            let newMean = mean[gi] + (v - mean[gi]) / Double(n[gi])
                            sq[gi] += (v - newMean) * (v - mean[gi])
                            mean[gi] = newMean
                        }
                    }
                }
            }
        }
    }

    func merge(_ other: Accumulator, map: [Int32], from: StringPool, into: inout StringPool) {
        let o = other as! MomentAccumulator
        for g in o.counts.indices where map[g] >= 0 && o.counts[g] > 0 {
            let m = Int(map[g])
            if counts[m] == 0 { counts[m] = o.counts[g]; means[m] = o.means[g]; squares[m] = o.squares[g]; continue }
            let (na, nb) = (Double(o.counts[g]), Double(counts[m]))
            let n = na + nb
            let delta = o.means[g] - means[m]
            squares[m] = o.squares[g] + squares[m] + delta * delta * na * nb / n
            means[m] = (na * o.means[g] + nb * means[m]) / n
            counts[m] += o.counts[g]
        }
    }

    func finalize(_ pool: StringPool) -> ColumnVector {
        var out = ColumnVector(type: .float64, capacity: counts.count)
        let sample = kind == .varSamp || kind == .stddevSamp
        let root = kind == .stddevSamp || kind == .stddevPop
        for g in counts.indices {
            let n = counts[g]
            if n == 0 || (sample && n < 2) { out.appendNulls(1); continue }
            let v = squares[g] / Double(sample ? n - 1 : n)
            out.append(float64: root ? v.squareRoot() : v)
        }
        return out
    }
}

/// `corr(y, x)`, `covar_pop`, `covar_samp`: running means, co-moment and (for corr) both variables'
/// squared deviations per group, DuckDB's updates and merges. Rows where either value is NULL are skipped.
final class CoMomentAccumulator: Accumulator {
    let kind: AggregateKind
    var counts: [Int64] = []
    var meanX: [Double] = []
    var meanY: [Double] = []
    var coMoment: [Double] = []
    var squaresX: [Double] = []
    var squaresY: [Double] = []

    init(kind: AggregateKind) { self.kind = kind }
    var memoryBytes: Int { counts.capacity * 48 }

    func resize(_ groups: Int) {
        let k = groups - counts.count
        guard k > 0 else { return }
        counts.append(contentsOf: repeatElement(0, count: k))
        for p in [\CoMomentAccumulator.meanX, \.meanY, \.coMoment, \.squaresX, \.squaresY] {
            self[keyPath: p].append(contentsOf: repeatElement(0, count: k))
        }
    }

    func update(_ gids: [Int32], _ sel: [Int32]?, _ arg: Vec?, _ pool: inout StringPool) {}

    func update(_ gids: [Int32], _ sel: [Int32]?, _ arg: Vec?, _ second: Vec?, _ pool: inout StringPool) {
        guard let arg, let second, arg.constant != .null, second.constant != .null else { return }
        let (ys, vy) = doubleValues(arg), (xs, vx) = doubleValues(second)
        for (j, g) in gids.enumerated() {
            let r = row(sel, j), gi = Int(g)
            if let vy, !vy[r] { continue }
            if let vx, !vx[r] { continue }
            let x = xs[r], y = ys[r]
            counts[gi] &+= 1
            let n = Double(counts[gi])
            let dx = x - meanX[gi]
            let mx = meanX[gi] + dx / n
            let my = meanY[gi] + (y - meanY[gi]) / n
            coMoment[gi] += dx * (y - my)
            squaresX[gi] += (x - mx) * (x - meanX[gi])
            squaresY[gi] += (y - my) * (y - meanY[gi])
            meanX[gi] = mx
            meanY[gi] = my
        }
    }

    func merge(_ other: Accumulator, map: [Int32], from: StringPool, into: inout StringPool) {
        let o = other as! CoMomentAccumulator
        for g in o.counts.indices where map[g] >= 0 && o.counts[g] > 0 {
            let m = Int(map[g])
            if counts[m] == 0 {
                counts[m] = o.counts[g]; meanX[m] = o.meanX[g]; meanY[m] = o.meanY[g]
                coMoment[m] = o.coMoment[g]; squaresX[m] = o.squaresX[g]; squaresY[m] = o.squaresY[g]
                continue
            }
            let (na, nb) = (Double(o.counts[g]), Double(counts[m]))
            let n = na + nb
            let dx = meanX[m] - o.meanX[g], dy = meanY[m] - o.meanY[g]
            coMoment[m] = o.coMoment[g] + coMoment[m] + dx * dy * na * nb / n
            squaresX[m] = o.squaresX[g] + squaresX[m] + dx * dx * na * nb / n
            squaresY[m] = o.squaresY[g] + squaresY[m] + dy * dy * na * nb / n
            meanX[m] = (na * o.meanX[g] + nb * meanX[m]) / n
            meanY[m] = (na * o.meanY[g] + nb * meanY[m]) / n
            counts[m] += o.counts[g]
        }
    }

    func finalize(_ pool: StringPool) -> ColumnVector {
        var out = ColumnVector(type: .float64, capacity: counts.count)
        for g in counts.indices {
            let n = counts[g]
            switch kind {
            case .covarSamp:
                if n < 2 { out.appendNulls(1) } else { out.append(float64: coMoment[g] / Double(n - 1)) }
            case .covarPop:
                if n == 0 { out.appendNulls(1) } else { out.append(float64: coMoment[g] / Double(n)) }
            default:  // corr: NaN when either variable is constant, as DuckDB answers
                if n == 0 { out.appendNulls(1); continue }
                let cov = coMoment[g] / Double(n)
                let sx = n > 1 ? (squaresX[g] / Double(n)).squareRoot() : 0
                let sy = n > 1 ? (squaresY[g] / Double(n)).squareRoot() : 0
                out.append(float64: sx * sy == 0 ? .nan : cov / (sx * sy))
            }
        }
        return out
    }
}
