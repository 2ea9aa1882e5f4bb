import CZlib
#if canImport(Glibc)
import Glibc
#endif

/// An input read through a file descriptor, decompressed on the fly when it is gzip: a `.gz` name or
/// gzip's magic bytes (`1f 8b`) at its start, so `gzip -c | tsdb-cli ingest -` works too. Several gzip
/// members one after another (`cat a.gz b.gz`) read as one stream, as gunzip reads them.
final class InputStream: @unchecked Sendable {
    let fd: Int32
    let name: String
    /// Bytes read from the descriptor but not yet used (the sniffed magic, compressed input).
    private var input: [UInt8]
    private var inputAt = 0
    private var inputEnded = false
    private var stream = z_stream()
    /// True when the input is gzip.
    let isGzip: Bool
    private var memberEnded = false

    /// Reads the start of `fd` to tell gzip from plain text (`gzipName`: the file is named `.gz`).
    init(fd: Int32, name: String, gzipName: Bool) throws {
        self.fd = fd
        self.name = name
        var head = [UInt8](repeating: 0, count: 2)
        var n = 0
        while n < 2 {
            let r = head.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress! + n, 2 - n) }
            if r < 0 && errno == EINTR { continue }
            if r < 0 { throw CLIError("cannot read \(name): \(String(cString: strerror(errno)))") }
            if r == 0 { break }
            n += r
        }
        input = Array(head[..<n])
        isGzip = gzipName || (n == 2 && head[0] == 0x1F && head[1] == 0x8B)
        if isGzip {
            // 15 + 16: gzip only, with its header and CRC checked.
            guard inflateInit2_(&stream, 15 + 16, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
                throw CLIError("cannot start decompressing \(name)")
            }
        }
    }

    deinit { if isGzip { inflateEnd(&stream) } }

    /// Reads up to `count` bytes of the (decompressed) input into `p`; 0 at its end.
    func read(_ p: UnsafeMutableRawPointer, _ count: Int) throws -> Int {
        guard isGzip else { return try readRaw(p, count) }
        while true {
            if inputAt == input.count && !inputEnded { try refill() }
            if inputAt == input.count && inputEnded {
                if memberEnded || (stream.total_in == 0 && stream.avail_in == 0) { return 0 }
                throw CLIError("\(name) is cut short: its gzip stream ends early")
            }
            if memberEnded {
                // Another gzip member follows the one that ended.
                guard inflateReset(&stream) == Z_OK else { throw CLIError("cannot decompress \(name)") }
                memberEnded = false
            }
            let at = inputAt
            let (used, produced, rc) = input.withUnsafeMutableBytes { inp -> (Int, Int, Int32) in
                stream.next_in = inp.baseAddress!.assumingMemoryBound(to: Bytef.self) + at
                stream.avail_in = uInt(inp.count - at)
                stream.next_out = p.assumingMemoryBound(to: Bytef.self)
                stream.avail_out = uInt(count)
                let rc = inflate(&stream, Z_NO_FLUSH)
                return (inp.count - at - Int(stream.avail_in), count - Int(stream.avail_out), rc)
            }
            inputAt = at + used
            switch rc {
            case Z_STREAM_END: memberEnded = true
            case Z_OK, Z_BUF_ERROR: break
            default:
                let detail = stream.msg.map { String(cString: $0) } ?? "code \(rc)"
                throw CLIError("\(name) is not valid gzip: \(detail)")
            }
            if produced > 0 { return produced }
        }
    }

    /// Compressed bytes read from the descriptor so far.
    private(set) var rawBytes = 0

    private func refill() throws {
        input = [UInt8](repeating: 0, count: 1 << 20)
        inputAt = 0
        let n = try input.withUnsafeMutableBytes { try readFD($0.baseAddress!, $0.count) }
        input.removeSubrange(n...)
        if n == 0 { inputEnded = true }
    }

    private func readRaw(_ p: UnsafeMutableRawPointer, _ count: Int) throws -> Int {
        if inputAt < input.count {
            let at = inputAt, k = min(count, input.count - inputAt)
            input.withUnsafeBytes { p.copyMemory(from: $0.baseAddress! + at, byteCount: k) }
            inputAt = at + k
            return k
        }
        return try readFD(p, count)
    }

    private func readFD(_ p: UnsafeMutableRawPointer, _ count: Int) throws -> Int {
        while true {
            let r = Glibc.read(fd, p, count)
            if r < 0 && errno == EINTR { continue }
            if r < 0 { throw CLIError("read failed: \(String(cString: strerror(errno)))") }
            rawBytes += r
            return r
        }
    }
}
