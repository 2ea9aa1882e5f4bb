import ColumnStore
import Foundation
@testable import QueryEngine
import Testing
import TestSupport

/// Joins on one string key, where tags arrive as dictionary codes (`StringKeyJoin`) and a small side's
/// strings leave as codes of a dictionary of its own: checked against a nested loop over the same rows,
/// for every join kind, with NULL keys, duplicate keys on both sides, skew and empty inputs.
@Suite struct JoinKeyTests {
    /// A fact row: tag `k` (nil: absent, so NULL), string field `s` (nil: NULL), value `v`.
    struct Fact { var k: String?; var s: String?; var v: Int }
    /// A dimension row: tag `k`, string field `name`, string field `label`.
    struct Dim { var k: String?; var name: String?; var label: String? }

    private func withTables(_ facts: [Fact], _ dims: [Dim], _ body: (QueryEngine) throws -> Void) throws {
        try withEngine { e, db, _ in
            let t0: Int64 = 1_767_225_600_000_000_000
            var f = BatchBuilder(table: "facts")
            for (i, r) in facts.enumerated() {
                var fields: [(String, BatchBuilder.Value)] = [("v", .int(Int64(r.v)))]
                if let k = r.k { fields.append(("k", .tag(k))) }
                if let s = r.s { fields.append(("s", .string(s))) }
                f.add(time: t0 + Int64(i) * 1_000_000_000, fields)
            }
            var d = BatchBuilder(table: "dims")
            for (i, r) in dims.enumerated() {
                var fields: [(String, BatchBuilder.Value)] = [("n", .int(Int64(i)))]
                if let k = r.k { fields.append(("k", .tag(k))) }
                if let name = r.name { fields.append(("name", .string(name))) }
                if let label = r.label { fields.append(("label", .string(label))) }
                d.add(time: t0 + Int64(i) * 1_000_000_000, fields)
            }
            try db.write([f.batch, d.batch])
            try db.flush()
            try body(e)
        }
    }

    /// Rows of a join of facts and dims on `fk = dk`, by nested loop: (v, label) as text, sorted.
    private func expected(_ facts: [Fact], _ dims: [Dim], kind: String, fk: (Fact) -> String?, dk: (Dim) -> String?) -> [[String]] {
        var out: [[String]] = []
        var dimMatched = [Bool](repeating: false, count: dims.count)
        for f in facts {
            var any = false
            for (j, d) in dims.enumerated() {
                guard let a = fk(f), let b = dk(d), a == b else { continue }
                out.append([String(f.v), d.label ?? "NULL"])
                any = true
                dimMatched[j] = true
            }
            if !any, kind == "LEFT" || kind == "FULL" { out.append([String(f.v), "NULL"]) }
        }
        if kind == "RIGHT" || kind == "FULL" {
            for (j, d) in dims.enumerated() where !dimMatched[j] { out.append(["NULL", d.label ?? "NULL"]) }
        }
        return out.sorted { $0.lexicographicallyPrecedes($1) }
    }

    private func sortedCells(_ r: QueryResult) -> [[String]] {
        cells(r).sorted { $0.lexicographicallyPrecedes($1) }
    }

    /// Random tables: keys from a skewed alphabet (one hot key), some absent; dimension keys repeat.
    private func tables(seed: UInt64, facts nf: Int, dims nd: Int) -> ([Fact], [Dim]) {
        var rng = SeededRandom(seed: seed)
        let alphabet = (0..<12).map { "key \($0)" }
        func key() -> String? {
            let x = rng.next() % 100
            if x < 8 { return nil }
            if x < 40 { return alphabet[0] }  // skew: a third of the rows share one key
            return alphabet[Int(rng.next() % UInt64(alphabet.count))]
        }
        let facts = (0..<nf).map { i in Fact(k: key(), s: key(), v: i) }
        let dims = (0..<nd).map { i in Dim(k: key(), name: key(), label: rng.next() % 10 == 0 ? nil : "label \(i % 5)") }
        return (facts, dims)
    }

    @Test(arguments: [(1 as UInt64, 300, 7), (2, 200, 40), (3, 500, 3), (4, 50, 120)])
    func joinsMatchANestedLoop(seed: UInt64, nf: Int, nd: Int) throws {
        let (facts, dims) = tables(seed: seed, facts: nf, dims: nd)
        try withTables(facts, dims) { e in
            for kind in ["INNER", "LEFT", "RIGHT", "FULL"] {
                // tag = tag (both sides codes of different dictionaries), tag = string, string = tag, string = string
                let shapes: [(String, String, (Fact) -> String?, (Dim) -> String?)] = [
                    ("f.k", "d.k", { $0.k }, { $0.k }),
                    ("f.k", "d.name", { $0.k }, { $0.name }),
                    ("f.s", "d.k", { $0.s }, { $0.k }),
                    ("f.s", "d.name", { $0.s }, { $0.name }),
                ]
                for (fc, dc, fk, dk) in shapes {
                    let sql = "SELECT f.v, d.label FROM facts f \(kind) JOIN dims d ON \(fc) = \(dc)"
                    let got = sortedCells(try e.execute(sql))
                    let want = expected(facts, dims, kind: kind, fk: fk, dk: dk)
                    #expect(got == want, "\(sql): \(got.count) rows, expected \(want.count)")
                }
            }
        }
    }

    @Test func groupingAboveAJoinOnCodes() throws {
        let (facts, dims) = tables(seed: 9, facts: 2_000, dims: 12)
        try withTables(facts, dims) { e in
            let r = try e.execute("""
                SELECT d.label, count(*) AS n, count(DISTINCT f.k) AS keys, count(DISTINCT f.s) AS ss
                FROM facts f JOIN dims d ON f.k = d.k GROUP BY d.label ORDER BY d.label NULLS LAST
                """)
            var groups: [String: (Int, Set<String>, Set<String>)] = [:]
            for f in facts {
                for d in dims {
                    guard let a = f.k, let b = d.k, a == b else { continue }
                    var g = groups[d.label ?? "NULL"] ?? (0, [], [])
                    g.0 += 1
                    g.1.insert(a)
                    if let s = f.s { g.2.insert(s) }
                    groups[d.label ?? "NULL"] = g
                }
            }
            let want = groups.keys.sorted { ($0 == "NULL" ? 1 : 0, $0) < ($1 == "NULL" ? 1 : 0, $1) }.map { k in
                [k, String(groups[k]!.0), String(groups[k]!.1.count), String(groups[k]!.2.count)]
            }
            #expect(cells(r) == want)
        }
    }

    @Test func emptyAndAllNullInputs() throws {
        let facts = (0..<100).map { Fact(k: $0 % 2 == 0 ? nil : "same", s: nil, v: $0) }
        let dims = [Dim(k: nil, name: nil, label: "x"), Dim(k: "same", name: "same", label: "y"), Dim(k: "same", name: nil, label: "z")]
        try withTables(facts, dims) { e in
            // All-duplicate keys: every keyed fact meets both "same" dimension rows.
            let got1 = cells(try e.execute("SELECT count(*) FROM facts f JOIN dims d ON f.k = d.k"))
            #expect(got1 == [["100"]])
            let got2 = cells(try e.execute("SELECT count(*) FROM facts f JOIN dims d ON f.k = d.name"))
            #expect(got2 == [["50"]])
            // NULL keys never match, and survive only on an outer join's preserved side.
            let got3 = cells(try e.execute("SELECT count(*) FROM facts f LEFT JOIN dims d ON f.k = d.k WHERE d.label IS NULL"))
            #expect(got3 == [["50"]])
            let got4 = cells(try e.execute("SELECT d.label FROM facts f RIGHT JOIN dims d ON f.k = d.k WHERE f.v IS NULL"))
            #expect(got4 == [["x"]])
            // An empty side (a time range that holds no row).
            let empty = "(SELECT * FROM dims WHERE time < '2000-01-01')"
            let got5 = cells(try e.execute("SELECT count(*) FROM facts f JOIN \(empty) d ON f.k = d.k"))
            #expect(got5 == [["0"]])
            let got6 = cells(try e.execute("SELECT count(*) FROM facts f LEFT JOIN \(empty) d ON f.k = d.k"))
            #expect(got6 == [["100"]])
            let got7 = cells(try e.execute("SELECT count(*) FROM \(empty) d LEFT JOIN facts f ON f.k = d.k"))
            #expect(got7 == [["0"]])
            // USING merges a tag with a tag: the merged column is the key's text.
            let got8 = cells(try e.execute("SELECT DISTINCT k FROM facts JOIN dims USING (k)"))
            #expect(got8 == [["same"]])
        }
    }

    @Test func keyNumbersOfCodesAndStrings() throws {
        let dict = SymbolDictionary()
        for s in ["a", "b", "c"] { dict.intern(s) }
        var codes = ColumnVector(type: .symbol)
        for c: UInt32 in [2, 0, 2, 1] { codes.append(code: c) }
        codes.appendNulls(1)
        var strings = ColumnVector(type: .string)
        for s in ["c", "x", "a"] { strings.append(string: s) }
        var table = ByteStringTable()
        let built = StringKeyJoin.numbers(Vec(type: .string, col: strings, dict: nil), 3, &table, intern: true)
        #expect(built == [0, 1, 2])
        let probed = StringKeyJoin.numbers(Vec(type: .string, col: codes, dict: dict), 5, &table, intern: false)
        // "c" → 0, "a" → 2, "b" is not on the build side, NULL matches nothing.
        #expect(probed == [0, 2, 0, StringKeyJoin.none, StringKeyJoin.none])
        #expect(table.count == 3)
    }
}
