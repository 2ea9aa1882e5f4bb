/// Per-parser scratch: the keys of the current line (for duplicate checks) and an unescape buffer.
@usableFromInline final class ParserScratch {
    @exclusivity(unchecked) @usableFromInline var keys: UnsafeMutablePointer<LineSlice>
    @exclusivity(unchecked) @usableFromInline var keyCapacity = 32
    @usableFromInline let unescape = UnescapeBuffer()

    @usableFromInline init() { keys = .allocate(capacity: keyCapacity) }
    deinit { keys.deallocate() }

    @usableFromInline func growKeys() {
        let n = keyCapacity * 2
        let k = UnsafeMutablePointer<LineSlice>.allocate(capacity: n)
        k.moveInitialize(from: keys, count: keyCapacity)
        keys.deallocate()
        keys = k
        keyCapacity = n
    }
}
