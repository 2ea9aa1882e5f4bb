import Foundation

/// The database's durable state: every table's schema, options, symbol counts and live segments,
/// and the WAL checkpoint. Stored as checksummed JSON in `MANIFEST` (see `Manifest+File.swift`),
/// replaced atomically (temp, fsync, rename, fsync directory): a crash leaves the old or the new
/// manifest, never a mix.
///
/// Open deletes a file only when the manifest proves it garbage: a segment whose id is at least
/// `nextSegmentID` (written by a flush or compaction that never published), a file named in `retired`
/// (replaced by a published compaction or dropped by retention), a `*.tmp`, and WAL files at or below
/// every checkpoint. Any other unlisted segment is kept and reported.
struct Manifest: Codable, Equatable {
    /// 1: plain JSON. 2: JSON followed by a CRC-32C trailer line. 3: segments may carry delete vectors
    /// (`deletes`, `deletedRows`), the manifest `droppedTables`, and table options `declaredSchema` and
    /// `dedupKeys`; a build that reads only 2 would ignore them (bringing deleted rows back, dropping the
    /// schema on its next save), so it must refuse a version-3 manifest. 4: a table may carry `creating`
    /// (a `CREATE TABLE … AS SELECT` not finished); a build that reads only 3 would keep the half-filled table.
    static let currentVersion = 4

    var version = Manifest.currentVersion
    /// Every WAL file with a sequence up to this one is fully contained in the listed segments.
    var walCheckpoint: UInt64 = 0
    /// Segment ids are never reused: every id below this one was handed out by an earlier flush or compaction.
    var nextSegmentID: UInt64 = 1
    var tables: [String: Table] = [:]
    /// Segment files (`table/day/file`) this manifest no longer lists because a compaction replaced them or
    /// retention dropped them; open deletes any that a crash left behind. Absent in version 1.
    var retired: [String]?
    /// Folders of tables `DROP TABLE` removed from this manifest; open deletes any a crash left behind
    /// (unless a table of that name exists again). Absent before version 3.
    var droppedTables: [String]?

    struct Table: Codable, Equatable {
        var columns: [ColumnDef]
        var options: TableOptions
        /// Entries of each tag column's dictionary that segments may reference: the file must hold at least these.
        var symbolCounts: [String: Int]
        var segments: [Segment]
        /// Set while the table is damaged: WAL files up to this sequence are in its segments, later ones still
        /// hold its rows (the database's `walCheckpoint` moved on for the other tables). Absent: the database's.
        var walCheckpoint: UInt64?
        /// Set while `CREATE TABLE … AS SELECT` fills the table, cleared once its rows are in segments. Open
        /// drops a table still marked, with its rows in the WAL: the statement never finished. Absent: false.
        var creating: Bool?
    }

    struct Segment: Codable, Equatable {
        /// Partition folder, `YYYY-MM-DD`.
        var day: String
        var file: String
        var rows: Int
        var minTime: Int64
        var maxTime: Int64
        var bytes: Int
        /// The segment's delete vector file in the same folder (`<id:016x>.del`); absent: no row deleted.
        var deletes: String? = nil
        /// Rows the delete vector marks (absent: 0). `rows - deletedRows` rows are live.
        var deletedRows: Int? = nil
    }

    /// The checkpoint that applies to `table`'s rows in the WAL.
    func checkpoint(of table: String) -> UInt64 {
        tables[table]?.walCheckpoint ?? walCheckpoint
    }

    /// The lowest checkpoint of any table: WAL files above it may still hold rows not in segments.
    var oldestCheckpoint: UInt64 {
        tables.values.compactMap(\.walCheckpoint).reduce(walCheckpoint, min)
    }
}
