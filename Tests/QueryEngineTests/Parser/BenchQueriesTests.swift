import Foundation
@testable import QueryEngine
import Testing

/// The public benchmark questions, from the queries.sql the differential test uses
/// (`DifferentialSetup.queriesSQL`: beside the repository, or the copy in `bench/public/`).
private func benchQueries() throws -> [(name: String, sql: String)] {
    let path = URL(fileURLWithPath: DifferentialSetup.queriesSQL)
    let text = try String(contentsOf: path, encoding: .utf8)
    var queries: [(name: String, sql: String)] = []
    var name: String?
    for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
        if line.hasPrefix("-- name:") {
            name = line.dropFirst("-- name:".count).trimmingCharacters(in: .whitespaces)
        } else if let current = name, !line.hasPrefix("--") {
            queries.append((current, String(line)))
            name = nil
        }
    }
    return queries
}

@Suite struct BenchQueriesTests {
    @Test func everyQueryParsesAndRoundTrips() throws {
        let queries = try benchQueries()
        #expect(queries.count >= 12)
        for (name, sql) in queries {
            do {
                let statement = try SQLParser.parse(sql)
                guard case .select = statement else {
                    Issue.record("\(name) is not a SELECT")
                    continue
                }
                let reparsed = try SQLParser.parse(statement.description)
                #expect(reparsed == statement, "\(name) printed as \(statement)")
                // EXPLAIN works on each of them too.
                #expect(try SQLParser.parse("EXPLAIN " + sql) == .explain(try parseSelect(sql)))
            } catch {
                Issue.record("\(name): \(error)")
            }
        }
    }

    @Test func shapesOfSomeQueries() throws {
        let queries = Dictionary(uniqueKeysWithValues: try benchQueries().map { ($0.name, $0.sql) })
        let p04 = try parseSelect(try #require(queries["p04_daily_week"]))
        #expect(p04.items.first == .expr(call("time_bucket", lit(.interval(SQLInterval(days: 1))), col("time")), alias: "day"))
        #expect(p04.groupBy == [col("day"), col("platform")])

        let p10 = try parseSelect(try #require(queries["p10_devices_in_countries"]))
        #expect(p10.where == bin(.and, expr(.inList(col("country"), [str("BR"), str("MX"), str("AR")], negated: false)),
                                 bin(.equal, col("skipped"), lit(.bool(false)))))

        let p11 = try parseSelect(try #require(queries["p11_busy_users"]))
        #expect(p11.having == bin(.greater, call("count", star: true), int(50)))
        #expect(p11.limit == 10)

        let p12 = try parseSelect(try #require(queries["p12_avg_daily_by_platform"]))
        guard case .subquery(let inner)? = p12.from?.source else {
            Issue.record("p12 has no subquery")
            return
        }
        #expect(inner.groupBy == [col("platform"), col("day")])
        #expect(p12.orderBy == [OrderItem(col("platform"))])
    }
}
