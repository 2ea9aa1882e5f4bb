import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A small line editor for a terminal: the terminal in raw mode while a line is typed, cursor keys,
/// Home/End, Ctrl-A/E/B/F/K/U/W/L, and Up/Down (Ctrl-P/N) through this session's history.
final class LineEditor {
    enum Input: Equatable {
        case line(String)
        /// Ctrl-C: the line was abandoned.
        case interrupt
        /// Ctrl-D on an empty line, or the terminal went away.
        case end
    }

    private(set) var history: [String] = []
    let fd: Int32
    let out: Int32

    init(fd: Int32 = STDIN_FILENO, out: Int32 = STDOUT_FILENO) {
        self.fd = fd
        self.out = out
    }

    /// True when both standard input and output are terminals that can take escape sequences.
    static var isAvailable: Bool {
        guard Terminal.isTTY(STDIN_FILENO), Terminal.isTTY(STDOUT_FILENO) else { return false }
        let term = getenv("TERM").map { String(cString: $0) } ?? ""
        return term != "dumb"
    }

    /// Adds a line to the history (not a repeat of the last one).
    func remember(_ line: String) {
        guard !line.trimmingCharacters(in: .whitespaces).isEmpty, history.last != line else { return }
        history.append(line)
    }

    /// Reads one line, echoing and editing it after `prompt`.
    func read(prompt: String) -> Input {
        var saved = termios()
        guard tcgetattr(fd, &saved) == 0 else { return .end }
        var raw = saved
        raw.c_iflag &= ~tcflag_t(BRKINT | ICRNL | INPCK | ISTRIP | IXON)
        raw.c_lflag &= ~tcflag_t(ECHO | ICANON | IEXTEN | ISIG)
        raw.c_cflag |= tcflag_t(CS8)
        withUnsafeMutableBytes(of: &raw.c_cc) { cc in
            cc[Int(VMIN)] = 1
            cc[Int(VTIME)] = 0
        }
        // TCSADRAIN, not TCSAFLUSH: keys typed ahead (during a query) are kept, not discarded.
        guard tcsetattr(fd, TCSADRAIN, &raw) == 0 else { return .end }
        defer { _ = tcsetattr(fd, TCSADRAIN, &saved) }
        return edit(prompt: prompt)
    }

    private var buffer: [Unicode.Scalar] = []
    private var cursor = 0

    private func edit(prompt: String) -> Input {
        buffer = []
        cursor = 0
        var historyIndex = history.count
        var draft: [Unicode.Scalar] = []
        Terminal.write(out, prompt)
        func show(_ line: [Unicode.Scalar]) {
            buffer = line
            cursor = line.count
            refresh(prompt)
        }
        while true {
            guard let b = readByte() else { return .end }
            switch b {
            case 13, 10:  // Enter
                Terminal.write(out, "\r\n")
                return .line(text)
            case 3:  // Ctrl-C
                Terminal.write(out, "^C\r\n")
                return .interrupt
            case 4:  // Ctrl-D: end on an empty line, else delete under the cursor
                if buffer.isEmpty { Terminal.write(out, "\r\n"); return .end }
                if cursor < buffer.count { buffer.remove(at: cursor); refresh(prompt) }
            case 127, 8:  // Backspace
                if cursor > 0 { cursor -= 1; buffer.remove(at: cursor); refresh(prompt) }
            case 1: cursor = 0; refresh(prompt)  // Ctrl-A
            case 5: cursor = buffer.count; refresh(prompt)  // Ctrl-E
            case 2: if cursor > 0 { cursor -= 1; refresh(prompt) }  // Ctrl-B
            case 6: if cursor < buffer.count { cursor += 1; refresh(prompt) }  // Ctrl-F
            case 11: buffer.removeSubrange(cursor...); refresh(prompt)  // Ctrl-K
            case 21: buffer.removeSubrange(..<cursor); cursor = 0; refresh(prompt)  // Ctrl-U
            case 23:  // Ctrl-W: the word before the cursor
                var i = cursor
                while i > 0 && buffer[i - 1] == " " { i -= 1 }
                while i > 0 && buffer[i - 1] != " " { i -= 1 }
                buffer.removeSubrange(i..<cursor)
                cursor = i
                refresh(prompt)
            case 12:  // Ctrl-L
                Terminal.write(out, "\u{1B}[H\u{1B}[2J")
                refresh(prompt)
            case 16, 14:  // Ctrl-P / Ctrl-N
                step(b == 16 ? -1 : 1, &historyIndex, &draft, show)
            case 27:  // escape sequences: arrows, Home/End, Delete
                guard let b1 = readByte() else { return .end }
                guard b1 == UInt8(ascii: "[") || b1 == UInt8(ascii: "O"), let b2 = readByte() else { continue }
                switch b2 {
                case UInt8(ascii: "A"): step(-1, &historyIndex, &draft, show)
                case UInt8(ascii: "B"): step(1, &historyIndex, &draft, show)
                case UInt8(ascii: "C"): if cursor < buffer.count { cursor += 1; refresh(prompt) }
                case UInt8(ascii: "D"): if cursor > 0 { cursor -= 1; refresh(prompt) }
                case UInt8(ascii: "H"): cursor = 0; refresh(prompt)
                case UInt8(ascii: "F"): cursor = buffer.count; refresh(prompt)
                case UInt8(ascii: "0")...UInt8(ascii: "9"):
                    // ESC [ n ~ : 1/7 Home, 4/8 End, 3 Delete
                    var n = Int(b2 - 48)
                    while let d = readByte(), d != UInt8(ascii: "~") {
                        guard d >= 48 && d <= 57 else { break }
                        n = n * 10 + Int(d - 48)
                    }
                    if n == 1 || n == 7 { cursor = 0 }
                    if n == 4 || n == 8 { cursor = buffer.count }
                    if n == 3 && cursor < buffer.count { buffer.remove(at: cursor) }
                    refresh(prompt)
                default: break
                }
            case 9:  // Tab: two spaces
                insert(" "); insert(" ")
                refresh(prompt)
            default:
                if b < 32 { continue }
                if let s = readScalar(first: b) {
                    insert(s)
                    if cursor == buffer.count && s.isASCII {
                        Terminal.write(out, [b])  // the common case: typing at the end
                    } else {
                        refresh(prompt)
                    }
                }
            }
        }
    }

    private var text: String {
        var s = String.UnicodeScalarView()
        s.append(contentsOf: buffer)
        return String(s)
    }

    private func insert(_ s: Unicode.Scalar) {
        buffer.insert(s, at: cursor)
        cursor += 1
    }

    /// Moves through the history; the line being typed is kept as the newest entry.
    private func step(_ delta: Int, _ index: inout Int, _ draft: inout [Unicode.Scalar], _ show: ([Unicode.Scalar]) -> Void) {
        let target = index + delta
        guard target >= 0 && target <= history.count else { return }
        if index == history.count { draft = buffer }
        index = target
        show(target == history.count ? draft : Array(history[target].unicodeScalars))
    }

    /// Redraws the line: prompt, text, erase the rest, cursor back into place.
    private func refresh(_ prompt: String) {
        var s = "\r" + prompt + text + "\u{1B}[K"
        let back = buffer.count - cursor
        if back > 0 { s += "\u{1B}[\(back)D" }
        Terminal.write(out, s)
    }

    private func readByte() -> UInt8? {
        var b: UInt8 = 0
        while true {
            let n = Glibc.read(fd, &b, 1)
            if n == 1 { return b }
            if n < 0 && errno == EINTR { continue }
            return nil
        }
    }

    /// Decodes a UTF-8 sequence starting with `first`; nil for an invalid one.
    private func readScalar(first: UInt8) -> Unicode.Scalar? {
        if first < 0x80 { return Unicode.Scalar(first) }
        let extra = first >= 0xF0 ? 3 : first >= 0xE0 ? 2 : first >= 0xC0 ? 1 : -1
        guard extra > 0 else { return nil }
        var bytes = [first]
        for _ in 0..<extra {
            guard let b = readByte() else { return nil }
            bytes.append(b)
        }
        var it = bytes.makeIterator()
        var decoder = UTF8()
        if case let .scalarValue(s) = decoder.decode(&it) { return s }
        return nil
    }
}
