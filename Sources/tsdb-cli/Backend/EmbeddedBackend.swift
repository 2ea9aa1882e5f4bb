import ColumnStore
import Foundation
import Ingest
import LineProtocol
import QueryEngine

/// The store opened in this process: a database directory under the data root.
final class EmbeddedBackend: Backend, @unchecked Sendable {
    let root: String
    let name: String
    private(set) var registry: DatabaseRegistry
    private(set) var database: Database
    /// Opened beside a writer (no lock); a statement that changes data reopens it writable first.
    private(set) var readOnly: Bool
    private var engines: [Int: QueryEngine] = [:]
    /// The memory budget of each query (`--query-memory`).
    var queryMemory = QueryControl.defaultMemoryLimit
    var settings: [String: String] = [:]
    /// The session statements run in.
    var session: QuerySession { QuerySession(database: name, settings: settings) }

    /// Opens `<root>/<name>`. Without `create`, a missing database is an error (and nothing is created).
    /// `forWriting` runs the store's background flushing and compaction. `readOnly` opens it beside its
    /// writer (a server, an ingest): no lock, no file changed, segments opened as queries touch them.
    init(root: String, database name: String, create: Bool, forWriting: Bool, readOnly: Bool = false) throws {
        self.root = root
        self.name = name
        self.readOnly = readOnly
        let dir = root + "/" + name
        var isDir: ObjCBool = false
        if !create && !(FileManager.default.fileExists(atPath: dir, isDirectory: &isDir) && isDir.boolValue) {
            throw CLIError("no database '\(name)' in \(root) (load data first: tsdb-cli ingest --data \(root) FILE)")
        }
        var options = DatabaseOptions()
        options.background = forWriting
        if forWriting { options.boundForOneShotWriter() }
        registry = try DatabaseRegistry(root: root, options: options, readOnly: readOnly)
        database = try Self.open(registry, name, create: create && !readOnly, root: root)
    }

    /// Opens the database, waiting up to `lockWait` seconds while another process holds it (another
    /// CLI command finishing, say); a server that keeps it open is reported with a hint.
    static func open(_ registry: DatabaseRegistry, _ name: String, create: Bool, root: String, lockWait: Double = 10) throws -> Database {
        let clock = Stopwatch()
        while true {
            do {
                guard let db = try registry.database(name, create: create) else {
                    throw CLIError("no database '\(name)' in \(root)")
                }
                // Every change from now on reaches the database's materialized views.
                QueryEngine.attachMaterializedViews(db)
                return db
            } catch let e as StorageError {
                guard case .locked = e else { throw e }
                if clock.elapsed >= lockWait {
                    throw CLIError("\(e); if a tsdb-server serves this directory, use --server URL instead of --data")
                }
                usleep(20_000)
            }
        }
    }

    var label: String { "\(root)/\(name)" }

    func makeIngestSink(precision: Precision, maxErrors: Int) -> IngestSink {
        deferViewMaintenance()
        return EmbeddedIngestSink(database: database, precision: precision, maxErrors: maxErrors)
    }

    /// A one-shot ingest materializes its views once, in `close`, rather than in the background as it goes.
    func deferViewMaintenance() {
        if !readOnly { QueryEngine.deferMaterializedViewMaintenance(database) }
    }

    /// A query engine using `threads` cores (all by default).
    func engine(threads: Int? = nil) -> QueryEngine {
        let n = threads ?? ProcessInfo.processInfo.activeProcessorCount
        if let e = engines[n] { return e }
        let e = QueryEngine(database: database, threads: n)
        engines[n] = e
        return e
    }

    func query(_ sql: String, format: ResultFormat, threads: Int?, control: QueryControl?) throws -> QueryAnswer {
        try prepare(sql)
        // Read-only: on the writer's latest state, again on a new one if compaction replaced a file under it.
        let e = engine(threads: threads)
        return .result(try database.consistentRead { try e.execute(sql, control: control ?? makeControl(), session: session) })
    }

    /// Before a statement that changes data, trades a read-only view for the writer's lock. COPY only
    /// reads the database (the file it writes is not the database's), so it runs on the read-only view.
    func prepare(_ sql: String) throws {
        if readOnly, let statement = try? SQLParser.parse(SessionStatement.statementText(sql)), statement.changesData {
            try reopenForWriting(create: statement.createsDatabase)
        }
    }

    /// Trades the read-only view for the writer's lock, for a statement that changes data (CREATE,
    /// INSERT, DELETE, …): it fails as "in use" while a server holds the directory.
    private func reopenForWriting(create: Bool) throws {
        var options = DatabaseOptions()
        options.background = false
        let writable = try DatabaseRegistry(root: root, options: options, readOnly: false)
        let db = try Self.open(writable, name, create: create, root: root, lockWait: 1)
        try? registry.closeAll()
        registry = writable
        database = db
        readOnly = false
        engines = [:]
    }

    /// A control that bounds the query's memory by `--query-memory`.
    func makeControl() -> QueryControl { QueryControl(memoryLimit: queryMemory) }

    func close() throws {
        // A one-shot command (ingest, DELETE, retention) leaves the views current before it exits.
        if !readOnly { try QueryEngine.maintainMaterializedViews(database) }
        try registry.closeAll()
    }
}

/// Parses chunks (each on its own, numbering lines from the chunk's first) and writes them to the database.
final class EmbeddedIngestSink: IngestSink, @unchecked Sendable {
    let database: Database
    let precision: Precision
    let maxErrors: Int

    init(database: Database, precision: Precision, maxErrors: Int) {
        self.database = database
        self.precision = precision
        self.maxErrors = maxErrors
    }

    /// Safe on several threads at once: it keeps no state between chunks.
    func prepare(_ chunk: LPChunk) -> PreparedChunk {
        PreparedChunk(bytes: chunk.bytes.count, parsed: Self.parse(chunk, precision: precision, maxErrors: maxErrors), raw: nil)
    }

    /// Parses one chunk on its own: a chunk is whole lines (the input's last may lack its newline), so it
    /// parses as a final piece, its lines numbered from its first.
    static func parse(_ chunk: LPChunk, precision: Precision, maxErrors: Int) -> ParsedBatches {
        LineProtocolIngester.parse(chunk.bytes, precision: precision, defaultTime: Int64(Date().timeIntervalSince1970 * 1e9),
                                   maxErrors: maxErrors, firstLine: chunk.firstLine)
    }

    /// Seconds a chunk waits for room while flushing lags behind (or fails) before the ingest gives up.
    static let roomTimeout = 300.0

    func write(_ chunk: PreparedChunk) throws -> IngestReport {
        guard let parsed = chunk.parsed else { preconditionFailure("BUG: embedded sink got an unparsed chunk") }
        // The same decision as the server's (`Database.write`): the same lines are accepted. The CLI has no
        // client to answer, so it waits for flushes as long as `roomTimeout`, then fails.
        return try parsed.write(to: database, policy: WritePolicy(atomicity: .partial, roomTimeout: Self.roomTimeout)).report
    }
}

extension DatabaseOptions {
    /// The memtable of a writing CLI command (ingest, bench, archive): smaller than a server's, so that the rows
    /// the process holds unflushed stay bounded whatever the input's size (docs/cli.md, "Memory").
    static let oneShotMemtableBytes = 128 << 20

    /// Bounds a one-shot writer's memory: a 128 MiB memtable, and writers wait while it and the memtable being
    /// flushed hold more than two memtables' worth (the server keeps 256 MiB and three). Reading, parsing and
    /// flushing still overlap: the next memtable fills while the last one is written.
    mutating func boundForOneShotWriter() {
        memtableMaxBytes = Self.oneShotMemtableBytes
        maxUnflushedBytes = 2 * Self.oneShotMemtableBytes
    }
}
