/// Literal values that need more than a token: integers, intervals and type names.
extension Parser {
    /// The integer token's value (negated if `negative`), which must fit a BIGINT.
    func integerValue(_ token: Token, negative: Bool = false) throws(SQLError) -> Int64 {
        var magnitude: UInt64 = 0
        var overflow = false
        for at in token.start..<token.end {
            let (times10, o1) = magnitude.multipliedReportingOverflow(by: 10)
            let (sum, o2) = times10.addingReportingOverflow(UInt64(bytes[at] &- UInt8(ascii: "0")))
            magnitude = sum
            overflow = overflow || o1 || o2
        }
        let limit = negative ? UInt64(Int64.max) + 1 : UInt64(Int64.max)
        guard !overflow, magnitude <= limit else {
            let digits = text(token)
            throw error(.invalidLiteral, at: token,
                        "integer is out of range for BIGINT (write \(negative ? "-" : "")\(digits).0 for a DOUBLE)")
        }
        return negative ? Int64(truncatingIfNeeded: 0 &- magnitude) : Int64(magnitude)
    }

    /// `INTERVAL '7 days'`, `INTERVAL '2' HOUR`, `INTERVAL 1 DAY`; the current token is INTERVAL.
    mutating func parseInterval() throws(SQLError) -> Expr {
        let position = current.position
        advance()
        let literal = current
        advance()
        let unitToken = current
        let unit = unitToken.kind == .word ? IntervalUnit.named(name(unitToken), fullNamesOnly: true) : nil
        if unit != nil { advance() }
        let count: Int64? = unit != nil && literal.kind == .integer ? try integerValue(literal) : nil
        let value: SQLInterval
        do throws(SQLInterval.ParseError) {
            value = try intervalValue(literal, unit: unit, unitName: text(unitToken).uppercased(), count: count)
        } catch {
            throw self.error(.invalidLiteral, at: literal, "bad interval: \(error.message)")
        }
        return try node(.literal(.interval(value)), at: position)
    }

    /// The interval a literal (and unit keyword, if any) spells; `count` is an integer literal's value.
    private func intervalValue(
        _ literal: Token, unit: IntervalUnit?, unitName: String, count: Int64?
    ) throws(SQLInterval.ParseError) -> SQLInterval {
        guard let unit else {
            guard literal.kind == .string else {
                throw SQLInterval.ParseError(message: "expected a unit after the number, e.g. INTERVAL 1 DAY")
            }
            return try SQLInterval.parse(unquote(literal, quote: UInt8(ascii: "'")))
        }
        // `INTERVAL n UNIT` / `INTERVAL 'n' UNIT`: a whole number of units (DuckDB truncates fractions here,
        // which would be a surprise, so they are refused).
        if let count { return try SQLInterval.make(count, unit) }
        guard literal.kind == .string else {
            throw SQLInterval.ParseError(
                message: "INTERVAL n \(unitName) takes a whole number; write INTERVAL '\(text(literal)) \(unitName.lowercased())'")
        }
        var content = Array(unquote(literal, quote: UInt8(ascii: "'")).utf8)
        let negative = content.first == UInt8(ascii: "-")
        if negative { content.removeFirst() }
        guard !content.isEmpty, content.count <= 18, content.allSatisfy({ $0 &- UInt8(ascii: "0") < 10 }),
              let magnitude = Int64(String(decoding: content, as: UTF8.self)) else {
            throw SQLInterval.ParseError(message: "expected a whole number before \(unitName)")
        }
        return try SQLInterval.make(negative ? -magnitude : magnitude, unit)
    }

    /// A type name after `::` or `CAST(x AS`.
    mutating func parseType() throws(SQLError) -> SQLType {
        // PostgreSQL's clients qualify types with their schema: `x::pg_catalog.text`.
        if current.kind == .word, name(current) == "pg_catalog", peek().kind == .dot { advance(); advance() }
        let token = current
        guard token.kind == .word || token.kind == .quotedIdentifier, let type = SQLType.named(name(token)) else {
            throw unexpected(["a type such as BIGINT, DOUBLE, VARCHAR, BOOLEAN or TIMESTAMP"])
        }
        advance()
        if type == .double, current.kind == .word, name(current) == "precision" { advance() }
        return type
    }
}
