import ColumnStore
import Testing
@testable import QueryEngine

/// The `table` format: golden layouts, truncation, widths of non-ASCII text.
@Suite struct TableFormatterTests {
    @Test func boxGolden() {
        let text = ResultFormatter.string(ResultFixtures.allTypes(), as: .table)
        #expect(text == #"""
            ┌────────────────────────────────┬─────────────────────┬─────────┬──────────────────────┬─────────┬─────────┐
            │              time              │       artist        │  plays  │      listeners       │ revenue │  liked  │
            │           timestamp            │       string        │ integer │       unsigned       │  float  │ boolean │
            ├────────────────────────────────┼─────────────────────┼─────────┼──────────────────────┼─────────┼─────────┤
            │ 2026-09-01T12:00:00Z           │ Abba                │      12 │                    7 │     0.1 │ true    │
            │ 2026-09-01T12:00:00.123456789Z │ Sigur Rós, "live"\n │      -3 │ 18446744073709551615 │   1e-05 │ false   │
            │ NULL                           │                     │    NULL │                 NULL │     nan │ NULL    │
            └────────────────────────────────┴─────────────────────┴─────────┴──────────────────────┴─────────┴─────────┘
            3 rows

            """#)
    }

    @Test func asciiGoldenWithoutTypes() {
        let r = ResultFixtures.counting(2)
        let text = ResultFormatter.string(r, as: .table, table: TableStyle(ascii: true, showTypes: false))
        #expect(text == """
            +---+-------+---------+
            | i | label | quarter |
            +---+-------+---------+
            | 0 | row 0 |     0.0 |
            | 1 | row 1 |    0.25 |
            +---+-------+---------+
            2 rows

            """)
    }

    @Test func longResultsAreCutInTheMiddle() {
        let text = ResultFormatter.string(ResultFixtures.counting(1000), as: .table,
                                          table: TableStyle(maxRows: 5, ascii: true, footer: true))
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines == [
            "+---------+---------+---------+",
            "|    i    |  label  | quarter |",
            "| integer | string  |  float  |",
            "+---------+---------+---------+",
            "|       0 | row 0   |     0.0 |",
            "|       1 | row 1   |    0.25 |",
            "|       2 | row 2   |     0.5 |",
            "|    .    |    .    |    .    |",
            "|    .    |    .    |    .    |",
            "|    .    |    .    |    .    |",
            "|     998 | row 998 |   249.5 |",
            "|     999 | row 999 |  249.75 |",
            "+---------+---------+---------+",
            "1000 rows (5 shown)",
        ])
        // No limit: every row.
        let all = ResultFormatter.string(ResultFixtures.counting(100), as: .table, table: TableStyle(maxRows: 0))
        #expect(all.split(separator: "\n").count == 100 + 6)
        #expect(all.hasSuffix("\n100 rows\n"))
        // Exactly at the limit: no marker.
        let at = ResultFormatter.string(ResultFixtures.counting(40), as: .table)
        #expect(!at.contains("·") && at.hasSuffix("\n40 rows\n"))
    }

    @Test func wideCharactersAlign() {
        let r = ResultFixtures.strings("name", ["中文", "é", "e\u{301}", "😀x", "abc", nil])
        let text = ResultFormatter.string(r, as: .table, table: TableStyle(showTypes: false, footer: false))
        #expect(text == """
            ┌──────┐
            │ name │
            ├──────┤
            │ 中文 │
            │ é    │
            │ é    │
            │ 😀x  │
            │ abc  │
            │ NULL │
            └──────┘

            """)
    }

    @Test func longCellsAreCut() {
        let long = String(repeating: "abcdefghij", count: 10)
        let r = ResultFixtures.strings("s", [long, "中中中中中中", "short"])
        let text = ResultFormatter.string(r, as: .table, table: TableStyle(maxCellWidth: 8, showTypes: false, footer: false))
        #expect(text == """
            ┌──────────┐
            │    s     │
            ├──────────┤
            │ abcdefg… │
            │ 中中中…  │
            │ short    │
            └──────────┘

            """)
        let ascii = ResultFormatter.string(r, as: .table, table: TableStyle(maxCellWidth: 8, ascii: true, showTypes: false, footer: false))
        #expect(ascii.contains("| abcde... |"))
    }

    @Test func controlCharactersAndInvalidUTF8AreVisible() {
        var v = ColumnVector(type: .string)
        v.append(string: "a\tb\u{1B}c\r")
        ([0x61, 0xFF, 0x62] as [UInt8]).withUnsafeBytes { v.append(string: $0) }
        let r = QueryResult(columns: [ResultColumn(name: "s", vector: v)])
        let text = ResultFormatter.string(r, as: .table, table: TableStyle(showTypes: false, footer: false))
        #expect(text.contains(#"│ a\tb\x1bc\r │"#))
        #expect(text.contains("│ a\u{FFFD}b         │"))
    }

    @Test func emptyAndColumnless() {
        let text = ResultFormatter.string(ResultFixtures.counting(0), as: .table, table: TableStyle(ascii: true))
        #expect(text == """
            +---------+--------+---------+
            |    i    | label  | quarter |
            | integer | string |  float  |
            +---------+--------+---------+
            +---------+--------+---------+
            0 rows

            """)
        #expect(ResultFormatter.string(QueryResult(columns: []), as: .table) == "0 rows\n")
        #expect(ResultFormatter.string(ResultFixtures.counting(1), as: .table).hasSuffix("\n1 row\n"))
    }
}
