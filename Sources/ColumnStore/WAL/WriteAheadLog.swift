import Foundation

/// The write-ahead log: numbered files of checksummed records, appended before a write is applied.
///
/// File layout (`wal/<seq:020>.wal`): a 16-byte header — magic `"TSDBWAL\0"`, version u32 = 2,
/// reserved u32 = 0 — then records `length u32 | crc32c(payload) u32 | payload[length]`. Version 2: a file
/// the log moved on from ends with a seal, `0xFFFFFFFF u32 | crc32c(sequence as u64 LE) u32`, written
/// and fdatasynced before the next file exists; so a file that is not the last and lacks its seal was cut
/// short (even at a record boundary) and refuses the open. Version-1 files (no seals) are still read.
/// The files after the checkpoint must have consecutive sequences: a missing one refuses the open.
/// Recovery rule: only the tail of the *last* file may be cut — a record there whose length runs past
/// the end of the file or whose checksum fails, with no valid record after it, is an unacknowledged
/// torn append. A bad record anywhere else, a foreign magic or an unknown version refuses the open
/// (`StorageError.corrupt` naming the file and offset) and changes no file.
///
/// A failed append (e.g. ENOSPC mid-record) cuts the file back to its last record before it throws, so
/// no torn record ever sits in front of a later acknowledged one; if even that cut fails, the log
/// refuses every later append (as after a failed fsync).
///
/// Positions (LSNs) count bytes appended since the log was opened, across files, so `sync(upTo:)`
/// can tell whether a record is already durable. Concurrent writers that wait on `sync` share one
/// `fdatasync` (group commit): whoever holds `syncLock` syncs everything written so far — after waiting,
/// briefly, for writes announced to `gate` (requests still being parsed) to append theirs.
final class WriteAheadLog: @unchecked Sendable {
    static let magic: [UInt8] = Array("TSDBWAL\0".utf8)
    static let version: UInt32 = 2
    /// Versions replay reads: 1 (before seals) and 2.
    static let readableVersions: ClosedRange<UInt32> = 1...2
    /// The length field of a seal (no record is that long: see `maxRecord`).
    static let sealLength: UInt32 = 0xFFFF_FFFF
    static let headerSize = 16
    /// A record larger than this is corruption, not data (a batch is far smaller).
    static let maxRecord = 1 << 30

    let directory: String
    let counters: DatabaseCounters
    /// Writes on their way (group commit waits for them before an fdatasync).
    let gate = CommitGate()
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
    /// The rotated-away file already ends with its seal, durably (a seal retried after the next file could
    /// not be created must not write it twice). Touched only under `syncLock`.
    private var rotatedSealWritten = false
    /// Test hook: runs when a seal starts (tests prove no caller's lock is held then).
    var beforeSeal: (@Sendable () -> Void)?

    /// A log in `directory`, created unless `create` is false (a read-only open only replays it).
    init(directory: String, counters: DatabaseCounters = DatabaseCounters(), create: Bool = true) throws {
        self.directory = directory
        self.counters = counters
        if create { try FileIO.makeDirectories(directory) }
    }

    /// Sequence numbers of the log files present, ascending.
    func files() -> [UInt64] {
        FileIO.list(directory).compactMap(FileNames.walSequence).sorted()
    }

    /// What replay found: records applied, and the torn tail cut from the last file (nil: none).
    struct ReplayReport {
        var records = 0
        var cut: (path: String, offset: Int, bytes: Int)?
    }

    /// Replays every record of files with sequence > `checkpoint`, in log order, then opens the log for
    /// appends (reusing the last file when it is newer than the checkpoint, so opens leave no empty files).
    /// `body` gets each record's file sequence and batches. The last file is appended to only when its
    /// sequence is above `appendAfter` (the database's checkpoint): a record in a file at or below it
    /// would be skipped by the next replay.
    ///
    /// Verifies every file before changing any: a bad header anywhere or a bad record that is not the last
    /// file's torn tail throws `StorageError.corrupt`, and no file is touched.
    func replay(after checkpoint: UInt64, appendAfter: UInt64? = nil, _ body: (UInt64, [WriteBatch]) throws -> Void) throws -> ReplayReport {
        var report = ReplayReport()
        let all = files()
        let live = all.filter { $0 > checkpoint }
        // Every file after the checkpoint holds acknowledged rows: a missing one is a hole, not a trim.
        for (i, seq) in live.enumerated() where seq != checkpoint + 1 + UInt64(i) {
            let missing = checkpoint + 1 + UInt64(i)
            throw StorageError.corrupt(path: directory + "/" + FileNames.walFile(missing),
                                       detail: "WAL file \(missing) is missing: the log after checkpoint \(checkpoint) jumps to file \(seq)")
        }
        var lastGood = Self.headerSize
        var lastSealed = false
        for seq in live {
            let p = directory + "/" + FileNames.walFile(seq)
            let bytes = try FileIO.readFile(p)
            let isLast = seq == live.last
            let (good, sealed) = try Self.scan(bytes, path: p, sequence: seq, isLast: isLast) { batches in try body(seq, batches); report.records += 1 }
            if isLast {
                lastGood = good
                lastSealed = sealed
                if good < bytes.count { report.cut = (p, good, bytes.count - good) }
            }
        }
        // A sealed last file (a crash between its seal and the next file's creation) is never appended to.
        if let seq = live.last, !lastSealed, report.cut != nil || lastGood < Self.headerSize || seq > (appendAfter ?? checkpoint) {
            // Verified: now the only repair open makes — cut the last file's torn tail — and append after it.
            let p = directory + "/" + FileNames.walFile(seq)
            let f = try FileIO.open(p, O_WRONLY)
            do {
                if lastGood < Self.headerSize {
                    // A crash while the file was being created: it holds no record, so write its header again.
                    try FileIO.truncate(f, 0, path: p)
                    try FileIO.writeAll(f, Self.header(), path: p)
                    lastGood = Self.headerSize
                } else if let c = report.cut {
                    try FileIO.truncate(f, c.offset, path: p)
                }
                try FileIO.fsync(f, path: p)
                guard lseek(f, off_t(lastGood), SEEK_SET) == off_t(lastGood) else { throw StorageError.io(path: p, op: "lseek", errno: errno) }
            } catch {
                Glibc.close(f)
                throw error
            }
            if seq > (appendAfter ?? checkpoint) {
                fd = f
                path = p
                sequence = seq
                fileBytes = lastGood
                return report
            }
            Glibc.close(f)
        }
        try openFile(max(all.last ?? 0, appendAfter ?? checkpoint, checkpoint) + 1)
        return report
    }

    /// Checks one file's header and records, calling `body` on each good record; returns where the good
    /// records end and whether the file ends with its seal. Throws unless everything after that end is a
    /// torn tail of the last file, or when a version-2 file that is not the last lacks its seal.
    static func scan(_ bytes: [UInt8], path p: String, sequence: UInt64, isLast: Bool,
                             _ body: ([WriteBatch]) throws -> Void) throws -> (good: Int, sealed: Bool) {
        let header = Self.header()
        guard bytes.count >= headerSize else {
            // Only the last file can be caught mid-creation, and then its bytes are a prefix of the header.
            guard isLast, Array(header[0..<bytes.count]) == bytes else {
                throw StorageError.corrupt(path: p, detail: "WAL file of \(bytes.count) bytes is shorter than its \(headerSize)-byte header")
            }
            return (0, false)
        }
        guard Array(bytes[0..<8]) == magic else {
            throw StorageError.corrupt(path: p, detail: "not a WAL file: bad magic at offset 0")
        }
        let v = UInt32(bytes[8]) | UInt32(bytes[9]) << 8 | UInt32(bytes[10]) << 16 | UInt32(bytes[11]) << 24
        guard readableVersions.contains(v) else {
            throw StorageError.corrupt(path: p, detail: "WAL version \(v) at offset 8; this build reads versions \(readableVersions.lowerBound)-\(readableVersions.upperBound)")
        }
        var good = headerSize
        var sealed = false
        let seal = sealCRC(sequence)
        try bytes.withUnsafeBytes { buf in
            var r = ByteReader(buf, offset: headerSize)
            while r.remaining >= 8 {
                let rawLen = try! r.u32(), crc = try! r.u32()
                if rawLen == sealLength && crc == seal {
                    good = r.offset
                    sealed = true
                    guard good == buf.count else {
                        throw StorageError.corrupt(path: p, detail: "\(buf.count - good) bytes follow the seal at offset \(good - 8)")
                    }
                    return
                }
                let len = Int(rawLen)
                guard len <= maxRecord, len <= r.remaining else { break }
                let payload = try! r.bytes(len)
                guard CRC32C.checksum(payload) == crc else { break }
                let batches: [WriteBatch]
                do { batches = try WALRecord.decode(payload) } catch {
                    throw StorageError.corrupt(path: p, detail: "WAL record at offset \(good) has a valid checksum but does not decode: \((error as? WALRecord.Malformed)?.detail ?? "\(error)")")
                }
                try body(batches)
                good = r.offset
            }
            guard good < buf.count else {
                if !isLast && v >= 2 {
                    throw StorageError.corrupt(path: p, detail: "WAL file ends at offset \(good) without its seal, though a later file exists: it was cut short")
                }
                return
            }
            let why = "WAL record at offset \(good) is damaged (\(buf.count - good) bytes from there fail their length or checksum)"
            guard isLast else {
                throw StorageError.corrupt(path: p, detail: why + " in a file that is not the last; only the last file's tail may be cut")
            }
            if Self.validRecordFollows(buf, damagedAt: good) {
                throw StorageError.corrupt(path: p, detail: why + " and a valid record follows it, so it is not a torn tail")
            }
        }
        return (good, sealed)
    }

    /// The checksum field of file `sequence`'s seal (binds the seal to its file).
    static func sealCRC(_ sequence: UInt64) -> UInt32 {
        var w = ByteWriter(capacity: 8)
        w.u64(sequence)
        return CRC32C.checksum(w.bytes)
    }

    /// The 8 bytes that end a sealed file.
    static func seal(_ sequence: UInt64) -> [UInt8] {
        var w = ByteWriter(capacity: 8)
        w.u32(sealLength)
        w.u32(sealCRC(sequence))
        return w.bytes
    }

    /// Whether the damaged record at `offset` has a plausible length and a record with a valid checksum
    /// starts right after it: then the damage is in the middle of acknowledged data, not a torn append.
    private static func validRecordFollows(_ buf: UnsafeRawBufferPointer, damagedAt offset: Int) -> Bool {
        var r = ByteReader(buf, offset: offset)
        guard r.remaining >= 8, let len = try? Int(r.u32()), len <= maxRecord, len + 4 <= r.remaining else { return false }
        var next = ByteReader(buf, offset: offset + 8 + len)
        guard next.remaining >= 8, let nlen = try? Int(next.u32()), let ncrc = try? next.u32(),
              nlen <= next.remaining, let payload = try? next.bytes(nlen) else { return false }
        return CRC32C.checksum(payload) == ncrc
    }

    /// The 16 header bytes: magic, version u32, reserved u32.
    static func header() -> [UInt8] {
        var w = ByteWriter(capacity: headerSize)
        w.bytes.append(contentsOf: magic)
        w.u32(version)
        w.u32(0)
        return w.bytes
    }

    private func openFile(_ seq: UInt64) throws {
        let p = directory + "/" + FileNames.walFile(seq)
        let f = try FileIO.open(p, O_WRONLY | O_CREAT | O_TRUNC)
        try FileIO.writeAll(f, Self.header(), path: p)
        try FileIO.fsync(f, path: p)
        try FileIO.fsyncDirectory(directory)
        fd = f
        path = p
        sequence = seq
        fileBytes = Self.headerSize
    }

    /// Appends one record; returns its end position for `sync(upTo:)`.
    ///
    /// The frame, then the payload as the caller built it (no copy). If a write fails part-way (disk full), the file is cut
    /// back to where the record started before the error is thrown, so later records never sit behind
    /// a torn one; if the cut fails too, the log refuses every later append.
    func append(_ payload: [UInt8]) throws -> UInt64 {
        // Two writes rather than a copy of megabytes into one frame: a crash between them leaves a torn tail,
        // which replay stops at as it does for one write cut short.
        var header = ByteWriter(capacity: 8)
        header.u32(UInt32(payload.count))
        header.u32(CRC32C.checksum(payload))
        let recordBytes = 8 + payload.count
        return try appendLock.withLock {
            if let f = failure { throw StorageError.poisoned(f) }
            guard fd >= 0 else { throw StorageError.closed }
            if rotated != nil {
                // The next file is created when the previous one is sealed (the next sync): hold the record.
                rotated!.held += header.bytes
                rotated!.held += payload
            } else {
                do {
                    try FileIO.writeAll(fd, header.bytes, path: path)
                    try FileIO.writeAll(fd, payload, path: path)
                } catch {
                    if ftruncate(fd, off_t(fileBytes)) != 0 || lseek(fd, off_t(fileBytes), SEEK_SET) != off_t(fileBytes) {
                        failure = "\(error); cutting \(path) back to \(fileBytes) bytes failed too: \(String(cString: strerror(errno)))"
                    }
                    throw error
                }
            }
            written += UInt64(recordBytes)
            fileBytes += recordBytes
            return written
        }
    }

    /// Bytes in the current file (to decide when to rotate).
    var currentFileBytes: Int { appendLock.withLock { fileBytes } }

    /// Returns once every record up to `lsn` is on disk. With `grouping`, a sync that is about to
    /// fdatasync first waits (briefly, `CommitGate`) for announced writes to append, so the same
    /// fdatasync acknowledges them.
    func sync(upTo lsn: UInt64, grouping: Bool = false) throws {
        try syncLock.withLock {
            if synced >= lsn && appendLock.withLock({ rotated == nil }) { return }
            if grouping { gate.waitForAnnounced() }
            // A seal that could not create the next file (disk full) poisons nothing: the next sync retries it.
            try sealLocked()
            do {
                let (f, target, p): (Int32, UInt64, String) = appendLock.withLock { (fd, written, path) }
                guard f >= 0 else { throw StorageError.closed }
                let started = DispatchTime.now().uptimeNanoseconds
                try FileIO.fdatasync(f, path: p)
                gate.recordSync(seconds: Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9)
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
        // The seal marks the file complete; if the disk is full it is cut back and the next sync retries.
        if !rotatedSealWritten {
            let end = lseek(old, 0, SEEK_CUR)
            do { try FileIO.writeAll(old, Self.seal(appendLock.withLock { sequence } - 1), path: oldPath) } catch {
                if end < 0 || ftruncate(old, end) != 0 || lseek(old, end, SEEK_SET) != end {
                    appendLock.withLock { failure = failure ?? "\(error); cutting the seal of \(oldPath) back failed too" }
                }
                throw error
            }
            do { try FileIO.fdatasync(old, path: oldPath) } catch {
                appendLock.withLock { failure = failure ?? "\(error)" }  // a failed fsync: its pages' fate is unknown
                throw error
            }
            rotatedSealWritten = true
        }
        try appendLock.withLock {
            let p = directory + "/" + FileNames.walFile(sequence)
            let f = try FileIO.open(p, O_WRONLY | O_CREAT | O_TRUNC)
            do {
                try FileIO.writeAll(f, Self.header(), path: p)
                try FileIO.writeAll(f, rotated!.held, path: p)
            } catch {
                // Disk full: take the half-made file away and keep holding the records; the next sync retries.
                Glibc.close(f)
                FileIO.unlink(p)
                throw error
            }
            Glibc.close(old)
            fd = f
            path = p
            rotated = nil
            rotatedSealWritten = false
        }
        do { try FileIO.fsyncDirectory(directory) } catch {
            appendLock.withLock { failure = failure ?? "\(error)" }
            throw error
        }
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
