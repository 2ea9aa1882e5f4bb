import Foundation

/// DuckDB's answers as `scripts/differential.py` writes them (its docstring documents the format).
struct DuckDBAnswers: Decodable, Sendable {
    /// One query and DuckDB's answer to it.
    struct Case: Decodable, Sendable {
        /// A name from queries.sql (`p01_count`), `rNNN` for the NNN-th random query, `approxN`.
        var id: String
        /// The SQL both engines run (for `approx` cases: the one tsdb runs).
        var sql: String
        /// The ORDER BY fixes every row's place: compare in order, not as multisets.
        var ordered: Bool
        /// For `approx` cases: DuckDB's exact twin of `sql`, which produced `rows`.
        var reference: String?
        var names: [String]
        /// Per column: int, float, string, bool, time or null.
        var kinds: [String]
        /// Cells as text, nil for NULL.
        var rows: [[String?]]
        /// Why DuckDB refused the query (or that it answered beyond 64 bits, which tsdb refuses by design):
        /// tsdb must refuse it too.
        var error: String?

        /// The rows as typed cells.
        func cells() throws -> [[Cell]] {
            try rows.map { row in
                guard row.count == kinds.count else { throw DifferentialError("\(id): a row of \(row.count) cells for \(kinds.count) columns") }
                return try zip(kinds, row).map { try Cell(duckdb: $1, kind: $0) }
            }
        }
    }

    var duckdb: String
    var seed: Int
    var cases: [Case]
    var approx: [Case]

    static func load(_ path: String) throws -> DuckDBAnswers {
        try JSONDecoder().decode(DuckDBAnswers.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
    }
}

/// A failure of the differential harness itself (setup, missing tools, malformed answers).
struct DifferentialError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
