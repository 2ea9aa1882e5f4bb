import Foundation

/// The rows of one segment that `DELETE` removed: a bitmap over the segment's rows, bit set = deleted.
///
/// File `<day>/<id:016x>.del`, named by the segment's manifest entry (`deletes`), version 1:
/// ```
/// offset 0   magic        "TSDBDEL\0"                8 bytes
/// offset 8   version      u32 = 1
/// offset 12  reserved     u32 = 0
/// offset 16  segmentID    u64   id of the segment file it belongs to (binds the two)
/// offset 24  segmentRows  u32   rows of that segment = bits in the bitmap
/// offset 28  deletedRows  u32   set bits; must equal the bitmap's population count
/// offset 32  crc32c       u32   of the bitmap bytes
/// offset 36  reserved     u32 = 0
/// offset 40  bitmap       u64[(segmentRows + 63) / 64]; row i is bit (i & 63) of word i >> 6; bits past
///                         segmentRows are zero
/// ```
/// All integers little-endian. A file is written whole under a fresh name and never changed: a later
/// DELETE on the same segment writes a new file and the manifest switches to it atomically.
public struct DeleteVector: Sendable, Equatable {
    static let magic: [UInt8] = Array("TSDBDEL\0".utf8)
    static let version: UInt32 = 1
    static let headerSize = 40

    public var segmentID: UInt64
    public var deleted: Bitmap

    public init(segmentID: UInt64, deleted: Bitmap) {
        self.segmentID = segmentID
        self.deleted = deleted
    }

    /// The file's bytes.
    public func encoded() -> [UInt8] {
        var w = ByteWriter(capacity: Self.headerSize + deleted.words.count * 8)
        w.bytes.append(contentsOf: Self.magic)
        w.u32(Self.version)
        w.u32(0)
        w.u64(segmentID)
        w.u32(UInt32(deleted.count))
        w.u32(UInt32(deleted.popCount))
        var bits = ByteWriter(capacity: deleted.words.count * 8)
        bits.raw(deleted.words)
        w.u32(CRC32C.checksum(bits.bytes))
        w.u32(0)
        w.bytes.append(contentsOf: bits.bytes)
        return w.bytes
    }

    /// Parses and verifies a file's bytes: magic, version, the segment it must belong to, its row count,
    /// the checksum and the count of deleted rows. Every failure names the file and offset.
    public static func decode(_ bytes: [UInt8], path: String, segmentID expectedID: UInt64, segmentRows: Int) throws -> DeleteVector {
        func bad(_ offset: Int, _ detail: String) -> StorageError { .corrupt(path: path, detail: "delete vector at offset \(offset): \(detail)") }
        guard bytes.count >= headerSize, Array(bytes[0..<8]) == magic else { throw bad(0, "not a delete vector file") }
        return try bytes.withUnsafeBytes { buf throws -> DeleteVector in
            var r = ByteReader(buf)
            _ = try? r.bytes(8)
            let version = (try? r.u32()) ?? 0
            guard version == Self.version else { throw bad(8, "version \(version) is not one this build reads (1)") }
            _ = try? r.u32()
            let id = (try? r.u64()) ?? 0
            guard id == expectedID else { throw bad(16, "belongs to segment \(id), the manifest pairs it with \(expectedID)") }
            let rows = Int((try? r.u32()) ?? 0)
            guard rows == segmentRows else { throw bad(24, "covers \(rows) rows, the segment has \(segmentRows)") }
            let count = Int((try? r.u32()) ?? 0)
            let crc = (try? r.u32()) ?? 0
            let words = (rows + 63) >> 6
            guard bytes.count == headerSize + words * 8 else { throw bad(headerSize, "bitmap is \(bytes.count - headerSize) bytes, expected \(words * 8)") }
            let body = Array(bytes[headerSize...])
            guard CRC32C.checksum(body) == crc else { throw bad(headerSize, "bitmap checksum mismatch") }
            var bm = Bitmap(count: rows, value: false)
            r = ByteReader(buf, offset: headerSize)
            bm.words = (try? r.raw(words, as: UInt64.self)) ?? []
            guard bm.popCount == count else { throw bad(28, "says \(count) deleted rows, the bitmap holds \(bm.popCount)") }
            if rows & 63 != 0, let last = bm.words.last, last >> UInt64(rows & 63) != 0 { throw bad(headerSize, "bits set past the segment's last row") }
            return DeleteVector(segmentID: id, deleted: bm)
        }
    }

    /// Writes the file (not yet fsynced: the caller syncs every file of a change, then its directory).
    func write(to path: String) throws {
        let fd = try FileIO.open(path, O_WRONLY | O_CREAT | O_TRUNC)
        defer { close(fd) }
        try FileIO.writeAll(fd, encoded(), path: path)
    }

    static func load(_ path: String, segmentID: UInt64, segmentRows: Int) throws -> DeleteVector {
        try decode(try FileIO.readFile(path), path: path, segmentID: segmentID, segmentRows: segmentRows)
    }
}

/// A segment's delete vector as reads use it: per block, the rows still live (nil: the block lost none).
final class SegmentDeletes: Sendable {
    let vector: DeleteVector
    let deletedRows: Int
    /// Block b → offsets (within the block) of its live rows, ascending; nil when no row of it is deleted.
    let keep: [[Int32]?]

    init(_ vector: DeleteVector, blockRowCounts: [Int]) {
        self.vector = vector
        deletedRows = vector.deleted.popCount
        var keep: [[Int32]?] = []
        var first = 0
        for rows in blockRowCounts {
            var any = false
            for i in first..<first + rows where vector.deleted[i] { any = true; break }
            if any {
                var k: [Int32] = []
                k.reserveCapacity(rows)
                for i in 0..<rows where !vector.deleted[first + i] { k.append(Int32(i)) }
                keep.append(k)
            } else {
                keep.append(nil)
            }
            first += rows
        }
        self.keep = keep
    }

    /// Offsets of the segment's live rows (for rewriting it without the deleted ones).
    var liveRows: [Int32] {
        var out: [Int32] = []
        out.reserveCapacity(vector.deleted.count - deletedRows)
        for i in 0..<vector.deleted.count where !vector.deleted[i] { out.append(Int32(i)) }
        return out
    }
}
