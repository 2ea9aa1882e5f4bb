/// Who a front end's credentials name. Today a token is all-powerful; scoped tokens (per-database read
/// and write rights) will add their rights here, so every front end asks one question the same way.
struct Principal: Sendable, Equatable {
    /// The name logs give the client (`token-xxxxxxxx`, never the token itself; `anonymous` without auth).
    var name: String
}

/// Checks a token, whatever protocol carried it (an HTTP header, a PostgreSQL password).
protocol Authenticator: Sendable {
    /// False when no tokens are configured: every client is let in (trust).
    var isEnabled: Bool { get }
    /// The principal a token names; nil when it is not valid.
    func authenticate(token: String) -> Principal?
}

extension Auth: Authenticator {
    func authenticate(token: String) -> Principal? {
        guard isEnabled else { return Principal(name: "anonymous") }
        return matches(token) ? Principal(name: Self.fingerprint(token)) : nil
    }
}
