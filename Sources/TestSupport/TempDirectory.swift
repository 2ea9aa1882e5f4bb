import Foundation

/// A fresh directory under the system temp dir, removed by `remove()` (tests call it in `defer`).
public struct TempDirectory: Sendable {
    public let path: String

    public init(_ prefix: String = "tsdb-test") {
        let base = ProcessInfo.processInfo.environment["TMPDIR"] ?? "/tmp"
        var template = Array("\(base)/\(prefix)-XXXXXX".utf8CString)
        let p = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        precondition(p != nil, "BUG: mkdtemp failed")
        path = String(cString: p!)
    }

    public func remove() {
        try? FileManager.default.removeItem(atPath: path)
    }
}

/// Where the package's built executables are (next to the test binary).
public enum BuildProducts {
    public static func executable(_ name: String) -> String? {
        var dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<4 {
            let p = dir.appendingPathComponent(name).path
            if FileManager.default.isExecutableFile(atPath: p) { return p }
            dir.deleteLastPathComponent()
        }
        return nil
    }
}
