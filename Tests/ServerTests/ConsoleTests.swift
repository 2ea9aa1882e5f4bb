import Foundation
import TestSupport
import Testing
@testable import tsdb_server

/// The web console: its files are compiled in and served with the right headers; its JavaScript logic
/// passes its unit tests (Node); and, in headless Chromium driven by selenium, the console, the
/// dashboard and the artist report work against a real server holding play events.
@Suite struct ConsoleTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    static let assets = repository.appendingPathComponent("Sources/tsdb-server/Console/assets")

    // MARK: assets and routes

    @Test func embeddedAssetsMatchTheFiles() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: Self.assets.path).filter { !$0.hasPrefix(".") }.sorted()
        #expect(names == ConsoleAssets.sources.keys.sorted(), "run scripts/embed_console_assets.py")
        for name in names {
            let text = try String(contentsOf: Self.assets.appendingPathComponent(name), encoding: .utf8)
            #expect(ConsoleAssets.sources[name] == text, "\(name) changed: run scripts/embed_console_assets.py")
        }
    }

    @Test func pagesAndAssetsAreServedWithTypesAndCaching() throws {
        let s = try RunningServer()
        defer { s.stop() }
        let c = try s.client()
        for (path, type, marker) in [("/", "text/html; charset=utf-8", "data-testid=\"editor\""),
                                     ("/dashboard", "text/html; charset=utf-8", "dashboard.js"),
                                     ("/dashboard/", "text/html; charset=utf-8", "dashboard.js"),
                                     ("/report", "text/html; charset=utf-8", "report.js"),
                                     ("/console/lib.js", "text/javascript; charset=utf-8", "export function expandRange"),
                                     ("/console/style.css", "text/css; charset=utf-8", "prefers-color-scheme"),
                                     ("/console/favicon.svg", "image/svg+xml", "<svg"),
                                     ("/console/dashboards.json", "application/json", "\"panels\"")] {
            let r = try c.request("GET", path)
            #expect(r.status == 200, "\(path)")
            #expect(r.header("Content-Type") == type, "\(path)")
            #expect(r.header("Cache-Control") == "no-cache", "\(path)")
            #expect(r.header("Content-Security-Policy")?.contains("default-src 'self'") == true, "\(path)")
            #expect(r.header("X-Content-Type-Options") == "nosniff", "\(path)")
            #expect(r.text.contains(marker), "\(path)")
            let etag = try #require(r.header("ETag"), "\(path)")
            let again = try c.request("GET", path, headers: [("If-None-Match", etag)])
            #expect(again.status == 304 && again.body.isEmpty, "\(path) revalidates")
        }
        let head = try c.request("HEAD", "/")
        #expect(head.status == 200 && head.body.isEmpty)
        #expect(try c.request("GET", "/console/nope.js").status == 404)
        #expect(try c.request("GET", "/console/index.html").status == 404)  // pages have their own paths
        #expect(try c.request("GET", "/console/../Package.swift").status == 404)
        let post = try c.request("POST", "/", body: "x")
        #expect(post.status == 405 && post.header("Allow") == "GET, HEAD")
        #expect(try c.request("GET", "/nothing").status == 404)
    }

    @Test func consoleSettingsAndTokens() throws {
        let dashboards = #"{"title":"Mine","panels":[{"title":"n","sql":"SELECT count(*) FROM plays WHERE $range","chart":"stat"}]}"#
        let s = try RunningServer { $0.tokens = ["t0ken"]; $0.dashboards = dashboards }
        defer { s.stop() }
        let c = try s.client()
        #expect(try c.request("POST", "/write?db=music", headers: s.auth, body: "plays,artist=A n=1i 1").status == 204)
        // Pages need no token; the settings name no database without one.
        #expect(try c.request("GET", "/").status == 200)
        let anonymous = try c.request("GET", "/console/config.json").object
        #expect(anonymous["auth"] as? Bool == true && anonymous["authorized"] as? Bool == false)
        #expect((anonymous["databases"] as? [String]) == [])
        #expect(anonymous["default_database"] as? String == "default")
        let known = try c.request("GET", "/console/config.json", headers: s.auth)
        #expect(known.header("Cache-Control") == "no-store")
        #expect((known.object["databases"] as? [String]) == ["music"])
        #expect(try c.request("GET", "/console/dashboards.json").text == dashboards)
        // The queries the pages make still need one.
        #expect(try c.request("GET", "/api/v3/query_sql?db=music&q=SHOW+TABLES").status == 401)
    }

    @Test func dashboardsFilesAreChecked() throws {
        try ConsoleDashboards.validate(try #require(ConsoleAssets.sources["dashboards.json"]))
        for bad in ["[]", "{}", #"{"panels":[{"sql":"x"}]}"#, #"{"panels":[{"title":"a"}]}"#,
                    #"{"panels":[{"title":"a","sql":"x","metric":"m"}]}"#, #"{"panels":[{"title":"a","sql":"x","chart":"pie"}]}"#,
                    #"{"refresh_seconds":0,"panels":[]}"#, "not json"] {
            #expect(throws: ConsoleDashboards.Invalid.self, "\(bad)") { try ConsoleDashboards.validate(bad) }
        }
        let dir = TempDirectory("tsdb-dashboards")
        defer { dir.remove() }
        #expect(throws: ConsoleDashboards.Invalid.self) { try ConsoleDashboards.load(path: dir.path + "/missing.json") }
        var cmd = try ServerCommand.parse(["--data", dir.path, "--dashboards", dir.path + "/missing.json"])
        #expect(throws: (any Error).self) { try cmd.makeConfig() }
        try #"{"panels":[]}"#.write(toFile: dir.path + "/d.json", atomically: true, encoding: .utf8)
        cmd = try ServerCommand.parse(["--data", dir.path, "--dashboards", dir.path + "/d.json"])
        #expect(try cmd.makeConfig().dashboards == #"{"panels":[]}"#)
    }

    // MARK: JavaScript unit tests

    /// `node --test Tests/ConsoleJS/lib.test.mjs`: the logic module the pages load (chart choice, formatting, `$range`,
    /// error positions). Needs Node 18 or later (scripts/setup.sh installs it).
    @Test func javaScriptLogic() throws {
        guard let node = Self.which("node") else {
            throw TestError("node is not installed: run scripts/setup.sh (it installs nodejs)")
        }
        let (status, output) = try Self.run(node, ["--test", "Tests/ConsoleJS/lib.test.mjs"], in: Self.repository.path)
        #expect(status == 0, "node --test failed:\n\(output)")
    }

    // MARK: the browser

    static let browserMissing: String? = {
        if ConsoleTests.which("chromium") == nil && ConsoleTests.which("chromium-browser") == nil { return "chromium is not installed" }
        if ConsoleTests.which("chromedriver") == nil { return "chromedriver is not installed (Debian: chromium-driver)" }
        if (try? ConsoleTests.run("/usr/bin/env", ["python3", "-c", "import selenium"], in: "/"))?.0 != 0 { return "the Python package selenium is not installed" }
        return nil
    }()

    /// Runs Clients/console_browser.py in headless Chromium against a server holding play events and
    /// configured with a token. Skipped, saying why, when chromium, chromedriver or selenium is missing
    /// (scripts/setup.sh installs them, so CI runs it). Screenshots land in a temp directory it prints.
    @Test(.enabled(if: browserMissing == nil, "browser test skipped: \(browserMissing ?? "")"))
    func consoleDashboardAndReportInChromium() throws {
        let s = try RunningServer { $0.tokens = ["br0wser"]; $0.queryConcurrency = 2; $0.queryCacheTTL = 30 }
        defer { s.stop() }
        let c = try s.client()
        for batch in PlayEvents.lines(count: 6000, now: Date()).chunked(1000) {
            let r = try c.request("POST", "/write?db=default", headers: s.auth, body: batch.joined(separator: "\n"))
            #expect(r.status == 204, "write: \(r.status) \(r.text)")
        }
        // One malformed line, so the dashboard's rejected-lines panel has something to count.
        #expect(try c.request("POST", "/write?db=default", headers: s.auth, body: "plays,artist=X duration_ms=oops").status == 400)
        let shots = TempDirectory("tsdb-console-screenshots").path
        print("console screenshots: \(shots)")
        let chromium = Self.which("chromium") ?? Self.which("chromium-browser")!
        let (status, output) = try Self.run("/usr/bin/env", ["python3", "console_browser.py", String(s.httpPort), shots, "br0wser"],
                                            in: PythonClientTests.clients, environment: ["CHROMIUM": chromium])
        print(output)
        #expect(status == 0, "console_browser.py failed:\n\(output)")
        #expect(output.contains("\nok"))
    }

    // MARK: helpers

    static func which(_ name: String) -> String? {
        for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
            let p = "\(dir)/\(name)"
            if FileManager.default.isExecutableFile(atPath: p) { return p }
        }
        return nil
    }

    /// Runs a program to its end; its exit status and its stdout and stderr together.
    static func run(_ exe: String, _ args: [String], in dir: String, environment: [String: String] = [:]) throws -> (Int32, String) {
        try runProgram(exe, args, in: dir, environment: environment)
    }
}

/// Play events shaped like `tsdb-cli generate`'s (tags artist, track, platform, country, device; fields
/// user_id, duration_ms, completed, skipped, liked, revenue), spread over the last 40 days with a
/// tenth in the last hour, from a fixed seed.
enum PlayEvents {
    static let artists = ["Artist 0001", "Artist 0002", "Artist 0003", "Artist 0004", "The 0097s, Live=Loud", "Artist 0005"]
    static let platforms = ["spotify", "youtube", "apple_music", "amazon_music", "deezer", "tidal"]
    static let countries = ["US", "GB", "DE", "FR", "BR", "JP", "SE"]
    static let devices = ["mobile", "desktop", "tablet", "car"]

    static func escape(_ s: String) -> String {
        var out = ""
        for ch in s {
            if ch == "," || ch == "=" || ch == " " { out.append("\\") }
            out.append(ch)
        }
        return out
    }

    static func lines(count: Int, now: Date) -> [String] {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next(_ n: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(n))
        }
        let nowNs = Int64(now.timeIntervalSince1970 * 1e9)
        return (0..<count).map { i in
            let back = i % 10 == 0 ? Int64(next(3_500)) : Int64(next(40 * 86_400))
            let t = nowNs - back * 1_000_000_000 - Int64(next(1_000_000_000))
            // Skewed: lower-numbered artists and tracks are played more.
            let artist = artists[min(next(artists.count), next(artists.count))]
            let track = "Track \(String(format: "%06d", min(next(12), next(12)) + 1))"
            let skipped = next(100) < 23
            let duration = skipped ? 1_000 + next(29_000) : 120_000 + next(240_000)
            return "plays,artist=\(escape(artist)),track=\(escape(track)),platform=\(platforms[min(next(6), next(6))]),"
                + "country=\(countries[next(countries.count)]),device=\(devices[next(devices.count)]) "
                + "user_id=\"u\(String(format: "%07d", next(900)))\",duration_ms=\(duration)i,completed=\(!skipped && next(100) < 71),"
                + "skipped=\(skipped),liked=\(next(100) < 5),revenue=\(skipped ? 0 : 0.0035) \(t)"
        }
    }
}

extension Array {
    func chunked(_ size: Int) -> [ArraySlice<Element>] {
        stride(from: 0, to: count, by: size).map { self[$0..<Swift.min($0 + size, count)] }
    }
}
