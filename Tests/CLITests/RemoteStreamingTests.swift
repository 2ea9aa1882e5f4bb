import Foundation
import Testing
import TestSupport

/// `tsdb-cli query --server URL` streams: text is printed as it arrives, files are written from the
/// socket, a table keeps only the rows it shows; and every format gives what the embedded CLI gives.
@Suite struct RemoteStreamingTests {
    let fx = CLIFixture.shared

    /// The server sends the first rows and holds the rest back until the CLI has printed them: a CLI
    /// that waited for the whole answer would print nothing until the server gave up waiting.
    @Test(arguments: ["csv", "jsonl"])
    func textIsPrintedAsItArrives(format: String) throws {
        let (first, rest) = format == "csv" ? ("n\n1\n2\n", "3\n") : ("{\"n\":1}\n{\"n\":2}\n", "{\"n\":3}\n")
        let printed = DispatchSemaphore(value: 0)
        let heldBack = Flag()
        let server = try FakeHTTPServer { _ in
            .init(status: 200, contentType: "text/plain", chunks: [first, rest], beforeChunk: { _ in
                heldBack.set(printed.wait(timeout: .now() + 120) == .success)
            })
        }
        defer { server.stop() }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: CLI.binary)
        p.arguments = ["query", "--server", server.url, "-f", format, "SELECT n FROM t"]
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        p.standardInput = FileHandle.nullDevice
        try p.run()
        var seen: [UInt8] = []
        while !seen.starts(with: Array(first.utf8)) {
            let piece = out.fileHandleForReading.availableData
            if piece.isEmpty { break }
            seen += piece
        }
        printed.signal()
        seen += out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        #expect(p.terminationStatus == 0)
        #expect(String(decoding: seen, as: UTF8.self) == first + rest)
        #expect(heldBack.value, "the first rows were printed only after the whole answer came")
    }

    /// Over a real server, the same answers as embedded: long CSV and JSON text, a table of a long answer
    /// (its first and last rows), Parquet and Excel files and text written with --output.
    @Test func remoteAnswersAndFilesMatchEmbedded() throws {
        let d = fx.scratch()
        defer { d.remove() }
        let server = try CLIServer(data: d.path + "/data")
        let load = try CLI.run(["--server", server.url, "ingest", "--quiet", fx.playsFile])
        #expect(load.status == 0, "\(load.stderr)")
        let sql = "SELECT * FROM plays ORDER BY time, user_id, track, duration_ms"
        for extra in [[], ["--max-rows", "7"], ["-f", "csv"], ["-f", "json"], ["-f", "jsonl"]] {
            let local = try CLI.run(["query", "--data", fx.dataDir] + extra + [sql])
            let remote = try CLI.run(["query", "--server", server.url, "--timing"] + extra + [sql])
            #expect(local.status == 0 && remote.status == 0, "\(local.stderr) \(remote.stderr)")
            #expect(remote.stdout == local.stdout, "\(extra)")
            #expect(remote.stdout.count > 1000)
        }
        // A table says how many rows it left out; --timing counts them.
        let table = try CLI.run(["query", "--server", server.url, "--timing", sql])
        #expect(table.stdout.hasSuffix(" rows (40 shown)\n"), "\(table.stdout.suffix(80))")
        #expect(table.stderr.contains("Time: "), "\(table.stderr)")
        // Files: Parquet (each codec), CSV, JSON Lines, Excel.
        for (format, extra) in [("parquet", ["--compression", "snappy"]), ("parquet", []), ("csv", []), ("jsonl", []), ("xlsx", [])] {
            let a = d.path + "/local.\(format)", b = d.path + "/remote.\(format)"
            let local = try CLI.run(["query", "--data", fx.dataDir, "-f", format, "-o", a] + extra + [sql])
            let remote = try CLI.run(["query", "--server", server.url, "-f", format, "-o", b] + extra + [sql])
            #expect(local.status == 0 && remote.status == 0, "\(format): \(local.stderr) \(remote.stderr)")
            #expect(remote.stdout.isEmpty)
            switch format {
            case "parquet":
                let va = try #require(try ParquetReadback.read(a, readers: ["pyarrow"])["pyarrow"])
                let vb = try #require(try ParquetReadback.read(b, readers: ["pyarrow"])["pyarrow"])
                #expect(vb.error == nil && vb.names == va.names && vb.types == va.types, "\(vb.error ?? "")")
                #expect(vb.columns == va.columns && (vb.columns?.first?.count ?? 0) == CLIFixture.rows)
            case "xlsx":
                let sa = try XLSXReadback.read(a), sb = try XLSXReadback.read(b)
                #expect(sb.map(\.name) == ["Result", "Query"])
                #expect(sb[0].rows == sa[0].rows && sb[0].rows.count == CLIFixture.rows + 1)
            default:
                #expect(try Data(contentsOf: URL(fileURLWithPath: b)) == Data(contentsOf: URL(fileURLWithPath: a)), "\(format)")
            }
        }
        // A failed query leaves no file (and no temporary) behind and explains itself.
        let bad = try CLI.run(["query", "--server", server.url, "-f", "parquet", "-o", d.path + "/bad.parquet", "SELECT nope FROM plays"])
        CLI.expectFailure(bad, mentioning: "nope")
        #expect(try FileManager.default.contentsOfDirectory(atPath: d.path).filter { $0.hasPrefix("bad") }.isEmpty)
        let badText = try CLI.run(["query", "--server", server.url, "-f", "csv", "SELECT nope FROM plays"])
        CLI.expectFailure(badText, mentioning: "nope")
        #expect(badText.stdout.isEmpty)
    }
}

/// A flag set on one thread and read on another.
final class Flag: @unchecked Sendable {
    private let lock = NSLock()
    private var v = false
    var value: Bool { lock.withLock { v } }
    func set(_ x: Bool) { lock.withLock { v = x } }
}
