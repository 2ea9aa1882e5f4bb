/// Appends numbers and booleans as text to a byte array, without a `String` per value.
public enum ValueText {
    /// Appends `v` in decimal.
    @inlinable
    public static func append(_ v: Int64, to out: inout [UInt8]) {
        if v < 0 { out.append(0x2D) }
        append(v.magnitude, to: &out)
    }

    /// Appends `v` in decimal.
    @inlinable
    public static func append(_ v: UInt64, to out: inout [UInt8]) {
        let start = out.count
        var x = v
        repeat {
            out.append(UInt8(truncatingIfNeeded: 48 &+ x % 10))
            x /= 10
        } while x != 0
        out[start...].reverse()
    }

    /// Appends the shortest decimal that reads back as exactly `v` (`1.0`, `0.1`, `1e-05`, `1e+16`,
    /// `-0.0`, `inf`, `-inf`, `nan`).
    ///
    /// Swift's `description` is that shortest round-trip form; results of up to 15 bytes — nearly all —
    /// live inline in the `String`, so this does not touch the heap.
    @inlinable
    public static func append(_ v: Double, to out: inout [UInt8]) {
        var s = v.description
        s.withUTF8 { out.append(contentsOf: $0) }
    }

    /// Appends `true` or `false`.
    @inlinable
    public static func append(_ v: Bool, to out: inout [UInt8]) {
        if v {
            out.append(contentsOf: [0x74, 0x72, 0x75, 0x65])
        } else {
            out.append(contentsOf: [0x66, 0x61, 0x6C, 0x73, 0x65])
        }
    }
}
