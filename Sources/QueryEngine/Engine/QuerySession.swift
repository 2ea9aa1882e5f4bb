/// What a query may ask about the session that runs it: `version()`, `current_database()`,
/// `current_schema()`, `pg_backend_pid()`, `current_setting(name)`.
///
/// The PostgreSQL front end fills it per connection; HTTP and the CLI use the defaults.
public struct QuerySession: Sendable {
    /// `current_database()`.
    public var database: String
    /// `version()`.
    public var version: String
    /// `pg_backend_pid()`: the connection's process id as the client knows it.
    public var backendPID: Int64
    /// Settings `current_setting(name)` reads, by lower-case name.
    public var settings: [String: String]

    public init(database: String = "default", version: String = "tsdb", backendPID: Int64 = 0, settings: [String: String] = [:]) {
        self.database = database
        self.version = version
        self.backendPID = backendPID
        self.settings = settings
    }
}
