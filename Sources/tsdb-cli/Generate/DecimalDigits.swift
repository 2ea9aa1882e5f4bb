/// Writes unsigned integers as ASCII decimal straight into a byte buffer, two digits per step.
enum DecimalDigits {
    /// "00" "01" … "99", two bytes per pair.
    static let pairs: [UInt8] = {
        var t = [UInt8](repeating: 0, count: 200)
        for i in 0..<100 { t[2 * i] = UInt8(48 + i / 10); t[2 * i + 1] = UInt8(48 + i % 10) }
        return t
    }()

    /// Number of decimal digits of `v` (1 for 0).
    @inline(__always)
    static func count(_ v: UInt64) -> Int {
        var n = 1, x = v
        while x >= 10_000 { x /= 10_000; n += 4 }
        while x >= 10 { x /= 10; n += 1 }
        return n
    }

    /// Writes `v` as exactly `width` digits ending at `p + width` (zero-padded; high digits beyond
    /// `width` are dropped, so callers pass a width ≥ `count(v)`). Returns `width`.
    @inline(__always) @discardableResult
    static func write(_ v: UInt64, width: Int, to p: UnsafeMutablePointer<UInt8>) -> Int {
        var x = v
        var i = width
        pairs.withUnsafeBufferPointer { t in
            while i >= 2 {
                let r = Int(x % 100)
                x /= 100
                p[i - 1] = t[2 * r + 1]
                p[i - 2] = t[2 * r]
                i -= 2
            }
            if i == 1 { p[0] = UInt8(48 + x % 10) }
        }
        return width
    }

    /// Writes `v` in as many digits as it needs; returns the count written.
    @inline(__always) @discardableResult
    static func write(_ v: UInt64, to p: UnsafeMutablePointer<UInt8>) -> Int {
        write(v, width: count(v), to: p)
    }
}
