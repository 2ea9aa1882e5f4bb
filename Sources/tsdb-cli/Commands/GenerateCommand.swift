import ArgumentParser
import ColumnStore
import Foundation
import Parquet

/// `tsdb-cli generate --rows N`: deterministic synthetic play events (or DevOps metrics) as line protocol.
struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Write synthetic music play events or DevOps metrics (same seed, same bytes).",
        discussion: """
            plays (default): measurement 'plays' with tags artist, track, platform, country, device and fields \
            user_id, duration_ms, completed, skipped, liked, revenue, in arrival order over --days days ending \
            at --end (UTC midnight), shaped like bench/gen_plays.py.
            devops: measurement 'cpu' in TSBS's cpu-only shape: --hosts hosts with ten host tags report ten \
            usage gauges (two-decimal random walks) every 10 s from --start on; as line protocol or, with \
            --format parquet, the same rows as a Parquet file.
            """
    )

    /// The synthetic data sets.
    enum Dataset: String, ExpressibleByArgument, CaseIterable {
        case plays, devops
    }

    /// Output formats.
    enum Format: String, ExpressibleByArgument, CaseIterable {
        case lp, parquet
    }

    @Option(help: "Number of rows (events, or host samples).")
    var rows: Int

    @Option(help: "What to generate: plays or devops.")
    var dataset: Dataset = .plays

    @Option(help: "Output format: lp (line protocol) or parquet (devops only; needs --out).")
    var format: Format = .lp

    @Option(help: "Days the events span (plays; default 365).")
    var days: Int?

    @Option(help: ArgumentHelp("End of the time range (exclusive), YYYY-MM-DD, UTC (plays; default 2026-11-21).", valueName: "date"))
    var end: String?

    @Option(help: "Hosts reporting (devops; default 100).")
    var hosts: Int?

    @Option(help: ArgumentHelp("Time of the first sample, YYYY-MM-DD (midnight UTC) (devops; default 2026-01-01).", valueName: "date"))
    var start: String?

    @Option(help: "Random seed.")
    var seed: UInt64 = 42

    @Option(name: [.short, .long], help: ArgumentHelp("Output file (default: standard output).", valueName: "file"), completion: .file())
    var out: String?

    func validate() throws {
        guard rows >= 0 else { throw ValidationError("--rows must be 0 or more, not \(rows)") }
        switch dataset {
        case .plays:
            if let days, !(1...100_000).contains(days) { throw ValidationError("--days must be between 1 and 100000, not \(days)") }
            if let end, PlayEventGenerator.parseDate(end) == nil {
                throw ValidationError("invalid --end '\(end)': expected a date YYYY-MM-DD")
            }
            if hosts != nil || start != nil { throw ValidationError("--hosts and --start apply to --dataset devops") }
            if format == .parquet { throw ValidationError("--format parquet applies to --dataset devops (bench/public/gen_plays.py writes play events as Parquet)") }
        case .devops:
            if let hosts, !(1...1_000_000).contains(hosts) { throw ValidationError("--hosts must be between 1 and 1000000, not \(hosts)") }
            if let start, PlayEventGenerator.parseDate(start) == nil {
                throw ValidationError("invalid --start '\(start)': expected a date YYYY-MM-DD")
            }
            if days != nil || end != nil { throw ValidationError("--days and --end apply to --dataset plays; devops takes --start and --rows") }
            if format == .parquet && (out == nil || out == "-") { throw ValidationError("--format parquet needs --out FILE") }
        }
    }

    func run() throws {
        if dataset == .devops {
            let generator: DevOpsGenerator
            do {
                generator = try DevOpsGenerator(seed: seed, hosts: hosts ?? 100, start: PlayEventGenerator.parseDate(start ?? "2026-01-01")!)
            } catch {
                throw CLIError("\(error)")
            }
            if format == .parquet { return try writeParquet(generator, to: out!) }
            if rows == 0 && out == nil { return }
            return try writeLines(out) { generator.write(rows: rows, chunkBytes: 1 << 20, to: $0) }
        }
        if rows == 0 && out == nil { return }
        let generator: PlayEventGenerator
        do {
            generator = try PlayEventGenerator(seed: seed, days: days ?? 365, end: PlayEventGenerator.parseDate(end ?? "2026-11-21")!)
        } catch {
            throw CLIError("\(error)")
        }
        try writeLines(out) { generator.write(rows: rows, chunkBytes: 1 << 20, to: $0) }
    }

    /// The DevOps rows as a zstd-compressed Parquet file (as DuckDB or pyarrow would write it), for comparison.
    func writeParquet(_ generator: DevOpsGenerator, to path: String) throws {
        let columns = DevOpsGenerator.columns.map { ParquetColumn(name: $0.name, type: $0.type) }
        let file: ParquetFileWriter
        do {
            file = try ParquetFileWriter(path: path, columns: columns)
        } catch {
            throw CLIError("cannot create \(path): \(error)")
        }
        do {
            try generator.write(rows: rows) { try file.write($0, rows: 0..<$0[0].count) }
            try file.finish()
        } catch {
            file.abandon()
            throw CLIError("cannot write \(path): \(error)")
        }
    }

    /// Runs `generate` with a sink of chunks to `out` (a file written under a temporary name, a device or
    /// pipe, or standard output).
    func writeLines(_ out: String?, _ generate: ((UnsafeRawBufferPointer) -> Void) -> Void) throws {
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
        generate { chunk in
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
