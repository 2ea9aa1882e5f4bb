import Foundation

/// The write-ahead log: numbered files of checksummed records, appended before a write is applied.
///
/// File layout (`wal/<seq:020>.wal`): a 16-byte header — magic `"TSDBWAL\0"`, version u32 = 1,
/// reserved u32 = 0 — then records `length u32 | crc32c(payload) u32 | payload[length]`.
/// A record whose length runs past the end of the file or whose checksum fails is a torn tail:
/// replay stops there and the file is cut to its last good record.
///
/// Positions (LSNs) count bytes appended since the log was opened, across files, so `sync(upTo:)`
/// can tell whether a record is already durable. Concurrent writers that wait on `sync` share one
/// `fdatasync` (group commit): whoever holds `syncLock` syncs everything written so far.
final class WriteAheadLog: @unchecked Sendable {
    static let magic: [UInt8] = Array("TSDBWAL\0".utf8)
    static let version: UInt32 = 1
    static let headerSize = 16
    /// A record larger than this is corruption, not data (a batch is far smaller).
    static let maxRecord = 1 << 30

    let directory: String
    let counters: DatabaseCounters
    private let appendLock = NSLock()
    private let syncLock = NSLock()
    private var fd: Int32 = -1
    private var path = ""
    private(set) var sequence: UInt64 = 0
    private var written: UInt64 = 0
    private var synced: UInt64 = 0
    private var fileBytes = 0
    /// Set when an fsync fails: nothing after it can be acknowledged.
    private var failure: String?
    /// Set by `rotate` until the next sync seals: the file rotated away from (still open, not yet
    /// fdatasynced) and the records appended since, held in memory. The seal syncs the old file, only then
    /// creates the next one (so a WAL file exists only once every older file is durable, and only the
    /// last file can have a torn tail), writes the held records into it and fsyncs the directory.
    private var rotated: (fd: Int32, path: String, held: [UInt8])?
    /// Test hook: runs when a seal starts (tests prove no caller's lock is held then).
    var beforeSeal: (@Sendable () -> Void)?

    init(directory: String, counters: DatabaseCounters = DatabaseCounters()) throws {
        self.directory = directory
        self.counters = counters
        try FileIO.makeDirectories(directory)
    }

    /// Sequence numbers of the log files present, ascending.
    func files() -> [UInt64] {
        FileIO.list(directory).compactMap(FileNames.walSequence).sorted()
    }

    /// Replays every record of files with sequence > `checkpoint`, cutting torn tails, then opens a fresh
    /// file for appends. `body` gets each record's batches in log order.
    func replay(after checkpoint: UInt64, _ body: ([WriteBatch]) throws -> Void) throws -> (records: Int, cutBytes: Int) {
        var records = 0, cut = 0
        var last = checkpoint
        for seq in files() {
            last = max(last, seq)
            guard seq > checkpoint else { continue }
            let p = directory + "/" + FileNames.walFile(seq)
            let bytes = try FileIO.readFile(p)
            var good = 0
            try bytes.withUnsafeBytes { buf in
                guard buf.count >= Self.headerSize, Array(buf[0..<8]) == Self.magic else { return }
                good = Self.headerSize
                var r = ByteReader(buf, offset: Self.headerSize)
                while r.remaining >= 8 {
                    let len = Int(try! r.u32()), crc = try! r.u32()
                    guard len <= Self.maxRecord, len <= r.remaining else { break }
                    let payload = try! r.bytes(len)
                    guard CRC32C.checksum(payload) == crc else { break }
                    let batches: [WriteBatch]
                    do { batches = try WALRecord.decode(payload) } catch {
                        throw StorageError.corrupt(path: p, detail: "WAL record at \(good) has a valid checksum but does not decode: \((error as? WALRecord.Malformed)?.detail ?? "\(error)")")
                    }
                    try body(batches)
                    records += 1
                    good = r.offset
                }
            }
            if good < bytes.count {
                cut += bytes.count - good
                let f = try FileIO.open(p, O_WRONLY)
                defer { Glibc.close(f) }
                try FileIO.truncate(f, good, path: p)
                try FileIO.fsync(f, path: p)
            }
        }
        try openFile(last + 1)
        return (records, cut)
    }

    private func openFile(_ seq: UInt64) throws {
        let p = directory + "/" + FileNames.walFile(seq)
        let f = try FileIO.open(p, O_WRONLY | O_CREAT | O_TRUNC)
        var w = ByteWriter(capacity: 16)
        w.bytes.append(contentsOf: Self.magic)
        w.u32(Self.version)
        w.u32(0)
        try FileIO.writeAll(f, w.bytes, path: p)
        try FileIO.fsync(f, path: p)
        try FileIO.fsyncDirectory(directory)
        fd = f
        path = p
        sequence = seq
        fileBytes = Self.headerSize
    }

    /// Appends one record; returns its end position for `sync(upTo:)`.
    func append(_ payload: [UInt8]) throws -> UInt64 {
        var frame = ByteWriter(capacity: 8)
        frame.u32(UInt32(payload.count))
        frame.u32(CRC32C.checksum(payload))
        return try appendLock.withLock {
            if let f = failure { throw StorageError.poisoned(f) }
            guard fd >= 0 else { throw StorageError.closed }
            if rotated != nil {
                // The next file is created when the previous one is sealed (the next sync): hold the record.
                rotated!.held += frame.bytes
                rotated!.held += payload
            } else {
                // One writev-like pair; a crash between them leaves a torn record that replay cuts.
                try FileIO.writeAll(fd, frame.bytes, path: path)
                try FileIO.writeAll(fd, payload, path: path)
            }
            written += UInt64(8 + payload.count)
            fileBytes += 8 + payload.count
            return written
        }
    }

    /// Bytes in the current file (to decide when to rotate).
    var currentFileBytes: Int { appendLock.withLock { fileBytes } }

    /// Returns once every record up to `lsn` is on disk.
    func sync(upTo lsn: UInt64) throws {
        try syncLock.withLock {
            if synced >= lsn && appendLock.withLock({ rotated == nil }) { return }
            do {
                try sealLocked()
                let (f, target, p): (Int32, UInt64, String) = appendLock.withLock { (fd, written, path) }
                guard f >= 0 else { throw StorageError.closed }
                try FileIO.fdatasync(f, path: p)
                synced = max(synced, target)
            } catch let e as StorageError {
                if case .closed = e { throw e }
                appendLock.withLock { failure = failure ?? "\(e)" }
                throw e
            }
            counters.walSyncs.wrappingIncrement(ordering: .relaxed)
        }
    }

    /// Seals the file `rotate` switched away from, if any: fdatasyncs it (appends meanwhile are held in
    /// memory), then creates the next file with the held records, then fsyncs the directory.
    /// Called with `syncLock` held: only this closes the old file, so nothing else syncs it concurrently.
    private func sealLocked() throws {
        guard let (old, oldPath) = appendLock.withLock({ rotated.map { ($0.fd, $0.path) } }) else { return }
        beforeSeal?()
        try FileIO.fdatasync(old, path: oldPath)
        try appendLock.withLock {
            let p = directory + "/" + FileNames.walFile(sequence)
            let f = try FileIO.open(p, O_WRONLY | O_CREAT | O_TRUNC)
            var w = ByteWriter(capacity: 16)
            w.bytes.append(contentsOf: Self.magic)
            w.u32(Self.version)
            w.u32(0)
            do {
                try FileIO.writeAll(f, w.bytes, path: p)
                try FileIO.writeAll(f, rotated!.held, path: p)
            } catch {
                Glibc.close(f)
                throw error
            }
            Glibc.close(old)
            fd = f
            path = p
            rotated = nil
        }
        try FileIO.fsyncDirectory(directory)
    }

    /// Everything appended so far, synced.
    func syncAll() throws {
        try sync(upTo: appendLock.withLock { written })
    }

    /// Starts the next file (logically) and returns the sequence of the one it replaces. Cheap (no I/O), so
    /// a caller may hold its own lock: records appended from now on belong to the next file, which the
    /// next `sync`/`syncAll` creates once the replaced file is fdatasynced (`sealLocked`), before any of
    /// them is acknowledged.
    func rotate() throws -> UInt64 {
        try appendLock.withLock {
            if let f = failure { throw StorageError.poisoned(f) }
            guard fd >= 0 else { throw StorageError.closed }
            guard rotated == nil else { throw StorageError.poisoned("WAL file \(sequence - 1) was never sealed") }
            rotated = (fd, path, [])
            let sealed = sequence
            sequence += 1
            fileBytes = Self.headerSize
            return sealed
        }
    }

    /// Deletes log files with sequence ≤ `seq` (their rows are in published segments).
    func trim(upTo seq: UInt64) {
        for s in files() where s <= seq && s != sequence {
            FileIO.unlink(directory + "/" + FileNames.walFile(s))
        }
    }

    func close() throws {
        try syncLock.withLock {
            try sealLocked()
            try appendLock.withLock {
                guard fd >= 0 else { return }
                try FileIO.fdatasync(fd, path: path)
                synced = written
                Glibc.close(fd)
                fd = -1
            }
        }
    }
}
