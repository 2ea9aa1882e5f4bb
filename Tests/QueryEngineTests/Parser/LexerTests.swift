@testable import QueryEngine
import Testing

/// Token kinds (and keywords) of `sql`, without the end token.
private func kinds(_ sql: String) throws -> [TokenKind] {
    let bytes = Array(sql.utf8)
    let tokens = try bytes.withUnsafeBufferPointer { try Lexer.tokenize($0) }
    #expect(tokens.last?.kind == .end)
    return tokens.dropLast().map(\.kind)
}

private func tokens(_ sql: String) throws -> [Token] {
    let bytes = Array(sql.utf8)
    return try bytes.withUnsafeBufferPointer { try Lexer.tokenize($0) }
}

@Suite struct LexerTests {
    @Test func operatorsAndPunctuation() throws {
        #expect(try kinds("+ - * / // % || :: = <> != < <= > >= , . ; ( )") == [
            .plus, .minus, .star, .slash, .slashSlash, .percent, .concat, .doubleColon, .equal, .notEqual,
            .notEqual, .less, .lessEqual, .greater, .greaterEqual, .comma, .dot, .semicolon, .leftParen, .rightParen,
        ])
        // No multi-character operator swallows a following sign (PostgreSQL's rule).
        #expect(try kinds("a<-1") == [.word, .less, .minus, .integer])
        #expect(try kinds("2*-3") == [.integer, .star, .minus, .integer])
        #expect(try kinds("x::DOUBLE") == [.word, .doubleColon, .word])
    }

    @Test func numbers() throws {
        #expect(try kinds("0 42 1.5 1. .5 1e3 1E+3 2.5e-7") == [.integer, .integer, .decimal, .decimal, .decimal,
                                                                    .decimal, .decimal, .decimal])
        #expect(try kinds("t.x") == [.word, .dot, .word])
        for bad in ["1abc", "1e", "1.2.3", "12x"] {
            #expect(throws: SQLError.self, "\(bad)") { try kinds(bad) }
        }
    }

    @Test func wordsKeywordsAndQuotedIdentifiers() throws {
        let toks = try tokens(#"SeLeCt from_x "Select" "a""b" _u"#)
        #expect(toks[0].keyword == .select)
        #expect(toks[1].keyword == nil)  // from_x is a name, not FROM
        #expect(toks[2].kind == .quotedIdentifier && toks[2].keyword == nil)
        #expect(toks[3].kind == .quotedIdentifier)
        #expect(toks[4].kind == TokenKind.word)
        // Non-ASCII letters are part of names.
        #expect(try kinds("größe ñ") == [.word, .word])
    }

    @Test func commentsAreSkipped() throws {
        #expect(try kinds("SELECT -- comment ; ' \n 1 /* block /* nested */ still */ + 2") ==
                [.word, .integer, .plus, .integer])
        #expect(try kinds("1 -- to the end") == [.integer])
        #expect(try kinds("/**/1/* */") == [.integer])
        #expect(try kinds("1 - -2") == [.integer, .minus, .minus, .integer])
        #expect(try kinds("1--2") == [.integer])
    }

    @Test func strings() throws {
        #expect(try kinds("'a' 'it''s' '' '--not a comment' 'multi\nline'") == [.string, .string, .string, .string, .string])
    }

    @Test func positionsCountLinesAndCharacters() throws {
        let toks = try tokens("SELECT 'é', x\n  FROM\tt")
        #expect(toks.map(\.position.description) == ["1:1", "1:8", "1:11", "1:13", "2:3", "2:8", "2:9"])
        #expect(toks[3].position.offset == 13)  // 'é' is two bytes, one column
        #expect(toks.last?.kind == .end)
    }

    @Test func lexicalErrors() {
        let cases: [(String, String)] = [
            ("SELECT 'abc", "syntax error at 1:8 near ''abc': unterminated string literal"),
            ("SELECT \"abc", "syntax error at 1:8 near '\"abc': unterminated quoted identifier"),
            ("SELECT 1 /* never closed", "syntax error at 1:10 near '/*': unterminated /* comment"),
            ("SELECT #", "syntax error at 1:8 near '#': unexpected character"),
            ("SELECT 'é'\n  FROM t WHERE x = @", "syntax error at 2:20 near '@': unexpected character"),
            ("SELECT \"\" FROM t", "syntax error at 1:8 near '\"\"': a quoted identifier cannot be empty"),
            ("SELECT 1abc", "syntax error at 1:8 near '1abc': invalid number"),
            ("SELECT a ! b", "syntax error at 1:10 near '!': unexpected character"),
            ("SELECT a : b", "syntax error at 1:10 near ':': unexpected character"),
        ]
        for (sql, message) in cases {
            #expect(parseError(sql)?.description == message, "\(sql)")
        }
    }

    @Test func longUnterminatedStringIsShortenedInMessage() throws {
        let error = try #require(parseError("SELECT '" + String(repeating: "x", count: 200)))
        #expect(error.near == "'" + String(repeating: "x", count: 39) + "…")
    }
}
