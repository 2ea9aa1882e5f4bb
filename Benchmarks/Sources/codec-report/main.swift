// Prints the codec table of docs/benchmarks-codecs.md: for each gen_plays column, the encoding the block codec
// picks, bytes a row, and encode/decode throughput (MB/s of plain in-memory bytes), under LZ4 and zstd.
// Run in release: `swift run -c release codec-report [rows]`.
import ColumnStore
import PlaysColumns

#if canImport(Glibc)
import Glibc
#endif

let rows = CommandLine.arguments.count > 1 ? Int(CommandLine.arguments[1])! : 65_536
let clock = ContinuousClock()

/// Seconds per call of `body`, best of several runs of at least 50 ms each.
func secondsPerCall(_ body: () -> Void) -> Double {
    var best = Double.infinity
    for _ in 0..<5 {
        var calls = 0
        let t0 = clock.now
        var elapsed = 0.0
        repeat {
            body(); calls += 1
            let d = clock.now - t0
            elapsed = Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
        } while elapsed < 0.05
        best = min(best, elapsed / Double(calls))
    }
    return best
}

func measure(_ c: ColumnVector, _ options: CodecOptions) -> (BlockSummary, encode: Double, decode: Double) {
    var out: [UInt8] = []
    let s = BlockCodec.encode(c, range: 0..<c.count, options: options, into: &out)
    let enc = secondsPerCall {
        var o: [UInt8] = []
        o.reserveCapacity(out.count)
        BlockCodec.encode(c, range: 0..<c.count, options: options, into: &o)
    }
    var d = ColumnVector(type: c.type, capacity: c.count)
    let dec = secondsPerCall {
        out.withUnsafeBytes { try! BlockCodec.decode($0, type: c.type, rowCount: c.count, into: &d) }
    }
    precondition(d.count == c.count)
    let mb = Double(s.rawBytes) / 1e6
    return (s, mb / enc, mb / dec)
}

func f(_ x: Double, _ digits: Int = 2) -> String {
    var s = String(Int((x * pow(10, Double(digits))).rounded()))
    if digits > 0 {
        while s.count <= digits { s = "0" + s }
        s.insert(".", at: s.index(s.endIndex, offsetBy: -digits))
    }
    return s
}

let plays = PlaysColumns(rows: rows)
print("gen_plays-shaped block of \(rows) rows (codes by first appearance after a month of rows, times sorted, ~27.4K rows a day)\n")
for compression in [CompressionKind.lz4, .zstd] {
    let options = CodecOptions(compression: compression, zstdLevel: 3)
    print("### \(compression == .lz4 ? "LZ4" : "zstd level 3")\n")
    print("| column | type | encoding | stored | bytes/row | encode MB/s | decode MB/s |")
    print("|---|---|---|---|---:|---:|---:|")
    var total = 0
    for (name, c) in plays.named {
        let (s, e, d) = measure(c, options)
        total += s.storedBytes
        let stored = s.compression == .none ? "raw" : (s.compression == .lz4 ? "lz4" : "zstd")
        print("| \(name) | \(c.type) | \(s.encoding) | \(stored) | \(f(Double(s.storedBytes) / Double(rows))) | \(f(e, 0)) | \(f(d, 0)) |")
    }
    print("| **all** | | | | **\(f(Double(total) / Double(rows)))** | | |\n")
}

print("### Bytes a row by zstd level (automatic choice)\n")
let names = plays.named.map(\.0)
print("| zstd level | " + names.joined(separator: " | ") + " | all | encode MB/s (all) |")
print("|---:|" + String(repeating: "---:|", count: names.count + 2))
for level: Int32 in [1, 3, 9, 19] {
    var perColumn = [Int](repeating: 0, count: names.count), raw = 0
    let t = secondsPerCall {
        raw = 0
        for (k, (_, c)) in plays.named.enumerated() {
            var out: [UInt8] = []
            let s = BlockCodec.encode(c, range: 0..<c.count, options: CodecOptions(compression: .zstd, zstdLevel: level), into: &out)
            perColumn[k] = s.storedBytes; raw += s.rawBytes
        }
    }
    let cells = perColumn.map { f(Double($0) / Double(rows)) }
    print("| \(level) | " + cells.joined(separator: " | ") + " | \(f(Double(perColumn.reduce(0, +)) / Double(rows))) | \(f(Double(raw) / 1e6 / t, 0)) |")
}
print("")

print("### Kernels (forced encoding)\n")
print("| question | compression | bytes/row | encode MB/s | decode MB/s |")
print("|---|---|---:|---:|---:|")
let kernels: [(String, ColumnVector, EncodingID, CompressionKind)] = [
    ("decode bit-packed int64 (duration_ms, frame of reference)", plays.durationMs, .frameOfReference, .none),
    ("decode delta bit-packed timestamps (time, delta)", plays.time, .delta, .none),
    ("decode delta-of-delta timestamps (time)", plays.time, .deltaOfDelta, .none),
    ("decode narrow int64 (duration_ms, 3 bytes)", plays.durationMs, .narrow, .none),
    ("decode bit-packed symbol codes (track, frame of reference)", plays.track, .frameOfReference, .none),
    ("decode decimal floats (revenue)", plays.revenue, .decimal, .none),
    ("decode byte-shuffled floats (revenue)", plays.revenue, .byteShuffle, .none),
    ("decode gorilla floats (revenue)", plays.revenue, .gorilla, .none),
    ("decode bool bitmap (skipped)", plays.skipped, .bitmap, .none),
    ("decode string dictionary (user_id)", plays.userID, .stringDictionary, .none),
    ("decode string lengths + bytes (user_id)", plays.userID, .stringLengths, .none),
    ("decode prefixed-int strings (user_id, frame of reference)", plays.userID, .prefixedInteger, .none),
    ("decode string lengths + bytes, LZ4 (user_id)", plays.userID, .stringLengths, .lz4),
    ("decode string lengths + bytes, zstd (user_id)", plays.userID, .stringLengths, .zstd),
    ("which float encoding is smallest under zstd: decimal (revenue)", plays.revenue, .decimal, .zstd),
    ("which float encoding is smallest under zstd: byte-shuffle (revenue)", plays.revenue, .byteShuffle, .zstd),
    ("which float encoding is smallest under zstd: gorilla (revenue)", plays.revenue, .gorilla, .zstd),
]
for (q, c, id, comp) in kernels {
    let (s, e, d) = measure(c, CodecOptions(compression: comp, forcedEncoding: id))
    precondition(s.encoding == id, "\(id) not applied")
    let stored = s.compression == .none ? "none" : (s.compression == .lz4 ? "lz4" : "zstd")
    print("| \(q) | \(stored) | \(f(Double(s.storedBytes) / Double(rows))) | \(f(e, 0)) | \(f(d, 0)) |")
}
