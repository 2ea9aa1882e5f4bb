import ArgumentParser
import ColumnStore
import Foundation
import Parquet
#if canImport(Glibc)
import Glibc
#endif

/// `tsdb-cli archive TABLE --older-than 730d --to DIR`: moves old day partitions to Hive-partitioned
/// Parquet ("cold storage after 2 years").
///
/// Three steps, each safe to be killed in: (1) export the whole UTC days before the cutoff with
/// `tsdb-cli export`'s code (each file appears whole or not at all); (2) read the new files back and
/// digest every row (count and value checksum per day); (3) one atomic delete of those rows, which
/// is made only once tsdb's rows digest the same as the archive's. So every row is either still in tsdb or verified in the archive.
struct ArchiveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "archive",
        abstract: "Move a table's day partitions older than a cutoff to Hive-partitioned Parquet, verified, then delete them.",
        discussion: """
            Exports the whole UTC days before now minus --older-than to DIR/TABLE/day=YYYY-MM-DD/part-N.parquet \
            (the layout of 'tsdb-cli export'), reads the files back and checks every row (row count and a \
            checksum of all values per day) against the rows being deleted, and deletes them only if all match, \
            in one atomic step. Interrupted at any point, no row is lost: it is in tsdb, or verified in DIR. \
            The files being written are listed in DIR/TABLE/_archive_pending until the delete commits; a rerun \
            after an interruption removes those files when tsdb still holds their rows (and archives them again), \
            so the archive holds each row once.
            """
    )

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The table to archive.")
    var table: String

    @Option(name: .customLong("older-than"), help: ArgumentHelp("Age of the rows to archive: a number and d, w, h or y (365d), e.g. 730d.", valueName: "age"))
    var olderThan: String

    @Option(help: ArgumentHelp("The directory to archive into (created if missing).", valueName: "dir"), completion: .directory)
    var to: String

    @Option(help: ArgumentHelp("Parquet page compression: zstd, snappy or uncompressed.", valueName: "codec"),
            completion: .list(["zstd", "snappy", "uncompressed"]))
    var compression = "zstd"

    @Flag(name: .shortAndLong, help: "Print nothing but errors.")
    var quiet = false

    /// `730d` → nanoseconds.
    static func age(_ text: String) -> Int64? {
        guard let unit = text.last, let n = Int64(text.dropLast()), n > 0 else { return nil }
        let seconds: Int64
        switch unit {
        case "h": seconds = 3_600
        case "d": seconds = 86_400
        case "w": seconds = 7 * 86_400
        case "y": seconds = 365 * 86_400
        default: return nil
        }
        let (v, o) = n.multipliedReportingOverflow(by: seconds * 1_000_000_000)
        return o ? nil : v
    }

    func validate() throws {
        guard Self.age(olderThan) != nil else { throw ValidationError("invalid --older-than '\(olderThan)': expected a number and d, w, h or y, e.g. 730d") }
        guard let c = ParquetCompression(name: compression), c != .gzip else {
            throw ValidationError("invalid --compression '\(compression)': expected zstd, snappy or uncompressed")
        }
    }

    func run() throws {
        let now = Int64(Date().timeIntervalSince1970 * 1e9)
        // Whole days only: the cutoff moves back to the start of its UTC day.
        let hi = Day.start(Day.of(now - Self.age(olderThan)!))
        guard let backend = try global.openBackend(create: false, forWriting: true) as? EmbeddedBackend else {
            throw CLIError("'archive' works on an embedded data directory only; run it on the server's machine with --data DIR")
        }
        defer { try? backend.close() }
        let db = backend.database
        guard let snapshot = db.snapshot(table: table, range: Int64.min...(hi - 1)) else { throw CLIError("unknown table '\(table)'") }
        let clock = Stopwatch()
        let options = ParquetWriterOptions(compression: ParquetCompression(name: compression)!)
        // Files an interrupted run left: removed if their rows are still in tsdb (they are exported again
        // below), kept if its delete committed. Either way the archive ends with each row once.
        let journal = ArchiveJournal(tableDir: to + "/" + snapshot.schema.table)
        if let whole = db.snapshot(table: table, range: Int64.min...Int64.max) {
            let outcome: ArchiveJournal.Outcome
            do { outcome = try journal.recover(TableExport(snapshot: whole, range: Int64.min..<Int64.max, options: options)) } catch let e as CLIError {
                throw CLIError("archive of \(table): \(e)")
            } catch {
                throw CLIError("archive of \(table): cannot settle the files of an interrupted run (\(journal.path)): \(error); nothing was changed")
            }
            if !quiet {
                switch outcome {
                case .none: break
                case let .removed(files, rows):
                    Terminal.err("an interrupted archive left \(Units.plural(files, "file")) of \(Units.plural(rows, "row")) still in tsdb; removed them, archiving again\n")
                case let .kept(files, rows):
                    Terminal.err("an interrupted archive had already deleted its \(Units.plural(rows, "row")); its \(Units.plural(files, "file")) stay in the archive\n")
                }
            }
        }
        let export = TableExport(snapshot: snapshot, range: Int64.min..<hi, options: options)
        let summary: TableExport.Summary
        do { summary = try export.run(to: to, willWrite: journal.append) { _ in } } catch { throw CLIError("archive of \(table) failed while exporting: \(error); nothing was deleted") }
        if summary.rows == 0 {
            try journal.remove()
            if !quiet { Terminal.out("nothing in \(table) is older than \(Day.name(Day.of(hi))); nothing archived\n") }
            return
        }
        ArchiveFault.hit("exported")
        // Read back every file written.
        var archived = ArchiveDigest()
        do {
            for path in summary.files {
                let reader = try ParquetReader(path: path)
                for g in 0..<reader.rowGroupCount { archived.add(try reader.readRowGroup(g), keep: nil) }
            }
        } catch {
            throw CLIError("archive of \(table) failed reading back its files: \(error); nothing was deleted")
        }
        // The rows the delete will take, read the way it reads them: this process holds the data
        // directory's write lock, so nothing changes between this pass and the delete.
        func pick(_ g: RowGroup, into digest: inout ArchiveDigest) throws -> [Int32] {
            let vectors = try export.read(g)
            let keep = export.rows(vectors[0])
            digest.add(vectors, keep: keep)
            return keep
        }
        var stored = ArchiveDigest(), deleting = ArchiveDigest()
        let deleted: Int
        do {
            _ = try db.delete(from: table, timeRange: Int64.min...(hi - 1)) { g in _ = try pick(g, into: &stored); return [] }
            guard stored == archived else {
                throw CLIError("archive of \(table): the archive read back (\(archived.rows) rows) does not match tsdb's rows (\(stored.rows)); nothing was deleted, the files stay in \(to)")
            }
            ArchiveFault.hit("verified")
            deleted = try db.delete(from: table, timeRange: Int64.min...(hi - 1)) { g in
                let keep = try pick(g, into: &deleting)
                ArchiveFault.hit("deleting")
                return keep
            }
        } catch let e as CLIError {
            throw e
        } catch {
            throw CLIError("archive of \(table): deleting the archived rows failed: \(error); the files stay in \(to)")
        }
        ArchiveFault.hit("deleted")
        // The delete committed: the files are the archive of those rows now.
        try journal.remove()
        if deleting != archived || deleted != archived.rows {
            throw CLIError("archive of \(table): BUG: deleted \(deleted) rows but archived \(archived.rows); the archive in \(to) holds what was verified")
        }
        if !quiet {
            let days = archived.days.keys.sorted()
            Terminal.out("\(Units.plural(deleted, "row")) of \(table) from \(Units.plural(days.count, "day")) (\(Day.name(days.first!)) to \(Day.name(days.last!))) "
                + "archived to \(Units.plural(summary.files.count, "file")) under \(to)/\(table), verified and deleted, in \(Units.seconds(clock.elapsed))\n")
        }
    }
}

/// Test-only fault points: `TSDB_ARCHIVE_KILL_AT=exported|verified|deleting|deleted` kills the process there.
enum ArchiveFault {
    static let at = ProcessInfo.processInfo.environment["TSDB_ARCHIVE_KILL_AT"]
    static func hit(_ point: String) {
        if at == point { kill(getpid(), SIGKILL) }
    }
}
