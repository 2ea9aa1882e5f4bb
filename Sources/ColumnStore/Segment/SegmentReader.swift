import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// An open segment file, memory-mapped; decodes column blocks into caller-owned vectors.
///
/// Readers are shared by snapshots: the mapping lives as long as any snapshot holds the reader,
/// so compaction can unlink the file while queries still scan it.
public final class SegmentReader: @unchecked Sendable {
    public let path: String
    public let footer: SegmentFooter
    public let fileSize: Int
    private let base: UnsafeRawPointer
    private let columnIndex: [String: Int]
    /// Blocks whose checksum already passed: the file is immutable, so each is verified once per process.
    private let verifiedLock = NSLock()
    private var verified: [Bool]

    public init(path: String) throws {
        self.path = path
        let fd = try FileIO.open(path, O_RDONLY)
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw StorageError.io(path: path, op: "stat", errno: errno) }
        let size = Int(st.st_size)
        guard size >= SegmentFormat.headerSize + SegmentFormat.tailSize else {
            throw StorageError.corrupt(path: path, detail: "file of \(size) bytes is too short to be a segment")
        }
        guard let m = mmap(nil, size, PROT_READ, MAP_SHARED, fd, 0), m != MAP_FAILED else {
            throw StorageError.io(path: path, op: "mmap", errno: errno)
        }
        let buf = UnsafeRawBufferPointer(start: UnsafeRawPointer(m), count: size)
        do {
            guard Array(buf[0..<8]) == SegmentFormat.magic else { throw StorageError.corrupt(path: path, detail: "not a segment file (bad magic)") }
            // The header's version (offset 8) must be one this build reads, like the footer's.
            let hv = UInt16(buf[8]) | UInt16(buf[9]) << 8
            guard hv == SegmentFormat.version else {
                throw StorageError.corrupt(path: path, detail: "unsupported segment version \(hv) at offset 8 (this build reads \(SegmentFormat.version))")
            }
            guard Array(buf[(size - 8)...]) == SegmentFormat.tailMagic else {
                throw StorageError.corrupt(path: path, detail: "segment tail is missing (file truncated?)")
            }
            var r = ByteReader(buf, offset: size - SegmentFormat.tailSize)
            let fo = Int(try! r.u64()), fl = Int(try! r.u32()), fcrc = try! r.u32()
            guard fo >= SegmentFormat.headerSize, fl >= 0, fo + fl == size - SegmentFormat.tailSize else {
                throw StorageError.corrupt(path: path, detail: "footer offset \(fo) and length \(fl) do not fit the file")
            }
            let fbytes = UnsafeRawBufferPointer(rebasing: buf[fo..<fo + fl])
            guard CRC32C.checksum(fbytes) == fcrc else { throw StorageError.corrupt(path: path, detail: "footer checksum mismatch") }
            footer = try SegmentFooter.decode(fbytes, path: path)
            for (c, col) in footer.columns.enumerated() {
                for (b, ref) in footer.blocks[c].enumerated() where Int(ref.offset) + Int(ref.length) > fo || Int(ref.offset) < SegmentFormat.headerSize {
                    throw StorageError.corrupt(path: path, detail: "column '\(col.name)' block \(b) lies outside the data area")
                }
            }
        } catch {
            munmap(m, size)
            throw error
        }
        base = UnsafeRawPointer(m)
        fileSize = size
        var idx: [String: Int] = [:]
        for (i, c) in footer.columns.enumerated() { idx[c.name] = i }
        columnIndex = idx
        verified = [Bool](repeating: false, count: footer.columns.count * footer.blockRowCounts.count)
    }

    deinit { munmap(UnsafeMutableRawPointer(mutating: base), fileSize) }

    public var rowCount: Int { footer.rowCount }
    public var blockCount: Int { footer.blockRowCounts.count }

    /// The segment's index of a column, nil when the segment predates it.
    public func column(named name: String) -> Int? { columnIndex[name] }

    /// Decodes block `block` of segment column `column` into `out`, verifying its checksum first.
    public func read(column: Int, block: Int, into out: inout ColumnVector) throws {
        let ref = footer.blocks[column][block]
        let bytes = UnsafeRawBufferPointer(start: base + Int(ref.offset), count: Int(ref.length))
        let name = footer.columns[column].name
        let key = column * blockCount + block
        if !verifiedLock.withLock({ verified[key] }) {
            guard CRC32C.checksum(bytes) == ref.checksum else {
                throw StorageError.corrupt(path: path, detail: "column '\(name)' block \(block): checksum mismatch")
            }
            verifiedLock.withLock { verified[key] = true }
        }
        do {
            try BlockCodec.decode(bytes, type: footer.columns[column].type, rowCount: footer.blockRowCounts[block], into: &out)
        } catch {
            throw StorageError.corrupt(path: path, detail: "column '\(name)' block \(block): \(error)")
        }
        if out.count != footer.blockRowCounts[block] {
            throw StorageError.corrupt(path: path, detail: "column '\(name)' block \(block): decoded \(out.count) rows, expected \(footer.blockRowCounts[block])")
        }
    }

    /// Decodes a whole column (every block) — for compaction.
    func readColumn(_ column: Int) throws -> ColumnVector {
        var all = ColumnVector(type: footer.columns[column].type, capacity: rowCount)
        var tmp = ColumnVector(type: footer.columns[column].type)
        for b in 0..<blockCount {
            try read(column: column, block: b, into: &tmp)
            all.append(contentsOf: tmp, range: 0..<tmp.count)
        }
        return all
    }
}
