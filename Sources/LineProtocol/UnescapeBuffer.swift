/// A growable scratch byte buffer, owned by one parser or visitor, that unescaped slices are copied into.
///
/// A class so a visitor can pass it while it mutates itself; it grows rarely and never shrinks.
public final class UnescapeBuffer {
    @exclusivity(unchecked) @usableFromInline var base: UnsafeMutablePointer<UInt8>
    @exclusivity(unchecked) @usableFromInline var capacity: Int

    public init(capacity: Int = 256) {
        self.capacity = max(capacity, 16)
        base = .allocate(capacity: self.capacity)
    }

    deinit { base.deallocate() }

    /// Room for at least `n` bytes; the contents are not kept across calls.
    @inlinable @inline(__always)
    public func reserve(_ n: Int) -> UnsafeMutablePointer<UInt8> {
        if n > capacity { _grow(n) }
        return base
    }

    @usableFromInline func _grow(_ n: Int) {
        base.deallocate()
        capacity = max(n, capacity * 2)
        base = .allocate(capacity: capacity)
    }
}
