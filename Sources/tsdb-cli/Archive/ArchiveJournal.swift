import ColumnStore
import Foundation
import Parquet

/// The files an archive run is writing, in `DIR/TABLE/_archive_pending`, so that a rerun after a kill
/// knows which part files came from the interrupted run.
///
/// A file's path (relative to the table's folder, one a line) is appended and synced before the file is
/// created; the journal is removed once tsdb's delete has committed. A journal found at the start of a
/// run therefore names the files of a run that stopped before or just after its delete, and the rows
/// say which: if tsdb still holds every row of those files the delete never happened, and the files
/// are removed (this run exports the rows again, so the archive holds each row once); if tsdb holds
/// none of them the delete committed, and the files stay. The name starts with `_`, which Spark, Hive
/// and Trino skip, and is no `*.parquet`, which DuckDB's glob skips.
struct ArchiveJournal {
    let tableDir: String
    var path: String { tableDir + "/" + Self.fileName }
    static let fileName = "_archive_pending"

    /// Records `file` (under `tableDir`) before it is created.
    func append(_ file: String) throws {
        try FileIO.makeDirectories(tableDir)
        let fresh = !FileIO.exists(path)
        let fd = try FileIO.open(path, O_WRONLY | O_CREAT | O_APPEND)
        defer { close(fd) }
        let relative = file.hasPrefix(tableDir + "/") ? String(file.dropFirst(tableDir.count + 1)) : file
        try FileIO.writeAll(fd, Array((relative + "\n").utf8), path: path)
        try FileIO.fsync(fd, path: path)
        if fresh { try FileIO.fsyncDirectory(tableDir) }
    }

    /// Forgets the run's files: its delete committed (or it wrote none).
    func remove() throws {
        guard FileIO.exists(path) else { return }
        FileIO.unlink(path)
        try FileIO.fsyncDirectory(tableDir)
    }

    /// The files the journal names (absolute paths), or nil when there is no journal.
    func files() throws -> [String]? {
        guard FileIO.exists(path) else { return nil }
        let text = String(decoding: try FileIO.readFile(path), as: UTF8.self)
        // A line cut short by a kill while it was appended names a file that was never created.
        return text.split(separator: "\n", omittingEmptySubsequences: true).map { tableDir + "/" + $0 }
    }

    /// What `recover` found.
    enum Outcome: Equatable {
        case none
        /// The interrupted run's delete never happened: its files were removed.
        case removed(files: Int, rows: Int)
        /// Its delete committed: its files are the archive of those rows and stay.
        case kept(files: Int, rows: Int)
    }

    /// Settles an interrupted run's files against `export`'s snapshot (the whole table as it is now):
    /// removes them when tsdb still holds all their rows, keeps them when it holds none, and refuses
    /// anything in between.
    func recover(_ export: TableExport) throws -> Outcome {
        guard let listed = try files() else { return .none }
        var existing: [String] = []
        for file in listed {
            // A kill inside the Parquet writer leaves its temporary beside the name.
            let dir = FileIO.parent(of: file), base = String(file.dropFirst(dir.count + 1))
            for name in FileIO.list(dir) where name.hasPrefix(base + ".tmp-") { FileIO.unlink(dir + "/" + name) }
            if FileIO.exists(file) { existing.append(file) }
        }
        guard !existing.isEmpty else {
            try remove()
            return .none
        }
        // Row hashes of the files, per UTC day, sorted so tsdb's rows can be looked up and matched once each.
        var byDay: [Int32: [UInt64]] = [:]
        for file in existing {
            let reader = try ParquetReader(path: file)
            for g in 0..<reader.rowGroupCount {
                let vectors = try reader.readRowGroup(g)
                let hashes = ArchiveDigest.rowHashes(vectors)
                for (r, t) in vectors[0].int64s.enumerated() { byDay[Day.of(t), default: []].append(hashes[r]) }
            }
        }
        let total = byDay.values.reduce(0) { $0 + $1.count }
        var matched: [Int32: [Bool]] = [:]
        for (day, hashes) in byDay {
            byDay[day] = hashes.sorted()
            matched[day] = [Bool](repeating: false, count: hashes.count)
        }
        var found = 0
        for g in export.snapshot.rowGroups where g.rowCount > 0 && (byDay[Day.of(g.minTime)] != nil || byDay[Day.of(g.maxTime)] != nil) {
            let vectors = try export.read(g)
            let hashes = ArchiveDigest.rowHashes(vectors)
            for (r, t) in vectors[0].int64s.enumerated() {
                let day = Day.of(t)
                guard let sorted = byDay[day] else { continue }
                var i = Self.lowerBound(sorted, hashes[r])
                while i < sorted.count && sorted[i] == hashes[r] && matched[day]![i] { i += 1 }
                if i < sorted.count && sorted[i] == hashes[r] {
                    matched[day]![i] = true
                    found += 1
                }
            }
        }
        if found == total {
            for file in existing { FileIO.unlink(file) }
            for dir in Set(existing.map(FileIO.parent(of:))) { try FileIO.fsyncDirectory(dir) }
            try remove()
            return .removed(files: existing.count, rows: total)
        }
        guard found == 0 else {
            throw CLIError("an interrupted archive left \(Units.plural(existing.count, "file")) (listed in \(path)) whose rows tsdb holds only in part (\(found) of \(total)); "
                + "check them and remove the files or the list by hand; nothing was changed")
        }
        try remove()
        return .kept(files: existing.count, rows: total)
    }

    static func lowerBound(_ a: [UInt64], _ x: UInt64) -> Int {
        var lo = 0, hi = a.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if a[mid] < x { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }
}
