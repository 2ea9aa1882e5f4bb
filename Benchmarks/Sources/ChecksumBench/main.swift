// "Checksum WAL records and segment blocks": CRC-32C throughput of the software path (slicing-by-8) and the
// hardware path (SSE4.2 / ARMv8 CRC32, used when the CPU has it), in GB/s, one core.
//
//   swift run -c release ChecksumBench [repetitions]
//
// Buffers of 64 B (a small WAL record), 4 KiB, 64 KiB (a segment block) and 8 MiB (a WAL chunk), seeded
// random bytes; each measurement checksums 256 MiB in total. Best of N repetitions, CPU time of the thread.
import ColumnStore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

func cpuSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

/// `x` with `digits` decimals (no Foundation).
func fmt(_ x: Double, _ digits: Int) -> String {
    var scale = 1.0
    for _ in 0..<digits { scale *= 10 }
    let r = (x * scale).rounded() / scale
    var s = "\(r)"
    if let dot = s.firstIndex(of: ".") {
        let decimals = s.distance(from: dot, to: s.endIndex) - 1
        if decimals < digits { s += String(repeating: "0", count: digits - decimals) }
    }
    return s
}

let reps = CommandLine.arguments.count > 1 ? Int(CommandLine.arguments[1]) ?? 5 : 5
let total = 256 << 20
var state: UInt64 = 0x9E37_79B9_7F4A_7C15
let data: [UInt8] = (0..<(8 << 20)).map { _ in
    state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
    return UInt8(truncatingIfNeeded: state >> 56)
}

/// Best GB/s of `reps` runs of `body` over `total` bytes in buffers of `size`.
func measure(size: Int, _ body: (UnsafeRawBufferPointer, UInt32) -> UInt32) -> (Double, UInt32) {
    var best = Double.infinity, crc: UInt32 = 0
    data.withUnsafeBytes { all in
        for _ in 0..<reps {
            let start = cpuSeconds()
            var done = 0, offset = 0
            while done < total {
                if offset + size > all.count { offset = 0 }
                crc = body(UnsafeRawBufferPointer(rebasing: all[offset..<(offset + size)]), crc)
                offset += size
                done += size
            }
            best = min(best, cpuSeconds() - start)
        }
    }
    return (Double(total) / best / 1e9, crc)
}

print("CRC-32C, one core, best of \(reps); hardware path available: \(CRC32C.isHardwareAccelerated)")
print("| buffer | software GB/s | hardware GB/s | speed-up |")
print("|---:|---:|---:|---:|")
for (label, size) in [("64 B", 64), ("4 KiB", 4096), ("64 KiB", 65_536), ("8 MiB", 8 << 20)] {
    let (sw, swCRC) = measure(size: size) { CRC32C.softwareChecksum($0, continuing: $1) }
    if CRC32C.isHardwareAccelerated {
        let (hw, hwCRC) = measure(size: size) { CRC32C.hardwareChecksum($0, continuing: $1)! }
        precondition(hwCRC == swCRC, "hardware and software checksums differ")
        print("| \(label) | \(fmt(sw, 2)) | \(fmt(hw, 2)) | \(fmt(hw / sw, 1))× |")
    } else {
        print("| \(label) | \(fmt(sw, 2)) | – | – |")
    }
}
