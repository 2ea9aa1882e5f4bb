import Foundation
import Testing

/// `tsdb-cli query --query-memory SIZE`: a query over the budget exits with the budget's error instead
/// of exhausting the machine; a wide select list under LIMIT 1 stays well inside it.
@Suite struct QueryMemoryCommandTests {
    let fx = CLIFixture.shared

    func query(_ args: [String]) throws -> CLIRun {
        try CLI.run(["query", "--data", fx.dataDir] + args)
    }

    static func wide(_ n: Int) -> String { (0..<n).map { "duration_ms + \($0)" }.joined(separator: ", ") }

    @Test func overTheBudgetFailsWithTheError() throws {
        let r = try query(["--query-memory", "256KiB", "--format", "csv", "SELECT \(Self.wide(2_000)) FROM plays ORDER BY time"])
        #expect(r.status != 0)
        #expect(r.stderr.contains("query needs more than 256.0 KiB of memory (limit --query-memory)"), "\(r.stderr)")
    }

    @Test func tenThousandExpressionsUnderLimitOne() throws {
        let r = try CLI.run(["query", "--data", fx.dataDir, "--query-memory", "64MiB", "--format", "csv", "-"],
                            stdin: "SELECT \(Self.wide(10_000)) FROM plays LIMIT 1")
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.split(separator: "\n").count == 2)
    }

    @Test func badSizeIsAUsageError() throws {
        let r = try query(["--query-memory", "lots", "SELECT 1"])
        #expect(r.status != 0)
        #expect(r.stderr.contains("invalid --query-memory 'lots'"), "\(r.stderr)")
    }
}
