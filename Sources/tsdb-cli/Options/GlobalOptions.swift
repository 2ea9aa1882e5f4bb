import ArgumentParser
import ColumnStore
import Foundation

/// Where a command finds its data: an embedded data directory (default) or a tsdb-server, and which database.
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Data directory of the embedded store (default: $TSDB_DATA or ./tsdb-data).", valueName: "dir"))
    var data: String?

    @Option(name: .long, help: ArgumentHelp("Talk to a running tsdb-server at this URL instead (e.g. http://127.0.0.1:8181).", valueName: "url"))
    var server: String?

    @Option(name: .long, help: ArgumentHelp("API token for --server (default: $TSDB_TOKEN).", valueName: "token"))
    var token: String?

    @Option(name: .long, help: ArgumentHelp("Database name.", valueName: "name"))
    var db: String = "default"

    /// The data directory in effect.
    var dataDirectory: String {
        if let data { return data }
        if let env = ProcessInfo.processInfo.environment["TSDB_DATA"], !env.isEmpty { return env }
        return "./tsdb-data"
    }

    /// The token in effect.
    var effectiveToken: String? {
        if let token { return token }
        if let env = ProcessInfo.processInfo.environment["TSDB_TOKEN"], !env.isEmpty { return env }
        return nil
    }

    func validate() throws {
        if let server {
            guard let url = URL(string: server), let scheme = url.scheme, scheme == "http" || scheme == "https", url.host != nil else {
                throw ValidationError("invalid --server URL '\(server)': expected http://host:port")
            }
            if data != nil { throw ValidationError("--data and --server exclude each other") }
        }
        if token != nil && server == nil { throw ValidationError("--token needs --server") }
        guard FileNames.isValidName(db) else {
            throw ValidationError("invalid --db name '\(db)': a database name is a directory name without '/' or a leading '.'")
        }
    }

    /// Opens the backend these options name. `create`: make the embedded database when missing.
    func openBackend(create: Bool, forWriting: Bool = false) throws -> Backend {
        if let server {
            return RemoteBackend(baseURL: server, database: db, token: effectiveToken)
        }
        return try EmbeddedBackend(root: dataDirectory, database: db, create: create, forWriting: forWriting)
    }

    /// The embedded database, for commands that only work on one (inspect, compact, retention).
    func openEmbedded(command: String) throws -> EmbeddedBackend {
        if server != nil {
            throw CLIError("'\(command)' works on an embedded data directory only; run it on the server's machine with --data DIR")
        }
        return try EmbeddedBackend(root: dataDirectory, database: db, create: false, forWriting: false)
    }
}
