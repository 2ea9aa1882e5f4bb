import Foundation
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// Runs a program on a pseudo-terminal, types into it and collects what it shows.
final class PseudoTerminal {
    let master: Int32
    let process = Process()
    private(set) var screen = ""

    init(_ executable: String, _ args: [String], env extra: [String: String] = [:]) throws {
        // posix_openpt and friends are not visible to Swift on glibc; their Linux ioctls are.
        master = open("/dev/ptmx", O_RDWR | O_NOCTTY)
        var unlock: Int32 = 0
        var number: UInt32 = 0
        let TIOCSPTLCK: UInt = 0x4004_5431, TIOCGPTN: UInt = 0x8004_5430
        guard master >= 0, ioctl(master, TIOCSPTLCK, &unlock) == 0, ioctl(master, TIOCGPTN, &number) == 0 else {
            throw POSIXError(.ENOTTY)
        }
        let slave = open("/dev/pts/\(number)", O_RDWR | O_NOCTTY)
        guard slave >= 0 else { throw POSIXError(.ENOTTY) }
        // A terminal of 80 columns and 24 rows, like a fresh xterm.
        var size = winsize(ws_row: 24, ws_col: 80, ws_xpixel: 0, ws_ypixel: 0)
        _ = ioctl(master, UInt(TIOCSWINSZ), &size)
        let handle = FileHandle(fileDescriptor: slave, closeOnDealloc: true)
        // A session of its own with the pty as controlling terminal (`setsid --ctty`), as in a real
        // terminal: Ctrl-C then raises SIGINT in the program.
        process.executableURL = URL(fileURLWithPath: "/usr/bin/setsid")
        process.arguments = ["--ctty", executable] + args
        var env = ProcessInfo.processInfo.environment
        env["TERM"] = "xterm"
        env["TSDB_DATA"] = nil
        env["TSDB_SERVER"] = nil
        // The shell keeps its history in $HOME/.tsdb_history: never the user's own, nor another test's.
        env["HOME"] = home.path
        for (k, v) in extra { env[k] = v }
        process.environment = env
        process.standardInput = handle
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
    }

    deinit {
        if process.isRunning { process.terminate() }
        close(master)
        home.remove()
    }

    /// `$HOME` of the program unless the caller sets one.
    private let home = TempDirectory("tsdb-cli-home")

    /// Types `text` (use `\r` for Enter, `\u{1B}[A` for Up).
    func type(_ text: String) {
        var bytes = Array(text.utf8)
        _ = write(master, &bytes, bytes.count)
    }

    /// Reads until the screen (since `from`) contains `text` or `timeout` seconds pass; true if it appeared.
    @discardableResult
    func wait(for text: String, from: String.Index? = nil, timeout: Double = 20) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if screen[(from ?? screen.startIndex)...].contains(text) { return true }
            var p = pollfd(fd: master, events: Int16(POLLIN), revents: 0)
            guard poll(&p, 1, 100) > 0 else { continue }
            var buf = [UInt8](repeating: 0, count: 4096)
            let n = read(master, &buf, buf.count)
            if n <= 0 { break }
            screen += String(decoding: buf[0..<n], as: UTF8.self)
        }
        return screen[(from ?? screen.startIndex)...].contains(text)
    }

    /// Types a line and waits for the next prompt at the start of a line (a redrawn line starts with `\r`).
    func line(_ text: String, prompt: String = "tsdb> ") -> Bool {
        let mark = screen.endIndex
        type(text + "\r")
        return wait(for: "\n" + prompt, from: mark)
    }

    /// Ctrl-D at an empty prompt, until the program ends; its exit status, or nil on timeout. A Ctrl-D
    /// that lands while the terminal is between two edited lines (cooked mode) is taken by the line
    /// discipline, so it is typed again until one reaches the editor.
    func ctrlD(tries: Int = 5) -> Int32? {
        for _ in 0..<tries {
            type("\u{4}")
            if let status = exitStatus(timeout: 4) { return status }
        }
        return nil
    }

    /// Waits for the process to end; its exit status, or nil on timeout.
    func exitStatus(timeout: Double = 20) -> Int32? {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline {
            wait(for: "\u{0}", timeout: 0.1)
        }
        return process.isRunning ? nil : process.terminationStatus
    }
}
