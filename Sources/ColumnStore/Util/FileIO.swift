import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Thin wrappers over the POSIX calls the store needs; every failure becomes a `StorageError.io` naming the path.
public enum FileIO {
    public static func open(_ path: String, _ flags: Int32, _ mode: mode_t = 0o644) throws -> Int32 {
        let fd = path.withCString { Glibc.open($0, flags | O_CLOEXEC, mode) }
        if fd < 0 { throw StorageError.io(path: path, op: "open", errno: errno) }
        return fd
    }

    /// Writes all of `bytes` at the current offset.
    public static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, path: String) throws {
        var off = 0
        while off < bytes.count {
            let n = Glibc.write(fd, bytes.baseAddress! + off, bytes.count - off)
            if n < 0 {
                if errno == EINTR { continue }
                throw StorageError.io(path: path, op: "write", errno: errno)
            }
            off += n
        }
    }

    public static func writeAll(_ fd: Int32, _ bytes: [UInt8], path: String) throws {
        try bytes.withUnsafeBytes { try writeAll(fd, $0, path: path) }
    }

    public static func fsync(_ fd: Int32, path: String) throws {
        if Glibc.fsync(fd) != 0 { throw StorageError.io(path: path, op: "fsync", errno: errno) }
    }

    public static func fdatasync(_ fd: Int32, path: String) throws {
        if Glibc.fdatasync(fd) != 0 { throw StorageError.io(path: path, op: "fdatasync", errno: errno) }
    }

    /// Makes a rename or unlink inside `dir` durable.
    public static func fsyncDirectory(_ dir: String) throws {
        let fd = try open(dir, O_RDONLY | O_DIRECTORY)
        defer { close(fd) }
        try fsync(fd, path: dir)
    }

    /// Makes a file written under `temporary` durable and gives it its name: fsync, close (`fd` becomes
    /// -1), rename. On a failure `fd` stays open when the fsync failed; the caller removes `temporary`.
    public static func publish(_ fd: inout Int32, temporary: String, as path: String) throws {
        try fsync(fd, path: temporary)
        close(fd)
        fd = -1
        try rename(temporary, path)
    }

    public static func rename(_ from: String, _ to: String) throws {
        if Glibc.rename(from, to) != 0 { throw StorageError.io(path: to, op: "rename", errno: errno) }
    }

    public static func unlink(_ path: String) {
        _ = Glibc.unlink(path)
    }

    public static func truncate(_ fd: Int32, _ size: Int, path: String) throws {
        if ftruncate(fd, off_t(size)) != 0 { throw StorageError.io(path: path, op: "ftruncate", errno: errno) }
    }

    public static func fileSize(_ path: String) -> Int? {
        var st = stat()
        guard stat(path, &st) == 0 else { return nil }
        return Int(st.st_size)
    }

    public static func exists(_ path: String) -> Bool {
        access(path, F_OK) == 0
    }

    public static func isDirectory(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR
    }

    /// Creates `path` and its parents.
    public static func makeDirectories(_ path: String) throws {
        if isDirectory(path) { return }
        var prefix = path.hasPrefix("/") ? "/" : ""
        for part in path.split(separator: "/") {
            prefix += part
            if !isDirectory(prefix) && mkdir(prefix, 0o755) != 0 && errno != EEXIST {
                throw StorageError.io(path: prefix, op: "mkdir", errno: errno)
            }
            prefix += "/"
        }
    }

    /// Names in a directory, without `.` and `..`; empty when it does not exist.
    public static func list(_ dir: String) -> [String] {
        guard let d = opendir(dir) else { return [] }
        defer { closedir(d) }
        var names: [String] = []
        while let e = readdir(d) {
            let name = withUnsafePointer(to: e.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted()
    }

    /// Removes a file or a directory tree.
    public static func removeTree(_ path: String) {
        if isDirectory(path) {
            for name in list(path) { removeTree(path + "/" + name) }
            _ = rmdir(path)
        } else {
            _ = Glibc.unlink(path)
        }
    }

    /// fsyncs many files (or directories) at once: fsync latency, not bandwidth, dominates small files, and
    /// the filesystem's journal commits concurrent fsyncs together.
    public static func syncAll(_ paths: [String]) throws {
        if paths.isEmpty { return }
        let threads = min(16, paths.count)
        let errors = ErrorBox()
        let group = DispatchGroup()
        for t in 0..<threads {
            group.enter()
            Thread.detachNewThread {
                defer { group.leave() }
                var i = t
                while i < paths.count {
                    do {
                        let fd = try open(paths[i], O_RDONLY)
                        defer { close(fd) }
                        try fsync(fd, path: paths[i])
                    } catch {
                        errors.set(error)
                    }
                    i += threads
                }
            }
        }
        group.wait()
        if let e = errors.error { throw e }
    }

    /// Reads a whole file.
    public static func readFile(_ path: String) throws -> [UInt8] {
        let fd = try open(path, O_RDONLY)
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw StorageError.io(path: path, op: "stat", errno: errno) }
        let size = Int(st.st_size)
        var out = [UInt8](repeating: 0, count: size)
        var off = 0
        try out.withUnsafeMutableBytes { buf in
            while off < size {
                let n = pread(fd, buf.baseAddress! + off, size - off, off_t(off))
                if n < 0 { if errno == EINTR { continue }; throw StorageError.io(path: path, op: "read", errno: errno) }
                if n == 0 { break }
                off += n
            }
        }
        if off < size { out.removeLast(size - off) }
        return out
    }

    /// Writes a file atomically: temp name, fsync, rename, fsync the directory.
    public static func writeFileAtomically(_ path: String, _ bytes: [UInt8]) throws {
        var renamed = false
        try writeFileAtomically(path, bytes, renamed: &renamed)
    }

    /// As `writeFileAtomically(_:_:)`; `renamed` is set once the new file has replaced the old, so a caller
    /// whose write failed knows whether `path` may already hold the new contents.
    static func writeFileAtomically(_ path: String, _ bytes: [UInt8], renamed: inout Bool) throws {
        let tmp = path + FileNames.tempSuffix
        let fd = try open(tmp, O_WRONLY | O_CREAT | O_TRUNC)
        do {
            try writeAll(fd, bytes, path: tmp)
            try fsync(fd, path: tmp)
        } catch {
            close(fd)
            throw error
        }
        close(fd)
        try rename(tmp, path)
        renamed = true
        if FaultInjection.shouldFailDirectorySync(parent(of: path)) { throw StorageError.io(path: parent(of: path), op: "fsync", errno: EIO) }
        try fsyncDirectory(parent(of: path))
    }

    public static func parent(of path: String) -> String {
        guard let i = path.lastIndex(of: "/") else { return "." }
        return i == path.startIndex ? "/" : String(path[..<i])
    }
}

/// The first error of a group of threads.
final class ErrorBox: @unchecked Sendable {
    private let lock = NSLock()
    private(set) var error: Error?
    func set(_ e: Error) { lock.withLock { if error == nil { error = e } } }
}
