import Testing
import ColumnStore
import TestSupport

/// CRC-32C: the hardware path (SSE4.2 / ARMv8 CRC32) and the software fallback give the same value for
/// every input, and that value is the standard one, so checksums already on disk stay valid.
@Suite("CRC32C")
struct CRC32CTests {
    /// The checksum of `bytes` by each path that exists on this machine, plus the public entry point.
    private func allPaths(_ bytes: [UInt8], continuing crc: UInt32 = 0) -> [UInt32] {
        bytes.withUnsafeBytes { b in
            var values = [CRC32C.checksum(b, continuing: crc), CRC32C.softwareChecksum(b, continuing: crc)]
            if let hw = CRC32C.hardwareChecksum(b, continuing: crc) { values.append(hw) }
            return values
        }
    }

    @Test func standardCheckValue() {
        for v in allPaths(Array("123456789".utf8)) { #expect(v == 0xE306_9283) }
        #expect(CRC32C.checksum(Array("123456789".utf8)) == 0xE306_9283)
    }

    /// RFC 3720 (iSCSI), appendix B.4, plus the empty input and one byte.
    @Test func knownVectors() {
        let cases: [([UInt8], UInt32)] = [
            ([], 0),
            (Array("a".utf8), 0xC1D0_4330),
            ([UInt8](repeating: 0, count: 32), 0x8A91_36AA),
            ([UInt8](repeating: 0xFF, count: 32), 0x62A8_AB43),
            ((0..<32).map { UInt8($0) }, 0x46DD_794E),
            ((0..<32).reversed().map { UInt8($0) }, 0x113F_DB5C),
        ]
        for (bytes, expected) in cases {
            for v in allPaths(bytes) { #expect(v == expected, "\(bytes.count) bytes") }
        }
    }

    /// This machine's CPU (x86-64 with SSE4.2, as every x86-64 server since 2008) takes the hardware path;
    /// a failure here means the detection broke, not the checksum.
    @Test func hardwarePathIsUsedWhereAvailable() {
        #if arch(x86_64) || arch(arm64)
        #expect(CRC32C.isHardwareAccelerated == (CRC32C.hardwareChecksum(UnsafeRawBufferPointer(start: nil, count: 0)) != nil))
        #endif
        #if arch(x86_64) && os(Linux)
        let cpuinfo = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        if cpuinfo.contains(" sse4_2") { #expect(CRC32C.isHardwareAccelerated) }
        #endif
    }

    /// Seeded random buffers of every length up to 300 and some long ones, at every start offset 0..<16
    /// (the hardware path aligns to 8 bytes with single-byte steps first), from random starting values.
    @Test func hardwareMatchesSoftwareOnRandomBuffers() {
        var rng = SeededRandom(seed: 0xC4C3_2C)
        let lengths = Array(0...300) + [511, 512, 513, 1023, 4096, 4099, 65_536, 65_543, 1_000_003]
        for length in lengths {
            let storage = (0..<(length + 16)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            let seed = rng.chance(0.5) ? 0 : UInt32(truncatingIfNeeded: rng.next())
            let offsets = length > 70_000 ? [0, 3, 8] : Array(0..<16)
            storage.withUnsafeBytes { all in
                for offset in offsets {
                    let b = UnsafeRawBufferPointer(rebasing: all[offset..<(offset + length)])
                    let sw = CRC32C.softwareChecksum(b, continuing: seed)
                    #expect(CRC32C.checksum(b, continuing: seed) == sw, "length \(length) offset \(offset)")
                    if let hw = CRC32C.hardwareChecksum(b, continuing: seed) {
                        #expect(hw == sw, "length \(length) offset \(offset)")
                    }
                }
            }
        }
    }

    /// `continuing:` chains: the checksum of a buffer equals the checksum of its second part continuing
    /// from that of its first, for random split points, with the parts taken by either path.
    @Test func continuingChainsAcrossSplits() {
        var rng = SeededRandom(seed: 2026_12_07)
        for _ in 0..<400 {
            let length = rng.below(2_000)
            let bytes = (0..<length).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            let whole = bytes.withUnsafeBytes { CRC32C.softwareChecksum($0) }
            let cuts = (0..<rng.below(4)).map { _ in rng.below(length + 1) }.sorted()
            let bounds = [0] + cuts + [length]
            bytes.withUnsafeBytes { all in
                var sw: UInt32 = 0, dispatched: UInt32 = 0
                var hw: UInt32? = CRC32C.isHardwareAccelerated ? 0 : nil
                for i in 0..<(bounds.count - 1) {
                    let part = UnsafeRawBufferPointer(rebasing: all[bounds[i]..<bounds[i + 1]])
                    sw = CRC32C.softwareChecksum(part, continuing: sw)
                    dispatched = CRC32C.checksum(part, continuing: dispatched)
                    if let h = hw { hw = CRC32C.hardwareChecksum(part, continuing: h) }
                    // Mixing paths mid-stream gives the same value too.
                }
                #expect(sw == whole)
                #expect(dispatched == whole)
                if let h = hw { #expect(h == whole) }
                if CRC32C.isHardwareAccelerated, let cut = cuts.first {
                    let head = CRC32C.softwareChecksum(UnsafeRawBufferPointer(rebasing: all[0..<cut]))
                    let mixed = CRC32C.hardwareChecksum(UnsafeRawBufferPointer(rebasing: all[cut...]), continuing: head)
                    #expect(mixed == whole)
                }
            }
        }
    }
}
