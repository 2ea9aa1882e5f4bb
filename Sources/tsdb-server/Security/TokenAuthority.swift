import Foundation
import Logging

/// The tokens the server accepts: `--token` values (full rights) and the `--token-file`'s, held as
/// SHA-256 hashes only. `reload()` (on SIGHUP) rereads the file; a file that does not parse keeps the
/// current set. With no tokens at all, authentication is off and every client is `Principal.anonymous`.
final class TokenAuthority: @unchecked Sendable {
    private let fixed: [TokenFile.Entry]
    let path: String?
    private let lock = NSLock()
    private var entries: [TokenFile.Entry]

    /// Reads the file now; throws when it does not parse (the server then refuses to start).
    init(adminTokens: Set<String>, file: String?) throws {
        fixed = adminTokens.sorted().map { t in
            let h = TokenFile.sha256(t)
            return TokenFile.Entry(hash: h, principal: .full(name: TokenFile.fingerprint(h)))
        }
        path = file
        entries = fixed + (try file.map(TokenFile.load) ?? [])
    }

    /// False when no tokens are configured: every client is let in (trust).
    var isEnabled: Bool { lock.withLock { !entries.isEmpty } }

    /// What each token in force may do, in the order they were given (`--token`s first).
    var principals: [Principal] { lock.withLock { entries.map(\.principal) } }

    /// The tokens in force now (count), for the reload's log line.
    var count: Int { lock.withLock { entries.count } }

    /// The principal a token names; nil when it is not valid (always `anonymous` when auth is off).
    func authenticate(token: String) -> Principal? {
        let current = lock.withLock { entries }
        guard !current.isEmpty else { return .anonymous }
        let h = TokenFile.sha256(token)
        var found: Principal?
        // Compare against every hash without stopping early: the time taken says nothing of which matched.
        for e in current {
            var diff: UInt8 = 0
            for i in 0..<32 { diff |= e.hash[i] ^ h[i] }
            if diff == 0 { found = e.principal }
        }
        return found
    }

    /// Rereads the token file; on failure the tokens in force stay and the error is logged.
    @discardableResult
    func reload(logger: Logger) -> Bool {
        guard let path else {
            logger.info("SIGHUP: no --token-file to reload")
            return true
        }
        do {
            let loaded = try TokenFile.load(path: path)
            let n = lock.withLock {
                entries = fixed + loaded
                return entries.count
            }
            logger.notice("token file reloaded", metadata: ["path": .string(path), "tokens": .stringConvertible(n)])
            return true
        } catch {
            logger.error("token file not reloaded, keeping the tokens in force: \(error)", metadata: ["path": .string(path)])
            return false
        }
    }
}
