/// Compression applied after encoding. Raw values are on disk: never reuse one.
public enum CompressionKind: UInt8, Sendable {
    case none = 0
    case lz4 = 1
    case zstd = 2
}

/// How blocks of a column are compressed.
public struct CodecOptions: Sendable, Equatable {
    /// Compression of the encoded body; a block whose body does not shrink is stored with `.none`.
    public var compression: CompressionKind
    /// zstd level (1…22) when `compression` is `.zstd`.
    public var zstdLevel: Int32
    /// Forces this encoding when it applies to the column type and data (tests prove each is used);
    /// otherwise the block's smallest candidate wins as usual.
    public var forcedEncoding: EncodingID?
    /// The integer encoding under a forced `decimal`, `alp` or `prefixedInteger` (nil: frame of reference).
    public var forcedInner: EncodingID?
    /// True for the blocks compaction writes: long-lived segments, encoded once, where the choice trades a little
    /// decode time for bytes (docs/codecs.md, "Compacted segments"). False for flushes, which keep ingest cheap.
    public var compacting: Bool

    public init(compression: CompressionKind = .lz4, zstdLevel: Int32 = 3, forcedEncoding: EncodingID? = nil,
                forcedInner: EncodingID? = nil, compacting: Bool = false) {
        self.compression = compression
        self.zstdLevel = zstdLevel
        self.forcedEncoding = forcedEncoding
        self.forcedInner = forcedInner
        self.compacting = compacting
    }
}

/// What `BlockCodec.encode` wrote.
public struct BlockSummary: Sendable, Equatable {
    /// The encoding that won.
    public var encoding: EncodingID
    /// The compression actually stored (`.none` when compressing did not shrink the body).
    public var compression: CompressionKind
    /// Plain in-memory size of the rows: 8 bytes a row for 64-bit types, 4 for symbols, 1 for bools,
    /// 4 + its bytes for a string, plus one bit a row when the block has NULLs.
    public var rawBytes: Int
    /// Bytes appended to `out`, header included.
    public var storedBytes: Int

    public init(encoding: EncodingID, compression: CompressionKind, rawBytes: Int, storedBytes: Int) {
        self.encoding = encoding
        self.compression = compression
        self.rawBytes = rawBytes
        self.storedBytes = storedBytes
    }
}

/// A block that cannot be decoded: truncated, corrupted, or of another type.
public struct CodecError: Error, CustomStringConvertible, Sendable {
    public var reason: String
    public init(_ reason: String) { self.reason = reason }
    public var description: String { reason }
}
