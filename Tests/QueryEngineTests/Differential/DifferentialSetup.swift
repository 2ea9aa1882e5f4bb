import Foundation

/// Where the differential test finds its inputs and keeps its caches, and how big it runs.
///
/// Environment overrides (to reproduce or widen a run): `TSDB_DIFF_ROWS` (rows of play events, default
/// 200000), `TSDB_DIFF_DATA_SEED` (gen_plays.py's seed, default 42), `TSDB_DIFF_QUERIES` (random queries,
/// default 300), `TSDB_DIFF_QUERY_SEED` (the random queries' seed, default 1), `TSDB_DIFF_EDGE` (edge-value
/// queries, default 150), `TSDB_DIFF_RELATIONAL` (joins, windows, CTEs, set operations, default 60), `TSDB_SHARED_BENCH`
/// (the folder holding gen_plays.py and queries.sql, default `<repo>/../shared/bench`, else `<repo>/bench/public`),
/// `PYTHON`.
enum DifferentialSetup {
    static let environment = ProcessInfo.processInfo.environment

    static func setting(_ name: String, _ fallback: Int) -> Int {
        environment[name].flatMap { Int($0) } ?? fallback
    }

    static let rows = setting("TSDB_DIFF_ROWS", 200_000)
    static let dataSeed = setting("TSDB_DIFF_DATA_SEED", 42)
    static let randomQueries = setting("TSDB_DIFF_QUERIES", 300)
    static let querySeed = setting("TSDB_DIFF_QUERY_SEED", 1)
    /// `TSDB_DIFF_EDGE`: edge-value queries (`eNNN`: overflowing integers, INTEGER, ±inf/NaN, far timestamps).
    static let edgeQueries = setting("TSDB_DIFF_EDGE", 150)
    /// `TSDB_DIFF_RELATIONAL`: `jNNN` queries over the plays and the dimension table `artists` (joins, windows,
    /// WITH, set operations, correlated IN/EXISTS, generate_series).
    static let relationalQueries = setting("TSDB_DIFF_RELATIONAL", 60)
    /// The hand-written `fNNN` queries of scripts/differential.py's FUNCS list.
    static let functionQueries = 13
    /// The hand-written `sNNN` queries of scripts/differential.py's SHAPES list (issue 10's slow shapes).
    static let shapeQueries = 14
    static let python = environment["PYTHON"] ?? "python3"
    /// `TSDB_DIFF_VERBOSE=1`: print each query with tsdb's time for it.
    static let verbose = environment["TSDB_DIFF_VERBOSE"] != nil
    /// `TSDB_DIFF_SKIP=r012,p07_top_tracks_month`: cases not to run (one that crashes the engine ends the process).
    static let skip = Set((environment["TSDB_DIFF_SKIP"] ?? "").split(separator: ",").map(String.init))

    /// The repository's root: this file is `<repo>/Tests/QueryEngineTests/Differential/…` (symlinks resolved,
    /// so a scratch package that links the folder finds the real repository).
    static let repository: URL = {
        var u = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
        for _ in 0..<4 { u.deleteLastPathComponent() }
        return u
    }()

    /// gen_plays.py and queries.sql: `$TSDB_SHARED_BENCH`, else `shared/bench` beside the repository (the
    /// current public set), else the copy in `bench/public/` (so a lone clone runs every test).
    static let sharedBench: String = {
        if let dir = environment["TSDB_SHARED_BENCH"] { return dir }
        let beside = repository.deletingLastPathComponent().appendingPathComponent("shared/bench")
        if FileManager.default.fileExists(atPath: beside.appendingPathComponent("queries.sql").path) { return beside.path }
        return repository.appendingPathComponent("bench/public").path
    }()
    static let generator = sharedBench + "/gen_plays.py"
    static let queriesSQL = sharedBench + "/queries.sql"
    static let oracle = repository.appendingPathComponent("scripts/differential.py").path

    /// Generated data and DuckDB's answers are cached here across runs (keyed by everything they depend on).
    static let cacheDirectory: String = {
        let base = environment["TMPDIR"] ?? NSTemporaryDirectory()
        return URL(fileURLWithPath: base).appendingPathComponent("tsdb-differential").path
    }()

    /// The names of queries.sql's queries, in file order (read without Python, when tests are listed).
    static let namedQueries: [String] = {
        guard let text = try? String(contentsOfFile: queriesSQL, encoding: .utf8) else {
            return ["queries.sql not found at \(queriesSQL)"]
        }
        let names = text.split(separator: "\n").compactMap { line -> String? in
            guard let m = line.firstMatch(of: /^--\s*name:\s*(\S+)/) else { return nil }
            return String(m.1)
        }
        return names.isEmpty ? ["no '-- name:' queries in \(queriesSQL)"] : names
    }()

    // MARK: Python

    /// Fails naming what is missing when Python or one of duckdb, pyarrow, numpy can't be imported.
    static func checkPython() throws {
        let probe = """
            missing = []
            for name in ('duckdb', 'pyarrow', 'numpy'):
                try:
                    __import__(name)
                except Exception:
                    missing.append(name)
            print(' '.join(missing))
            """
        let out: ProcessOutput
        do { out = try run(python, ["-c", probe]) } catch {
            throw DifferentialError("the differential test needs \(python) with duckdb, pyarrow and numpy: \(error)")
        }
        guard out.status == 0 else {
            throw DifferentialError("\(python) failed (exit \(out.status)): \(out.stderr)")
        }
        let missing = out.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        guard missing.isEmpty else {
            throw DifferentialError("the differential test needs the Python package(s) \(missing): pip install \(missing)")
        }
    }

    /// `DIR` holding plays.lp and plays.parquet for `rows` and `dataSeed`, generated once and cached.
    static func playsData() throws -> String {
        let dir = cacheDirectory + "/plays-\(rows)-seed\(dataSeed)"
        let fm = FileManager.default
        if fm.fileExists(atPath: dir + "/plays.lp") && fm.fileExists(atPath: dir + "/plays.parquet") { return dir }
        try fm.createDirectory(atPath: cacheDirectory, withIntermediateDirectories: true)
        let tmp = dir + ".tmp-\(getpid())"
        try? fm.removeItem(atPath: tmp)
        let out = try run(python, [generator, "--rows", "\(rows)", "--out", tmp, "--seed", "\(dataSeed)"])
        guard out.status == 0 else {
            throw DifferentialError("gen_plays.py failed (exit \(out.status)): \(out.stderr)")
        }
        // Another test process may have won the race: then use its copy.
        if (try? fm.moveItem(atPath: tmp, toPath: dir)) == nil { try? fm.removeItem(atPath: tmp) }
        return dir
    }

    /// DuckDB's answers for queries.sql and the random queries, cached by a hash of everything they depend on,
    /// and the dimension table `artists` as line protocol (`<answers>.artists.lp`), written with them.
    static func duckdbAnswers(data: String) throws -> (answers: String, artists: String) {
        var key = Data("\(rows) \(dataSeed) \(randomQueries) \(querySeed) \(edgeQueries) \(relationalQueries)".utf8)
        key += try Data(contentsOf: URL(fileURLWithPath: oracle))
        key += try Data(contentsOf: URL(fileURLWithPath: queriesSQL))
        let path = cacheDirectory + "/answers-" + String(fnv1a(key), radix: 16) + ".json"
        let artists = path + ".artists.lp"
        let fm = FileManager.default
        if fm.fileExists(atPath: path) && fm.fileExists(atPath: artists) { return (path, artists) }
        let tmp = path + ".tmp-\(getpid())"
        let out = try run(python, [oracle, "--parquet", data + "/plays.parquet", "--queries-sql", queriesSQL,
                                   "--out", tmp, "--random", "\(randomQueries)", "--seed", "\(querySeed)",
                                   "--edge", "\(edgeQueries)", "--relational", "\(relationalQueries)",
                                   "--artists-lp", tmp + ".artists.lp"])
        guard out.status == 0 else {
            throw DifferentialError("differential.py failed (exit \(out.status)): \(out.stderr)")
        }
        // The line protocol first: the answers' presence says both are complete.
        if (try? fm.moveItem(atPath: tmp + ".artists.lp", toPath: artists)) == nil { try? fm.removeItem(atPath: tmp + ".artists.lp") }
        if (try? fm.moveItem(atPath: tmp, toPath: path)) == nil { try? fm.removeItem(atPath: tmp) }
        return (path, artists)
    }

    static func fnv1a(_ data: Data) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in data { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        return h
    }

    // MARK: processes

    struct ProcessOutput {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs `program` (looked up on PATH) to completion; its output goes through files, so no pipe can fill up.
    static func run(_ program: String, _ arguments: [String]) throws -> ProcessOutput {
        let dir = FileManager.default.temporaryDirectory
        let outURL = dir.appendingPathComponent("tsdb-diff-\(getpid())-\(UInt64.random(in: 0...UInt64.max)).out")
        let errURL = outURL.appendingPathExtension("err")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        defer {
            try? FileManager.default.removeItem(at: outURL)
            try? FileManager.default.removeItem(at: errURL)
        }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = [program] + arguments
        p.standardInput = FileHandle.nullDevice
        p.standardOutput = try FileHandle(forWritingTo: outURL)
        p.standardError = try FileHandle(forWritingTo: errURL)
        try p.run()
        p.waitUntilExit()
        return ProcessOutput(status: p.terminationStatus,
                             stdout: (try? String(contentsOf: outURL, encoding: .utf8)) ?? "",
                             stderr: (try? String(contentsOf: errURL, encoding: .utf8)) ?? "")
    }
}
