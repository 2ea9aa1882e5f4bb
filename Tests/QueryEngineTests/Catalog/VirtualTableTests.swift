import Foundation
import Testing
import ColumnStore
@testable import QueryEngine
import TestSupport

/// A computed table of `n` rows: i, i % 3 as text, and whether i is even; more rows than a memtable chunk
/// holds, so the snapshot has several row groups.
private func numbers(_ name: String, _ n: Int) -> VirtualTable {
    VirtualTable(name: name, columns: [
        ColumnDef(name: "i", type: .int64), ColumnDef(name: "bucket", type: .string), ColumnDef(name: "even", type: .bool),
    ]) { _ in
        var i = ColumnVector(type: .int64), b = ColumnVector(type: .string), e = ColumnVector(type: .bool)
        for k in 0..<n {
            i.append(int64: Int64(k))
            b.append(string: "b\(k % 3)")
            e.append(bool: k % 2 == 0)
        }
        return [i, b, e]
    }
}

private func engine(_ db: Database, _ extra: [VirtualTable]) -> QueryEngine {
    var reg = VirtualTableRegistry.standard
    for t in extra { reg.register(t) }
    return QueryEngine(database: db, threads: 2, virtualTables: reg)
}

@Suite("VirtualTables")
struct VirtualTableTests {
    @Test func selectReadsAComputedTableLikeAStoredOne() throws {
        try withEngine { _, db, _ in
            let n = 150_000
            let e = engine(db, [numbers("numbers", n)])
            #expect(try e.rows("SELECT count(*) FROM numbers") == [["\(n)"]])
            #expect(try e.rows("SELECT bucket, count(*) AS c, sum(i) FROM numbers WHERE even GROUP BY bucket ORDER BY bucket")
                == (0..<3).map { b in
                    let ks = stride(from: 0, to: n, by: 2).filter { $0 % 3 == b }
                    return ["b\(b)", "\(ks.count)", "\(ks.reduce(0, +))"]
                })
            #expect(try e.rows("SELECT i FROM numbers WHERE i >= 149998 OR i < 1 ORDER BY i DESC") == [["149999"], ["149998"], ["0"]])
            #expect(try e.rows("SELECT * FROM (SELECT i, bucket FROM numbers WHERE bucket = 'b1' LIMIT 2)") == [["1", "b1"], ["4", "b1"]])
            let cols = try e.execute("SELECT * FROM numbers LIMIT 1").columns.map(\.name)
            #expect(cols == ["i", "bucket", "even"])  // no designated time column is added
        }
    }

    @Test func schemaQualifiedNames() throws {
        try withEngine { _, db, _ in
            let e = engine(db, [numbers("information_schema.demo", 5)])
            #expect(try e.rows("SELECT max(i) FROM information_schema.demo") == [["4"]])
            #expect(try e.rows("SELECT max(i) FROM INFORMATION_SCHEMA.\"demo\" AS d") == [["4"]])
            #expect(try e.rows("DESCRIBE information_schema.demo").map { $0[0] } == ["i", "bucket", "even"])
            #expect(throws: QueryError.self) { try e.execute("SELECT * FROM main.demo") }
            let s = try SQLParser.parse("SELECT * FROM information_schema.demo")
            #expect(s.description == "SELECT * FROM \"information_schema.demo\"")
            #expect(try SQLParser.parse(s.description) == s)
        }
    }

    @Test func computedAtQueryTime() throws {
        try withEngine { e, db, _ in
            #expect(try e.rows("SELECT count(*) FROM tsdb_tables") == [["0"]])
            var b = BatchBuilder(table: "plays")
            b.add(time: 1_000, [("artist", .tag("A")), ("duration_ms", .int(5))])
            try db.write([b.batch])
            try db.setTableOptions("plays") { $0.retentionDays = 30; $0.compression = .zstd }
            #expect(try e.rows("SELECT table_name, columns, retention_days, compression FROM tsdb_tables") == [["plays", "3", "30", "zstd"]])
            #expect(try e.rows("SELECT column_name, position, data_type, kind FROM tsdb_columns WHERE table_name = 'plays' ORDER BY position")
                == [["time", "1", "TIMESTAMP", "time"], ["artist", "2", "SYMBOL", "tag"], ["duration_ms", "3", "BIGINT", "field"]])
        }
    }
}
