/// Which backslash escapes a slice of line protocol may hold; `.none` when it held no backslash at all.
///
/// A backslash before an escapable character (or before another backslash) stands for that character;
/// before any other character it is a literal backslash.
public enum Escaping: UInt8, Sendable {
    /// No backslash in the slice: its raw bytes are its value.
    case none
    /// Measurement: `\,` `\ ` `\\`.
    case measurement
    /// Tag key, tag value, field key: `\,` `\=` `\ ` `\\`.
    case key
    /// String field value (between the quotes): `\"` `\\`.
    case string

    /// True when `c` after a backslash stands for itself under these rules.
    @inlinable @inline(__always)
    public func isEscapable(_ c: UInt8) -> Bool {
        switch self {
        case .none: return false
        case .measurement: return c == UInt8(ascii: "\\") || c == UInt8(ascii: ",") || c == UInt8(ascii: " ")
        case .key:
            return c == UInt8(ascii: "\\") || c == UInt8(ascii: ",") || c == UInt8(ascii: " ")
                || c == UInt8(ascii: "=")
        case .string: return c == UInt8(ascii: "\\") || c == UInt8(ascii: "\"")
        }
    }
}

/// A run of input bytes as written (escapes still in place), valid only during the parse call that made it.
///
/// `escaping == .none` is the cheap test for "the raw bytes are the value"; otherwise unescape on demand,
/// into a caller-owned buffer, with `withUnescaped` or `appendUnescaped`.
public struct LineSlice {
    public let start: UnsafePointer<UInt8>
    /// Number of raw (escaped) bytes.
    public let count: Int
    public let escaping: Escaping

    @inlinable @inline(__always)
    public init(start: UnsafePointer<UInt8>, count: Int, escaping: Escaping) {
        self.start = start
        self.count = count
        self.escaping = escaping
    }

    /// True when the slice held at least one backslash.
    @inlinable public var hasEscapes: Bool { escaping != .none }

    /// The bytes as written, escapes included.
    @inlinable public var rawBytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: start, count: count) }

    /// Writes the unescaped value to `out` (room for `count` bytes) and returns its length.
    @inlinable
    public func unescape(into out: UnsafeMutablePointer<UInt8>) -> Int {
        if escaping == .none {
            out.update(from: start, count: count)
            return count
        }
        var i = 0, o = 0
        let bs = UInt8(ascii: "\\")
        while i < count {
            let c = start[i]
            if c == bs && i + 1 < count && escaping.isEscapable(start[i + 1]) {
                out[o] = start[i + 1]
                i += 2
            } else {
                out[o] = c
                i += 1
            }
            o += 1
        }
        return o
    }

    /// Calls `body` with the unescaped value: the raw bytes when there are no escapes, else a copy in `buffer`.
    @inlinable @inline(__always)
    public func withUnescaped<R>(using buffer: UnescapeBuffer, _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        if escaping == .none { return try body(rawBytes) }
        let out = buffer.reserve(count)
        let n = unescape(into: out)
        return try body(UnsafeRawBufferPointer(start: out, count: n))
    }

    /// Appends the unescaped value to `bytes`.
    @inlinable
    public func appendUnescaped(to bytes: inout [UInt8]) {
        if escaping == .none {
            bytes.append(contentsOf: UnsafeBufferPointer(start: start, count: count))
            return
        }
        let old = bytes.count
        bytes.append(contentsOf: repeatElement(0, count: count))
        let n = bytes.withUnsafeMutableBufferPointer { unescape(into: $0.baseAddress! + old) }
        bytes.removeLast(count - n)
    }

    /// True when the unescaped value equals `other`.
    @inlinable @inline(__always)
    public func unescapedEquals(_ other: UnsafeRawBufferPointer) -> Bool {
        if escaping == .none {
            return count == other.count && (count == 0 || Self.bytesEqual(UnsafeRawPointer(start), other.baseAddress!, count))
        }
        return _escapedEquals(other)
    }

    /// `unescapedEquals` for a slice with escapes: walks them without a buffer.
    @usableFromInline
    func _escapedEquals(_ other: UnsafeRawBufferPointer) -> Bool {
        var i = 0, o = 0
        let bs = UInt8(ascii: "\\")
        while i < count {
            var c = start[i]
            if c == bs && i + 1 < count && escaping.isEscapable(start[i + 1]) { c = start[i + 1]; i += 1 }
            if o >= other.count || other[o] != c { return false }
            i += 1
            o += 1
        }
        return o == other.count
    }

    /// True when the `n` bytes at `a` and `b` are equal; short runs with overlapping word loads, no call.
    @inlinable @inline(__always)
    public static func bytesEqual(_ a: UnsafeRawPointer, _ b: UnsafeRawPointer, _ n: Int) -> Bool {
        if n >= 8 && n <= 16 {
            return a.loadUnaligned(as: UInt64.self) == b.loadUnaligned(as: UInt64.self)
                && a.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self)
                    == b.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self)
        }
        if n >= 4 && n < 8 {
            return a.loadUnaligned(as: UInt32.self) == b.loadUnaligned(as: UInt32.self)
                && a.loadUnaligned(fromByteOffset: n - 4, as: UInt32.self)
                    == b.loadUnaligned(fromByteOffset: n - 4, as: UInt32.self)
        }
        if n < 4 {
            let x = a.assumingMemoryBound(to: UInt8.self), y = b.assumingMemoryBound(to: UInt8.self)
            var i = 0
            while i < n { if x[i] != y[i] { return false }; i += 1 }
            return true
        }
        return memcmp(a, b, n) == 0
    }

    /// The unescaped value as bytes (tests, errors, slow paths).
    public var unescapedBytes: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(count)
        appendUnescaped(to: &out)
        return out
    }

    /// The unescaped value decoded as UTF-8 (invalid sequences repaired; for messages and tests).
    public var string: String { String(decoding: unescapedBytes, as: UTF8.self) }
}

/// A tag key or field key with its position in the line.
///
/// `index` counts tags and fields separately from 0; it lets a visitor cache per-position lookups
/// (keys repeat in the same order line after line).
public struct LineKey {
    public let slice: LineSlice
    /// 0-based position among the line's tags (for tags) or fields (for fields).
    public let index: Int

    @inlinable @inline(__always)
    public init(slice: LineSlice, index: Int) {
        self.slice = slice
        self.index = index
    }

    /// `LineKey.hash(_:_:)` of the unescaped key, computed on each use.
    @inlinable
    public var hash: UInt64 {
        if slice.escaping == .none { return Self.hash(slice.start, slice.count) }
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: max(slice.count, 1)) { buf in
            Self.hash(buf.baseAddress!, slice.unescape(into: buf.baseAddress!))
        }
    }

    /// A fast 64-bit hash of `n` bytes at `p`, word at a time (not a stable on-disk hash).
    ///
    /// Give a random `seed` where input chooses the keys of a hash table, so that nobody can send keys
    /// that all collide.
    @inlinable @inline(__always)
    public static func hash(_ p: UnsafeRawPointer, _ n: Int, seed: UInt64 = 0) -> UInt64 {
        @inline(__always) func mix(_ x: UInt64) -> UInt64 {
            let y = x &* 0xBF58_476D_1CE4_E5B9
            return y ^ (y >> 31)
        }
        var h = mix(seed ^ UInt64(truncatingIfNeeded: n) &* 0x9E37_79B9_7F4A_7C15)
        if n >= 8 {
            var i = 0
            while i + 8 < n {
                h = mix(h ^ p.loadUnaligned(fromByteOffset: i, as: UInt64.self))
                i += 8
            }
            h = mix(h ^ p.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self))
        } else if n >= 4 {
            let a = UInt64(p.loadUnaligned(as: UInt32.self))
            let b = UInt64(p.loadUnaligned(fromByteOffset: n - 4, as: UInt32.self))
            h = mix(h ^ (a | b << 32))
        } else if n > 0 {
            let b = p.assumingMemoryBound(to: UInt8.self)
            h = mix(h ^ (UInt64(b[0]) | UInt64(b[n >> 1]) << 8 | UInt64(b[n - 1]) << 16))
        }
        return h
    }

    /// `hash` of a whole buffer.
    @inlinable
    public static func hash(_ b: UnsafeRawBufferPointer, seed: UInt64 = 0) -> UInt64 {
        guard let p = b.baseAddress else { return hash(UnsafeRawPointer(bitPattern: 1)!, 0, seed: seed) }
        return hash(p, b.count, seed: seed)
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
