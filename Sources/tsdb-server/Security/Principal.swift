/// Who a client's credentials name, and what it may do. Every front end (HTTP, PostgreSQL) asks the
/// same questions of it, so a right means the same thing whichever protocol carried the token.
struct Principal: Sendable, Equatable {
    /// The name logs and the access log give the client (`grafana`, `token-xxxxxxxx` for a `--token`,
    /// `anonymous` without authentication): never the token itself.
    var name: String
    /// Databases it may query.
    var read: DatabaseScope
    /// Databases it may write lines to.
    var write: DatabaseScope
    /// May run statements that change data or the schema (DDL, DELETE, admin statements), on the
    /// databases it may write.
    var admin: Bool
    /// Its own rate limits; nil fields take the server's defaults.
    var limits: RateLimits.Override

    /// Everything allowed: a `--token`, a clear token of an old token file, and every client when
    /// authentication is off.
    static func full(name: String) -> Principal {
        Principal(name: name, read: .all, write: .all, admin: true, limits: .init())
    }

    /// The principal of every client when no tokens are configured.
    static let anonymous = Principal.full(name: "anonymous")

    func mayRead(_ database: String) -> Bool { read.contains(database) }
    func mayWrite(_ database: String) -> Bool { write.contains(database) }
    /// May run a statement that changes data (`StatementAccess.changesData`) in `database`.
    func mayChange(_ database: String) -> Bool { admin && write.contains(database) }
}

/// A set of databases a right covers: all of them, or those named.
enum DatabaseScope: Sendable, Equatable, CustomStringConvertible {
    case all
    case only(Set<String>)

    static let none = DatabaseScope.only([])

    func contains(_ database: String) -> Bool {
        switch self {
        case .all: true
        case .only(let names): names.contains(database)
        }
    }

    /// `*`, or the names joined by commas (`-` for none): the token file's spelling.
    var description: String {
        switch self {
        case .all: "*"
        case .only(let names): names.isEmpty ? "-" : names.sorted().joined(separator: ",")
        }
    }
}
