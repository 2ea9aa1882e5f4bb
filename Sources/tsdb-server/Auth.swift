import Foundation
import NIOHTTP1

/// Token authentication, the way InfluxDB clients send tokens.
///
/// Accepted: `Authorization: Token T` (InfluxDB 2 clients), `Authorization: Bearer T` (InfluxDB 3,
/// QuestDB), `Authorization: Basic base64(user:T)` (InfluxDB 1 clients, QuestDB's username/password),
/// and the 1.x query parameters `p=T` (with `u=`) or `token=T`. With no tokens configured every request
/// passes.
struct Auth: Sendable {
    let tokens: [[UInt8]]

    init(tokens: Set<String>) {
        self.tokens = tokens.sorted().map { Array($0.utf8) }
    }

    var isEnabled: Bool { !tokens.isEmpty }

    /// Reads tokens from a file: one per line; blank lines and `#` comments skipped.
    static func loadTokens(path: String) throws -> Set<String> {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        var out: Set<String> = []
        for line in text.split(whereSeparator: \.isNewline) {
            let t = line.trimmingCharacters(in: .whitespaces)
            if !t.isEmpty && !t.hasPrefix("#") { out.insert(t) }
        }
        return out
    }

    /// True when the request carries a valid token (or authentication is off).
    func allows(_ headers: HTTPHeaders, _ query: QueryParameters) -> Bool {
        guard isEnabled else { return true }
        for candidate in Self.candidates(headers, query) where matches(candidate) { return true }
        return false
    }

    /// The name the logs give the token a request carries: `token-` and 8 hex digits of a hash of it
    /// (never the token itself); nil when authentication is off or no valid token was sent.
    func name(_ headers: HTTPHeaders, _ query: QueryParameters) -> String? {
        guard isEnabled else { return nil }
        for candidate in Self.candidates(headers, query) where matches(candidate) { return Self.fingerprint(candidate) }
        return nil
    }

    /// `token-xxxxxxxx`: 32 bits of FNV-1a over the token, enough to tell a handful of tokens apart in
    /// the logs, far too few to recover or guess one.
    static func fingerprint(_ token: String) -> String {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in token.utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        let hex = String(h >> 32, radix: 16)
        return "token-" + String(repeating: "0", count: 8 - hex.count) + hex
    }

    /// Compares against every token in time independent of where they differ.
    func matches(_ candidate: String) -> Bool {
        let c = Array(candidate.utf8)
        var found = false
        for t in tokens {
            var diff = UInt8(t.count == c.count ? 0 : 1)
            for i in 0..<min(t.count, c.count) { diff |= t[i] ^ c[i] }
            if diff == 0 { found = true }
        }
        return found
    }

    /// The token strings a request offers.
    static func candidates(_ headers: HTTPHeaders, _ query: QueryParameters) -> [String] {
        var out: [String] = []
        for value in headers[canonicalForm: "Authorization"] {
            let v = value.trimmingCharacters(in: .whitespaces)
            guard let space = v.firstIndex(of: " ") else { continue }
            let scheme = v[..<space].lowercased()
            let rest = v[v.index(after: space)...].trimmingCharacters(in: .whitespaces)
            switch scheme {
            case "token", "bearer":
                out.append(rest)
            case "basic":
                if let data = Data(base64Encoded: rest), let s = String(data: data, encoding: .utf8),
                   let colon = s.firstIndex(of: ":") {
                    out.append(String(s[s.index(after: colon)...]))
                }
            default:
                break
            }
        }
        if let p = query["p"] { out.append(p) }
        if let t = query["token"] { out.append(t) }
        return out
    }
}
