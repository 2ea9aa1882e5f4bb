/// Where and why a line failed, kept as raw positions until the error is actually recorded.
@usableFromInline struct LineFailure {
    @usableFromInline var kind = LineProtocolError.Kind.rejected
    @usableFromInline var at: UnsafePointer<UInt8>? = nil
    /// End of the offending text; nil means "up to the next `,` or space".
    @usableFromInline var textEnd: UnsafePointer<UInt8>? = nil
    @usableFromInline var name: LineSlice? = nil
    @usableFromInline var rejection: LineRejection? = nil

    @inlinable init() {}

    @inlinable @inline(__always)
    mutating func set(_ kind: LineProtocolError.Kind, _ at: UnsafePointer<UInt8>,
                      _ textEnd: UnsafePointer<UInt8>? = nil, name: LineSlice? = nil) {
        self.kind = kind
        self.at = at
        self.textEnd = textEnd
        self.name = name
    }

    /// The visitor refused the line at the key `name` (`[at, end)` is the key and value).
    @inlinable @inline(__always)
    mutating func reject(_ r: LineRejection, _ at: UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>, name: LineSlice) {
        if r.kind == .rejected {
            set(.rejected, at, end, name: name)
            rejection = r
        } else {
            set(r.kind, at, end, name: name)
        }
    }
}
