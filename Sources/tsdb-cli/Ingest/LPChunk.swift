#if canImport(Glibc)
import Glibc
#endif

/// A run of whole lines of line protocol from one input, numbered within that input.
struct LPChunk: Sendable {
    /// Complete lines (the input's last chunk may end without a newline).
    var bytes: [UInt8]
    /// 1-based number of the chunk's first line in its input.
    var firstLine: Int
    /// True for the input's last chunk.
    var isLast: Bool

    /// Number of lines in the chunk (a last line without a newline counts).
    var lineCount: Int {
        bytes.withUnsafeBytes { p -> Int in
            guard let base = p.baseAddress, p.count > 0 else { return 0 }
            var n = 0
            var at = 0
            while at < p.count {
                guard let nl = memchr(base + at, 0x0A, p.count - at) else { return n + 1 }
                n += 1
                at = base.distance(to: UnsafeRawPointer(nl)) + 1
            }
            return n
        }
    }
}

/// Reads an input (a file or stdin) as `LPChunk`s of about `chunkBytes`, each cut after a newline.
///
/// A line longer than a whole chunk grows the chunk until the line ends, up to `maxLineBytes`.
struct ChunkReader {
    /// Where the bytes come from: a file descriptor, or memory (for benchmarks).
    enum Source: Sendable {
        case fd(Int32)
        /// A file or stdin that may be gzip (`InputStream`).
        case stream(InputStream)
        case memory([UInt8])
    }

    let source: Source
    let chunkBytes: Int
    let maxLineBytes: Int
    private var pending: [UInt8] = []
    private var nextLine = 1
    private var finished = false
    /// Bytes read so far.
    private(set) var bytesRead = 0

    private var memoryOffset = 0

    init(_ source: Source, chunkBytes: Int = 8 << 20, maxLineBytes: Int = 64 << 20) {
        self.source = source
        self.chunkBytes = max(chunkBytes, 1)
        self.maxLineBytes = maxLineBytes
    }

    /// The next chunk, or nil after the last one.
    mutating func next() throws -> LPChunk? {
        if finished { return nil }
        var capacity = max(chunkBytes, pending.count + chunkBytes / 4)
        while true {
            var eof = false
            let buf = try fill(capacity: capacity, eof: &eof)
            pending = []
            if eof {
                finished = true
                return emit(buf, isLast: true)  // possibly empty: the sink still learns the input ended
            }
            if let nl = Self.lastNewline(buf) {
                var chunk = buf
                pending = Array(buf[(nl + 1)...])
                chunk.removeSubrange((nl + 1)...)
                return emit(chunk, isLast: false)
            }
            // One line fills the whole buffer: grow it until the line ends.
            if buf.count >= maxLineBytes {
                throw CLIError("line \(nextLine) is longer than \(Units.bytes(maxLineBytes)); is this line protocol?")
            }
            pending = buf
            capacity = min(capacity * 2, maxLineBytes + 1)
        }
    }

    private mutating func emit(_ bytes: [UInt8], isLast: Bool) -> LPChunk {
        let chunk = LPChunk(bytes: bytes, firstLine: nextLine, isLast: isLast)
        nextLine += chunk.lineCount
        return chunk
    }

    /// `pending` followed by input up to `capacity` bytes in all; `eof` when the input ended first.
    private mutating func fill(capacity: Int, eof: inout Bool) throws -> [UInt8] {
        var atEnd = false
        var readBytes = 0
        let source = self.source
        var offset = memoryOffset
        let buf = try [UInt8](unsafeUninitializedCapacity: capacity) { p, n in
            n = 0
            pending.withUnsafeBytes { q in
                if q.count > 0 { UnsafeMutableRawPointer(p.baseAddress!).copyMemory(from: q.baseAddress!, byteCount: q.count) }
                n = q.count
            }
            while n < capacity {
                switch source {
                case let .fd(fd):
                    let r = Glibc.read(fd, p.baseAddress! + n, capacity - n)
                    if r < 0 {
                        if errno == EINTR { continue }
                        throw CLIError("read failed: \(String(cString: strerror(errno)))")
                    }
                    if r == 0 { atEnd = true; return }
                    n += r
                    readBytes += r
                case let .stream(input):
                    let r = try input.read(p.baseAddress! + n, capacity - n)
                    if r == 0 { atEnd = true; return }
                    n += r
                    readBytes += r
                case let .memory(bytes):
                    let k = min(capacity - n, bytes.count - offset)
                    if k == 0 { atEnd = true; return }
                    bytes.withUnsafeBytes { q in
                        UnsafeMutableRawPointer(p.baseAddress! + n).copyMemory(from: q.baseAddress! + offset, byteCount: k)
                    }
                    n += k
                    offset += k
                    readBytes += k
                }
            }
        }
        memoryOffset = offset
        bytesRead += readBytes
        eof = atEnd
        return buf
    }

    /// Reads up to `max` bytes onto the end of `buf`; 0 means end of input.
    static func read(_ fd: Int32, appendingTo buf: inout [UInt8], upTo max: Int) throws -> Int {
        let chunk = try [UInt8](unsafeUninitializedCapacity: max) { p, n in
            n = 0
            while n < max {
                let r = Glibc.read(fd, p.baseAddress! + n, max - n)
                if r < 0 {
                    if errno == EINTR { continue }
                    throw CLIError("read failed: \(String(cString: strerror(errno)))")
                }
                if r == 0 { break }
                n += r
            }
        }
        buf.append(contentsOf: chunk)
        return chunk.count
    }

    static func lastNewline(_ buf: [UInt8]) -> Int? {
        buf.withUnsafeBytes { p -> Int? in
            var i = p.count - 1
            while i >= 0 && p[i] != 0x0A { i -= 1 }
            return i >= 0 ? i : nil
        }
    }
}
