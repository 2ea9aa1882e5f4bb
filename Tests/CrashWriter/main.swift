import ColumnStore
import Foundation
import TestSupport

// A child process for crash tests: writes numbered rows to a database and prints "ack N" after each
// write is acknowledged (rows 0..<N are then durable). The test SIGKILLs it at a random moment.
// Usage: CrashWriter <db-dir> <first-seq> <seed>
let args = CommandLine.arguments
guard args.count == 4, let first = Int64(args[2]), let seed = UInt64(args[3]) else {
    FileHandle.standardError.write(Data("usage: CrashWriter <db-dir> <first-seq> <seed>\n".utf8))
    exit(64)
}
var options = DatabaseOptions()
options.memtableMaxBytes = 256 << 10  // flush often, so kills land in flushes and compactions too
options.memtableMaxAge = 0.05
options.compactionMinSegments = 3
let db: Database
do { db = try Database(path: args[1], options: options) } catch {
    FileHandle.standardError.write(Data("open failed: \(error)\n".utf8))
    exit(1)
}
struct XorShift { var s: UInt64; mutating func next() -> UInt64 { s ^= s << 13; s ^= s >> 7; s ^= s << 17; return s } }
var rng = XorShift(s: seed | 1)
var seq = first
let day: Int64 = 86_400_000_000_000
while true {
    var b = BatchBuilder(table: "events")
    let n = Int(rng.next() % 200) + 1
    for _ in 0..<n {
        // Rows spread over 5 days, out of order; every column derivable from seq so half-written rows show.
        let t = 1_767_225_600_000_000_000 + Int64(rng.next() % 5) * day + seq
        b.add(time: t, [("k", .tag("k\(seq % 7)")), ("seq", .int(seq)), ("check", .string("c\(seq)")), ("half", .float(Double(seq) / 2))])
        seq += 1
    }
    do { try db.write([b.batch]) } catch {
        FileHandle.standardError.write(Data("write failed: \(error)\n".utf8))
        exit(1)
    }
    // write(2) straight to fd 1: the ack must leave the process before the next write starts.
    let line = Array("ack \(seq)\n".utf8)
    _ = line.withUnsafeBytes { write(1, $0.baseAddress, $0.count) }
}
