import ColumnStore
import Foundation

/// A statement about the session's settings rather than the data: `SET name = value`, `RESET name`,
/// `SHOW name` for the settings the engine reads (`EngineSettings`).
///
/// Front ends without a session of their own (HTTP, `tsdb-cli query`) accept them before the statement
/// of a text — `SET view_rewrite = off; SELECT …` — and the setting holds for that text; the shell keeps
/// them for the rest of its session. The PostgreSQL front end has its own SET, SHOW and RESET.
public enum SessionStatement: Equatable, Sendable {
    /// `SET [SESSION] name {= | TO} value`; nil value: `DEFAULT`.
    case set(name: String, value: String?)
    /// `RESET name`; nil: `RESET ALL`.
    case reset(String?)
    /// `SHOW name` of an engine setting; nil: `SHOW ALL`.
    case show(String?)

    /// SET or RESET (SHOW only reads).
    public var changesSettings: Bool {
        if case .show = self { return false }
        return true
    }

    /// The session statement `sql` is (one statement, an optional `;`), or nil when it is one for the engine
    /// (`SHOW TABLES`, a SELECT…). A malformed SET or RESET throws.
    public static func parse(_ sql: String) throws -> SessionStatement? {
        var b = Array(sql.utf8)
        b.append(UInt8(ascii: ";"))
        guard let (s, end) = try statement(b, from: skipSpace(b, 0)) else { return nil }
        return skipSpace(b, end) >= b.count - 1 ? s : nil
    }

    /// Splits the session statements off the front of `sql`: them, and the text after them with their bytes
    /// turned to spaces (newlines kept), so positions in the rest are positions in `sql`. `rest` is nil when
    /// nothing but session statements (and comments) remains.
    public static func leading(_ sql: String) throws -> (statements: [SessionStatement], rest: String?) {
        let b = Array(sql.utf8)
        var out: [SessionStatement] = []
        var at = skipSpace(b, 0)
        while at < b.count, let (s, end) = try statement(b, from: at) {
            out.append(s)
            at = skipSpace(b, end)
        }
        guard !out.isEmpty else { return ([], sql) }
        guard at < b.count else { return (out, nil) }
        var rest = b
        for i in 0..<at where rest[i] != 0x0A { rest[i] = 0x20 }
        return (out, String(decoding: rest, as: UTF8.self))
    }

    /// The text of the statement after `sql`'s leading session statements (positions unchanged): what
    /// decides whether the text changes data. Empty when there is none; `sql` itself when the session
    /// statements are malformed (it runs nothing then).
    public static func statementText(_ sql: String) -> String {
        guard let (statements, rest) = try? leading(sql) else { return sql }
        return statements.isEmpty ? sql : rest ?? ""
    }

    // MARK: scanning

    /// The session statement starting at `at` and the offset after its `;` (or the end); nil when the
    /// statement there is not one.
    private static func statement(_ b: [UInt8], from at: Int) throws -> (SessionStatement, Int)? {
        var i = at
        var words: [(text: String, quoted: Bool, at: Int)] = []
        while i < b.count && b[i] != UInt8(ascii: ";") {
            i = skipSpace(b, i)
            guard i < b.count, b[i] != UInt8(ascii: ";") else { break }
            let start = i
            let c = b[i]
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
                guard i < b.count else { throw QueryError("unterminated quoted text", at: position(b, start)) }
                i += 1
                words.append((String(decoding: s, as: UTF8.self), true, start))
            } else if isWord(c) {
                while i < b.count && isWord(b[i]) { i += 1 }
                words.append((String(decoding: b[start..<i], as: UTF8.self), false, start))
            } else {
                i += 1
                words.append((String(UnicodeScalar(c)), false, start))
            }
            // Only the first word decides; an engine statement is not scanned further.
            if words.count == 1 && !["SET", "RESET", "SHOW"].contains(words[0].text.uppercased()) { return nil }
        }
        let end = i < b.count ? i + 1 : i
        guard let first = words.first?.text.uppercased() else { return nil }
        let rest = Array(words.dropFirst())
        func fail(_ m: String) -> QueryError { QueryError(m, at: position(b, words[0].at)) }
        switch first {
        case "SHOW":
            guard rest.count == 1 else { return nil }
            if rest[0].text.uppercased() == "ALL" && !rest[0].quoted { return (.show(nil), end) }
            guard EngineSettings.isSetting(rest[0].text) else { return nil }  // SHOW TABLES and the like
            return (.show(rest[0].text.lowercased()), end)
        case "RESET":
            guard rest.count == 1 else { throw fail("expected RESET name or RESET ALL") }
            return (.reset(rest[0].text.uppercased() == "ALL" && !rest[0].quoted ? nil : rest[0].text.lowercased()), end)
        default:
            var r = rest[...]
            if let w = r.first, !w.quoted, ["SESSION", "LOCAL"].contains(w.text.uppercased()) { r = r.dropFirst() }
            guard r.count >= 3, r[r.startIndex + 1].text == "=" || r[r.startIndex + 1].text.uppercased() == "TO" else {
                throw fail("expected SET name = value (or SET name TO value)")
            }
            let name = r[r.startIndex].text.lowercased()
            let values = r.dropFirst(2)
            guard values.count == 1, let v = values.first else { throw fail("SET \(name) takes one value") }
            return (.set(name: name, value: !v.quoted && v.text.uppercased() == "DEFAULT" ? nil : v.text), end)
        }
    }

    private static func isWord(_ c: UInt8) -> Bool {
        (c | 0x20 >= 0x61 && c | 0x20 <= 0x7A) || c == 0x5F || (c >= 0x30 && c <= 0x39) || c >= 0x80 || c == 0x2E || c == 0x2D
    }

    /// The offset of the first byte at or after `i` that is neither white space nor in a `--` comment.
    private static func skipSpace(_ b: [UInt8], _ from: Int) -> Int {
        var i = from
        while i < b.count {
            if b[i] == 0x20 || b[i] == 0x0A || b[i] == 0x09 || b[i] == 0x0D {
                i += 1
            } else if b[i] == UInt8(ascii: "-") && i + 1 < b.count && b[i + 1] == UInt8(ascii: "-") {
                while i < b.count && b[i] != 0x0A { i += 1 }
            } else {
                break
            }
        }
        return i
    }

    private static func position(_ b: [UInt8], _ offset: Int) -> SourcePosition {
        var line = 1, column = 1
        for i in 0..<offset {
            if b[i] == 0x0A { line += 1; column = 1 } else if b[i] & 0xC0 != 0x80 { column += 1 }
        }
        return SourcePosition(line: line, column: column, offset: offset)
    }
}

/// The run-time settings the engine reads from a session: their names, accepted values and defaults.
public enum EngineSettings {
    /// Whether a raw query a materialized view answers exactly is answered from the view.
    public static let viewRewrite = "view_rewrite"
    /// Every engine setting, by lower-case name.
    public static let names = [viewRewrite]

    public static func isSetting(_ name: String) -> Bool { names.contains(name.lowercased()) }

    /// A boolean setting's value as PostgreSQL reads one (`on`, `off`, `true`, `false`, `yes`, `no`, `1`,
    /// `0`, any case); nil for anything else.
    public static func boolean(_ text: String) -> Bool? {
        switch text.trimmingCharacters(in: .whitespaces).lowercased() {
        case "on", "true", "yes", "1", "t", "y": true
        case "off", "false", "no", "0", "f", "n": false
        default: nil
        }
    }

    /// The canonical text of `value` for setting `name` (`on`/`off`); throws for an unknown setting or a
    /// value it does not take.
    public static func normalize(_ name: String, _ value: String) throws -> String {
        let key = name.lowercased()
        guard isSetting(key) else {
            throw QueryError("unrecognized setting '\(name)' (settings: \(names.joined(separator: ", ")))")
        }
        guard let on = boolean(value) else {
            throw QueryError("invalid value for setting '\(key)': '\(value)' (expected on or off)")
        }
        return on ? "on" : "off"
    }
}

extension QuerySession {
    /// Applies SET or RESET to the session's settings (SHOW changes nothing). Bad names and values throw.
    public mutating func apply(_ s: SessionStatement) throws {
        switch s {
        case let .set(name, value?):
            settings[name.lowercased()] = try EngineSettings.normalize(name, value)
        case let .set(name, nil), let .reset(name?):
            _ = try EngineSettings.normalize(name, "on")  // an unknown name is refused here too
            settings[name.lowercased()] = nil
        case .reset(nil):
            for n in EngineSettings.names { settings[n] = nil }
        case .show:
            break
        }
    }
}

extension QueryEngine {
    /// The value of an engine setting in `session`: the session's own, else the engine's default.
    public func setting(_ name: String, session: QuerySession) -> String? {
        switch name.lowercased() {
        case EngineSettings.viewRewrite:
            if let v = session.settings[EngineSettings.viewRewrite].flatMap(EngineSettings.boolean) { return v ? "on" : "off" }
            return viewRewrite ? "on" : "off"
        default:
            return nil
        }
    }

    /// The answer of a session statement: `SHOW name` one row under the setting's name, `SHOW ALL` a
    /// name/setting row each, SET and RESET a status.
    func answer(_ s: SessionStatement, session: QuerySession) -> QueryResult {
        func strings(_ name: String, _ values: [String]) -> ResultColumn {
            var v = ColumnVector(type: .string)
            for x in values { v.append(string: x) }
            return ResultColumn(name: name, vector: v)
        }
        switch s {
        case let .show(name?):
            return QueryResult(columns: [strings(name, [setting(name, session: session) ?? ""])])
        case .show(nil):
            return QueryResult(columns: [strings("name", EngineSettings.names),
                                         strings("setting", EngineSettings.names.map { setting($0, session: session) ?? "" })])
        case .set: return QueryResult(columns: [strings("status", ["SET"])])
        case .reset: return QueryResult(columns: [strings("status", ["RESET"])])
        }
    }

    /// What to run of `sql` once its leading session statements (`SET view_rewrite = off; …`) are applied
    /// to `session`: the rest of the text (positions unchanged) in the changed session, or, when nothing
    /// else is left, the last session statement's answer.
    func splitSession(_ sql: String, _ session: QuerySession) throws -> SessionSplit {
        let (statements, rest) = try SessionStatement.leading(sql)
        guard let last = statements.last else { return .run(sql, session) }
        var s = session
        for st in statements { try s.apply(st) }
        return rest.map { .run($0, s) } ?? .answered(answer(last, session: s))
    }
}

/// `QueryEngine.splitSession`'s verdict.
enum SessionSplit {
    case run(String, QuerySession)
    case answered(QueryResult)
}
