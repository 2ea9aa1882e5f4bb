// Codec micro-benchmarks: how fast each gen_plays column encodes (flush/compaction) and decodes (the scan
// hot path), as MB/s of plain in-memory bytes, per compression. Names are the questions they answer.
import Benchmark
import ColumnStore
import PlaysColumns

#if canImport(Glibc)
import Glibc
#endif

/// 64K-row blocks, built once.
let plays = PlaysColumns(rows: 65_536)

let mbPerSecond = BenchmarkMetric.custom("MB/s", polarity: .prefersLarger, useScalingFactor: false)

func megabytesPerSecond(bytes: Int, nanoseconds: UInt64) -> Int {
    Int((Double(bytes) / 1e6) / (Double(max(nanoseconds, 1)) / 1e9))
}

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .mallocCountTotal, mbPerSecond],
        maxDuration: .seconds(1),
        maxIterations: 1000
    )

    for compression in [CompressionKind.lz4, .zstd] {
        let options = CodecOptions(compression: compression)
        let tag = compression == .lz4 ? "lz4" : "zstd"
        for (name, column) in plays.named {
            var block: [UInt8] = []
            let summary = BlockCodec.encode(column, range: 0..<column.count, options: options, into: &block)
            let frozen = block

            Benchmark("decode \(name) block (\(tag), \(summary.encoding))") { benchmark in
                var out = ColumnVector(type: column.type, capacity: column.count)
                let t0 = DispatchTimeLike.now()
                for _ in benchmark.scaledIterations {
                    frozen.withUnsafeBytes { try! BlockCodec.decode($0, type: column.type, rowCount: column.count, into: &out) }
                    blackHole(out.count)
                }
                benchmark.measurement(mbPerSecond, megabytesPerSecond(bytes: summary.rawBytes * benchmark.scaledIterations.count,
                                                                      nanoseconds: DispatchTimeLike.now() - t0))
            }

            Benchmark("encode \(name) block (\(tag))") { benchmark in
                var out: [UInt8] = []
                out.reserveCapacity(frozen.count)
                let t0 = DispatchTimeLike.now()
                for _ in benchmark.scaledIterations {
                    out.removeAll(keepingCapacity: true)
                    blackHole(BlockCodec.encode(column, range: 0..<column.count, options: options, into: &out))
                }
                benchmark.measurement(mbPerSecond, megabytesPerSecond(bytes: summary.rawBytes * benchmark.scaledIterations.count,
                                                                      nanoseconds: DispatchTimeLike.now() - t0))
            }
        }
    }

    // The scan-kernel target: bit-packed integers decode at ≥ 1 GB/s on one core.
    let kernels: [(String, ColumnVector, EncodingID)] = [
        ("decode bit-packed int64 (duration_ms, frame of reference, no compression)", plays.durationMs, .frameOfReference),
        ("decode delta bit-packed timestamps (time, no compression)", plays.time, .delta),
        ("decode bit-packed symbol codes (track, frame of reference, no compression)", plays.track, .frameOfReference),
    ]
    for (question, column, id) in kernels {
        var block: [UInt8] = []
        let summary = BlockCodec.encode(column, range: 0..<column.count, options: CodecOptions(compression: .none, forcedEncoding: id), into: &block)
        let frozen = block
        Benchmark(question) { benchmark in
            var out = ColumnVector(type: column.type, capacity: column.count)
            let t0 = DispatchTimeLike.now()
            for _ in benchmark.scaledIterations {
                frozen.withUnsafeBytes { try! BlockCodec.decode($0, type: column.type, rowCount: column.count, into: &out) }
                blackHole(out.count)
            }
            benchmark.measurement(mbPerSecond, megabytesPerSecond(bytes: summary.rawBytes * benchmark.scaledIterations.count,
                                                                  nanoseconds: DispatchTimeLike.now() - t0))
        }
    }
}

/// Monotonic nanoseconds without Foundation.
enum DispatchTimeLike {
    static func now() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
    }
}
