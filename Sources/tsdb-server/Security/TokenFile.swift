import ColumnStore
import Foundation

/// The `--token-file` format: one token a line, `#` comments and blank lines skipped.
///
///     sha256:<64 hex digits> name=<name> [read=<dbs>] [write=<dbs>] [admin=yes|no]
///                            [requests-per-second=<n>] [lines-per-second=<n>]
///
/// `<dbs>` is `*` (all), `-` (none) or names joined by commas. Defaults: `read=*`, `write=-`, `admin=no`,
/// the server's rate limits. The hash is SHA-256 of the token's bytes (`printf %s "$T" | sha256sum`).
/// A line that is a bare token (the older format) is a full-rights token, hashed when read and named
/// by its fingerprint.
enum TokenFile {
    /// One token of the file: the SHA-256 of the token and what it may do.
    struct Entry: Sendable, Equatable {
        var hash: [UInt8]
        var principal: Principal
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    static func load(path: String) throws -> [Entry] {
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw Failure(description: "cannot read \(path): \(error.localizedDescription)")
        }
        do { return try parse(text) } catch let e as Failure {
            throw Failure(description: "\(path): \(e.description)")
        }
    }

    static func parse(_ text: String) throws -> [Entry] {
        var out: [Entry] = []
        var names: Set<String> = []
        var hashes: Set<[UInt8]> = []
        for (n, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces.union(.newlines))
            guard !line.isEmpty, !line.hasPrefix("#") else { continue }
            let entry: Entry
            do { entry = try parseLine(line) } catch let e as Failure {
                throw Failure(description: "line \(n + 1): \(e.description)")
            }
            guard names.insert(entry.principal.name).inserted else {
                throw Failure(description: "line \(n + 1): a second token named '\(entry.principal.name)'")
            }
            guard hashes.insert(entry.hash).inserted else {
                throw Failure(description: "line \(n + 1): the same token as an earlier line")
            }
            out.append(entry)
        }
        return out
    }

    static func parseLine(_ line: String) throws -> Entry {
        let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        guard fields[0].hasPrefix("sha256:") else {
            guard fields.count == 1 else {
                throw Failure(description: "expected 'sha256:<hex> name=… [read=…] [write=…] [admin=…]', or a bare token alone on its line")
            }
            let hash = sha256(fields[0])
            return Entry(hash: hash, principal: .full(name: fingerprint(hash)))
        }
        guard let hash = hexBytes(fields[0].dropFirst(7)), hash.count == 32 else {
            throw Failure(description: "'sha256:' must be followed by 64 hex digits (printf %s \"$TOKEN\" | sha256sum)")
        }
        var p = Principal(name: "", read: .all, write: .none, admin: false, limits: .init())
        var seen: Set<String> = []
        for field in fields.dropFirst() {
            guard let eq = field.firstIndex(of: "=") else { throw Failure(description: "'\(field)' is not key=value") }
            let key = String(field[..<eq]), value = String(field[field.index(after: eq)...])
            guard seen.insert(key).inserted else { throw Failure(description: "'\(key)' given twice") }
            switch key {
            case "name":
                guard isValidName(value) else {
                    throw Failure(description: "name '\(value)' must be 1-64 letters, digits, '-', '_' or '.'")
                }
                p.name = value
            case "read": p.read = try scope(value, key)
            case "write": p.write = try scope(value, key)
            case "admin":
                switch value.lowercased() {
                case "yes", "true", "on": p.admin = true
                case "no", "false", "off": p.admin = false
                default: throw Failure(description: "admin must be yes or no, not '\(value)'")
                }
            case "requests-per-second": p.limits.requestsPerSecond = try rate(value, key)
            case "lines-per-second": p.limits.linesPerSecond = try rate(value, key)
            default:
                throw Failure(description: "unknown key '\(key)' (name, read, write, admin, requests-per-second, lines-per-second)")
            }
        }
        guard !p.name.isEmpty else { throw Failure(description: "a hashed token needs name=…") }
        return Entry(hash: hash, principal: p)
    }

    private static func scope(_ value: String, _ key: String) throws -> DatabaseScope {
        if value == "*" { return .all }
        if value == "-" || value.isEmpty { return .none }
        let names = value.split(separator: ",").map(String.init)
        for n in names where !FileNames.isValidName(n) {
            throw Failure(description: "\(key): '\(n)' is not a database name")
        }
        return .only(Set(names))
    }

    private static func rate(_ value: String, _ key: String) throws -> Double {
        guard let r = Double(value), r >= 0, r.isFinite else {
            throw Failure(description: "\(key) must be a number ≥ 0 (0: unlimited), not '\(value)'")
        }
        return r
    }

    private static func isValidName(_ s: String) -> Bool {
        !s.isEmpty && s.utf8.count <= 64 && s.utf8.allSatisfy {
            ($0 >= 0x30 && $0 <= 0x39) || (($0 | 0x20) >= 0x61 && ($0 | 0x20) <= 0x7A) || $0 == 0x2D || $0 == 0x5F || $0 == 0x2E
        }
    }

    /// SHA-256 of a token's UTF-8 bytes.
    static func sha256(_ token: String) -> [UInt8] {
        SHA256.hash(Array(token.utf8))
    }

    /// `token-` and the first 8 hex digits of the token's SHA-256: tells tokens apart in logs, reveals
    /// nothing usable.
    static func fingerprint(_ hash: [UInt8]) -> String {
        "token-" + hash.prefix(4).map { String(format: "%02x", $0) }.joined()
    }

    private static func hexBytes(_ s: Substring) -> [UInt8]? {
        let b = Array(s.utf8)
        guard b.count % 2 == 0 else { return nil }
        func v(_ c: UInt8) -> UInt8? {
            switch c {
            case 0x30...0x39: c - 0x30
            case 0x61...0x66: c - 0x61 + 10
            case 0x41...0x46: c - 0x41 + 10
            default: nil
            }
        }
        var out: [UInt8] = []
        out.reserveCapacity(b.count / 2)
        var i = 0
        while i < b.count {
            guard let hi = v(b[i]), let lo = v(b[i + 1]) else { return nil }
            out.append(hi << 4 | lo)
            i += 2
        }
        return out
    }
}
