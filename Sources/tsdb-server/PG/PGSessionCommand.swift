import PGWire

/// A statement about the session rather than the data — `SET`, `RESET`, `SHOW`, transaction control,
/// `DISCARD`, `DEALLOCATE` — which the PostgreSQL front end answers itself; everything else goes to the
/// query engine.
enum PGSessionCommand: Equatable {
    /// `SET name TO value` (nil value: `DEFAULT`).
    case set(name: String, value: String?)
    /// `RESET name`; nil name: `RESET ALL`.
    case reset(String?)
    /// `SHOW name`; nil name: `SHOW ALL`.
    case show(String?)
    case begin
    case commit
    case rollback
    /// `DISCARD ALL`: settings back to defaults, prepared statements and portals dropped.
    case discardAll
    /// `DEALLOCATE [PREPARE] name | ALL` (nil: all).
    case deallocate(String?)
    /// Accepted and without effect in a read-only, autocommit store (`SET TRANSACTION …`, `SAVEPOINT`):
    /// answered with this command tag.
    case noEffect(tag: String)

    /// The command `sql` is, or nil when it is for the engine. Malformed session commands throw 42601.
    static func parse(_ sql: String) throws(PGErrorFields) -> PGSessionCommand? {
        let w = PGSQLText.words(sql, count: 4)
        guard let first = w.first else { return nil }
        func syntax(_ m: String) -> PGErrorFields { PGErrorFields(code: PGSQLState.syntaxError, message: m) }
        switch first {
        case "BEGIN", "START":
            if first == "START" && w.dropFirst().first != "TRANSACTION" { return nil }
            return .begin
        case "COMMIT", "END": return .commit
        case "ROLLBACK", "ABORT":
            if w.count > 1 && (w[1] == "TO" || (w.count > 2 && w[2] == "TO")) { return .noEffect(tag: "ROLLBACK") }
            return .rollback
        case "SAVEPOINT": return .noEffect(tag: "SAVEPOINT")
        case "RELEASE": return .noEffect(tag: "RELEASE")
        case "DISCARD":
            return w.count > 1 && w[1] == "ALL" ? .discardAll : .noEffect(tag: "DISCARD \(w.count > 1 ? w[1] : "")")
        case "DEALLOCATE":
            let rest = w.dropFirst().filter { $0 != "PREPARE" }
            if rest.first == "ALL" { return .deallocate(nil) }
            let tokens = Self.tokens(sql).dropFirst().filter { $0.uppercased() != "PREPARE" }
            guard let name = tokens.first else { throw syntax("DEALLOCATE needs a statement name or ALL") }
            return .deallocate(name)
        case "RESET":
            guard w.count > 1 else { throw syntax("RESET needs a setting name or ALL") }
            if w[1] == "ALL" { return .reset(nil) }
            if w[1] == "TIME" && w.count > 2 && w[2] == "ZONE" { return .reset("TimeZone") }
            return .reset(Self.tokens(sql)[1])
        case "SHOW":
            guard w.count > 1 else { throw syntax("SHOW needs a setting name or ALL") }
            if w[1] == "TABLES" { return nil }  // the engine's own SHOW TABLES
            if w[1] == "ALL" { return .show(nil) }
            if w[1] == "TIME" && w.count > 2 && w[2] == "ZONE" { return .show("TimeZone") }
            if w[1] == "TRANSACTION" { return .show("transaction_isolation") }
            return .show(Self.tokens(sql)[1])
        case "SET":
            var t = Array(Self.tokens(sql).dropFirst())
            if let f = t.first?.uppercased(), f == "SESSION" || f == "LOCAL" {
                t.removeFirst()
                if t.first?.uppercased() == "CHARACTERISTICS" { return .noEffect(tag: "SET") }
            }
            guard let name = t.first else { throw syntax("SET needs a setting name") }
            switch name.uppercased() {
            case "TRANSACTION": return .noEffect(tag: "SET")
            case "TIME":
                guard t.count > 2, t[1].uppercased() == "ZONE" else { throw syntax("expected SET TIME ZONE value") }
                return .set(name: "TimeZone", value: value(Array(t.dropFirst(2))))
            case "NAMES":
                return .set(name: "client_encoding", value: value(Array(t.dropFirst())))
            case "SCHEMA":
                return .set(name: "search_path", value: value(Array(t.dropFirst())))
            default:
                guard t.count > 2, t[1] == "=" || t[1].uppercased() == "TO" else {
                    throw syntax("expected SET \(name) TO value")
                }
                return .set(name: name, value: value(Array(t.dropFirst(2))))
            }
        default:
            return nil
        }
    }

    /// A SET value from its tokens: `DEFAULT` is nil; a list is joined with `, ` (`search_path`).
    private static func value(_ tokens: [String]) -> String? {
        let parts = tokens.filter { $0 != "," }
        if parts.count == 1 && parts[0].uppercased() == "DEFAULT" { return nil }
        return parts.joined(separator: ", ")
    }

    /// The statement's tokens: words, numbers (with sign and fraction), strings and quoted identifiers
    /// unquoted, single punctuation characters.
    static func tokens(_ sql: String) -> [String] {
        let b = Array(sql.utf8)
        var out: [String] = []
        var i = 0
        func isWord(_ c: UInt8) -> Bool { (c | 0x20 >= 0x61 && c | 0x20 <= 0x7A) || c == 0x5F || (c >= 0x30 && c <= 0x39) || c >= 0x80 || c == 0x2E || c == 0x2D || c == 0x2B }
        while i < b.count {
            let c = b[i]
            if PGSQLText.isSpace(c) || c == UInt8(ascii: ";") { i += 1; continue }
            if c == UInt8(ascii: "-") && i + 1 < b.count && b[i + 1] == UInt8(ascii: "-") {
                while i < b.count && b[i] != 0x0A { i += 1 }
                continue
            }
            if c == UInt8(ascii: "'") || c == UInt8(ascii: "\"") {
                var s: [UInt8] = []
                i += 1
                while i < b.count {
                    if b[i] == c {
                        if i + 1 < b.count && b[i + 1] == c { s.append(c); i += 2; continue }
                        break
                    }
                    s.append(b[i])
                    i += 1
                }
                i += 1
                out.append(String(decoding: s, as: UTF8.self))
            } else if isWord(c) && c != 0x2D && c != 0x2B || ((c == 0x2D || c == 0x2B) && i + 1 < b.count && b[i + 1] >= 0x30 && b[i + 1] <= 0x39) {
                let start = i
                i += 1
                while i < b.count && isWord(b[i]) && b[i] != 0x2D && b[i] != 0x2B { i += 1 }
                out.append(String(decoding: b[start..<i], as: UTF8.self))
            } else {
                out.append(String(UnicodeScalar(c)))
                i += 1
            }
        }
        return out
    }
}
