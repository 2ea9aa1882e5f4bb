import Foundation
import Testing
import TestSupport

/// `tsdb-cli ingest` of gzip line protocol: by name, by magic bytes (stdin), several members, and
/// clear errors for damaged streams.
@Suite struct GzipIngestTests {
    func gzip(_ path: String, to out: String) throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/sh")
        p.arguments = ["-c", "gzip -c \"$0\" > \"$1\"", path, out]
        try p.run()
        p.waitUntilExit()
        #expect(p.terminationStatus == 0)
    }

    func everyRow(_ data: String) throws -> String {
        let r = try CLI.run(["query", "--data", data, "-f", "csv", "SELECT * FROM plays ORDER BY time, user_id, track, duration_ms"])
        #expect(r.status == 0, "\(r.stderr)")
        return r.stdout
    }

    @Test func gzipLoadsTheSameRowsAsThePlainFileByNameAndFromStdin() throws {
        let dir = CLIFixture.shared.scratch(); defer { dir.remove() }
        let plays = CLIFixture.shared.playsFile
        let gz = dir.path + "/plays.lp.gz"
        try gzip(plays, to: gz)
        let want = try everyRow(CLIFixture.shared.dataDir)
        let byName = try CLI.run(["ingest", "-q", "--data", dir.path + "/a", gz])
        #expect(byName.status == 0, "\(byName.stderr)")
        #expect(byName.stdout.contains("3,000 rows written"), "\(byName.stdout)")
        #expect(try everyRow(dir.path + "/a") == want)
        // Standard input: told apart by gzip's magic bytes, not a name.
        let compressed = try Data(contentsOf: URL(fileURLWithPath: gz))
        let stdin = dir.path + "/stdin.bin"
        try compressed.write(to: URL(fileURLWithPath: stdin))
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/sh")
        p.arguments = ["-c", "\"$0\" ingest -q --data \"$1\" - < \"$2\"", CLI.binary, dir.path + "/b", stdin]
        p.standardOutput = FileHandle.nullDevice
        try p.run()
        p.waitUntilExit()
        #expect(p.terminationStatus == 0)
        #expect(try everyRow(dir.path + "/b") == want)
    }

    @Test func concatenatedMembersReadAsOneStreamAndLineNumbersRunOn() throws {
        let dir = CLIFixture.shared.scratch(); defer { dir.remove() }
        let first = dir.path + "/1.lp", second = dir.path + "/2.lp"
        try "m,host=a v=1i 1000\nm,host=b v=2i 2000\n".write(toFile: first, atomically: true, encoding: .utf8)
        try "m,host=c v=3i 3000\nm,host=d v=oops 4000\n".write(toFile: second, atomically: true, encoding: .utf8)
        try gzip(first, to: first + ".gz")
        try gzip(second, to: second + ".gz")
        var both = try Data(contentsOf: URL(fileURLWithPath: first + ".gz"))
        both.append(try Data(contentsOf: URL(fileURLWithPath: second + ".gz")))
        let joined = dir.path + "/both.lp.gz"
        try both.write(to: URL(fileURLWithPath: joined))
        let r = try CLI.run(["ingest", "-q", "--data", dir.path + "/d", joined])
        #expect(r.status == 2, "\(r.stderr)")
        #expect(r.stdout.contains("3 rows written, 1 line rejected"), "\(r.stdout)")
        #expect(r.stderr.contains("both.lp.gz: line 4"), "\(r.stderr)")
    }

    @Test func damagedGzipFailsWithItsName() throws {
        let dir = CLIFixture.shared.scratch(); defer { dir.remove() }
        let gz = dir.path + "/plays.lp.gz"
        try gzip(CLIFixture.shared.playsFile, to: gz)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: gz))
        let cut = dir.path + "/cut.lp.gz"
        try bytes.prefix(bytes.count / 2).write(to: URL(fileURLWithPath: cut))
        CLI.expectFailure(try CLI.run(["ingest", "-q", "--data", dir.path + "/e", cut]), mentioning: "cut.lp.gz is cut short")
        let fake = dir.path + "/fake.lp.gz"
        try "m v=1i 1\n".write(toFile: fake, atomically: true, encoding: .utf8)
        CLI.expectFailure(try CLI.run(["ingest", "-q", "--data", dir.path + "/f", fake]), mentioning: "fake.lp.gz is not valid gzip")
    }
}
