import ColumnStore
import Foundation
@testable import QueryEngine
import Testing
import TestSupport

/// Runs every `sqllogic/*.test` file: tsdb's answers against DuckDB's, which
/// `scripts/sqllogic_expected.py` wrote into the files from the same text.
@Suite("sqllogictest files")
struct SQLLogicTests {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("sqllogic")
    static let files: [String] = ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? [])
        .filter { $0.hasSuffix(".test") }.sorted()

    @Test("the files are there") func found() { #expect(Self.files.count >= 4) }

    @Test("file", arguments: files)
    func run(_ name: String) throws {
        let file = try SQLLogicFile(String(contentsOf: Self.directory.appendingPathComponent(name), encoding: .utf8))
        let dir = TempDirectory(); defer { dir.remove() }
        var o = DatabaseOptions()
        o.background = false
        let db = try Database(path: dir.path, options: o)
        defer { try? db.close() }
        let engine = QueryEngine(database: db, threads: 2)
        let now: Int64 = 1_767_225_600_000_000_000
        for record in file.records {
            switch record {
            case let .load(load):
                try Self.load(load, into: db)
            case let .statement(sql, message, expectError, line):
                do {
                    _ = try engine.execute(sql, now: now)
                    if expectError { Issue.record("\(name):\(line): no error from\n\(sql)") }
                } catch {
                    if !expectError { Issue.record("\(name):\(line): \(error)\n\(sql)") }
                    if let m = message, !m.isEmpty, !"\(error)".contains(m) {
                        Issue.record("\(name):\(line): error '\(error)' does not contain '\(m)'")
                    }
                }
            case let .query(sql, types, sorted, expected, line):
                let result: QueryResult
                do { result = try engine.execute(sql, now: now) } catch {
                    Issue.record("\(name):\(line): \(error)\n\(sql)")
                    continue
                }
                if result.columns.count != types.count {
                    Issue.record("\(name):\(line): \(result.columns.count) columns, the test says \(types.count)\n\(sql)")
                    continue
                }
                var got = (0..<result.rowCount).map { r in result.columns.map { Self.text($0.vector, r) } }
                var want = expected.map { $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) }
                if sorted {
                    got.sort { $0.joined(separator: "\t") < $1.joined(separator: "\t") }
                    want.sort { $0.joined(separator: "\t") < $1.joined(separator: "\t") }
                }
                if !Self.same(got, want, types) {
                    Issue.record("""
                        \(name):\(line): \(sql)
                        tsdb:
                        \(got.map { $0.joined(separator: "\t") }.joined(separator: "\n"))
                        DuckDB:
                        \(want.map { $0.joined(separator: "\t") }.joined(separator: "\n"))
                        """)
                }
            }
        }
    }

    /// Writes a load block; all but its last two rows are flushed to segments, so both paths are read.
    static func load(_ load: SQLLogicFile.Load, into db: Database) throws {
        func batch(_ rows: ArraySlice<[String]>) throws -> WriteBatch {
            var b = BatchBuilder(table: load.table)
            for row in rows {
                guard row.count == load.columns.count, let t = try? SQLTimestamp.parse(row[0]) else {
                    throw SQLLogicError("\(load.table): bad row \(row)")
                }
                var values: [(String, BatchBuilder.Value)] = []
                for (k, c) in load.columns.enumerated().dropFirst() where row[k] != "NULL" {
                    let s = row[k]
                    switch c.type {
                    case "tag": values.append((c.name, .tag(s)))
                    case "string": values.append((c.name, .string(s)))
                    case "int": values.append((c.name, .int(Int64(s)!)))
                    case "uint": values.append((c.name, .uint(UInt64(s)!)))
                    case "float": values.append((c.name, .float(Double(s)!)))
                    case "bool": values.append((c.name, .bool(s == "true")))
                    default: throw SQLLogicError("\(load.table): unknown column type \(c.type)")
                    }
                }
                b.add(time: t, values)
            }
            return b.batch
        }
        let flushed = max(0, load.rows.count - 2)
        if flushed > 0 {
            try db.write([try batch(load.rows[..<flushed])])
            try db.flush()
        }
        if load.rows.count > flushed { try db.write([try batch(load.rows[flushed...])]) }
    }

    /// A cell as the files write it: NULL, (empty) for an empty string, timestamps as DuckDB prints them.
    static func text(_ v: ColumnVector, _ i: Int) -> String {
        if v.isNull(i) { return "NULL" }
        switch v.type {
        case .time: return SQLTimestamp.format(v.int64s[i])
        case .int64, .date: return String(v.int64s[i])
        case .uint64: return String(v.uint64s[i])
        case .float64: return "\(v.float64s[i])"
        case .bool: return v.bools[i] != 0 ? "true" : "false"
        case .string: let s = v.string(at: i); return s.isEmpty ? "(empty)" : s
        case .symbol: return "?"
        }
    }

    /// Equal cell by cell; `R` columns as numbers within a relative 1e-9.
    static func same(_ a: [[String]], _ b: [[String]], _ types: [Character]) -> Bool {
        guard a.count == b.count else { return false }
        for (x, y) in zip(a, b) {
            guard x.count == y.count else { return false }
            for (k, (p, q)) in zip(x, y).enumerated() where p != q {
                guard k < types.count, types[k] == "R", let u = Double(p), let v = Double(q) else { return false }
                if abs(u - v) > 1e-9 * max(1, abs(u), abs(v)) { return false }
            }
        }
        return true
    }
}
