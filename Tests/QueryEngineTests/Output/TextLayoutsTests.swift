import ColumnStore
import Testing
@testable import QueryEngine

/// The shell's `markdown` and `line` layouts.
@Suite struct TextLayoutsTests {
    @Test func markdownAlignsAndEscapes() {
        var name = ColumnVector(type: .string)
        name.append(string: "a|b"); name.append(string: "Sigur Rós"); name.appendNulls(1)
        var n = ColumnVector(type: .int64)
        n.append(int64: 7); n.append(int64: -12); n.append(int64: 0)
        let r = QueryResult(columns: [ResultColumn(name: "name", vector: name), ResultColumn(name: "n", vector: n)])
        #expect(String(decoding: TextLayouts.markdown(r), as: UTF8.self) == """
            | name      |   n |
            |-----------|----:|
            | a\\|b      |   7 |
            | Sigur Rós | -12 |
            | NULL      |   0 |

            """)
        #expect(TextLayouts.markdown(QueryResult(columns: [])).isEmpty)
    }

    @Test func linesPerRow() {
        let text = String(decoding: TextLayouts.lines(ResultFixtures.allTypes()), as: UTF8.self)
        let rows = text.components(separatedBy: "\n\n")
        #expect(rows.count == 3, "\(text)")
        #expect(rows[0].hasPrefix("     time = 2026-09-01T12:00:00Z\n   artist = Abba\n    plays = 12\n"), "\(rows[0])")
        #expect(rows[1].contains("   artist = Sigur Rós, \"live\"\\n\n"), "control characters escaped: \(rows[1])")
        #expect(rows[2].contains("    liked = NULL\n"))
    }
}
