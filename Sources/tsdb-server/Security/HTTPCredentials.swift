import Foundation
import NIOHTTP1

/// The tokens an HTTP request offers, the ways InfluxDB and QuestDB clients send them:
/// `Authorization: Token T` (InfluxDB 2), `Authorization: Bearer T` (InfluxDB 3, QuestDB),
/// `Authorization: Basic base64(user:T)` (InfluxDB 1, QuestDB's username/password), and the 1.x query
/// parameters `p=T` (with `u=`) or `token=T`.
enum HTTPCredentials {
    /// The token strings a request offers, in that order.
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

extension TokenAuthority {
    /// The principal of the first valid token the request offers; nil when none is valid.
    func principal(_ headers: HTTPHeaders, _ query: QueryParameters) -> Principal? {
        guard isEnabled else { return .anonymous }
        for candidate in HTTPCredentials.candidates(headers, query) {
            if let p = authenticate(token: candidate) { return p }
        }
        return nil
    }

    /// True when the request carries a valid token (or authentication is off).
    func allows(_ headers: HTTPHeaders, _ query: QueryParameters) -> Bool {
        principal(headers, query) != nil
    }
}
