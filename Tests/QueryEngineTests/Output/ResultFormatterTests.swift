import ColumnStore
import Foundation
import Testing
@testable import QueryEngine

/// CSV, JSON and JSON Lines output: golden bytes, streaming in pieces, and parse-back checks.
@Suite struct ResultFormatterTests {
    @Test func csvGolden() {
        let text = ResultFormatter.string(ResultFixtures.allTypes(), as: .csv)
        #expect(text == """
            time,artist,plays,listeners,revenue,liked
            2026-09-01T12:00:00Z,Abba,12,7,0.1,true
            2026-09-01T12:00:00.123456789Z,"Sigur Rós, ""live""
            ",-3,18446744073709551615,1e-05,false
            ,"",,,nan,

            """)
    }

    @Test func jsonGolden() {
        let text = ResultFormatter.string(ResultFixtures.allTypes(), as: .json)
        #expect(text == #"""
            [
            {"time":"2026-09-01T12:00:00Z","artist":"Abba","plays":12,"listeners":7,"revenue":0.1,"liked":true},
            {"time":"2026-09-01T12:00:00.123456789Z","artist":"Sigur Rós, \"live\"\n","plays":-3,"listeners":18446744073709551615,"revenue":1e-05,"liked":false},
            {"time":null,"artist":"","plays":null,"listeners":null,"revenue":"nan","liked":null}
            ]

            """#)
    }

    @Test func jsonlGolden() {
        let text = ResultFormatter.string(ResultFixtures.allTypes(), as: .jsonl)
        #expect(text == #"""
            {"time":"2026-09-01T12:00:00Z","artist":"Abba","plays":12,"listeners":7,"revenue":0.1,"liked":true}
            {"time":"2026-09-01T12:00:00.123456789Z","artist":"Sigur Rós, \"live\"\n","plays":-3,"listeners":18446744073709551615,"revenue":1e-05,"liked":false}
            {"time":null,"artist":"","plays":null,"listeners":null,"revenue":"nan","liked":null}

            """#)
    }

    @Test func emptyResults() {
        let empty = ResultFixtures.counting(0)
        #expect(ResultFormatter.string(empty, as: .json) == "[]\n")
        #expect(ResultFormatter.string(empty, as: .jsonl) == "")
        #expect(ResultFormatter.string(empty, as: .csv) == "i,label,quarter\n")
        let noColumns = QueryResult(columns: [])
        #expect(ResultFormatter.string(noColumns, as: .json) == "[]\n")
        #expect(ResultFormatter.string(noColumns, as: .csv) == "\n")
    }

    @Test func columnNamesAreEscaped() {
        let r = ResultFixtures.strings("a,\"b\"", ["x"])
        #expect(ResultFormatter.string(r, as: .csv) == "\"a,\"\"b\"\"\"\nx\n")
        #expect(ResultFormatter.string(r, as: .jsonl) == #"{"a,\"b\"":"x"}"# + "\n")
    }

    /// Any split of the rows, across one or several results, writes the same bytes as one call.
    @Test(arguments: [ResultFormat.csv, .json, .jsonl])
    func streamingInPiecesEqualsOneShot(format: ResultFormat) {
        let result = ResultFixtures.counting(2_500)
        let whole = ResultFormatter.format(result, as: format)
        var rng = OutputTestRNG(seed: 17)
        for _ in 0..<10 {
            var writer = ResultWriter(format: format, for: result)
            var out: [UInt8] = []
            var sent: [UInt8] = []
            writer.writeHeader(into: &out)
            var row = 0
            while row < result.rowCount {
                let n = min(Int(rng.next() % (rng.next() % 2 == 0 ? 40 : 1_500)), result.rowCount - row)
                // Half the time the piece is a separate result (a batch), as a server sees them.
                if rng.next() % 2 == 0 {
                    let piece = QueryResult(columns: result.columns.map {
                        ResultColumn(name: $0.name, vector: $0.vector.slice(row..<row + n))
                    })
                    writer.writeRows(of: piece, 0..<n, into: &out)
                } else {
                    writer.writeRows(of: result, row..<row + n, into: &out)
                }
                row += n
                sent += out
                out.removeAll(keepingCapacity: true)
            }
            writer.writeFooter(into: &out)
            sent += out
            #expect(sent == whole)
            #expect(writer.rowsWritten == 2_500)
        }
    }

    /// JSON output parses, and every value reads back exactly — floats included.
    @Test func jsonParsesBackExactly() throws {
        var rng = OutputTestRNG(seed: 3)
        var f = ColumnVector(type: .float64), i = ColumnVector(type: .int64), s = ColumnVector(type: .string)
        var floats: [Double] = [], ints: [Int64] = [], strings: [String] = []
        for k in 0..<300 {
            var d = Double(bitPattern: rng.next())
            if !d.isFinite { d = Double(k) * 1.1 }
            if k % 3 == 0 { d = Double(Int64(bitPattern: rng.next()) % 1_000_000) / 1000 }
            floats.append(d); f.append(float64: d)
            let n = Int64(bitPattern: rng.next()) >> (rng.next() % 64)
            ints.append(n); i.append(int64: n)
            let str = String((0..<Int(rng.next() % 12)).map { _ in
                let pool: [Character] = ["a", "\"", "\\", "\n", "\u{01}", "é", "中", "😀", " ", "\u{7F}", "\t", "/"]
                return pool[Int(rng.next() % UInt64(pool.count))]
            })
            strings.append(str); s.append(string: str)
        }
        let result = QueryResult(columns: [ResultColumn(name: "f", vector: f), ResultColumn(name: "i", vector: i),
                                           ResultColumn(name: "s", vector: s)])
        let data = Data(ResultFormatter.format(result, as: .json))
        let parsed = try #require(try JSONSerialization.jsonObject(with: data) as? [[String: Any]])
        #expect(parsed.count == 300)
        for k in 0..<300 {
            #expect(parsed[k]["s"] as? String == strings[k])
            #expect((parsed[k]["i"] as? NSNumber)?.int64Value == ints[k])
        }
        // Floats: check the text itself, since JSONSerialization may read through Decimal.
        let lines = String(decoding: data, as: UTF8.self).split(separator: "\n").dropFirst().dropLast()
        for (k, line) in lines.enumerated() {
            let start = line.range(of: "{\"f\":")!.upperBound
            let end = line.range(of: ",\"i\":")!.lowerBound
            #expect(Double(String(line[start..<end])) == floats[k])
        }
    }

    @Test func nonFiniteFloats() {
        var f = ColumnVector(type: .float64)
        for d in [Double.infinity, -.infinity, .nan, -0.0, 1e16, 5e-324] { f.append(float64: d) }
        let r = QueryResult(columns: [ResultColumn(name: "f", vector: f)])
        #expect(ResultFormatter.string(r, as: .jsonl) == """
            {"f":"inf"}
            {"f":"-inf"}
            {"f":"nan"}
            {"f":-0.0}
            {"f":1e+16}
            {"f":5e-324}

            """)
        #expect(ResultFormatter.string(r, as: .csv) == "f\ninf\n-inf\nnan\n-0.0\n1e+16\n5e-324\n")
    }

    @Test func formatNames() {
        #expect(ResultFormat(name: "pretty") == .table)
        #expect(ResultFormat(name: "JSON") == .json)
        #expect(ResultFormat(name: "ndjson") == .jsonl)
        #expect(ResultFormat(name: "xml") == nil)
        #expect(!ResultFormat.table.isStreamable && ResultFormat.csv.isStreamable)
    }
}
