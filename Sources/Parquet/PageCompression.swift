import CSnappy
import CZlib
import CZstd

/// Compresses and decompresses page bodies with Parquet's codecs: zstd, snappy (raw, unframed),
/// gzip (RFC 1952 members) and none.
enum PageCompression {
    /// zstd's level for pages: its default, the size/speed DuckDB also writes with.
    static let zstdLevel: Int32 = 3

    /// A valid pointer for empty inputs (C APIs want non-nil even for zero bytes).
    nonisolated(unsafe) static let empty: UnsafePointer<CChar> = {
        let p = UnsafeMutablePointer<CChar>.allocate(capacity: 1)
        p.initialize(to: 0)
        return UnsafePointer(p)
    }()

    /// Returns `src` compressed with `codec`.
    static func compress(_ src: [UInt8], _ codec: ParquetCompression) throws(ParquetError) -> [UInt8] {
        switch codec {
        case .uncompressed:
            return src
        case .zstd:
            let bound = ZSTD_compressBound(src.count)
            var out = [UInt8](repeating: 0, count: bound)
            let n = src.withUnsafeBytes { s in
                out.withUnsafeMutableBytes { d in ZSTD_compress(d.baseAddress, bound, s.baseAddress, s.count, zstdLevel) }
            }
            guard ZSTD_isError(n) == 0 else { throw .io("zstd compression failed: \(String(cString: ZSTD_getErrorName(n)))") }
            out.removeLast(bound - n)
            return out
        case .snappy:
            var bound = snappy_max_compressed_length(src.count)
            var out = [UInt8](repeating: 0, count: bound)
            let status = src.withUnsafeBytes { s in
                out.withUnsafeMutableBytes { d in
                    snappy_compress(s.baseAddress?.assumingMemoryBound(to: CChar.self) ?? Self.empty, s.count,
                                    d.baseAddress!.assumingMemoryBound(to: CChar.self), &bound)
                }
            }
            guard status == SNAPPY_OK else { throw .io("snappy compression failed (\(status.rawValue))") }
            out.removeLast(out.count - bound)
            return out
        default:
            throw .unsupported("writing \(codec.name) pages")
        }
    }

    /// Decompresses `src` into exactly `size` bytes.
    static func decompress(_ src: UnsafeRawBufferPointer, _ codec: ParquetCompression, size: Int) throws(ParquetError) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: size)
        switch codec {
        case .uncompressed:
            guard src.count == size else { throw .corrupt("uncompressed page of \(src.count) bytes, header says \(size)") }
            out.withUnsafeMutableBytes { $0.copyMemory(from: src) }
        case .zstd:
            let n = out.withUnsafeMutableBytes { d in ZSTD_decompress(d.baseAddress, size, src.baseAddress, src.count) }
            guard ZSTD_isError(n) == 0 else { throw .corrupt("zstd page: \(String(cString: ZSTD_getErrorName(n)))") }
            guard n == size else { throw .corrupt("zstd page inflates to \(n) bytes, header says \(size)") }
        case .snappy:
            var length = 0
            let base = src.baseAddress?.assumingMemoryBound(to: CChar.self) ?? Self.empty
            guard snappy_uncompressed_length(base, src.count, &length) == SNAPPY_OK, length == size else {
                throw .corrupt("snappy page does not inflate to the \(size) bytes its header says")
            }
            var outLength = size
            let status = out.withUnsafeMutableBytes { d in
                snappy_uncompress(base, src.count, d.baseAddress!.assumingMemoryBound(to: CChar.self), &outLength)
            }
            guard status == SNAPPY_OK, outLength == size else { throw .corrupt("snappy page fails to inflate") }
        case .gzip:
            try inflate(src, into: &out)
        default:
            throw .unsupported("\(codec.name) compressed pages")
        }
        return out
    }

    /// Inflates gzip (or zlib) data into `out`, which must come out exactly full.
    static func inflate(_ src: UnsafeRawBufferPointer, into out: inout [UInt8]) throws(ParquetError) {
        var stream = z_stream()
        // 15 + 32: detect gzip or zlib headers.
        guard inflateInit2_(&stream, 15 + 32, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw .io("zlib inflateInit failed")
        }
        defer { inflateEnd(&stream) }
        let size = out.count
        let status: Int32 = out.withUnsafeMutableBytes { d in
            stream.next_in = UnsafeMutablePointer(mutating: src.baseAddress?.assumingMemoryBound(to: Bytef.self))
            stream.avail_in = uInt(src.count)
            stream.next_out = d.baseAddress?.assumingMemoryBound(to: Bytef.self)
            stream.avail_out = uInt(size)
            return CZlib.inflate(&stream, Z_FINISH)
        }
        guard status == Z_STREAM_END, Int(stream.total_out) == size else {
            throw .corrupt("gzip page does not inflate to the \(size) bytes its header says")
        }
    }
}
