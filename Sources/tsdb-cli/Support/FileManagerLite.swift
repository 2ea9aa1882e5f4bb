import Foundation

/// Whole-file reads and temporary directories, without Foundation's `Data` round trips for large files.
enum FileManagerLite {
    /// The bytes of `path`, or nil when it cannot be read.
    static func read(_ path: String) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var out: [UInt8] = []
        do {
            while try ChunkReader.read(fd, appendingTo: &out, upTo: 16 << 20) > 0 {}
        } catch {
            return nil
        }
        return out
    }

    /// A new empty directory under $TMPDIR (or /tmp).
    static func makeTemporaryDirectory(_ prefix: String) throws -> String {
        let base = ProcessInfo.processInfo.environment["TMPDIR"] ?? "/tmp"
        var template = Array("\(base)/\(prefix)-XXXXXX".utf8CString)
        guard let p = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
            throw CLIError("cannot create a temporary directory in \(base): \(String(cString: strerror(errno)))")
        }
        return String(cString: p)
    }

    static func remove(_ path: String) {
        try? FileManager.default.removeItem(atPath: path)
    }
}
