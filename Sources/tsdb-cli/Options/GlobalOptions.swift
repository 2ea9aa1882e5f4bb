import ArgumentParser
import ColumnStore
import Foundation

/// Where a command finds its data: an embedded data directory (default) or a tsdb-server, and which database.
///
/// Declared by the root command and by every subcommand under the same property name (`global`), so
/// argument-parser shares one set of values: the options may come before or after the subcommand
/// (`tsdb-cli --server URL query …` and `tsdb-cli query … --server URL` mean the same).
struct GlobalOptions: ParsableArguments {
    /// The port tsdb-server listens on for HTTP unless told otherwise.
    static let defaultServerPort = 8086

    @Option(name: .long, help: ArgumentHelp("Data directory of the embedded store (default: $TSDB_DATA or ./tsdb-data).", valueName: "dir"), completion: .directory)
    var data: String?

    @Option(name: .long, help: ArgumentHelp("Talk to a running tsdb-server at this URL instead, e.g. http://127.0.0.1:\(GlobalOptions.defaultServerPort) (default: $TSDB_SERVER).", valueName: "url"))
    var server: String?

    @Option(name: .long, help: ArgumentHelp("API token for --server (default: $TSDB_TOKEN).", valueName: "token"))
    var token: String?

    @Option(name: .long, help: ArgumentHelp("Database name.", valueName: "name"))
    var db: String = "default"

    private static func env(_ name: String) -> String? {
        guard let v = ProcessInfo.processInfo.environment[name], !v.isEmpty else { return nil }
        return v
    }

    /// The data directory in effect.
    var dataDirectory: String {
        data ?? Self.env("TSDB_DATA") ?? "./tsdb-data"
    }

    /// Whether a data directory was named (`--data` or `$TSDB_DATA`) rather than defaulted.
    var namesDataDirectory: Bool { data != nil || Self.env("TSDB_DATA") != nil }

    /// The server in effect: `--server`, else `$TSDB_SERVER` unless `--data` names a directory.
    var effectiveServer: String? {
        if let server { return server }
        return data == nil ? Self.env("TSDB_SERVER") : nil
    }

    /// The token in effect.
    var effectiveToken: String? {
        token ?? Self.env("TSDB_TOKEN")
    }

    func validate() throws {
        if let server = effectiveServer {
            let source = self.server == nil ? "$TSDB_SERVER" : "--server URL"
            guard let url = URL(string: server), let scheme = url.scheme, scheme == "http" || scheme == "https", url.host != nil else {
                throw ValidationError("invalid \(source) '\(server)': expected http://host:port")
            }
            if data != nil { throw ValidationError("--data and --server exclude each other") }
        }
        if token != nil && effectiveServer == nil { throw ValidationError("--token needs --server") }
        guard FileNames.isValidName(db) else {
            throw ValidationError("invalid --db name '\(db)': a database name is a directory name without '/' or a leading '.'")
        }
    }

    /// Opens the backend these options name. `create`: make the embedded database when missing
    /// (commands that only read pass false: a directory without the database is an error, and nothing
    /// is created). Without `forWriting` the embedded database opens read-only, beside its writer.
    func openBackend(create: Bool, forWriting: Bool = false) throws -> Backend {
        if let server = effectiveServer {
            return RemoteBackend(baseURL: server, database: db, token: effectiveToken)
        }
        return try EmbeddedBackend(root: dataDirectory, database: db, create: create, forWriting: forWriting, readOnly: !forWriting)
    }

    /// The embedded database, for commands that only work on one: read-only for inspect, writable
    /// (holding the lock) for compact and retention.
    func openEmbedded(command: String, readOnly: Bool) throws -> EmbeddedBackend {
        if effectiveServer != nil {
            throw CLIError("'\(command)' works on an embedded data directory only; run it on the server's machine with --data DIR")
        }
        return try EmbeddedBackend(root: dataDirectory, database: db, create: false, forWriting: false, readOnly: readOnly)
    }
}
