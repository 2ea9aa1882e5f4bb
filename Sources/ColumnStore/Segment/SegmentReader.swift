import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// An open segment file: its footer in memory, its bytes mapped only while blocks are read.
///
/// Readers are shared by snapshots. Opening one reads the footer (no mapping); a block read maps the file
/// through `mappings`, which bounds the mappings of all its readers (least recently used unmapped), so a
/// store of many thousand segments neither exhausts `vm.max_map_count` nor needs a mapping to open or
/// flush. Before compaction or retention unlinks the file, `retire` maps it for good, so snapshots that
/// still hold the reader keep reading it; the mapping goes with the reader.
public final class SegmentReader: @unchecked Sendable {
    public let path: String
    public let footer: SegmentFooter
    public let fileSize: Int
    let mappings: SegmentMappings
    private let columnIndex: [String: Int]
    /// Blocks whose checksum already passed: the file is immutable, so each is verified once per process.
    private let verifiedLock = NSLock()
    private var verified: [Bool]

    public init(path: String, mappings: SegmentMappings = .shared) throws {
        self.path = path
        self.mappings = mappings
        let fd = try FileIO.open(path, O_RDONLY)
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw StorageError.io(path: path, op: "stat", errno: errno) }
        let size = Int(st.st_size)
        guard size >= SegmentFormat.headerSize + SegmentFormat.tailSize else {
            throw StorageError.corrupt(path: path, detail: "file of \(size) bytes is too short to be a segment")
        }
        let head = try Self.readAt(fd, 0, 10, path)
        guard Array(head[0..<8]) == SegmentFormat.magic else { throw StorageError.corrupt(path: path, detail: "not a segment file (bad magic)") }
        // The header's version (offset 8) must be one this build reads, like the footer's.
        let hv = UInt16(head[8]) | UInt16(head[9]) << 8
        guard hv == SegmentFormat.version else {
            throw StorageError.corrupt(path: path, detail: "unsupported segment version \(hv) at offset 8 (this build reads \(SegmentFormat.version))")
        }
        let tail = try Self.readAt(fd, size - SegmentFormat.tailSize, SegmentFormat.tailSize, path)
        guard Array(tail[(tail.count - 8)...]) == SegmentFormat.tailMagic else {
            throw StorageError.corrupt(path: path, detail: "segment tail is missing (file truncated?)")
        }
        let (fo, fl, fcrc): (Int, Int, UInt32) = tail.withUnsafeBytes { buf in
            var r = ByteReader(buf, offset: 0)
            return (Int(try! r.u64()), Int(try! r.u32()), try! r.u32())
        }
        guard fo >= SegmentFormat.headerSize, fl >= 0, fo + fl == size - SegmentFormat.tailSize else {
            throw StorageError.corrupt(path: path, detail: "footer offset \(fo) and length \(fl) do not fit the file")
        }
        let fbytes = try Self.readAt(fd, fo, fl, path)
        footer = try fbytes.withUnsafeBytes { fb in
            guard CRC32C.checksum(fb) == fcrc else { throw StorageError.corrupt(path: path, detail: "footer checksum mismatch") }
            return try SegmentFooter.decode(fb, path: path)
        }
        for (c, col) in footer.columns.enumerated() {
            for (b, ref) in footer.blocks[c].enumerated() where Int(ref.offset) + Int(ref.length) > fo || Int(ref.offset) < SegmentFormat.headerSize {
                throw StorageError.corrupt(path: path, detail: "column '\(col.name)' block \(b) lies outside the data area")
            }
        }
        fileSize = size
        var idx: [String: Int] = [:]
        for (i, c) in footer.columns.enumerated() { idx[c.name] = i }
        columnIndex = idx
        verified = [Bool](repeating: false, count: footer.columns.count * footer.blockRowCounts.count)
    }

    /// `count` bytes of `fd` at `offset` (the file is known to be long enough).
    private static func readAt(_ fd: Int32, _ offset: Int, _ count: Int, _ path: String) throws -> [UInt8] {
        try [UInt8](unsafeUninitializedCapacity: count) { p, n in
            n = 0
            while n < count {
                let r = pread(fd, p.baseAddress! + n, count - n, off_t(offset + n))
                if r < 0 && errno == EINTR { continue }
                guard r > 0 else { throw StorageError.io(path: path, op: "read", errno: r < 0 ? errno : EIO) }
                n += r
            }
        }
    }

    deinit { mappings.forget(self) }

    /// The file is about to be unlinked: keep it mapped while this reader lives. Returns its path.
    @discardableResult
    func retire() -> String {
        mappings.keepMapped(self)
        return path
    }

    public var rowCount: Int { footer.rowCount }
    public var blockCount: Int { footer.blockRowCounts.count }

    /// The segment's index of a column, nil when the segment predates it.
    public func column(named name: String) -> Int? { columnIndex[name] }

    /// Decodes block `block` of segment column `column` into `out`, verifying its checksum first.
    public func read(column: Int, block: Int, into out: inout ColumnVector) throws {
        try mappings.withBytes(self) { base in
            try read(column: column, block: block, from: base, into: &out)
        }
    }

    private func read(column: Int, block: Int, from base: UnsafeRawPointer, into out: inout ColumnVector) throws {
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
