/// Appends numbers and booleans as text to a byte array, without a `String` per value.
public enum ValueText {
    /// Appends `v` in decimal.
    public static func append(_ v: Int64, to out: inout [UInt8]) {
        if v < 0 { out.append(0x2D) }
        append(v.magnitude, to: &out)
    }

    /// Appends `v` in decimal.
    public static func append(_ v: UInt64, to out: inout [UInt8]) {
        if v < 10 { out.append(UInt8(truncatingIfNeeded: 48 &+ v)); return }
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { buf in
            var i = 20
            var x = v
            repeat {
                i -= 1
                buf[i] = UInt8(truncatingIfNeeded: 48 &+ x % 10)
                x /= 10
            } while x != 0
            out.append(contentsOf: UnsafeBufferPointer(rebasing: buf[i..<20]))
        }
    }

    /// Appends the shortest decimal that reads back as exactly `v` (`1.0`, `0.1`, `1e-05`, `1e+16`,
    /// `-0.0`, `inf`, `-inf`, `nan`).
    ///
    /// Swift's `description` is that shortest round-trip form; results of up to 15 bytes — nearly all —
    /// live inline in the `String`, so this does not touch the heap.
    public static func append(_ v: Double, to out: inout [UInt8]) {
        var s = v.description
        s.withUTF8 { out.append(contentsOf: $0) }
    }

    /// Appends `true` or `false`.
    public static func append(_ v: Bool, to out: inout [UInt8]) {
        appendStatic(v ? "true" : "false", to: &out)
    }

    /// Appends a literal's bytes (no array, no reference counting).
    @inline(__always)
    static func appendStatic(_ s: StaticString, to out: inout [UInt8]) {
        s.withUTF8Buffer { out.append(contentsOf: $0) }
    }
}
