@testable import QueryEngine
import Testing
import TestSupport

/// Never a crash: random token soups, random bytes and mutated real queries either parse — and then
/// print and parse back to the same tree — or fail with an `SQLError` whose position is consistent.
@Suite struct FuzzTests {
    private static let vocabulary = [
        "SELECT", "DISTINCT", "ALL", "FROM", "WHERE", "GROUP", "BY", "HAVING", "ORDER", "LIMIT", "OFFSET", "AS",
        "ASC", "DESC", "NULLS", "FIRST", "LAST", "AND", "OR", "NOT", "IN", "BETWEEN", "LIKE", "ILIKE", "IS",
        "NULL", "TRUE", "FALSE", "CASE", "WHEN", "THEN", "ELSE", "END", "CAST", "INTERVAL", "TIMESTAMP", "DATE",
        "SHOW", "TABLES", "DESCRIBE", "EXPLAIN", "DAY", "HOURS", "BIGINT", "DOUBLE", "PRECISION", "plays", "time",
        "platform", "count", "sum", "now", "time_bucket", "date_trunc", "x", "\"Q id\"", "0", "1", "42",
        "9223372036854775808", "1.5", ".5", "1e3", "'a'", "'it''s'", "'7 days'", "'2026-09-01'", "'1 day'", "''",
        "(", ")", ",", ".", ";", "*", "+", "-", "/", "//", "%", "||", "::", "=", "<>", "!=", "<", "<=", ">", ">=",
        "-- c\n", "/* c */", "\n",
    ]

    /// Checks a failure's position against the text: offset in range, line:column recomputed, quoted text there.
    private func checkError(_ error: SQLError, _ sql: String) {
        let bytes = Array(sql.utf8)
        #expect(error.position.offset >= 0 && error.position.offset <= bytes.count, "\(sql)")
        guard error.position.offset <= bytes.count else { return }
        var line = 1, column = 1
        for byte in bytes[..<error.position.offset] {
            if byte == UInt8(ascii: "\n") {
                line += 1
                column = 1
            } else if byte & 0xC0 != 0x80 {
                column += 1
            }
        }
        #expect(error.position.line == line && error.position.column == column, "\(error) in \(sql.debugDescription)")
        if let near = error.near, error.kind != .tooDeep {
            let tail = String(decoding: bytes[error.position.offset...], as: UTF8.self)
            #expect(tail.hasPrefix(near.hasSuffix("…") ? String(near.dropLast()) : near), "\(error) in \(sql.debugDescription)")
        }
        #expect(!error.message.isEmpty)
    }

    private func check(_ sql: String) -> Bool {
        do {
            let statement = try SQLParser.parse(sql)
            let printed = statement.description
            do {
                let again = try SQLParser.parse(printed)
                #expect(again == statement, "\(sql.debugDescription) printed as \(printed)")
            } catch {
                Issue.record("\(sql.debugDescription) printed as \(printed), which fails: \(error)")
            }
            return true
        } catch {
            checkError(error, sql)
            return false
        }
    }

    @Test func randomTokenStreams() {
        var random = SeededRandom(seed: 1)
        var parsed = 0
        for round in 0..<4_000 {
            var words: [String] = round % 2 == 0 ? ["SELECT"] : []
            for _ in 0..<Int.random(in: 0...24, using: &random) {
                words.append(Self.vocabulary.randomElement(using: &random)!)
            }
            if check(words.joined(separator: " ")) { parsed += 1 }
        }
        // Some soups happen to be valid; the round trip above covers them.
        #expect(parsed > 0)
    }

    @Test func randomBytes() {
        var random = SeededRandom(seed: 2)
        let alphabet = Array("SELECT from x 1 . ' \" ( ) - * / , ; \n é".utf8) + [0, 0x80, 0xC3, 0xFF, 0x2D, 0x2A]
        for _ in 0..<4_000 {
            var bytes: [UInt8] = []
            for _ in 0..<Int.random(in: 0...48, using: &random) {
                bytes.append(random.next() % 4 == 0 ? UInt8.random(in: 0...255, using: &random)
                             : alphabet.randomElement(using: &random)!)
            }
            _ = check(String(decoding: bytes, as: UTF8.self))
        }
    }

    @Test func mutatedQueries() {
        let queries = [
            "SELECT platform, count(*) AS plays, count(DISTINCT user_id) AS listeners FROM plays WHERE artist = 'Artist 0001' AND time >= '2026-03-01' AND time < '2026-04-01' GROUP BY platform ORDER BY plays DESC, platform",
            "SELECT time_bucket(INTERVAL '1 day', time) AS day, platform, count(*) AS plays FROM plays WHERE time >= '2026-05-01' GROUP BY day, platform ORDER BY day, platform",
            "SELECT platform, avg(CASE WHEN completed THEN 1.0 ELSE 0.0 END) AS completion_rate FROM plays GROUP BY platform",
            "SELECT platform, avg(daily) AS avg_day FROM (SELECT platform, count(*) AS daily FROM plays WHERE artist = 'Artist 0484' GROUP BY platform) GROUP BY platform LIMIT 10 OFFSET 2",
            "SELECT device FROM plays WHERE country NOT IN ('BR', 'MX') AND skipped = false AND x::DOUBLE BETWEEN -1 AND 2e3 OR y IS NOT NULL",
        ]
        var random = SeededRandom(seed: 3)
        for round in 0..<4_000 {
            var bytes = Array(queries[round % queries.count].utf8)
            for _ in 0..<Int.random(in: 1...4, using: &random) {
                let at = Int.random(in: 0..<bytes.count, using: &random)
                switch random.next() % 4 {
                case 0: bytes.remove(at: at)
                case 1: bytes.insert(Array("()',.-*/ ;\"".utf8).randomElement(using: &random)!, at: at)
                case 2:
                    let end = min(bytes.count, at + Int.random(in: 1...12, using: &random))
                    bytes.insert(contentsOf: Array(bytes[at..<end]), at: at)
                default:
                    let other = Int.random(in: 0..<bytes.count, using: &random)
                    bytes.swapAt(at, other)
                }
            }
            _ = check(String(decoding: bytes, as: UTF8.self))
        }
    }
}
