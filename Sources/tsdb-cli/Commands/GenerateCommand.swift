import ArgumentParser
import Foundation

/// `tsdb-cli generate --rows N`: deterministic synthetic play events as line protocol.
struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Write synthetic music play events as line protocol (same seed, same bytes).",
        discussion: """
            Measurement 'plays' with tags artist, track, platform, country, device and fields user_id, \
            duration_ms, completed, skipped, liked, revenue, in arrival order over --days days ending at \
            --end (UTC midnight), shaped like bench/gen_plays.py.
            """
    )

    @Option(help: "Number of events.")
    var rows: Int

    @Option(help: "Days the events span.")
    var days = 365

    @Option(help: ArgumentHelp("End of the time range (exclusive), YYYY-MM-DD, UTC.", valueName: "date"))
    var end = "2026-11-21"

    @Option(help: "Random seed.")
    var seed: UInt64 = 42

    @Option(name: [.short, .long], help: ArgumentHelp("Output file (default: standard output).", valueName: "file"), completion: .file())
    var out: String?

    func validate() throws {
        guard rows >= 0 else { throw ValidationError("--rows must be 0 or more, not \(rows)") }
        guard (1...100_000).contains(days) else { throw ValidationError("--days must be between 1 and 100000, not \(days)") }
        guard PlayEventGenerator.parseDate(end) != nil else {
            throw ValidationError("invalid --end '\(end)': expected a date YYYY-MM-DD")
        }
    }

    func run() throws {
        if rows == 0 && out == nil { return }
        let generator: PlayEventGenerator
        do {
            generator = try PlayEventGenerator(seed: seed, days: days, end: PlayEventGenerator.parseDate(end)!)
        } catch {
            throw CLIError("\(error)")
        }
        let fd: Int32
        var tmp: String?
        var st = stat()
        let special = out.map { stat($0, &st) == 0 && (st.st_mode & S_IFMT) != S_IFREG } ?? false
        if let out, out != "-", special {
            // A device or pipe (/dev/null, a FIFO): write to it directly, never rename over it.
            fd = open(out, O_WRONLY | O_CLOEXEC)
            guard fd >= 0 else { throw CLIError("cannot open \(out): \(String(cString: strerror(errno)))") }
        } else if let out, out != "-" {
            // A regular file is written under a temporary name and renamed, so a failed run leaves no half file behind.
            let t = out + ".tmp-\(getpid())"
            fd = open(t, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
            guard fd >= 0 else { throw CLIError("cannot create \(out): \(String(cString: strerror(errno)))") }
            tmp = t
        } else {
            fd = STDOUT_FILENO
        }
        var failure: Int32 = 0
        generator.write(rows: rows, chunkBytes: 1 << 20) { chunk in
            guard failure == 0 else { return }
            var off = 0
            while off < chunk.count {
                let n = Glibc.write(fd, chunk.baseAddress! + off, chunk.count - off)
                if n < 0 {
                    if errno == EINTR { continue }
                    failure = errno
                    return
                }
                off += n
            }
        }
        if let tmp, let out {
            let closed = close(fd)
            if failure == 0 && closed != 0 { failure = errno }
            guard failure == 0, rename(tmp, out) == 0 else {
                let e = failure != 0 ? failure : errno
                unlink(tmp)
                throw CLIError("cannot write \(out): \(String(cString: strerror(e)))")
            }
        } else if special {
            close(fd)
            if failure != 0 && failure != EPIPE { throw CLIError("cannot write \(out!): \(String(cString: strerror(failure)))") }
        } else if failure != 0 && failure != EPIPE {
            throw CLIError("cannot write to standard output: \(String(cString: strerror(failure)))")
        }
    }
}
