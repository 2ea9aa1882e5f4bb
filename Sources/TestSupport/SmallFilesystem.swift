import Foundation

/// A small tmpfs mounted for one test (root only), so the disk really fills up.
public struct SmallFilesystem {
    public let path: String
    private let base: TempDirectory

    /// nil (and a printed reason) when not root or the mount fails.
    public init?(megabytes: Int, purpose: String) {
        guard geteuid() == 0 else { print("skipping \(purpose): needs root to mount a tmpfs"); return nil }
        base = TempDirectory("tsdb-tmpfs")
        path = base.path + "/fs"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/mount")
        p.arguments = ["-t", "tmpfs", "-o", "size=\(megabytes)m", "tmpfs", path]
        guard (try? p.run()) != nil else { print("skipping \(purpose): cannot run mount"); base.remove(); return nil }
        p.waitUntilExit()
        guard p.terminationStatus == 0 else { print("skipping \(purpose): mount -t tmpfs failed"); base.remove(); return nil }
    }

    /// Writes a filler file until the filesystem is full; returns its path.
    public func fill() -> String {
        let filler = path + "/filler"
        let fd = open(filler, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        let chunk = [UInt8](repeating: 0xAB, count: 4096)
        while chunk.withUnsafeBytes({ write(fd, $0.baseAddress!, $0.count) }) > 0 {}
        close(fd)
        return filler
    }

    public func unmount() {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/umount")
        p.arguments = ["-l", path]
        try? p.run()
        p.waitUntilExit()
        base.remove()
    }
}
