import Foundation
import Testing
import TestSupport

/// Concurrent writers (HTTP and TCP) and readers against the built server for a bounded time: nothing
/// lost, no error but the expected 503s (retried), readers see their writes, memory stays bounded.
@Suite(.serialized) struct LoadTests {
    @Test func concurrentWritersAndReaders() throws {
        let dir = TempDirectory("tsdb-load")
        defer { dir.remove() }
        let server = try ServerProcess(data: dir.path, extra: [
            "--memtable-size", "4M", "--max-inflight-bytes", "2M", "--max-body-size", "1M", "--write-threads", "2",
            "--default-db", "load",
        ], tcp: true)
        defer { server.stop(signal: SIGTERM) }
        let seconds = 2.0
        let deadline = Date().addingTimeInterval(seconds)
        let ackedRows = LockedCounter(), sentTCP = LockedCounter()
        let errors = LockedCounter(), overloads = LockedCounter(), queries = LockedCounter(), stale = LockedCounter()
        let maxRSS = LockedCounter()
        let port = server.httpPort, tcpPort = server.tcpPort!
        let group = DispatchGroup()
        func spawn(_ body: @escaping @Sendable () throws -> Void) {
            group.enter()
            Thread {
                defer { group.leave() }
                do { try body() } catch { errors.add(1) }
            }.start()
        }
        // HTTP writers: unique `seq` per row; a 503 is retried after Retry-After.
        for w in 0..<3 {
            spawn {
                let c = try TestHTTPClient(port: port)
                var b = 0
                while Date() < deadline {
                    var body = ""
                    for j in 0..<1000 {
                        let seq = w * 10_000_000 + b * 1000 + j
                        body += "l,src=http,w=w\(w) seq=\(seq)i,v=\(Double(j) * 0.5) \(1_763_683_200_000_000_000 + Int64(seq) * 1_000_000)\n"
                    }
                    while true {
                        let r = try c.request("POST", "/api/v2/write?bucket=load", body: body)
                        if r.status == 204 { break }
                        if r.status == 503 {
                            overloads.add(1)
                            usleep(20_000)
                            continue
                        }
                        errors.add(1)
                        return
                    }
                    ackedRows.add(1000)
                    b += 1
                }
            }
        }
        // A TCP writer.
        spawn {
            let c = try TestTCPClient(port: tcpPort)
            var b = 0
            while Date() < deadline {
                var body = ""
                for j in 0..<1000 {
                    let seq = 90_000_000 + b * 1000 + j
                    body += "l,src=tcp,w=t seq=\(seq)i,v=1.5 \(1_763_683_200_000_000_000 + Int64(seq) * 1_000_000)\n"
                }
                try c.send(body)
                sentTCP.add(1000)
                b += 1
                usleep(10_000)  // ~100k lines/s: enough to overlap with everything else, cheap to drain
            }
            c.finish()
        }
        // Readers: every answer is 200 and counts at least the rows acknowledged before it was asked.
        for _ in 0..<2 {
            spawn {
                let c = try TestHTTPClient(port: port)
                while ackedRows.value == 0 && Date() < deadline { usleep(10_000) }
                while Date() < deadline {
                    let before = ackedRows.value
                    let r = try c.request("GET", "/api/v3/query_sql?db=load&format=csv&q=\(urlEncode("SELECT count(*) AS n FROM l WHERE src = 'http'"))")
                    guard r.status == 200 else { errors.add(1); return }
                    queries.add(1)
                    if let n = Int(r.text.split(separator: "\n").last ?? ""), n < before { stale.add(1) }
                    let g = try c.request("GET", "/api/v3/query_sql?db=load&q=\(urlEncode("SELECT w, count(*), max(seq) FROM l GROUP BY w ORDER BY w"))")
                    guard g.status == 200 else { errors.add(1); return }
                    queries.add(1)
                }
            }
        }
        // Memory sampler.
        spawn {
            while Date() < deadline {
                let rss = server.rssBytes
                if rss > maxRSS.value { maxRSS.add(rss - maxRSS.value) }
                usleep(50_000)
            }
        }
        group.wait()
        #expect(errors.value == 0)
        #expect(stale.value == 0, "a reader saw fewer rows than were acknowledged before its query")
        #expect(queries.value > 0)
        #expect(ackedRows.value > 0 && sentTCP.value > 0)
        let c = try TestHTTPClient(port: port)
        let total = ackedRows.value + sentTCP.value
        var last = ""
        let complete = eventually(timeout: 20) {
            let r = try? c.request("GET", "/api/v3/query_sql?db=load&format=csv&q=\(urlEncode("SELECT count(*), count(DISTINCT seq) FROM l"))")
            last = r?.text ?? ""
            return last.hasSuffix("\n\(total),\(total)\n")
        }
        #expect(complete, "expected \(total) distinct rows, got \(last)")
        #expect(maxRSS.value < 1 << 30, "RSS peaked at \(maxRSS.value >> 20) MiB")
        let stopped = server.stop(signal: SIGTERM)
        #expect(stopped.reason == .exit && stopped.status == 0)
    }

    /// Opt-in (`TSDB_LOAD_FILE=plays.lp`): the whole file through HTTP with 2 connections of 5,000-line
    /// batches; the server stays under 1 GiB RSS and every line is stored.
    @Test(.enabled(if: ProcessInfo.processInfo.environment["TSDB_LOAD_FILE"] != nil))
    func wholeFileStaysUnderOneGiB() throws {
        let file = ProcessInfo.processInfo.environment["TSDB_LOAD_FILE"]!
        let dir = TempDirectory("tsdb-bigload")
        defer { dir.remove() }
        let server = try ServerProcess(data: dir.path)
        defer { server.stop(signal: SIGTERM) }
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../Benchmarks/LoadClient/load_client.py").standardized.path
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", script, "write", "--file", file, "--url", "http://127.0.0.1:\(server.httpPort)",
                       "--db", "big", "--connections", "2", "--batch-lines", "5000", "--server-pid", String(server.pid), "--json"]
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        #expect(p.terminationStatus == 0)
        let result = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
        let peak = result["server_max_rss_bytes"] as? Int ?? Int.max
        #expect(peak < 1 << 30, "peak RSS \(peak >> 20) MiB: \(String(decoding: data, as: UTF8.self))")
        let c = try TestHTTPClient(port: server.httpPort)
        let r = try c.request("GET", "/api/v3/query_sql?db=big&format=csv&q=\(urlEncode("SELECT count(*) FROM plays"))")
        #expect(r.text.hasSuffix("\n\(result["lines"] as? Int ?? -1)\n"))
    }
}
