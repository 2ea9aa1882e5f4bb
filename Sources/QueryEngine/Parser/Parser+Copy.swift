import Parquet

/// `COPY … TO …`. COPY, TO and the option names are not keywords: they are matched as words here only.
extension Parser {
    mutating func parseCopy() throws(SQLError) -> CopyStatement {
        advance()  // COPY
        let source: CopyStatement.Source
        if accept(.leftParen) {
            guard current.is(.select) else { throw unexpected(["SELECT"]) }
            let select = try parseSelect()
            followers = []
            try expect(.rightParen, ["')'"])
            source = .query(select)
        } else if current.isIdentifier {
            source = .table(TableName(name(current), at: current.position))
            advance()
        } else {
            throw unexpected(["a table name", "'(' and a query"])
        }
        guard isWord("to") else { throw unexpected(["TO"]) }
        advance()
        guard current.kind == .string else { throw unexpected(["a file path in quotes"]) }
        let path = unquote(current, quote: UInt8(ascii: "'"))
        advance()
        var copy = CopyStatement(source: source, path: path, format: CopyStatement.format(forPath: path))
        if isWord("with") || current.is(.with) { advance() }
        guard accept(.leftParen) else {
            followers = ["'(' and options"]
            return copy
        }
        var seen = Set<String>()
        repeat {
            guard current.kind == .word || current.kind == .quotedIdentifier else {
                throw unexpected(["FORMAT", "HEADER", "COMPRESSION", "ROW_GROUP_SIZE", "ARRAY"])
            }
            let option = current
            let key = name(option)
            advance()
            guard seen.insert(key).inserted else {
                throw error(.syntax, at: option, "option \(key.uppercased()) is given twice")
            }
            switch key {
            case "format":
                let value = try optionWord()
                guard let f = CopyStatement.Format(rawValue: value) else {
                    throw error(.syntax, at: option, "unknown COPY format '\(value)': expected parquet, csv, json or xlsx")
                }
                copy.format = f
            case "header":
                copy.header = try optionBool()
            case "array":
                copy.jsonArray = try optionBool()
            case "compression", "codec":
                let value = try optionWord()
                guard let c = ParquetCompression(name: value), c != .gzip else {
                    throw error(.syntax, at: option, "unknown COMPRESSION '\(value)': expected zstd, snappy or uncompressed")
                }
                copy.compression = c
            case "row_group_size":
                guard current.kind == .integer else { throw unexpected(["a row count"]) }
                let n = try integerValue(current)
                guard n > 0 else { throw error(.syntax, at: current, "ROW_GROUP_SIZE must be at least 1") }
                copy.rowGroupSize = Int(n)
                advance()
            default:
                throw error(.syntax, at: option,
                            "unknown COPY option '\(key)': expected FORMAT, HEADER, COMPRESSION, ROW_GROUP_SIZE or ARRAY")
            }
        } while accept(.comma)
        followers = ["','"]
        try expect(.rightParen, ["','", "')'"])
        followers = []
        if copy.format != .parquet && (seen.contains("compression") || seen.contains("codec") || seen.contains("row_group_size")) {
            throw error(.syntax, at: current, "COMPRESSION and ROW_GROUP_SIZE apply to FORMAT parquet only")
        }
        return copy
    }

    /// An option's value given as a word or a string: `parquet`, `'parquet'`.
    mutating func optionWord() throws(SQLError) -> String {
        let value: String
        switch current.kind {
        case .word, .quotedIdentifier: value = name(current)
        case .string: value = unquote(current, quote: UInt8(ascii: "'")).lowercased()
        default: throw unexpected(["a value"])
        }
        advance()
        return value
    }

    /// A boolean option's value: none (true), TRUE/FALSE, 1/0, 'true'/'false'.
    mutating func optionBool() throws(SQLError) -> Bool {
        if current.kind == .comma || current.kind == .rightParen { return true }
        if accept(.true) { return true }
        if accept(.false) { return false }
        if current.kind == .integer {
            let v = text(current)
            guard v == "0" || v == "1" else { throw unexpected(["TRUE", "FALSE"]) }
            advance()
            return v == "1"
        }
        if current.kind == .string {
            let v = unquote(current, quote: UInt8(ascii: "'")).lowercased()
            guard v == "true" || v == "false" else { throw unexpected(["TRUE", "FALSE"]) }
            advance()
            return v == "true"
        }
        throw unexpected(["TRUE", "FALSE"])
    }
}
