import Foundation
import Testing

/// `tsdb-cli generate`: determinism, file and stdout output, range options, bad arguments.
@Suite struct GenerateCommandTests {
    let fx = CLIFixture.shared

    /// One generator run costs seconds in a debug build (its catalogue has a million users): few runs here.
    @Test func deterministicLinesInTheRange() throws {
        let args = ["generate", "--rows", "300", "--days", "2", "--end", "2026-01-03", "--seed", "7"]
        let a = try CLI.run(args)
        #expect(a.status == 0, "\(a.stderr)")
        let lines = a.stdout.split(separator: "\n")
        #expect(lines.count == 300)
        let start: Int64 = 1_767_225_600 * 1_000_000_000  // 2026-01-01T00:00:00Z
        let end = start + 2 * 86_400 * 1_000_000_000
        for line in lines {
            #expect(line.hasPrefix("plays,artist=") && line.contains(" user_id=\"u"), "\(line)")
            let t = try #require(Int64(line.split(separator: " ").last!))
            #expect(t >= start && t < end, "\(line)")
        }
        let d = fx.scratch()
        defer { d.remove() }
        let b = try CLI.run(args + ["--out", d.path + "/p.lp"])
        #expect(b.status == 0 && b.stdout.isEmpty)
        #expect(try String(contentsOfFile: d.path + "/p.lp", encoding: .utf8) == a.stdout, "same seed, same bytes")
        #expect(try FileManager.default.contentsOfDirectory(atPath: d.path) == ["p.lp"], "no temporary file left")
    }

    @Test func zeroRowsIsEmpty() throws {
        let r = try CLI.run(["generate", "--rows", "0"])
        #expect(r.status == 0)
        #expect(r.stdout.isEmpty)
    }

    @Test func badArgumentsAreUsageErrors() throws {
        CLI.expectUsageError(try CLI.run(["generate"]), mentioning: "--rows")
        CLI.expectUsageError(try CLI.run(["generate", "--rows", "-5"]), mentioning: "--rows")
        CLI.expectUsageError(try CLI.run(["generate", "--rows", "ten"]), mentioning: "ten")
        CLI.expectUsageError(try CLI.run(["generate", "--rows", "5", "--end", "2026-13-01"]), mentioning: "--end")
        CLI.expectUsageError(try CLI.run(["generate", "--rows", "5", "--days", "0"]), mentioning: "--days")
    }

    @Test func unwritableOutputFails() throws {
        CLI.expectFailure(try CLI.run(["generate", "--rows", "5", "--out", "/nonexistent-dir/x.lp"]), mentioning: "cannot create")
    }
}
