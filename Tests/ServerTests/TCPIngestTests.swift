import Foundation
import Testing
import TestSupport
@testable import tsdb_server

/// Line protocol over TCP, and the connection limits shared with HTTP.
@Suite struct TCPIngestTests {
    @Test func linesSplitAcrossPacketsAndBadLinesKeepTheConnection() throws {
        let s = try RunningServer()
        defer { s.stop() }
        let c = try TestTCPClient(port: s.tcpPort)
        var text = ""
        for i in 0..<500 {
            text += i % 50 == 7 ? "garbage without fields\n" : "t,k=v\(i % 3) n=\(i)i,s=\"x\(i)\" \(1_700_000_000_000_000_000 + Int64(i))\n"
        }
        // Send in odd-sized pieces so lines straddle reads.
        var rng = SeededRandom(seed: 7)
        let bytes = Array(text.utf8)
        var i = 0
        while i < bytes.count {
            let n = min(bytes.count - i, 1 + rng.below(300))
            try c.send(Array(bytes[i..<i + n]))
            i += n
            if rng.chance(0.1) { usleep(2000) }
        }
        // The last line has no newline: at a clean close it still counts.
        try c.send("t,k=last n=9999i,s=\"end\" 1700000000000009999")
        c.finish()
        #expect(try s.count("default", "t") == 490 + 1)
        let rows = try s.query("default", "SELECT n FROM t ORDER BY time")
        #expect(rows.map { $0["n"] as? Int } == (0..<500).filter { $0 % 50 != 7 }.map { $0 } + [9999])
        let m = try PrometheusText(try s.client().request("GET", "/metrics").text)
        #expect(m[#"tsdb_ingest_lines_rejected_total{protocol="tcp"}"#] == 10)
    }

    @Test func namesTheStoreRefusesRejectTheirLinesAndTheStreamGoesOn() throws {
        // The same decision as HTTP and the CLI: a reserved measurement is rejected, the rest is written.
        let s = try RunningServer { $0.tcpLinger = 0.05 }
        defer { s.stop() }
        let c = try TestTCPClient(port: s.tcpPort)
        try c.send("q v=1i 1700000000000000000\nLOCK v=1i 1700000000000000000\nwal v=1i 1700000000000000000\nq v=2i 1700000000000000001\n")
        #expect(eventually(timeout: 5) { ((try? s.count("default", "q")) ?? 0) == 2 })
        try c.send("q v=3i 1700000000000000002\n")
        #expect(eventually(timeout: 5) { ((try? s.count("default", "q")) ?? 0) == 3 })
        c.close()
        let m = try PrometheusText(try s.client().request("GET", "/metrics").text)
        #expect(m["tsdb_ingest_lines_rejected_total{protocol=\"tcp\"}"] == 2)
        #expect(!FileManager.default.fileExists(atPath: s.directory.path + "/data/default/LOCK/2023-11-14"))
    }

    @Test func rowsOfAQuietOpenConnectionAreCommittedAfterTheLinger() throws {
        let s = try RunningServer { $0.tcpLinger = 0.05; $0.tcpBatchRows = 1_000_000 }
        defer { s.stop() }
        let c = try TestTCPClient(port: s.tcpPort)
        try c.send("q v=1i 1700000000000000000\nq v=2i 1700000000000000001\n")
        // The connection stays open and silent: the linger timer commits the two rows.
        #expect(eventually(timeout: 5) { ((try? s.count("default", "q")) ?? 0) == 2 })
        try c.send("q v=3i 1700000000000000002\n")
        #expect(eventually(timeout: 5) { ((try? s.count("default", "q")) ?? 0) == 3 })
        c.close()
    }

    @Test func manyConcurrentConnections() throws {
        let s = try RunningServer()
        defer { s.stop() }
        let writers = 8, perWriter = 2_000
        let group = DispatchGroup()
        let failures = LockedCounter()
        let port = s.tcpPort
        for w in 0..<writers {
            group.enter()
            Thread {
                defer { group.leave() }
                do {
                    let c = try TestTCPClient(port: port)
                    var batch = ""
                    for i in 0..<perWriter {
                        batch += "c,w=w\(w) i=\(i)i \(1_700_000_000_000_000_000 + Int64(w * perWriter + i))\n"
                        if i % 250 == 249 {
                            try c.send(batch)
                            batch = ""
                        }
                    }
                    c.finish()
                } catch { failures.add(1) }
            }.start()
        }
        group.wait()
        #expect(failures.value == 0)
        #expect(try s.count("default", "c") == writers * perWriter)
        let perW = try s.query("default", "SELECT w, count(*) AS n, count(DISTINCT i) AS d FROM c GROUP BY w ORDER BY w")
        #expect(perW.count == writers)
        #expect(perW.allSatisfy { $0["n"] as? Int == perWriter && $0["d"] as? Int == perWriter })
    }

    @Test func overlongLineIsRejectedAndTheStreamGoesOn() throws {
        let s = try RunningServer { $0.maxLineLength = 200 }
        defer { s.stop() }
        let c = try TestTCPClient(port: s.tcpPort)
        try c.send("o v=1i 1700000000000000000\n")
        try c.send("o,k=" + String(repeating: "x", count: 500))
        try c.send(String(repeating: "y", count: 500) + " v=2i 1700000000000000001\n")
        try c.send("o v=3i 1700000000000000002\n")
        c.finish()
        #expect(try s.query("default", "SELECT v FROM o ORDER BY time").map { $0["v"] as? Int } == [1, 3])
    }

    @Test func connectionLimit() throws {
        let s = try RunningServer { $0.maxConnections = 2 }
        defer { s.stop() }
        let a = try s.client()
        let b = try TestTCPClient(port: s.tcpPort)
        // `a` has sent no request yet: an idle keep-alive connection would make room for the new one instead.
        #expect(eventually { s.server.context.connections.count == 2 })
        let refused = try s.client()
        #expect(try refused.readResponse().status == 503)
        #expect(refused.peerClosed())
        b.close()
        #expect(eventually { s.server.context.connections.count == 1 })
        #expect(try s.client().request("GET", "/ping").status == 204)
        _ = a
    }

    /// Trickling TCP writers (a byte now and then: no timeout applies) cannot take the slots HTTP needs.
    @Test func tcpConnectionsLeaveAQuarterOfTheSlotsToHTTP() throws {
        let s = try RunningServer { $0.maxConnections = 8 }
        defer { s.stop() }
        var tcp: [TestTCPClient] = []
        for _ in 0..<8 { tcp.append(try TestTCPClient(port: s.tcpPort)) }
        for c in tcp { try? c.send("m,h=a v=") }  // each holds a partial line (the refused two are closed)
        #expect(eventually { s.server.context.connections.count == 6 })
        for i in 0..<2 {
            let c = try s.client()
            #expect(try c.request("GET", "/ping").status == 204, "HTTP client \(i) was locked out")
        }
        _ = tcp
    }

    @Test func idleConnectionsTimeOut() throws {
        let s = try RunningServer { $0.idleTimeout = 0.3 }
        defer { s.stop() }
        let h = try s.client()
        #expect(try h.request("GET", "/ping").status == 204)
        let t = try TestHTTPClient(port: s.tcpPort)
        #expect(h.peerClosed(wait: 5))
        #expect(t.peerClosed(wait: 5))
    }

    @Test func slowRequestsTimeOut() throws {
        let s = try RunningServer { $0.requestTimeout = 0.3 }
        defer { s.stop() }
        let c = try s.client()
        try c.sendRaw(Array("POST /write?db=x HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nm v=1".utf8))
        let r = try c.readResponse()
        #expect(r.status == 408)
        #expect(c.peerClosed())
    }
}

/// A thread-safe counter for test workers.
final class LockedCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var n = 0
    func add(_ k: Int) { lock.withLock { n += k } }
    var value: Int { lock.withLock { n } }
}
