import CLZ4
import CZstd

/// LZ4 / zstd over a whole block body, through the system libraries.
enum BlockCompression {
    /// A zstd compression context reused across the candidates of one block.
    final class ZstdContext {
        let cctx: OpaquePointer
        init() { cctx = ZSTD_createCCtx()! }
        deinit { ZSTD_freeCCtx(cctx) }
    }

    /// Appends `src` compressed to `out` and returns true, or returns false (out unchanged) when the
    /// result would not be smaller than `src`. For zstd, each offset in `sections` (ascending) starts a new
    /// zstd block, so byte planes of different statistics get their own entropy tables; `bytePlanes` says the
    /// body is byte planes of numbers, whose short repeats are chance (see `zstdSections`).
    static func compress(_ src: UnsafeRawBufferPointer, _ kind: CompressionKind, level: Int32, zstd: ZstdContext?,
                         sections: [Int] = [], bytePlanes: Bool = false, into out: inout [UInt8]) -> Bool {
        let n = src.count
        guard kind != .none, n > 0 else { return false }
        let at = out.count
        // Room for exactly n - 1 bytes: both libraries fail fast when the output would not be smaller.
        let capacity = n - 1
        out.append(contentsOf: repeatElement(0, count: capacity))
        let written: Int = out.withUnsafeMutableBytes { o in
            let dst = o.baseAddress! + at
            switch kind {
            case .lz4:
                guard n <= Int(LZ4_MAX_INPUT_SIZE) else { return 0 }
                return Int(LZ4_compress_default(src.baseAddress!.assumingMemoryBound(to: CChar.self),
                                                dst.assumingMemoryBound(to: CChar.self), Int32(n), Int32(capacity)))
            case .zstd:
                if sections.isEmpty && !bytePlanes {
                    let r = ZSTD_compressCCtx(zstd!.cctx, dst, capacity, src.baseAddress!, n, level)
                    return ZSTD_isError(r) != 0 ? 0 : Int(r)
                }
                return zstdSections(zstd!.cctx, src, dst, capacity, level, sections: sections, bytePlanes: bytePlanes)
            case .none:
                return 0
            }
        }
        guard written > 0 else {
            out.removeSubrange(at...)
            return false
        }
        out.removeSubrange((at + written)...)
        return true
    }

    /// One zstd frame (content size in its header) flushed at each section start: a flush ends the current
    /// zstd block, and the next block builds its own Huffman/FSE tables; the match window carries on.
    /// In byte planes a 3–6 byte repeat is mostly chance, and a match costs more than the literals Huffman
    /// codes: matches of 7+ only (−0.1 bytes/row on gen_plays at level 3, never larger at levels 1–19).
    static func zstdSections(_ cctx: OpaquePointer, _ src: UnsafeRawBufferPointer, _ dst: UnsafeMutableRawPointer,
                             _ capacity: Int, _ level: Int32, sections: [Int], bytePlanes: Bool) -> Int {
        ZSTD_CCtx_reset(cctx, ZSTD_reset_session_and_parameters)
        ZSTD_CCtx_setParameter(cctx, ZSTD_c_compressionLevel, level)
        if bytePlanes { ZSTD_CCtx_setParameter(cctx, ZSTD_c_minMatch, 7) }
        ZSTD_CCtx_setPledgedSrcSize(cctx, UInt64(src.count))
        var output = ZSTD_outBuffer(dst: dst, size: capacity, pos: 0)
        var start = 0
        for end in sections + [src.count] where end > start {
            var input = ZSTD_inBuffer(src: src.baseAddress! + start, size: end - start, pos: 0)
            let mode = end == src.count ? ZSTD_e_end : ZSTD_e_flush
            while true {
                let r = ZSTD_compressStream2(cctx, &output, &input, mode)
                if ZSTD_isError(r) != 0 { return 0 }
                if r == 0 && input.pos == input.size { break }
                if output.pos == output.size { return 0 }
            }
            start = end
        }
        return output.pos
    }

    /// Decompresses `src` into exactly `dst.count` bytes; anything else throws.
    static func decompress(_ src: UnsafeRawBufferPointer, _ kind: CompressionKind, into dst: UnsafeMutableRawBufferPointer) throws(CodecError) {
        guard let s = src.baseAddress, src.count > 0 else { throw CodecError("\(kind) body is empty but should hold \(dst.count) bytes") }
        let d = dst.baseAddress ?? UnsafeMutableRawPointer(mutating: s)
        switch kind {
        case .lz4:
            let r = LZ4_decompress_safe(s.assumingMemoryBound(to: CChar.self), d.assumingMemoryBound(to: CChar.self),
                                        Int32(clamping: src.count), Int32(clamping: dst.count))
            guard r == dst.count else { throw CodecError("lz4 body of \(src.count) bytes does not decompress to \(dst.count) bytes (got \(r))") }
        case .zstd:
            let size = ZSTD_getFrameContentSize(s, src.count)
            guard size == UInt64(dst.count) else {
                throw CodecError("zstd frame content size \(size) is not the header's \(dst.count) bytes")
            }
            let r = ZSTD_decompress(d, dst.count, s, src.count)
            if ZSTD_isError(r) != 0 {
                throw CodecError("zstd body of \(src.count) bytes is corrupt: \(String(cString: ZSTD_getErrorName(r)))")
            }
            guard r == dst.count else { throw CodecError("zstd body decompressed to \(r) bytes, header says \(dst.count)") }
        case .none:
            preconditionFailure("BUG: decompress called for an uncompressed body")
        }
    }
}
