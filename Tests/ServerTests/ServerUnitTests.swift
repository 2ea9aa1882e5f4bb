import Foundation
import Ingest
import NIOHTTP1
import Testing
import TestSupport
@testable import tsdb_server

/// The pure pieces: URL parameters, addresses, sizes, tokens, JSON quoting, line lookup, response shapes.
@Suite struct ServerUnitTests {
    @Test func queryParameters() {
        let (path, q) = QueryParameters.split(uri: "/api/v3/query_sql?db=my%20db&q=SELECT+a%2Cb+FROM+t&flag&empty=&db=second&bad=%zz%4")
        #expect(path == "/api/v3/query_sql")
        #expect(q["db"] == "my db")
        #expect(q["q"] == "SELECT a,b FROM t")
        #expect(q["flag"] == "")
        #expect(q["empty"] == "")
        #expect(q["bad"] == "%zz%4")
        #expect(q["missing"] == nil)
        #expect(QueryParameters.split(uri: "/ping").query == QueryParameters())
        #expect(QueryParameters(parsing: "x=%E2%82%AC")["x"] == "€")
    }

    @Test func queryParametersRoundTripRandomStrings() {
        var rng = SeededRandom(seed: 42)
        let alphabet = Array("ab c=&+%/?é€\"'\n\t09")
        for _ in 0..<500 {
            let s = String((0..<rng.below(20)).map { _ in alphabet[rng.below(alphabet.count)] })
            #expect(QueryParameters(parsing: "k=" + urlEncode(s))["k"] == s)
        }
    }

    @Test func hostPort() {
        #expect(HostPort(parsing: "127.0.0.1:8086") == HostPort(host: "127.0.0.1", port: 8086))
        #expect(HostPort(parsing: ":9009") == HostPort(host: "0.0.0.0", port: 9009))
        #expect(HostPort(parsing: "8086") == HostPort(host: "127.0.0.1", port: 8086))
        #expect(HostPort(parsing: "[::1]:8086") == HostPort(host: "::1", port: 8086))
        #expect(HostPort(parsing: "[::1]:8086")?.description == "[::1]:8086")
        for bad in ["", "host:", "host:99999", "[::1]", "a:b", "[::1]8086"] {
            #expect(HostPort(parsing: bad) == nil, "\(bad)")
        }
    }

    @Test func byteSize() {
        #expect(ByteSize(argument: "32M")?.bytes == 32 << 20)
        #expect(ByteSize(argument: "1g")?.bytes == 1 << 30)
        #expect(ByteSize(argument: "64KiB")?.bytes == 64 << 10)
        #expect(ByteSize(argument: "100")?.bytes == 100)
        #expect(ByteSize(argument: "10MB")?.bytes == 10 << 20)
        #expect(ByteSize(argument: "-1") == nil)
        #expect(ByteSize(argument: "lots") == nil)
        #expect(ByteSize(argument: "99999999999999999G") == nil)
        #expect(ByteSize(32 << 20).description == "32M")
    }

    @Test func authCandidates() throws {
        var h = HTTPHeaders()
        h.add(name: "Authorization", value: "Token abc")
        #expect(HTTPCredentials.candidates(h, QueryParameters()) == ["abc"])
        h = HTTPHeaders()
        h.add(name: "authorization", value: "bearer  xyz ")
        #expect(HTTPCredentials.candidates(h, QueryParameters()) == ["xyz"])
        h = HTTPHeaders()
        h.add(name: "Authorization", value: "Basic " + Data("me:p:w".utf8).base64EncodedString())
        #expect(HTTPCredentials.candidates(h, QueryParameters(parsing: "u=me&p=q1&token=q2")) == ["p:w", "q1", "q2"])
        let auth = try #require(try? TokenAuthority(adminTokens: ["one", "two"], file: nil))
        #expect(auth.authenticate(token: "two") != nil)
        #expect(auth.authenticate(token: "tw") == nil)
        #expect(auth.authenticate(token: "twoo") == nil)
        #expect(auth.authenticate(token: "") == nil)
        #expect(try TokenAuthority(adminTokens: [], file: nil).allows(HTTPHeaders(), QueryParameters()))
        #expect(!auth.allows(HTTPHeaders(), QueryParameters()))
    }

    @Test func oldTokenFileStillWorks() throws {
        let dir = TempDirectory("tsdb-auth")
        defer { dir.remove() }
        let p = dir.path + "/tokens"
        try "# comment\n\n  tok-1  \ntok-2\n".write(toFile: p, atomically: true, encoding: .utf8)
        let auth = try TokenAuthority(adminTokens: [], file: p)
        #expect(auth.count == 2)
        #expect(auth.authenticate(token: "tok-1") == .full(name: TokenFile.fingerprint(TokenFile.sha256("tok-1"))))
        #expect(auth.authenticate(token: "tok-2")?.admin == true)
        #expect(auth.authenticate(token: "tok-3") == nil)
    }

    @Test func jsonQuote() throws {
        for s in ["plain", "quote\" back\\slash", "nl\ncr\rtab\t", "ctrl\u{1}\u{1f}", "é€😀", ""] {
            let data = Data(("[" + JSON.quote(s) + "]").utf8)
            #expect((try JSONSerialization.jsonObject(with: data) as? [String])?.first == s)
        }
    }

    @Test func lineTexts() {
        let body = Array("a\r\nbb\n\nccc\nlast".utf8)
        let t = body.withUnsafeBytes { WriteResponses.lineTexts($0, numbers: [1, 2, 3, 4, 5, 9]) }
        #expect(t == [1: "a", 2: "bb", 3: "", 4: "ccc", 5: "last"])
        let clipped = Array(String(repeating: "x", count: 5000).utf8).withUnsafeBytes { WriteResponses.lineTexts($0, numbers: [1], maxLength: 10) }
        #expect(clipped[1] == "xxxxxxxxxx")
    }

    @Test func writeResponseShapes() throws {
        var report = IngestReport()
        report.linesAccepted = 3
        #expect(WriteResponses.response(.v1, report: report, malformed: false, lines: [:]).status == .noContent)
        report.addRejections(2, [IngestError(line: 2, message: "line 2, column 3: bad"), IngestError(line: 5, message: "line 5: conflict")])
        let v1 = WriteResponses.response(.v1, report: report, malformed: true, lines: [:])
        #expect(v1.status == .badRequest)
        let o1 = try JSONSerialization.jsonObject(with: Data(v1.body)) as? [String: Any]
        #expect(o1?["error"] as? String == "partial write: line 2, column 3: bad\nline 5: conflict dropped=2")
        #expect(WriteResponses.response(.v2, report: report, malformed: true, lines: [:]).status == .badRequest)
        #expect(WriteResponses.response(.v2, report: report, malformed: false, lines: [:]).status == .unprocessableEntity)
        let v3 = WriteResponses.response(.v3, report: report, malformed: true, lines: [2: "x y", 5: "z"])
        let o3 = try JSONSerialization.jsonObject(with: Data(v3.body)) as? [String: Any]
        let data = o3?["data"] as? [[String: Any]]
        #expect(data?.map { $0["original_line"] as? String } == ["x y", "z"])
        #expect(data?.map { $0["line_number"] as? Int } == [2, 5])
    }

    @Test func routes() {
        #expect((try? HTTPRoute.match(.POST, "/write").get()) == .write(.v1))
        #expect((try? HTTPRoute.match(.POST, "/api/v2/write/").get()) == .write(.v2))
        #expect((try? HTTPRoute.match(.POST, "/api/v3/write_lp").get()) == .write(.v3))
        #expect((try? HTTPRoute.match(.GET, "/api/v3/query_sql").get()) == .query)
        #expect((try? HTTPRoute.match(.POST, "/api/v3/query_sql").get()) == .query)
        #expect((try? HTTPRoute.match(.HEAD, "/ping").get()) == .ping)
        #expect((try? HTTPRoute.match(.DELETE, "/write").get()) == nil)
        #expect((try? HTTPRoute.match(.GET, "/writes").get()) == nil)
    }

    @Test func writeParameters() {
        func p(_ api: WriteAPI, _ q: String, _ def: String = "default") -> WriteRoutes.Parameters? {
            try? WriteRoutes.parameters(api, QueryParameters(parsing: q), defaultDatabase: def).get()
        }
        #expect(p(.v1, "db=a&precision=u") == .init(api: .v1, database: "a", precision: .fixed(.us)))
        #expect(p(.v1, "precision=n")?.database == "default")
        #expect(p(.v1, "", "") == nil)
        #expect(p(.v2, "bucket=b&org=o&precision=ms") == .init(api: .v2, database: "b", precision: .fixed(.ms)))
        #expect(p(.v2, "db=b") == nil)
        #expect(p(.v3, "db=c")?.precision == .auto)
        #expect(p(.v3, "db=c&precision=second&accept_partial=false") == .init(api: .v3, database: "c", precision: .fixed(.s), acceptPartial: false))
        #expect(p(.v3, "db=c&accept_partial=maybe") == nil)
        #expect(p(.v2, "bucket=b&precision=auto") == nil)
        #expect(p(.v1, "db=a&precision=m") == nil)
    }

    @Test func budget() {
        let b = IngestBudget(limit: 100)
        #expect(b.reserve(60))
        #expect(!b.reserve(41))
        #expect(b.reserve(40))
        b.release(100)
        #expect(b.inUse == 0)
    }
}
