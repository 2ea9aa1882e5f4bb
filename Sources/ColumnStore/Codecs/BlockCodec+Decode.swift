extension BlockCodec {
    /// Decodes a block written by `encode` (exactly `block.count` bytes) into `column`, which is emptied first
    /// and must have the block's type. Corrupt input throws CodecError, never traps or returns wrong values
    /// (the segment reader verifies the block checksum before calling this, and adds file/column/block context).
    /// After a throw `column` is empty.
    public static func decode(_ block: UnsafeRawBufferPointer, type: ColumnType, rowCount: Int,
                              into column: inout ColumnVector) throws(CodecError) {
        precondition(column.type == type, "BUG: decoding a \(type) block into a \(column.type) vector")
        column.removeAll()
        do {
            try decodeBlock(block, type: type, rowCount: rowCount, into: &column)
        } catch {
            column.removeAll()
            throw error
        }
    }

    /// What the header says, validated against the caller's type and row count.
    struct Header {
        var encoding: EncodingID
        var compression: CompressionKind
        var hasValidity: Bool
        var rowCount: Int
        var bodyLength: Int

        init(_ b: UnsafeRawBufferPointer, type: ColumnType, rowCount: Int) throws(CodecError) {
            guard b.count >= BlockCodec.headerSize else {
                throw CodecError("block of \(b.count) bytes is shorter than its \(BlockCodec.headerSize)-byte header")
            }
            guard let e = EncodingID(rawValue: b[0]) else { throw CodecError("unknown encoding id \(b[0]) at offset 0") }
            guard e.applies(to: type) else { throw CodecError("encoding \(e) (id \(b[0])) does not apply to a \(type) column") }
            guard let c = CompressionKind(rawValue: b[1]) else { throw CodecError("unknown compression id \(b[1]) at offset 1") }
            guard b[2] & ~BlockCodec.hasValidityFlag == 0 else { throw CodecError("unknown block flags \(b[2]) at offset 2") }
            guard b[3] == 0 else { throw CodecError("reserved header byte is \(b[3]) at offset 3, not 0") }
            let rows = Int(UInt32(littleEndian: b.loadUnaligned(fromByteOffset: 4, as: UInt32.self)))
            guard rows == rowCount else { throw CodecError("block holds \(rows) rows, the index says \(rowCount)") }
            encoding = e
            compression = c
            hasValidity = b[2] & BlockCodec.hasValidityFlag != 0
            self.rowCount = rows
            bodyLength = Int(UInt32(littleEndian: b.loadUnaligned(fromByteOffset: 8, as: UInt32.self)))
        }
    }

    static func decodeBlock(_ block: UnsafeRawBufferPointer, type: ColumnType, rowCount: Int,
                            into column: inout ColumnVector) throws(CodecError) {
        let h = try Header(block, type: type, rowCount: rowCount)
        let stored = UnsafeRawBufferPointer(rebasing: block[headerSize...])
        if h.compression == .none {
            guard stored.count == h.bodyLength else {
                throw CodecError("uncompressed body is \(stored.count) bytes, header says \(h.bodyLength)")
            }
            var r = PayloadReader(stored)
            try decodeBody(&r, h, type, into: &column)
            return
        }
        // LZ4 cannot expand more than 255×; zstd checks its own frame size. Keeps a corrupt length from allocating GiBs.
        if h.compression == .lz4 && h.bodyLength > stored.count * 255 + 16 {
            throw CodecError("lz4 body of \(stored.count) bytes cannot hold \(h.bodyLength) bytes")
        }
        // 8 bytes of slack let the bit-unpacking kernels load whole words up to the end.
        let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: h.bodyLength + 8, alignment: 16)
        defer { scratch.deallocate() }
        scratch.baseAddress!.storeBytes(of: 0, toByteOffset: h.bodyLength, as: UInt64.self)
        let body = UnsafeMutableRawBufferPointer(rebasing: scratch[0..<h.bodyLength])
        try BlockCompression.decompress(stored, h.compression, into: body)
        var r = PayloadReader(UnsafeRawBufferPointer(body), slack: 8)
        try decodeBody(&r, h, type, into: &column)
    }

    static func decodeBody(_ r: inout PayloadReader, _ h: Header, _ type: ColumnType, into c: inout ColumnVector) throws(CodecError) {
        let n = h.rowCount
        var validity: Bitmap? = nil
        if h.hasValidity {
            let bytes = (n + 7) >> 3
            let src = try r.take(bytes, "validity bitmap").assumingMemoryBound(to: UInt8.self)
            try BoolCodecs.checkPadding(src, count: n, at: 0)
            var v = Bitmap(count: n, value: false)
            v.words.withUnsafeMutableBytes { w in w.copyMemory(from: UnsafeRawBufferPointer(start: src, count: bytes)) }
            // A bitmap with every row present is legal but the vector convention is nil.
            if !v.allSet { validity = v }
        }
        let id = h.encoding
        switch type {
        // Integer decoders write every lane, so their buffers need no zeroing first.
        case .time, .int64, .date:
            try BlockCodec.fillArray(&c.int64s, count: n, zero: 0, zeroed: false) { (p: UnsafeMutablePointer<Int64>) throws(CodecError) in
                try IntegerCodecs.decode(id, &r, count: n, into: UnsafeMutableRawPointer(p).assumingMemoryBound(to: UInt64.self))
            }
        case .uint64:
            try BlockCodec.fillArray(&c.uint64s, count: n, zero: 0, zeroed: false) { (p: UnsafeMutablePointer<UInt64>) throws(CodecError) in
                try IntegerCodecs.decode(id, &r, count: n, into: p)
            }
        case .symbol:
            try BlockCodec.fillArray(&c.codes, count: n, zero: 0, zeroed: false) { (p: UnsafeMutablePointer<UInt32>) throws(CodecError) in
                try IntegerCodecs.decode(id, &r, count: n, into: p)
            }
        case .float64:
            try BlockCodec.fillArray(&c.float64s, count: n, zero: 0) { (p: UnsafeMutablePointer<Double>) throws(CodecError) in
                // Decoders write bit patterns; Double and UInt64 share size and alignment.
                let bits = UnsafeMutableRawPointer(p).bindMemory(to: UInt64.self, capacity: n)
                defer { UnsafeMutableRawPointer(bits).bindMemory(to: Double.self, capacity: n) }
                switch id {
                case .plain, .constant: try IntegerCodecs.decode(id, &r, count: n, into: bits)
                case .gorilla: try GorillaCodec.decode(&r, count: n, into: bits)
                case .byteShuffle: try ByteShuffleCodec.decode(&r, count: n, into: bits)
                case .decimal: try DecimalCodec.decode(&r, count: n, into: bits)
                case .alp: try ALPCodec.decode(&r, count: n, into: bits)
                default: throw CodecError("encoding \(id) does not apply to floats")
                }
            }
        case .bool:
            try BlockCodec.fillArray(&c.bools, count: n, zero: 0) { (p: UnsafeMutablePointer<UInt8>) throws(CodecError) in
                try BoolCodecs.decode(id, &r, count: n, into: p)
            }
        case .string:
            try StringCodecs.decode(id, &r, count: n, validity: validity, into: &c)
        }
        try r.expectEnd("block body")
        c._setCount(n)
        c.validity = validity
    }
}
