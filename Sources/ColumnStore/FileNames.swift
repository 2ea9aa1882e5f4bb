/// Every file and folder name the store writes, in one place.
///
/// ```
/// <database>/
///   LOCK                      flock'd by the process that has the database open for writing
///   MANIFEST                  the current state (JSON + a CRC-32C trailer line), replaced atomically
///   wal/<seq:020>.wal         write-ahead log files, replayed on open when seq > MANIFEST's walCheckpoint
///   <table>/
///     symbols/<column>.sym    append-only symbol dictionary of a tag column
///     <YYYY-MM-DD>/<id:016x>.seg   immutable segments of one UTC day
///     <YYYY-MM-DD>/<id:016x>.del   a segment's delete vector (rows DELETE removed; the manifest says whose)
/// ```
public enum FileNames {
    public static let lock = "LOCK"
    public static let manifest = "MANIFEST"
    public static let walDirectory = "wal"
    public static let walExtension = ".wal"
    public static let symbolsDirectory = "symbols"
    public static let symbolExtension = ".sym"
    public static let segmentExtension = ".seg"
    public static let deleteVectorExtension = ".del"
    /// Suffix of files being written (e.g. `MANIFEST.tmp`); never referenced by a manifest, deleted on open.
    public static let tempSuffix = ".tmp"

    public static func walFile(_ seq: UInt64) -> String {
        let s = String(seq)
        return String(repeating: "0", count: max(0, 20 - s.count)) + s + walExtension
    }

    public static func walSequence(_ name: String) -> UInt64? {
        guard name.hasSuffix(walExtension) else { return nil }
        return UInt64(name.dropLast(walExtension.count))
    }

    public static func segmentFile(_ id: UInt64) -> String {
        let s = String(id, radix: 16)
        return String(repeating: "0", count: max(0, 16 - s.count)) + s + segmentExtension
    }

    /// The id of a segment file name (`<id:016x>.seg`), nil for any other name.
    public static func segmentID(_ name: String) -> UInt64? {
        guard name.hasSuffix(segmentExtension), name.utf8.count == 16 + segmentExtension.utf8.count else { return nil }
        return UInt64(name.dropLast(segmentExtension.count), radix: 16)
    }

    /// A delete vector's file; its id comes from the same counter as segment ids, so a crash's leftover is
    /// provably garbage the same way (id at or above the manifest's `nextSegmentID`).
    public static func deleteVectorFile(_ id: UInt64) -> String {
        String(segmentFile(id).dropLast(segmentExtension.count)) + deleteVectorExtension
    }

    /// The id of a delete vector file name (`<id:016x>.del`), nil for any other name.
    public static func deleteVectorID(_ name: String) -> UInt64? {
        guard name.hasSuffix(deleteVectorExtension), name.utf8.count == 16 + deleteVectorExtension.utf8.count else { return nil }
        return UInt64(name.dropLast(deleteVectorExtension.count), radix: 16)
    }

    public static func symbolFile(_ column: String) -> String { column + symbolExtension }

    /// Names the store uses for its own files and folders in a database directory: a table called one
    /// of these would have its partitions created inside the store's own file (`LOCK/2026-09-01`: not a
    /// directory), so every flush would fail. Writes reject them per line.
    public static let reservedTableNames: Set<String> = [lock, manifest, manifest + tempSuffix, walDirectory, symbolsDirectory]

    /// Why `name` cannot name a table (a directory under the database), nil when it can.
    public static func tableNameProblem(_ name: String) -> String? {
        if let p = pathComponentProblem(name) { return p }
        if reservedTableNames.contains(name) || name.hasSuffix(tempSuffix) {
            return "is reserved: the store keeps its own file '\(name)' there"
        }
        return nil
    }

    /// Prefix of the system tables (`tsdb_tables`, `tsdb_partitions`, …); no stored table is created with it,
    /// so a query never finds a system table hiding a stored one of the same name.
    public static let systemTablePrefix = "tsdb_"

    /// Why no new table may be called `name` (`CREATE TABLE`, the first line of a measurement), nil when
    /// one may: `tableNameProblem`, and the system tables' prefix (any case) is reserved.
    public static func newTableNameProblem(_ name: String) -> String? {
        if let p = tableNameProblem(name) { return p }
        if name.lowercased().hasPrefix(systemTablePrefix) {
            return "starts with '\(systemTablePrefix)', which is reserved for system tables (tsdb_tables, tsdb_columns, tsdb_partitions, tsdb_segments)"
        }
        return nil
    }

    /// Why `name` cannot name a column (a symbol file `symbols/<name>.sym`), nil when it can.
    public static func columnNameProblem(_ name: String) -> String? {
        if let p = pathComponentProblem(name) { return p }
        if name == symbolsDirectory { return "is reserved" }
        return nil
    }

    /// Why `name` cannot be one path component of the store, nil when it can.
    static func pathComponentProblem(_ name: String) -> String? {
        if name.isEmpty { return "is empty" }
        if name.utf8.count > 255 { return "is longer than 255 bytes" }
        if name.hasPrefix(".") { return "starts with '.'" }
        if name.utf8.contains(UInt8(ascii: "/")) { return "contains '/'" }
        if name.utf8.contains(0) { return "contains a NUL byte" }
        return nil
    }

    /// Table and column names become path components: reject what would escape the directory or
    /// collide with the store's own files.
    public static func isValidName(_ name: String) -> Bool {
        tableNameProblem(name) == nil
    }
}
