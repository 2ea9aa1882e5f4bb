import Testing
@testable import QueryEngine
import TestSupport

/// Exact quantiles collect numbers as `OrderedWord`s: unsigned order must be the numbers' order (DuckDB's
/// for doubles: NaN after +inf) and decoding must give the number back.
@Suite("Ordered words")
struct OrderedWordTests {
    @Test("doubles: order as DuckDB sorts them, round trip", arguments: 0..<4)
    func doubles(seed: Int) {
        var rng = SeededRandom(seed: UInt64(seed) &+ 101)
        let specials: [Double] = [0, -0.0, .infinity, -.infinity, .nan, -.nan, .leastNonzeroMagnitude, -.leastNonzeroMagnitude,
                                  .greatestFiniteMagnitude, -.greatestFiniteMagnitude, 1, -1]
        let xs: [Double] = specials + (0..<2_000).map { _ in
            let raw = Double(bitPattern: rng.next())
            return raw.isNaN ? 0.5 : raw
        }
        for _ in 0..<2_000 {
            let a = xs[Int(rng.next() % UInt64(xs.count))], b = xs[Int(rng.next() % UInt64(xs.count))]
            let wa = OrderedWord.of(double: a), wb = OrderedWord.of(double: b)
            let order = ValueSlots.order(a, b)
            if order < 0 { #expect(wa < wb, "\(a) < \(b)") }
            if order > 0 { #expect(wa > wb, "\(a) > \(b)") }
            // Equal numbers are equal words, except −0 just below +0 (a valid order: both answer as 0).
            if order == 0 && !(a == 0 && a.sign != b.sign) { #expect(wa == wb, "\(a) = \(b)") }
        }
        for x in xs where !x.isNaN { #expect(OrderedWord.double(OrderedWord.of(double: x)).bitPattern == x.bitPattern) }
        #expect(OrderedWord.double(OrderedWord.of(double: -.nan)).isNaN)
    }

    @Test("integers: order and round trip", arguments: 0..<4)
    func integers(seed: Int) {
        var rng = SeededRandom(seed: UInt64(seed) &+ 7)
        let xs: [Int64] = [.min, .max, 0, -1, 1] + (0..<2_000).map { _ in Int64(bitPattern: rng.next()) >> (rng.next() % 64) }
        for _ in 0..<2_000 {
            let a = xs[Int(rng.next() % UInt64(xs.count))], b = xs[Int(rng.next() % UInt64(xs.count))]
            #expect((OrderedWord.of(int: a) < OrderedWord.of(int: b)) == (a < b))
        }
        for x in xs { #expect(OrderedWord.int(OrderedWord.of(int: x)) == x) }
    }

    @Test("selection finds the k-th smallest, with many duplicates", arguments: 0..<6)
    func select(seed: Int) {
        var rng = SeededRandom(seed: UInt64(seed) &+ 55)
        let n = 1 + Int(rng.next() % 3_000)
        let spread = [1, 3, 1_000, UInt64.max][seed % 4]
        var v = (0..<n).map { _ in rng.next() % spread }
        let sorted = v.sorted()
        for k in [0, n / 2, n - 1, Int(rng.next() % UInt64(n))] {
            let got = v.withUnsafeMutableBufferPointer { QuantileAccumulator.select($0, k) }
            #expect(got == sorted[k], "k = \(k) of \(n)")
        }
    }
}
