import Foundation
import Testing
@testable import ColumnStore
import TestSupport

private let t0: Int64 = 1_767_225_600_000_000_000  // 2026-01-01T00:00:00Z
private let day: Int64 = 86_400_000_000_000

private func options() -> DatabaseOptions {
    var o = DatabaseOptions()
    o.background = false
    return o
}

/// Rows (key: time, user) → value, written in order.
private func batch(_ rows: [(t: Int64, user: Int, value: Int64)]) -> WriteBatch {
    var b = BatchBuilder(table: "plays")
    for r in rows { b.add(time: r.t, [("user_id", .tag("u\(r.user)")), ("value", .int(r.value)), ("note", .string("v\(r.value)"))]) }
    return b.batch
}

/// What the table shows: key "time/user" → value; fails the test on two rows with one key.
private func contents(_ db: Database) throws -> [String: Int64] {
    var out: [String: Int64] = [:]
    for row in try TableReader.rows(db, table: "plays") {
        guard case let .int(t) = row["time"]!, case let .string(u) = row["user_id"]!, case let .int(v) = row["value"]! else {
            Issue.record("unexpected row \(row)")
            continue
        }
        let k = "\(t)/\(u)"
        #expect(out[k] == nil, "two rows with key \(k)")
        out[k] = v
    }
    return out
}

@Suite("Dedup")
struct DedupTests {
    @Test func rewritingTheSameRowsChangesNoCount() throws {
        let dir = TempDirectory(); defer { dir.remove() }
        let db = try Database(path: dir.path, options: options())
        defer { try? db.close() }
        let rows = (0..<500).map { (t: t0 + Int64($0 % 3) * day + Int64($0), user: $0 % 17, value: Int64($0)) }
        try db.write([batch(rows)])
        try db.setDedupKeys("plays", ["time", "user_id"])
        #expect(db.tableOptions(of: "plays")?.dedupKeys == ["time", "user_id"])
        try db.write([batch(rows)])  // a client retrying a batch: in the memtable twice, seen once
        #expect(try contents(db).count == 500)
        try db.flush()
        #expect(try contents(db).count == 500)
        let updated = rows.map { (t: $0.t, user: $0.user, value: $0.value + 1000) }
        try db.write([batch(updated)])  // replaces rows now in segments
        let seen = try contents(db)
        #expect(seen.count == 500 && seen.values.allSatisfy { $0 >= 1000 })
        try db.flush()
        try db.compact(minSegments: 2)
        #expect(try contents(db) == seen)
        try db.close()
        let db2 = try Database(path: dir.path, options: options())
        defer { try? db2.close() }
        #expect(try contents(db2) == seen)
        #expect(db2.tableOptions(of: "plays")?.dedupKeys == ["time", "user_id"])
    }

    @Test func enablingOnDuplicatesKeepsTheLastAndBadKeysAreRefused() throws {
        let dir = TempDirectory(); defer { dir.remove() }
        let db = try Database(path: dir.path, options: options())
        defer { try? db.close() }
        try db.write([batch([(t0, 1, 1), (t0, 2, 2)])])
        try db.flush()
        try db.write([batch([(t0, 1, 3)])])
        try db.flush()
        try db.write([batch([(t0, 1, 4)])])  // the newest, in the memtable
        #expect(throws: StorageError.self) { try db.setDedupKeys("plays", ["user_id"]) }
        #expect(throws: StorageError.self) { try db.setDedupKeys("plays", ["time", "nope"]) }
        #expect(try TableReader.rows(db, table: "plays").count == 4)
        try db.setDedupKeys("plays", ["time", "user_id"])
        #expect(try contents(db) == ["\(t0)/u1": 4, "\(t0)/u2": 2])
        try db.setDedupKeys("plays", nil)
        try db.write([batch([(t0, 2, 5)])])
        #expect(try TableReader.rows(db, table: "plays").count == 3)  // without keys every row is an event
    }

    /// Seeded property: writes with many repeated keys, flushes, compactions and vacuums; at every step the
    /// table shows exactly the last value written for each key.
    @Test(arguments: [7, 8, 9] as [UInt64]) func matchesLastWriteModel(seed: UInt64) throws {
        let dir = TempDirectory(); defer { dir.remove() }
        var rng = SeededRandom(seed: seed)
        let db = try Database(path: dir.path, options: options())
        defer { try? db.close() }
        try db.write([batch([(t0, 0, 0)])])
        try db.setDedupKeys("plays", ["time", "user_id"])
        var model: [String: Int64] = ["\(t0)/u0": 0]
        var value: Int64 = 1
        for _ in 0..<30 {
            switch rng.below(6) {
            case 0, 1, 2:
                var rows: [(t: Int64, user: Int, value: Int64)] = []
                for _ in 0..<(1 + rng.below(300)) {
                    let r = (t: t0 + Int64(rng.below(3)) * day + Int64(rng.below(40)), user: rng.below(6), value: value)
                    value += 1
                    rows.append(r)
                    model["\(r.t)/u\(r.user)"] = r.value
                }
                try db.write([batch(rows)])
            case 3: try db.flush()
            case 4: try db.compact(minSegments: 2)
            default: try db.vacuum()
            }
            #expect(try contents(db) == model)
        }
    }
}
