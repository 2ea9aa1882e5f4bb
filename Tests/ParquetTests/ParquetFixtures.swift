import ColumnStore
import Foundation
import TestSupport
@testable import Parquet

/// Columns covering every type tsdb writes, with NULLs, extreme values, empty and non-ASCII strings.
struct ParquetFixture {
    var columns: [ParquetColumn]
    var vectors: [ColumnVector]

    static func make(rows: Int, seed: UInt64) -> ParquetFixture {
        var rng = SeededRandom(seed: seed)
        let columns = [
            ParquetColumn(name: "time", type: .time),
            ParquetColumn(name: "i", type: .int64),
            ParquetColumn(name: "u", type: .uint64),
            ParquetColumn(name: "f", type: .float64),
            ParquetColumn(name: "b", type: .bool),
            ParquetColumn(name: "tag", type: .string),
            ParquetColumn(name: "text", type: .string),
            ParquetColumn(name: "nothing", type: .int64),
        ]
        var v = columns.map { ColumnVector(type: $0.type, capacity: rows) }
        let tags = ["", "Artist 0001", "é€😀", "a,b\"c", "x"]
        let ints: [Int64] = [Int64.min, Int64.max, 0, -1, 1]
        let uints: [UInt64] = [UInt64.max, 0, 1, UInt64(Int64.max) + 1]
        let floats: [Double] = [.infinity, -.infinity, -0.0, 0.0, .greatestFiniteMagnitude, .leastNonzeroMagnitude, -1.5]
        for r in 0..<rows {
            // Timestamps within what every reader converts (DuckDB reads them as microseconds).
            v[0].append(int64: 1_790_000_000_000_000_000 + Int64(r) * 1_001_000 - Int64(rng.below(1_000_000)))
            if rng.chance(0.1) { v[1].appendNulls(1) } else { v[1].append(int64: rng.chance(0.2) ? ints[rng.below(ints.count)] : Int64(bitPattern: rng.next())) }
            if rng.chance(0.1) { v[2].appendNulls(1) } else { v[2].append(uint64: rng.chance(0.2) ? uints[rng.below(uints.count)] : rng.next()) }
            if rng.chance(0.1) { v[3].appendNulls(1) } else { v[3].append(float64: rng.chance(0.2) ? floats[rng.below(floats.count)] : (rng.unit() - 0.5) * 1e6) }
            if rng.chance(0.1) { v[4].appendNulls(1) } else { v[4].append(bool: rng.chance(0.5)) }
            if rng.chance(0.1) { v[5].appendNulls(1) } else { v[5].append(string: tags[rng.below(tags.count)]) }
            if rng.chance(0.05) { v[6].appendNulls(1) } else { v[6].append(string: "user-\(rng.next())-" + String(repeating: "z", count: rng.below(30))) }
            v[7].appendNulls(1)
        }
        return ParquetFixture(columns: columns, vectors: v)
    }

    /// Canonical text of each cell, as scripts/parquet_readback.py prints it.
    func cells(column c: Int, timestampMicros: Bool = false) -> [String?] {
        ParquetReadback.cells(vectors[c], micros: timestampMicros)
    }
}

typealias ReaderView = ParquetReadback.View
typealias Readback = ParquetReadback
