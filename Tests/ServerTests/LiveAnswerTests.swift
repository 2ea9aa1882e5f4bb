import Foundation
import QueryEngine
import Testing
@testable import tsdb_server
#if canImport(Glibc)
import Glibc
#endif

/// `query_sql` answers in CSV, JSON and JSON Lines go out while the engine produces them: a large
/// answer equals the engine's whole answer byte for byte, a client that stops reading holds the query
/// back instead of making the server format the whole answer, and an error after the first byte ends
/// the text with an error line and a response without its last chunk.
@Suite struct LiveAnswerTests {
    static let rows = 120_000

    /// A server with `rows` play events in database `live` (a fixed, seeded-free pattern).
    static func server(_ configure: (inout ServerConfig) -> Void = { _ in }) throws -> RunningServer {
        let s = try RunningServer(configure)
        let c = try s.client()
        let base: Int64 = 1_767_225_600_000_000_000
        var lo = 0
        while lo < rows {
            var text = ""
            for i in lo..<min(rows, lo + 20_000) {
                text += "plays,artist=Artist\\ \(i % 97),platform=\(["web", "ios", "android"][i % 3]) "
                    + "duration_ms=\(i * 7 % 300_000)i,user_id=\"user-\(i)\",revenue=\(Double(i) / 8) \(base + Int64(i) * 1_000_000)\n"
            }
            let r = try c.request("POST", "/write?db=live", body: text)
            guard r.status == 204 else { throw TestError("setup write failed: \(r.status) \(r.text)") }
            lo += 20_000
        }
        return s
    }

    static let sql = "SELECT time, artist, platform, duration_ms, user_id, revenue FROM plays"

    /// The engine's whole answer, formatted at once (what the server sent before it streamed).
    static func whole(_ s: RunningServer, _ sql: String, _ format: ResultFormat) throws -> [UInt8] {
        let engine = try #require(try s.server.context.databases.engine("live"))
        return ResultFormatter.format(try engine.execute(sql), as: format)
    }

    @Test func aLargeAnswerStreamsAndEqualsTheWholeAnswer() throws {
        // The memory budget is far below the answer's text (about 12 MB of CSV, 20 MB of JSON).
        let s = try Self.server { $0.queryMemory = 8 << 20 }
        defer { s.stop() }
        for sql in [Self.sql] {
            for format in [ResultFormat.csv, .json, .jsonl] {
                let r = try TestHTTPClient(port: s.httpPort, timeout: 600).request("GET", "/api/v3/query_sql?db=live&format=\(format.rawValue)&q=\(urlEncode(sql))")
                #expect(r.status == 200, "\(format): \(r.text.prefix(300))")
                #expect(r.header("Transfer-Encoding") == "chunked")
                #expect(r.chunks > 10, "sent in pieces")
                let expected = try Self.whole(s, sql, format)
                #expect(r.body.count == expected.count && r.body == expected, "\(format) \(sql)")
            }
        }
        // A small answer still comes whole, with its length.
        let small = try s.client().request("GET", "/api/v3/query_sql?db=live&format=csv&q=\(urlEncode("SELECT count(*) AS n FROM plays"))")
        #expect(small.status == 200 && small.text == "n\n\(Self.rows)\n")
        #expect(small.header("Content-Length") == String(small.body.count))
        // Gzip on the wire: the same text.
        let c = try s.client()
        let gz = try c.request("GET", "/api/v3/query_sql?db=live&format=jsonl&q=\(urlEncode(Self.sql))", headers: [("Accept-Encoding", "gzip")])
        #expect(gz.status == 200 && gz.header("Content-Encoding") == "gzip")
        #expect(try HTTPOperationsTests.gunzip(gz.body) == Self.whole(s, Self.sql, .jsonl))
    }

    @Test func aClientThatStopsReadingHoldsTheQueryBack() throws {
        let s = try Self.server()
        defer { s.stop() }
        let stats = s.server.context.streaming
        let before = stats.rowsFormatted
        // A socket with a small receive buffer that reads the head and then nothing.
        let fd = try Self.connect(port: s.httpPort, receiveBuffer: 16 << 10)
        defer { close(fd) }
        let request = "GET /api/v3/query_sql?db=live&format=json&q=\(urlEncode(Self.sql)) HTTP/1.1\r\nHost: x\r\n\r\n"
        try TestHTTPClient.sendAll(fd, Array(request.utf8))
        var head: [UInt8] = []
        var one: UInt8 = 0
        while !head.suffix(4).elementsEqual([13, 10, 13, 10]) {
            guard recv(fd, &one, 1, 0) == 1 else { throw TestError("no head") }
            head.append(one)
        }
        #expect(String(decoding: head, as: UTF8.self).hasPrefix("HTTP/1.1 200"))
        // Wait until the server stops formatting (it waits for the socket), then look at how far it got.
        var last = -1, stableSince = Date()
        let deadline = Date().addingTimeInterval(120)
        while Date() < deadline {
            let now = stats.rowsFormatted
            if now != last { last = now; stableSince = Date() }
            if Date().timeIntervalSince(stableSince) > 2 { break }
            usleep(50_000)
        }
        let formatted = stats.rowsFormatted - before
        // About 170 bytes of JSON a row: kernel buffers hold a few MB, the server at most two pieces.
        #expect(formatted < Self.rows / 2, "the server formatted \(formatted) of \(Self.rows) rows for a client that reads nothing")
        #expect(stats.unsentBytes.peak <= 2 * (QueryRoutes.livePieceBytes + (1 << 20)), "\(stats.unsentBytes)")
        // Reading again, the whole answer arrives.
        var body: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while !body.suffix(5).elementsEqual(Array("0\r\n\r\n".utf8)) {
            let n = recv(fd, &buffer, buffer.count, 0)
            guard n > 0 else { break }
            body += buffer[..<n]
        }
        let text = try dechunk(body)
        let expected = try Self.whole(s, Self.sql, .json)
        #expect(text == expected)
        // An answer computed whole first (a sort) is formatted in pieces too, and equals the whole text.
        let sorted = Self.sql + " ORDER BY user_id DESC"
        for format in [ResultFormat.csv, .json, .table] {
            // A sort computes the whole answer before its first byte: a generous wait on a loaded machine.
            let r = try TestHTTPClient(port: s.httpPort, timeout: 600).request("GET", "/api/v3/query_sql?db=live&format=\(format == .table ? "pretty" : format.rawValue)&q=\(urlEncode(sorted))")
            #expect(r.status == 200 && r.chunks > 10, "\(format)")
            let whole = format == .table
                ? ResultFormatter.format(try #require(try s.server.context.databases.engine("live")).execute(sorted), as: .table,
                                         table: TableStyle(maxRows: 0, maxCellWidth: 0, ascii: true, showTypes: false, footer: false))
                : try Self.whole(s, sorted, format)
            #expect(r.body == whole, "\(format)")
        }
    }

    @Test func anErrorAfterTheFirstByteEndsTheTextAndCutsTheResponse() throws {
        // The first 64K-row chunk goes out, the next one passes the cap (a filter: no count is known first).
        let s = try Self.server { $0.maxResultRows = 100_000 }
        defer { s.stop() }
        for (format, marker) in [("csv", "#error: "), ("jsonl", "{\"error\":"), ("json", "{\"error\":")] {
            let fd = try Self.connect(port: s.httpPort, receiveBuffer: 0)
            defer { close(fd) }
            let sql = Self.sql + " WHERE duration_ms >= 0"
            let request = "GET /api/v3/query_sql?db=live&format=\(format)&q=\(urlEncode(sql)) HTTP/1.1\r\nHost: x\r\n\r\n"
            try TestHTTPClient.sendAll(fd, Array(request.utf8))
            var all: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 1 << 16)
            while true {
                let n = recv(fd, &buffer, buffer.count, 0)
                guard n > 0 else { break }  // the server closes the connection
                all += buffer[..<n]
            }
            let text = String(decoding: all, as: UTF8.self)
            #expect(text.hasPrefix("HTTP/1.1 200"), "\(format): \(text.prefix(200))")
            let headEnd = try #require(all.firstRange(of: Array("\r\n\r\n".utf8)))
            #expect(!text.hasSuffix("0\r\n\r\n"), "\(format): no last chunk")
            let body = String(decoding: try dechunk(Array(all[headEnd.upperBound...]), complete: false), as: UTF8.self)
            let lines = body.split(separator: "\n")
            let errorLine = try #require(lines.last { $0.hasPrefix(marker) }, "\(format): \(body.suffix(300))")
            #expect(errorLine.contains("--max-result-rows"), "\(errorLine)")
            if format == "json" {
                // Still one JSON document: the rows so far, then the error object.
                let parsed = try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [[String: Any]]
                #expect(parsed?.last?["error"] is String)
                #expect((parsed?.count ?? 0) > 1000)
            } else {
                #expect(lines.count > 1000, "rows before the error")
            }
        }
    }

    /// A TCP connection to 127.0.0.1:`port`; `receiveBuffer` > 0 sets SO_RCVBUF before connecting.
    static func connect(port: Int, receiveBuffer: Int32) throws -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw TestError("socket() failed") }
        var size = receiveBuffer
        if size > 0 { setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size)) }
        var tv = timeval(tv_sec: 120, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard rc == 0 else { close(fd); throw TestError("connect failed: errno \(errno)") }
        return fd
    }
}

/// The data of a chunked body (`complete: false` accepts one cut before its last chunk).
func dechunk(_ bytes: [UInt8], complete: Bool = true) throws -> [UInt8] {
    var out: [UInt8] = []
    var i = 0
    while true {
        guard let lf = bytes[i...].firstIndex(of: 0x0A) else {
            if complete { throw TestError("cut chunked body") }
            return out
        }
        let sizeText = String(decoding: bytes[i..<lf], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard let size = Int(sizeText.split(separator: ";").first ?? "", radix: 16) else { throw TestError("bad chunk size '\(sizeText)'") }
        if size == 0 { return out }
        let start = lf + 1
        guard start + size <= bytes.count else {
            if complete { throw TestError("cut chunk") }
            out += bytes[start...]
            return out
        }
        out += bytes[start..<start + size]
        i = start + size + 2
        if i >= bytes.count {
            if complete { throw TestError("no last chunk") }
            return out
        }
    }
}
