import Foundation

/// An answer written whole to a temporary file first — a Parquet file or an Excel workbook, whose
/// footer follows every row — then sent from there in pieces: the server's memory stays bounded
/// however large the answer. The file is unlinked as soon as it is opened, so nothing is left behind,
/// even by a crash.
final class SpooledFile: ChunkSource, @unchecked Sendable {
    private var fd: Int32
    /// Bytes a piece of the body holds at most.
    static let chunkBytes = 1 << 20

    /// Opens the finished file at `path` and removes its name.
    init(path: String) throws {
        fd = open(path, O_RDONLY | O_CLOEXEC)
        let e = errno
        unlink(path)
        guard fd >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: e) ?? .EIO) }
    }

    /// A fresh path in the temporary directory for an answer file ending in `suffix`.
    static func temporaryPath(suffix: String) -> String {
        NSTemporaryDirectory() + "/tsdb-answer-\(getpid())-\(UUID().uuidString)\(suffix)"
    }

    func nextChunk() -> [UInt8]? {
        guard fd >= 0 else { return nil }
        var chunk = [UInt8](repeating: 0, count: Self.chunkBytes)
        var filled = 0
        while filled < chunk.count {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress! + filled, $0.count - filled) }
            if n < 0 && errno == EINTR { continue }
            // A read error ends the body early; the client sees a truncated chunked response.
            if n <= 0 { close(fd); fd = -1; break }
            filled += n
        }
        if filled == 0 { return nil }
        chunk.removeSubrange(filled...)
        return chunk
    }

    deinit { if fd >= 0 { close(fd) } }
}
