import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The process's standard streams, written unbuffered as bytes, and what kind of device they are.
enum Terminal {
    static func isTTY(_ fd: Int32) -> Bool { isatty(fd) == 1 }

    /// Width of the terminal on `fd` in columns, or nil when it is not a terminal.
    static func columns(_ fd: Int32 = STDERR_FILENO) -> Int? {
        var ws = winsize()
        guard ioctl(fd, UInt(TIOCGWINSZ), &ws) == 0, ws.ws_col > 0 else { return nil }
        return Int(ws.ws_col)
    }

    /// Writes all of `bytes` to `fd`, retrying on EINTR and short writes; gives up silently on a closed pipe.
    static func write(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) {
        var off = 0
        while off < bytes.count {
            let n = Glibc.write(fd, bytes.baseAddress! + off, bytes.count - off)
            if n < 0 {
                if errno == EINTR { continue }
                return
            }
            off += n
        }
    }

    static func write(_ fd: Int32, _ bytes: [UInt8]) {
        bytes.withUnsafeBytes { write(fd, $0) }
    }

    static func write(_ fd: Int32, _ s: String) {
        var s = s
        s.withUTF8 { write(fd, UnsafeRawBufferPointer($0)) }
    }

    /// Writes `s` to standard output.
    static func out(_ s: String) { write(STDOUT_FILENO, s) }

    /// Writes `s` to standard error.
    static func err(_ s: String) { write(STDERR_FILENO, s) }
}
