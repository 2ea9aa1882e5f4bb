/// A query that does not parse: the message and the position, as InfluxDB words it
/// (`found FOO, expected SELECT at line 1, char 1`).
public struct InfluxQLParseError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public var line: Int
    public var char: Int
    /// Line 0: an error InfluxDB reports without a position (an unknown time zone).
    public var description: String { line == 0 ? message : "\(message) at line \(line), char \(char)" }
}

/// Parses InfluxQL text into statements (recursive descent, one function per grammar rule).
public struct InfluxQLParser {
    private let lexer: InfluxQLLexer
    private var current: InfluxQLToken
    private var next: Int

    /// Parses `text`: one or more statements separated by `;`.
    public static func parse(_ text: String) throws(InfluxQLParseError) -> [InfluxStatement] {
        var p = InfluxQLParser(text)
        var out: [InfluxStatement] = []
        while true {
            while p.isSymbol(";") { p.advance() }
            if p.current.kind == .eof { break }
            out.append(try p.statement())
            if p.current.kind != .eof && !p.isSymbol(";") { throw p.unexpected([";"]) }
        }
        if out.isEmpty { throw InfluxQLParseError(message: "found EOF, expected SELECT, DELETE, SHOW, CREATE, DROP, EXPLAIN, GRANT, REVOKE, ALTER, SET, KILL", line: 1, char: 1) }
        return out
    }

    init(_ text: String) {
        lexer = InfluxQLLexer(text)
        (current, next) = lexer.token(at: 0)
    }

    private mutating func advance() { (current, next) = lexer.token(at: next) }

    private func isSymbol(_ s: String) -> Bool { current.kind == .symbol && current.text == s }

    private func unexpected(_ expected: [String]) -> InfluxQLParseError {
        if current.kind == .illegal {
            return InfluxQLParseError(message: "found \(current.text), expected \(expected.joined(separator: ", "))", line: current.line, char: current.char)
        }
        return InfluxQLParseError(message: "found \(current.found), expected \(expected.joined(separator: ", "))", line: current.line, char: current.char)
    }

    private mutating func expectKeyword(_ k: String) throws(InfluxQLParseError) {
        guard current.isKeyword(k) else { throw unexpected([k]) }
        advance()
    }

    private mutating func expectSymbol(_ s: String) throws(InfluxQLParseError) {
        guard isSymbol(s) else { throw unexpected([s]) }
        advance()
    }

    private mutating func acceptKeyword(_ k: String) -> Bool {
        guard current.isKeyword(k) else { return false }
        advance()
        return true
    }

    // MARK: statements

    mutating func statement() throws(InfluxQLParseError) -> InfluxStatement {
        if acceptKeyword("SELECT") { return .select(try selectBody()) }
        if acceptKeyword("SHOW") { return try show() }
        if acceptKeyword("CREATE") {
            try expectKeyword("DATABASE")
            return .createDatabase(try identifier())
        }
        if acceptKeyword("DROP") {
            try expectKeyword("DATABASE")
            return .dropDatabase(try identifier())
        }
        throw unexpected(["SELECT", "DELETE", "SHOW", "CREATE", "DROP", "EXPLAIN", "GRANT", "REVOKE", "ALTER", "SET", "KILL"])
    }

    private mutating func show() throws(InfluxQLParseError) -> InfluxStatement {
        if acceptKeyword("DATABASES") { return .showDatabases }
        if acceptKeyword("MEASUREMENTS") {
            _ = try onClause()
            var regex: String?, equals: String?
            if acceptKeyword("WITH") {
                try expectKeyword("MEASUREMENT")
                if isSymbol("=~") {
                    advance()
                    regex = try regexLiteral()
                } else if isSymbol("=") {
                    advance()
                    if let r = try? regexLiteralIfAny() { regex = r } else { equals = try identifier() }
                } else {
                    throw unexpected(["=", "=~"])
                }
            }
            let condition = try whereClause()
            let (limit, offset) = try limitOffset()
            return .showMeasurements(regex: regex, equals: equals, condition: condition, limit: limit, offset: offset)
        }
        if acceptKeyword("TAG") {
            if acceptKeyword("KEYS") {
                _ = try onClause()
                let sources = try fromClause(required: false)
                _ = try whereClause()
                let (limit, offset) = try limitOffset()
                return .showTagKeys(sources: sources, limit: limit, offset: offset)
            }
            try expectKeyword("VALUES")
            _ = try onClause()
            let sources = try fromClause(required: false)
            try expectKeyword("WITH")
            try expectKeyword("KEY")
            let key: InfluxKeyFilter
            if isSymbol("=") {
                advance()
                key = .equals(try identifier())
            } else if isSymbol("!=") || isSymbol("<>") {
                advance()
                key = .notEquals(try identifier())
            } else if isSymbol("=~") {
                advance()
                key = .matches(try regexLiteral())
            } else if isSymbol("!~") {
                advance()
                key = .notMatches(try regexLiteral())
            } else if acceptKeyword("IN") {
                try expectSymbol("(")
                var keys = [try identifier()]
                while isSymbol(",") { advance(); keys.append(try identifier()) }
                try expectSymbol(")")
                key = .among(keys)
            } else {
                throw unexpected(["=", "!=", "=~", "!~", "IN"])
            }
            let condition = try whereClause()
            let (limit, offset) = try limitOffset()
            return .showTagValues(sources: sources, key: key, condition: condition, limit: limit, offset: offset)
        }
        if acceptKeyword("FIELD") {
            try expectKeyword("KEYS")
            _ = try onClause()
            return .showFieldKeys(sources: try fromClause(required: false))
        }
        if acceptKeyword("SERIES") {
            _ = try onClause()
            let sources = try fromClause(required: false)
            let condition = try whereClause()
            let (limit, offset) = try limitOffset()
            return .showSeries(sources: sources, condition: condition, limit: limit, offset: offset)
        }
        if acceptKeyword("RETENTION") {
            try expectKeyword("POLICIES")
            return .showRetentionPolicies(database: try onClause())
        }
        throw unexpected(["CONTINUOUS", "DATABASES", "DIAGNOSTICS", "FIELD", "GRANTS", "MEASUREMENT", "MEASUREMENTS", "QUERIES", "RETENTION", "SERIES", "SHARD", "SHARDS", "STATS", "SUBSCRIPTIONS", "TAG", "USERS"])
    }

    private mutating func onClause() throws(InfluxQLParseError) -> String? {
        guard acceptKeyword("ON") else { return nil }
        return try identifier()
    }

    private mutating func whereClause() throws(InfluxQLParseError) -> InfluxExpr? {
        guard acceptKeyword("WHERE") else { return nil }
        return try expression()
    }

    private mutating func limitOffset() throws(InfluxQLParseError) -> (Int, Int) {
        var limit = 0, offset = 0
        if acceptKeyword("LIMIT") { limit = try integer() }
        if acceptKeyword("OFFSET") { offset = try integer() }
        return (limit, offset)
    }

    // MARK: SELECT

    private mutating func selectBody() throws(InfluxQLParseError) -> InfluxSelect {
        var s = InfluxSelect()
        s.fields = [try field()]
        while isSymbol(",") {
            advance()
            s.fields.append(try field())
        }
        if current.isKeyword("INTO") { throw InfluxQLParseError(message: "SELECT … INTO is not supported", line: current.line, char: current.char) }
        s.sources = try fromClause(required: true)
        s.condition = try whereClause()
        if acceptKeyword("GROUP") {
            try expectKeyword("BY")
            try dimension(&s)
            while isSymbol(",") {
                advance()
                try dimension(&s)
            }
        }
        if acceptKeyword("FILL") { s.fill = try fill() }
        if acceptKeyword("ORDER") {
            try expectKeyword("BY")
            guard current.kind == .identifier || current.kind == .quotedIdentifier, current.text.lowercased() == "time" else {
                throw InfluxQLParseError(message: "only ORDER BY time supported at this time", line: current.line, char: current.char)
            }
            advance()
            if acceptKeyword("DESC") { s.descending = true } else { _ = acceptKeyword("ASC") }
        }
        if acceptKeyword("LIMIT") { s.limit = try integer() }
        if acceptKeyword("OFFSET") { s.offset = try integer() }
        if acceptKeyword("SLIMIT") { s.slimit = try integer() }
        if acceptKeyword("SOFFSET") { s.soffset = try integer() }
        if acceptKeyword("TZ") {
            try expectSymbol("(")
            guard current.kind == .string else { throw unexpected(["string"]) }
            guard ZoneClock(current.text) != nil else {
                throw InfluxQLParseError(message: "unable to find time zone \(current.text)", line: 0, char: 0)
            }
            s.timeZone = current.text
            advance()
            try expectSymbol(")")
        }
        return s
    }

    private mutating func field() throws(InfluxQLParseError) -> InfluxField {
        let e = try expression()
        var alias: String?
        if acceptKeyword("AS") { alias = try identifier() }
        return InfluxField(expr: e, alias: alias)
    }

    private mutating func fromClause(required: Bool) throws(InfluxQLParseError) -> [InfluxSource] {
        guard acceptKeyword("FROM") else {
            if required { throw unexpected(["FROM"]) }
            return []
        }
        var out = [try source()]
        while isSymbol(",") {
            advance()
            out.append(try source())
        }
        return out
    }

    private mutating func source() throws(InfluxQLParseError) -> InfluxSource {
        if isSymbol("(") {
            advance()
            try expectKeyword("SELECT")
            let inner = try selectBody()
            try expectSymbol(")")
            return .subquery(inner)
        }
        if let r = try regexLiteralIfAny() { return .regex(r) }
        // db.rp.measurement, db..measurement, rp.measurement: the last part names the measurement.
        var parts = [try identifier()]
        while isSymbol(".") {
            advance()
            if isSymbol(".") { continue }
            if let r = try regexLiteralIfAny() { return .regex(r) }
            parts.append(try identifier())
        }
        return .measurement(parts.last!)
    }

    private mutating func dimension(_ s: inout InfluxSelect) throws(InfluxQLParseError) {
        if isSymbol("*") {
            advance()
            s.groupAllTags = true
            return
        }
        if current.kind == .identifier && current.text.lowercased() == "time" {
            let save = (current, next)
            advance()
            if isSymbol("(") {
                advance()
                s.interval = try durationLiteral()
                if isSymbol(",") {
                    advance()
                    var negative = false
                    if isSymbol("-") { advance(); negative = true }
                    if current.isKeyword("NOW") {
                        throw InfluxQLParseError(message: "time dimension offset now() is not supported", line: current.line, char: current.char)
                    }
                    let off = try durationLiteral()
                    s.intervalOffset = negative ? -off : off
                }
                try expectSymbol(")")
                return
            }
            (current, next) = save
        }
        if current.kind == .symbol && current.text == "/" {
            throw InfluxQLParseError(message: "GROUP BY a regex of tags is not supported", line: current.line, char: current.char)
        }
        s.groupTags.append(try identifier())
    }

    private mutating func fill() throws(InfluxQLParseError) -> InfluxFill {
        try expectSymbol("(")
        let f: InfluxFill
        if acceptKeyword("NULL") { f = .null }
        else if acceptKeyword("NONE") { f = .none }
        else if acceptKeyword("PREVIOUS") { f = .previous }
        else if acceptKeyword("LINEAR") { f = .linear }
        else {
            var sign = 1.0
            if isSymbol("-") { advance(); sign = -1 }
            guard current.kind == .integer || current.kind == .number, let v = Double(current.text) else {
                throw unexpected(["null", "none", "previous", "linear", "number"])
            }
            advance()
            f = .value(sign * v)
        }
        try expectSymbol(")")
        return f
    }

    // MARK: expressions

    mutating func expression(_ minPrecedence: Int = 1) throws(InfluxQLParseError) -> InfluxExpr {
        var left = try unary()
        while let op = binaryOperator(), op.precedence >= minPrecedence {
            advance()
            let right: InfluxExpr
            if op == .match || op == .notMatch {
                right = .regex(try regexLiteral())
            } else {
                right = try expression(op.precedence + 1)
            }
            left = .binary(op, left, right)
        }
        return left
    }

    private func binaryOperator() -> InfluxBinaryOp? {
        if current.kind == .identifier {
            switch current.text.uppercased() {
            case "AND": return .and
            case "OR": return .or
            default: return nil
            }
        }
        guard current.kind == .symbol else { return nil }
        if current.text == "<>" { return .neq }
        return InfluxBinaryOp(rawValue: current.text)
    }

    private mutating func unary() throws(InfluxQLParseError) -> InfluxExpr {
        let t = current
        switch t.kind {
        case .symbol where t.text == "(":
            advance()
            let e = try expression()
            try expectSymbol(")")
            return .paren(e)
        case .symbol where t.text == "*":
            advance()
            return .wildcard
        case .symbol where t.text == "/":
            return .regex(try regexLiteral())
        case .symbol where t.text == "-" || t.text == "+":
            advance()
            let inner = try unary()
            guard t.text == "-" else { return inner }
            switch inner {
            case .integer(let v): return .integer(-v)
            case .number(let v): return .number(-v)
            case .duration(let v): return .duration(-v)
            default: return .binary(.mul, .integer(-1), inner)
            }
        case .integer:
            advance()
            guard let v = Int64(t.text) else {
                guard let d = Double(t.text) else { throw InfluxQLParseError(message: "unable to parse integer \(t.text)", line: t.line, char: t.char) }
                return .number(d)
            }
            return .integer(v)
        case .number:
            advance()
            guard let v = Double(t.text) else { throw InfluxQLParseError(message: "unable to parse number \(t.text)", line: t.line, char: t.char) }
            return .number(v)
        case .duration:
            advance()
            guard let v = Duration.nanoseconds(t.text) else { throw InfluxQLParseError(message: "invalid duration \(t.text)", line: t.line, char: t.char) }
            return .duration(v)
        case .string:
            advance()
            return .string(t.text)
        case .quotedIdentifier:
            advance()
            return .ref(t.text, hint: try typeHint())
        case .identifier:
            advance()
            let upper = t.text.uppercased()
            if upper == "TRUE" { return .bool(true) }
            if upper == "FALSE" { return .bool(false) }
            if isSymbol("(") {
                advance()
                var args: [InfluxExpr] = []
                if !isSymbol(")") {
                    args.append(try expression())
                    while isSymbol(",") {
                        advance()
                        args.append(try expression())
                    }
                }
                try expectSymbol(")")
                if t.text.lowercased() == "now" {
                    guard args.isEmpty else { throw InfluxQLParseError(message: "now() takes no arguments", line: t.line, char: t.char) }
                    return .now
                }
                return .call(t.text.lowercased(), args)
            }
            if Self.reserved.contains(upper) {
                current = t
                throw unexpected(["identifier", "string", "number", "bool"])
            }
            return .ref(t.text, hint: try typeHint())
        default:
            throw unexpected(["identifier", "string", "number", "bool"])
        }
    }

    /// Keywords that cannot stand as bare identifiers in an expression.
    private static let reserved: Set<String> = ["FROM", "WHERE", "GROUP", "BY", "ORDER", "LIMIT", "OFFSET", "SLIMIT",
                                                "SOFFSET", "SELECT", "AS", "AND", "OR", "FILL", "INTO", "WITH"]

    /// `::field`, `::tag`, `::integer`, … after a name.
    private mutating func typeHint() throws(InfluxQLParseError) -> String? {
        guard isSymbol("::") else { return nil }
        advance()
        guard current.kind == .identifier else { throw unexpected(["float", "integer", "string", "boolean", "field", "tag"]) }
        let h = current.text.lowercased()
        advance()
        return h
    }

    private mutating func regexLiteralIfAny() throws(InfluxQLParseError) -> String? {
        guard isSymbol("/") else { return nil }
        return try regexLiteral()
    }

    private mutating func regexLiteral() throws(InfluxQLParseError) -> String {
        guard isSymbol("/"), let (t, end) = lexer.regex(at: current.offset) else { throw unexpected(["regex"]) }
        guard t.kind == .regex else {
            throw InfluxQLParseError(message: "found \(t.text), expected regex", line: t.line, char: t.char)
        }
        next = end
        advance()
        return t.text
    }

    private mutating func identifier() throws(InfluxQLParseError) -> String {
        guard current.kind == .identifier || current.kind == .quotedIdentifier else { throw unexpected(["identifier"]) }
        let s = current.text
        advance()
        return s
    }

    private mutating func integer() throws(InfluxQLParseError) -> Int {
        guard current.kind == .integer, let v = Int(current.text) else { throw unexpected(["integer"]) }
        advance()
        return v
    }

    private mutating func durationLiteral() throws(InfluxQLParseError) -> Int64 {
        guard current.kind == .duration, let v = Duration.nanoseconds(current.text) else { throw unexpected(["duration"]) }
        advance()
        return v
    }
}
