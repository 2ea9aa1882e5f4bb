import CCRC32C

/// CRC-32C (Castagnoli): the checksum of WAL records, segment blocks and footers, symbol dictionaries and
/// the MANIFEST. Computed with the CPU's CRC instructions where it has them (x86-64 SSE4.2, ARMv8 CRC32;
/// C target `CCRC32C`, detected once at run time), otherwise in software (slicing-by-8). Both paths give
/// the same value for every input; `checksum("123456789") == 0xE306_9283`.
public enum CRC32C {
    /// Whether `checksum` uses the CPU's CRC-32C instructions on this machine.
    public static let isHardwareAccelerated: Bool = tsdb_crc32c_hardware_available() != 0

    @usableFromInline static let table: [UInt32] = {
        var t = [UInt32](repeating: 0, count: 8 * 256)
        for i in 0..<256 {
            var c = UInt32(i)
            for _ in 0..<8 { c = (c & 1) != 0 ? (c >> 1) ^ 0x82F6_3B78 : c >> 1 }
            t[i] = c
        }
        for i in 0..<256 {
            var c = t[i]
            for k in 1..<8 {
                c = t[Int(c & 0xff)] ^ (c >> 8)
                t[k * 256 + i] = c
            }
        }
        return t
    }()

    /// The checksum of `bytes`, continuing from `crc` (0 to start): `checksum(a + b)` equals
    /// `checksum(b, continuing: checksum(a))`.
    public static func checksum(_ bytes: UnsafeRawBufferPointer, continuing crc: UInt32 = 0) -> UInt32 {
        guard bytes.count > 0, let base = bytes.baseAddress else { return crc }
        if isHardwareAccelerated { return tsdb_crc32c_hardware(crc, base, bytes.count) }
        return softwareChecksum(bytes, continuing: crc)
    }

    /// The checksum computed with the CPU's instructions, or nil when this machine has none (for tests and
    /// benchmarks that compare the two paths).
    public static func hardwareChecksum(_ bytes: UnsafeRawBufferPointer, continuing crc: UInt32 = 0) -> UInt32? {
        guard isHardwareAccelerated else { return nil }
        guard bytes.count > 0, let base = bytes.baseAddress else { return crc }
        return tsdb_crc32c_hardware(crc, base, bytes.count)
    }

    /// The checksum computed in software (slicing-by-8), whatever the CPU: the fallback, and the reference
    /// the hardware path is tested against.
    public static func softwareChecksum(_ bytes: UnsafeRawBufferPointer, continuing crc: UInt32 = 0) -> UInt32 {
        var c = ~crc
        let n = bytes.count
        guard n > 0, let base = bytes.baseAddress else { return crc }
        table.withUnsafeBufferPointer { t in
            var i = 0
            while i + 8 <= n {
                let lo = base.loadUnaligned(fromByteOffset: i, as: UInt32.self).littleEndian ^ c
                let hi = base.loadUnaligned(fromByteOffset: i + 4, as: UInt32.self).littleEndian
                c = t[7 * 256 + Int(lo & 0xff)] ^ t[6 * 256 + Int((lo >> 8) & 0xff)]
                    ^ t[5 * 256 + Int((lo >> 16) & 0xff)] ^ t[4 * 256 + Int(lo >> 24)]
                    ^ t[3 * 256 + Int(hi & 0xff)] ^ t[2 * 256 + Int((hi >> 8) & 0xff)]
                    ^ t[1 * 256 + Int((hi >> 16) & 0xff)] ^ t[Int(hi >> 24)]
                i &+= 8
            }
            while i < n {
                c = t[Int((c ^ UInt32(base.load(fromByteOffset: i, as: UInt8.self))) & 0xff)] ^ (c >> 8)
                i &+= 1
            }
        }
        return ~c
    }

    public static func checksum(_ bytes: [UInt8]) -> UInt32 {
        bytes.withUnsafeBytes { checksum($0) }
    }
}
