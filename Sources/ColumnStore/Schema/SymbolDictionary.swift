import Foundation

/// The append-only dictionary of one tag column: string ↔ UInt32 code, the same in every segment.
///
/// Thread-safe. Codes are dense and never change; new strings get the next code.
/// On disk (`<table>/symbols/<column>.sym`), after an 16-byte header
/// (`"TSDBSYM\0"`, version u32 = 1 or 2, reserved u32 = 0), a sequence of chunks, one per persist:
/// `entryCount u32 | payloadLength u32 | crc32c(payload) u32 | payload`, the payload being
/// `entryCount` × (`length u32 | UTF-8 bytes`). Version 2 (written by `rewrite` after a purge) also allows
/// `length = 0xFFFFFFFF` with no bytes: an erased entry, whose code no row uses any more. On load, bytes after the last good chunk are cut only
/// when the good chunks already hold every entry the manifest requires (so the cut part was never
/// acknowledged); otherwise load refuses and leaves the file as it found it.
public final class SymbolDictionary: @unchecked Sendable {
    static let magic: [UInt8] = Array("TSDBSYM\0".utf8)
    static let version: UInt32 = 1
    /// The version of files that may hold erased entries.
    static let erasingVersion: UInt32 = 2
    /// The length field of an erased entry (version 2).
    static let erasedLength: UInt32 = 0xFFFF_FFFF

    private let lock = NSLock()
    private var table = ByteStringTable()
    /// Entries already in the file.
    private var persisted = 0

    public init() {}

    public var count: Int { lock.withLock { table.count } }

    /// The code of `s`, or nil when the column never held it.
    public func code(of s: String) -> UInt32? { lock.withLock { indexedTable().find(s) } }

    public func string(_ code: UInt32) -> String {
        lock.withLock { Int(code) < table.count ? table.string(code) : "" }
    }

    /// Runs `body` on the current table (e.g. to evaluate LIKE over every distinct value once).
    public func withTable<R>(_ body: (ByteStringTable) throws -> R) rethrows -> R {
        try lock.withLock { try body(indexedTable()) }
    }

    /// Runs `body` on the current strings without building the lookup index: for readers that only turn
    /// codes into strings (a query printing a 172K-entry tag need not index it). `body` must not look
    /// strings up (`find`), only read them by code.
    public func withStrings<R>(_ body: (ByteStringTable) throws -> R) rethrows -> R {
        try lock.withLock { try body(table) }
    }

    /// Interns every string of a batch-local dictionary; `result[local] = global`.
    public func intern(_ local: ByteStringTable) -> [UInt32] {
        lock.withLock {
            table.buildIndex()
            var map = [UInt32](repeating: 0, count: local.count)
            for i in 0..<local.count { map[i] = table.intern(entry: UInt32(i), of: local) }
            return map
        }
    }

    @discardableResult
    public func intern(_ s: String) -> UInt32 { lock.withLock { table.buildIndex(); return table.intern(s) } }

    /// The table with its lookup index built (a loaded file's strings are indexed on the first lookup:
    /// most queries only turn codes into strings, and a large tag column's index is most of its load
    /// time). Called with `lock` held.
    private func indexedTable() -> ByteStringTable {
        table.buildIndex()
        return table
    }

    /// Appends the entries not yet on disk to `path` and fsyncs it. Returns the durable entry count.
    @discardableResult
    public func persist(to path: String) throws -> Int {
        let (from, to, payload): (Int, Int, [UInt8]) = lock.withLock {
            var w = ByteWriter()
            for c in persisted..<table.count {
                Self.appendEntry(table, UInt32(c), to: &w)
            }
            return (persisted, table.count, w.bytes)
        }
        if from == to { return to }
        // An erased entry needs a version-2 file: rewrite the whole file rather than append one to version 1.
        if lock.withLock({ table.erased.contains { Int($0) >= from } }) && fileVersion(path) != Self.erasingVersion {
            return try rewrite(to: path)
        }
        let fresh = !FileIO.exists(path)
        let fd = try FileIO.open(path, O_WRONLY | O_CREAT | O_APPEND)
        defer { close(fd) }
        var w = ByteWriter(capacity: payload.count + 28)
        if fresh || FileIO.fileSize(path) == 0 {
            w.bytes.append(contentsOf: Self.magic)
            w.u32(Self.version)
            w.u32(0)
        }
        w.u32(UInt32(to - from))
        w.u32(UInt32(payload.count))
        w.u32(CRC32C.checksum(payload))
        w.bytes.append(contentsOf: payload)
        try FileIO.writeAll(fd, w.bytes, path: path)
        try FileIO.fsync(fd, path: path)
        if fresh { try FileIO.fsyncDirectory(FileIO.parent(of: path)) }
        lock.withLock { persisted = max(persisted, to) }
        return to
    }

    private static func appendEntry(_ table: ByteStringTable, _ code: UInt32, to w: inout ByteWriter) {
        if table.erased.contains(code) { w.u32(erasedLength); return }
        table.withBytes(code) { b in
            w.u32(UInt32(b.count))
            w.bytes.append(contentsOf: b)
        }
    }

    private func fileVersion(_ path: String) -> UInt32? {
        guard let b = try? FileIO.readFile(path), b.count >= 12 else { return nil }
        return UInt32(b[8]) | UInt32(b[9]) << 8 | UInt32(b[10]) << 16 | UInt32(b[11]) << 24
    }

    /// Codes already erased.
    public var erasedCodes: Set<UInt32> { lock.withLock { table.erased } }

    /// Erases the strings of `codes` (rows no longer use them): each keeps its code but holds no bytes,
    /// and a later write of the same string gets a new code. Memory only; `rewrite` puts it on disk.
    /// The caller guarantees no stored or unflushed row references these codes.
    public func erase(_ codes: [UInt32]) {
        guard !codes.isEmpty else { return }
        lock.withLock {
            let gone = Set(codes).union(table.erased)
            var t = ByteStringTable()
            for c in 0..<UInt32(table.count) {
                if gone.contains(c) { t.appendErased() } else { table.withBytes(c) { _ = t.intern($0) } }
            }
            table = t
        }
    }

    /// Replaces the file with one chunk holding every entry (erased ones as markers, version 2): the bytes
    /// of erased strings leave the file. Atomic (temp, fsync, rename, fsync directory). Returns the count.
    @discardableResult
    public func rewrite(to path: String) throws -> Int {
        try lock.withLock {
            var payload = ByteWriter()
            for c in 0..<table.count { Self.appendEntry(table, UInt32(c), to: &payload) }
            var w = ByteWriter(capacity: payload.bytes.count + 28)
            w.bytes.append(contentsOf: Self.magic)
            w.u32(Self.erasingVersion)
            w.u32(0)
            w.u32(UInt32(table.count))
            w.u32(UInt32(payload.bytes.count))
            w.u32(CRC32C.checksum(payload.bytes))
            w.bytes.append(contentsOf: payload.bytes)
            try FileIO.writeFileAtomically(path, w.bytes)
            persisted = table.count
            return table.count
        }
    }

    /// Loads a dictionary file. A missing file is an empty dictionary.
    ///
    /// Verifies before it repairs: a damaged or torn tail is cut only when the chunks before it hold at
    /// least `required` entries (the count the manifest says segments may reference); otherwise this
    /// throws `StorageError.corrupt` naming the offset, and the file is unchanged. Without `repair` (a
    /// read-only open, beside a writer that may be appending) the tail is ignored and the file never changed.
    public static func load(path: String, required: Int = 0, repair: Bool = true) throws -> SymbolDictionary {
        let d = SymbolDictionary()
        guard FileIO.exists(path) else { return d }
        let bytes = try FileIO.readFile(path)
        var validEnd = 0
        try bytes.withUnsafeBytes { buf in
            var r = ByteReader(buf)
            guard buf.count >= 16 else { return }
            guard Array(try! r.bytes(8)) == magic else { throw StorageError.corrupt(path: path, detail: "not a symbol file") }
            let v = try! r.u32()
            guard v == version || v == erasingVersion else { throw StorageError.corrupt(path: path, detail: "unsupported symbol file version \(v)") }
            _ = try! r.u32()
            validEnd = 16
            while r.remaining >= 12 {
                guard let n = try? r.u32(), let len = try? r.u32(), let crc = try? r.u32(),
                      let payload = try? r.bytes(Int(len)), CRC32C.checksum(payload) == crc else { break }
                var p = ByteReader(payload)
                for _ in 0..<n {
                    guard let l = try? p.u32() else {
                        throw StorageError.corrupt(path: path, detail: "symbol chunk entry out of bounds")
                    }
                    if l == erasedLength && v == erasingVersion { d.table.appendErased(); continue }
                    guard let s = try? p.bytes(Int(l)) else {
                        throw StorageError.corrupt(path: path, detail: "symbol chunk entry out of bounds")
                    }
                    d.table.appendUnindexed(s)
                }
                validEnd = r.offset
            }
        }
        // A duplicate would make lookups miss the later code: the file is not one this store wrote.
        if let repeated = d.table.firstRepeat() {
            throw StorageError.corrupt(path: path, detail: "symbol entry \(repeated) repeats an earlier entry")
        }
        d.persisted = d.table.count
        if d.table.count < required {
            let at = validEnd < bytes.count ? "the chunk at offset \(validEnd) is damaged or cut short" : "the file ends at offset \(validEnd)"
            throw StorageError.corrupt(path: path, detail: "\(at); the good chunks hold \(d.table.count) symbols, the manifest needs \(required)")
        }
        if repair && validEnd < bytes.count {
            // A crash cut the last append short: drop it so the next append starts on a chunk boundary.
            let fd = try FileIO.open(path, O_WRONLY)
            defer { close(fd) }
            try FileIO.truncate(fd, validEnd, path: path)
            try FileIO.fsync(fd, path: path)
        }
        return d
    }
}
