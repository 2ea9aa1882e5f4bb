import Foundation

/// The database's durable state: every table's schema, options, symbol counts and live segments,
/// and the WAL checkpoint. Stored as JSON in `MANIFEST`, replaced atomically (temp, fsync, rename,
/// fsync directory): a crash leaves the old or the new manifest, never a mix.
///
/// A segment file on disk that the manifest does not name is an orphan of an interrupted flush or
/// compaction and is deleted on open; WAL files with sequence ≤ `walCheckpoint` hold only rows that
/// are in listed segments and are deleted too.
struct Manifest: Codable, Equatable {
    static let currentVersion = 1

    var version = Manifest.currentVersion
    /// Every WAL file with a sequence up to this one is fully contained in the listed segments.
    var walCheckpoint: UInt64 = 0
    var nextSegmentID: UInt64 = 1
    var tables: [String: Table] = [:]

    struct Table: Codable, Equatable {
        var columns: [ColumnDef]
        var options: TableOptions
        /// Entries of each tag column's dictionary that segments may reference: the file must hold at least these.
        var symbolCounts: [String: Int]
        var segments: [Segment]
    }

    struct Segment: Codable, Equatable {
        /// Partition folder, `YYYY-MM-DD`.
        var day: String
        var file: String
        var rows: Int
        var minTime: Int64
        var maxTime: Int64
        var bytes: Int
    }

    static func load(_ path: String) throws -> Manifest? {
        guard FileIO.exists(path) else { return nil }
        let bytes = try FileIO.readFile(path)
        do {
            let m = try JSONDecoder().decode(Manifest.self, from: Data(bytes))
            guard m.version <= currentVersion else {
                throw StorageError.corrupt(path: path, detail: "manifest version \(m.version) is newer than this build (\(currentVersion))")
            }
            return m
        } catch let e as StorageError {
            throw e
        } catch {
            throw StorageError.corrupt(path: path, detail: "manifest does not parse: \(error)")
        }
    }

    func save(_ path: String) throws {
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys, .prettyPrinted]
        let data = try! enc.encode(self)
        try FileIO.writeFileAtomically(path, Array(data))
    }
}
