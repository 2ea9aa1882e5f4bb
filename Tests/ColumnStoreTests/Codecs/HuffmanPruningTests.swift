@testable import ColumnStore
import Foundation
import Testing
import TestSupport

/// The block encoder stops a Huffman stream that cannot win before writing its bits: the stream's exact size
/// is known from its code lengths, and the best block costs at most the smallest other body. Pruning must
/// change no block: the same bytes as writing every stream in full, on every type, shape and compression.
@Suite struct HuffmanPruningTests {
    /// A column of `n` rows of `type` in value shape `shape`, some rows NULL when `nulls`.
    static func column(_ type: ColumnType, shape: Int, n: Int, nulls: Bool, _ rng: inout SeededRandom) -> ColumnVector {
        var c = ColumnVector(type: type, capacity: n)
        let ints = HuffmanCodecTests.values(shape, n, &rng)
        for i in 0..<n {
            if nulls && rng.chance(0.05) { c.appendNulls(1); continue }
            let v = ints[i]
            switch type {
            case .time, .int64, .date: c.append(int64: Int64(bitPattern: v))
            case .uint64: c.append(uint64: v)
            case .symbol: c.append(code: UInt32(truncatingIfNeeded: v))
            case .float64:
                // Money-like decimals, gauges with two decimals, or raw doubles.
                switch shape % 3 {
                case 0: c.append(float64: Double(v % 6000) / 1_000_000)
                case 1: c.append(float64: Double(v % 10_000) / 100)
                default: c.append(float64: Double(bitPattern: v))
                }
            case .string: c.append(string: "u\(String(v % 1_000_000).leftPadded(7))")
            case .bool: c.append(bool: v & 1 == 0)
            }
        }
        return c
    }

    @Test func pruningWritesTheSameBlocksAsTryingEveryStreamInFull() throws {
        var rng = SeededRandom(seed: 0x5EED_1010)
        for type in [ColumnType.time, .int64, .uint64, .symbol, .float64, .string] {
            for shape in 0..<8 {
                for n in [1, 300, 20_000] {
                    let c = Self.column(type, shape: shape, n: n, nulls: rng.chance(0.3), &rng)
                    // Compaction prices Huffman in string columns lower; the pruning must use that price too.
                    for compression in CodecFixtures.compressions {
                        for compacting in type == .string || type == .int64 ? [false, true] : [false] {
                            let options = CodecOptions(compression: compression, compacting: compacting)
                            var fast: [UInt8] = [], full: [UInt8] = []
                            let s = BlockCodec.encode(c, range: 0..<n, options: options, pruneHuffman: true, into: &fast)
                            BlockCodec.encode(c, range: 0..<n, options: options, pruneHuffman: false, into: &full)
                            #expect(fast == full, "\(type) shape \(shape), \(n) rows, \(compression), compacting \(compacting): \(s.encoding)")
                            var d = ColumnVector(type: type)
                            try fast.withUnsafeBytes { try BlockCodec.decode($0, type: type, rowCount: n, into: &d) }
                            CodecFixtures.expectSameRows(d, c, 0..<n)
                        }
                    }
                }
            }
        }
    }

    /// `encodeStream` with a limit writes exactly what it writes without one when the stream fits, and nothing
    /// when it would end one byte past the limit.
    @Test func streamLimitIsExact() {
        var rng = SeededRandom(seed: 77)
        for shape in 0..<8 {
            for n in [0, 1, 100, 300, 20_000] {
                let v = HuffmanCodecTests.values(shape, n, &rng)
                let prefix: [UInt8] = [1, 2, 3]
                var full = prefix
                let ok = v.withUnsafeBufferPointer { HuffmanCodec.encodeStream($0, into: &full) }
                guard ok else { continue }
                var atLimit = prefix
                #expect(v.withUnsafeBufferPointer { HuffmanCodec.encodeStream($0, limit: full.count, into: &atLimit) })
                #expect(atLimit == full)
                if n > 0 {
                    var below = prefix
                    #expect(!v.withUnsafeBufferPointer { HuffmanCodec.encodeStream($0, limit: full.count - 1, into: &below) })
                    #expect(below == prefix)
                }
            }
        }
    }

    /// The limit is the largest Huffman body whose cost is at most the given cost, under the flush's price
    /// and under compaction's cheaper one for string columns (a limit computed with the wrong price would cut
    /// off Huffman bodies that can win).
    @Test func huffmanLimitIsTheLargestBodyThatCanStillWin() {
        for compression in CodecFixtures.compressions {
            for compacting in [false, true] {
                for type in [ColumnType.int64, .string] {
                    var options = CodecOptions(compression: compression)
                    options.compacting = compacting
                    let price = BlockCodec.HuffmanPrice(options, type)
                    let compactedString = compacting && type == .string
                    for rows in [1, 64, 65_536] {
                        for cost in [0, 1, 15, 16, 17, 100, 8_191, 8_192, 123_457] {
                            func huffmanCost(_ s: Int) -> Int {
                                compactedString
                                    ? s + s / BlockCodec.compactedHuffmanPenaltyDivisor
                                    : s + s / BlockCodec.huffmanPenaltyDivisor
                                        + (compression == .zstd ? 0 : rows * BlockCodec.huffmanPenaltyBitsPerRow / 8)
                            }
                            let limit = BlockCodec.huffmanLimit(cost: cost, rows: rows, price: price)
                            if limit >= 0 { #expect(huffmanCost(limit) <= cost) }
                            #expect(huffmanCost(limit + 1) > cost)
                        }
                        #expect(BlockCodec.huffmanLimit(cost: .max, rows: rows, price: price) == .max)
                    }
                }
            }
        }
    }
}

private extension String {
    func leftPadded(_ width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}
