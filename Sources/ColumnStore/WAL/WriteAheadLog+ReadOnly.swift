extension WriteAheadLog {
    /// Replays every record of files with sequence > `checkpoint`, in log order, changing no file: for a
    /// read-only open beside a live writer. A torn tail of the last file is an append in progress (not yet
    /// acknowledged), left out rather than cut; any other damage throws as `replay` does. Returns the
    /// files read and the bytes each had, so a reader can tell later whether the log moved on.
    func replayReadOnly(after checkpoint: UInt64, _ body: (UInt64, [WriteBatch]) throws -> Void) throws -> [UInt64: Int] {
        let live = files().filter { $0 > checkpoint }
        for (i, seq) in live.enumerated() where seq != checkpoint + 1 + UInt64(i) {
            let missing = checkpoint + 1 + UInt64(i)
            throw StorageError.corrupt(path: directory + "/" + FileNames.walFile(missing),
                                       detail: "WAL file \(missing) is missing: the log after checkpoint \(checkpoint) jumps to file \(seq)")
        }
        var sizes: [UInt64: Int] = [:]
        for seq in live {
            let p = directory + "/" + FileNames.walFile(seq)
            let bytes = try FileIO.readFile(p)
            _ = try Self.scan(bytes, path: p, sequence: seq, isLast: seq == live.last) { batches in try body(seq, batches) }
            sizes[seq] = bytes.count
        }
        return sizes
    }
}
