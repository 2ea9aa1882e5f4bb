import ArgumentParser
import ColumnStore

/// `tsdb-cli compact [TABLE]`: flush the memtable and merge each day's small segments.
struct CompactCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compact",
        abstract: "Merge each day's small segments into one (embedded data directories only)."
    )

    @OptionGroup var global: GlobalOptions

    @Option(name: .customLong("min-segments"), help: "Merge a day once it has at least this many segments.")
    var minSegments = 2

    @Option(help: ArgumentHelp("Compress the table(s) with lz4, zstd or zstd:LEVEL from now on, and rewrite every segment with it.",
                               valueName: "codec"))
    var compression: String?

    @Argument(help: ArgumentHelp("Only this table.", valueName: "table"))
    var table: String?

    func validate() throws {
        guard minSegments >= 2 else { throw ValidationError("--min-segments must be at least 2") }
        if let c = compression, Self.parseCompression(c) == nil {
            throw ValidationError("invalid --compression '\(c)': expected lz4, zstd or zstd:LEVEL (1–22)")
        }
    }

    /// `lz4`, `zstd`, `zstd:9`.
    static func parseCompression(_ s: String) -> (CompressionKind, Int32?)? {
        let parts = s.lowercased().split(separator: ":", maxSplits: 1).map(String.init)
        guard let kind = CompressionKind(name: parts[0]) else { return nil }
        guard parts.count == 2 else { return (kind, nil) }
        guard kind == .zstd, let level = Int32(parts[1]), (1...22).contains(level) else { return nil }
        return (kind, level)
    }

    func run() throws {
        let backend = try global.openEmbedded(command: "compact", readOnly: false)
        defer { try? backend.close() }
        let db = backend.database
        if let table, db.schema(of: table) == nil { throw CLIError("no table '\(table)' in database '\(global.db)'") }
        let names = table.map { [$0] } ?? db.tableNames()
        func count() -> Int { names.reduce(0) { $0 + db.segments(of: $1).count } }
        let clock = Stopwatch()
        try db.flush()
        let before = count()
        var rewrite = false
        if let c = compression, let (kind, level) = Self.parseCompression(c) {
            for t in names { try db.setTableOptions(t) { $0.compression = kind; $0.compactedCompression = kind; if let level { $0.zstdLevel = level } } }
            rewrite = true
        }
        let merged = try db.compact(table: table, minSegments: minSegments, rewriteAll: rewrite)
        let after = count()
        Terminal.out("compacted \(names.count) table\(names.count == 1 ? "" : "s"): \(before) segments → \(after) "
            + "(\(merged) merged) in \(Units.seconds(clock.elapsed))\n")
    }
}
