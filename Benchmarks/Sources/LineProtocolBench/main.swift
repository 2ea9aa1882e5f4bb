// "Parse gen_plays lines": single-core line-protocol throughput, in lines/s and MB/s.
//
//   python3 shared/bench/gen_plays.py --rows 1000000 --out /tmp/lp1m --no-parquet
//   swift run -c release LineProtocolBench /tmp/lp1m/plays.lp [repetitions]
//
// Three measurements over the same bytes, in memory (file reading is not timed):
//   1. the parser alone, with a visitor that only counts (the grammar's cost);
//   2. one-shot `LineProtocolIngester.parse` into one WriteBatch (symbols interned, rows→lines kept);
//   3. streamed like the TCP server: 1 MiB chunks through `feed`, `takeBatches` every ~100k rows.
// Best of N repetitions; CPU time of the thread (robust on a shared machine) and wall time.
import ColumnStore
import Ingest
import LineProtocol
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Counts pieces so the optimiser cannot drop the parse.
struct CountingVisitor: LineProtocolVisitor {
    var lines = 0, checksum: UInt64 = 0
    mutating func beginLine(measurement: LineSlice, line: Int) {}
    mutating func tag(key: LineKey, value: LineSlice) -> LineRejection? {
        checksum &+= UInt64(value.count)
        return nil
    }
    mutating func field(key: LineKey, value: FieldValue) -> LineRejection? {
        if case .int(let v) = value { checksum &+= UInt64(bitPattern: v) }
        return nil
    }
    mutating func endLine(timestamp: Int64?) { lines += 1; checksum &+= UInt64(bitPattern: timestamp ?? 0) }
    mutating func abortLine() {}
}

func seconds(_ clock: clockid_t) -> Double {
    var ts = timespec()
    clock_gettime(clock, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

let args = CommandLine.arguments
let path = args.count > 1 ? args[1] : "/tmp/lp1m/plays.lp"
let reps = args.count > 2 ? Int(args[2]) ?? 5 : 5
guard let f = fopen(path, "rb") else {
    print("cannot open \(path); make it with: python3 shared/bench/gen_plays.py --rows 1000000 --out /tmp/lp1m --no-parquet")
    exit(1)
}
fseek(f, 0, SEEK_END)
let size = ftell(f)
fseek(f, 0, SEEK_SET)
var data = [UInt8](repeating: 0, count: size)
_ = data.withUnsafeMutableBytes { fread($0.baseAddress, 1, size, f) }
fclose(f)
let megabytes = Double(size) / 1e6

/// Runs `body` `reps` times; returns (lines, best CPU seconds, best wall seconds).
func measure(_ body: () -> Int) -> (Int, Double, Double) {
    var cpu = Double.infinity, wall = Double.infinity, lines = 0
    for _ in 0..<reps {
        let c0 = seconds(CLOCK_THREAD_CPUTIME_ID), w0 = seconds(CLOCK_MONOTONIC)
        lines = body()
        cpu = min(cpu, seconds(CLOCK_THREAD_CPUTIME_ID) - c0)
        wall = min(wall, seconds(CLOCK_MONOTONIC) - w0)
    }
    return (lines, cpu, wall)
}

func row(_ name: String, _ r: (Int, Double, Double)) {
    let (lines, cpu, wall) = r
    func fmt(_ x: Double, _ digits: Int) -> String {
        var s = String(Double(Int((x * pow(10, Double(digits))).rounded())) / pow(10, Double(digits)))
        if s.hasSuffix(".0") && digits == 0 { s.removeLast(2) }
        return s
    }
    print("| \(name) | \(lines) | \(fmt(cpu * 1000, 0)) ms | \(fmt(Double(lines) / cpu / 1e6, 2))M | \(fmt(megabytes / cpu, 0)) | \(fmt(Double(lines) / wall / 1e6, 2))M |")
}

print("\(path): \(size) bytes, best of \(reps)\n")
print("| measurement | lines | CPU time | lines/s (CPU) | MB/s (CPU) | lines/s (wall) |")
print("|---|---|---|---|---|---|")
data.withUnsafeBytes { buf in
    row("parser only (counting visitor)", measure {
        var parser = LineProtocolParser()
        var v = CountingVisitor()
        _ = parser.parse(buf, into: &v)
        precondition(parser.errorCount == 0, "errors: \(parser.errors.prefix(3))")
        return v.lines
    })
    row("into one WriteBatch (`LineProtocolIngester.parse`)", measure {
        let parsed = LineProtocolIngester.parse(buf, defaultTime: 0)
        precondition(parsed.report.linesRejected == 0, "\(parsed.report)")
        return parsed.report.linesAccepted
    })
    row("streamed: 1 MiB chunks, batches of ~100k rows", measure {
        var ingester = LineProtocolIngester(defaultTime: 0)
        var offset = 0, accepted = 0
        var kept: [ParsedBatches] = []
        while offset < buf.count {
            let end = min(buf.count, offset + (1 << 20))
            offset += ingester.feed(UnsafeRawBufferPointer(rebasing: buf[offset..<end]), isFinal: end == buf.count)
            if ingester.pendingRows >= 100_000 || offset == buf.count {
                let part = ingester.takeBatches()
                accepted += part.report.linesAccepted
                kept.append(part)
            }
        }
        return accepted
    })
}
