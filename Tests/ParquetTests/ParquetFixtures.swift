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
        let v = vectors[c]
        return (0..<v.count).map { r -> String? in
            if v.isNull(r) { return nil }
            switch v.type {
            case .time:
                let ns = v.int64s[r]
                if timestampMicros {
                    let us = ns >= 0 ? ns / 1000 : (ns - 999) / 1000
                    return String(us * 1000)
                }
                return String(ns)
            case .int64: return String(v.int64s[r])
            case .uint64: return String(v.uint64s[r])
            case .float64:
                let x = v.float64s[r]
                return x.isNaN ? "nan" : String(x.bitPattern, radix: 16).leftPadded(16)
            case .bool: return v.bools[r] != 0 ? "true" : "false"
            case .string, .symbol:
                return String(decoding: v.bytes[Int(v.offsets[r])..<Int(v.offsets[r + 1])], as: UTF8.self)
            }
        }
    }
}

extension String {
    func leftPadded(_ n: Int) -> String { count >= n ? self : String(repeating: "0", count: n - count) + self }
}

/// What one reader (DuckDB, pyarrow, polars) saw in a file.
struct ReaderView: Decodable {
    var names: [String]?
    var types: [String]?
    var columns: [[String?]]?
    var error: String?
}

enum Readback {
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("scripts/parquet_readback.py").path

    /// Runs scripts/parquet_readback.py on `path`; its output goes through a file so no pipe fills up.
    static func read(_ path: String, readers: [String] = []) throws -> [String: ReaderView] {
        let out = path + ".readback.json"
        defer { try? FileManager.default.removeItem(atPath: out) }
        _ = FileManager.default.createFile(atPath: out, contents: nil)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", script, path] + readers
        p.standardInput = FileHandle.nullDevice
        p.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: out))
        try p.run()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else { throw ParquetError.io("parquet_readback.py exited \(p.terminationStatus)") }
        return try JSONDecoder().decode([String: ReaderView].self, from: Data(contentsOf: URL(fileURLWithPath: out)))
    }
}
