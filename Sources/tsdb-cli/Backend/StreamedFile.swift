import ColumnStore
import Foundation

/// A file written from bytes as they arrive (a server's answer): under a temporary name beside `path`,
/// synced and renamed into place by `finish`, so it appears whole or not at all.
final class StreamedFile {
    let path: String
    private let temporaryPath: String
    private var fd: Int32
    private(set) var bytes = 0

    init(path: String) throws {
        self.path = path
        temporaryPath = path + ".tmp-\(getpid())"
        fd = try FileIO.open(temporaryPath, O_WRONLY | O_CREAT | O_TRUNC)
    }

    func write(_ piece: UnsafeRawBufferPointer) throws {
        try FileIO.writeAll(fd, piece, path: temporaryPath)
        bytes += piece.count
    }

    func finish() throws {
        do {
            try FileIO.publish(&fd, temporary: temporaryPath, as: path)
        } catch {
            abandon()
            throw error
        }
    }

    /// Removes the temporary file (after an error).
    func abandon() {
        if fd >= 0 { close(fd); fd = -1 }
        FileIO.unlink(temporaryPath)
    }

    deinit { if fd >= 0 { abandon() } }
}
