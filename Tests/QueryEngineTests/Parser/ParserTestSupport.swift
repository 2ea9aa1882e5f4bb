@testable import QueryEngine
import Testing

// Helpers shared by the parser tests (and usable by planner tests in the same target): parsing
// shorthands and builders for expected trees. Random data comes from TestSupport's SeededRandom.

/// Parses a statement that must be a SELECT.
func parseSelect(_ sql: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> SelectStatement {
    let statement = try SQLParser.parse(sql)
    guard case .select(let select) = statement else {
        Issue.record("not a SELECT: \(statement)", sourceLocation: sourceLocation)
        throw SQLError(.syntax, at: SourcePosition(line: 0, column: 0, offset: 0), near: nil, message: "not a select")
    }
    return select
}

/// The error `sql` fails with, or nil if it parses.
func parseError(_ sql: String) -> SQLError? {
    do {
        _ = try SQLParser.parse(sql)
        return nil
    } catch {
        return error
    }
}

/// Parses, prints, parses again and checks both trees are equal and printing is stable.
func expectRoundTrip(_ sql: String, sourceLocation: SourceLocation = #_sourceLocation) {
    do {
        let first = try SQLParser.parse(sql)
        let printed = first.description
        let second = try SQLParser.parse(printed)
        #expect(first == second, "\(sql)\n  printed: \(printed)\n  reparsed: \(second)", sourceLocation: sourceLocation)
        #expect(second.description == printed, "printing is not stable for \(sql)", sourceLocation: sourceLocation)
    } catch {
        Issue.record("\(sql): \(error)", sourceLocation: sourceLocation)
    }
}

// Shorthands for building expected trees; positions don't take part in equality.
let nowhere = SourcePosition(line: 1, column: 1, offset: 0)
func col(_ name: String, _ table: String? = nil) -> Expr { Expr(.column(table: table, name: name), at: nowhere) }
func int(_ value: Int64) -> Expr { Expr(.literal(.int(value)), at: nowhere) }
func dbl(_ value: Double) -> Expr { Expr(.literal(.double(value)), at: nowhere) }
func str(_ value: String) -> Expr { Expr(.literal(.string(value)), at: nowhere) }
func lit(_ value: Literal) -> Expr { Expr(.literal(value), at: nowhere) }
func bin(_ op: BinaryOperator, _ left: Expr, _ right: Expr) -> Expr { Expr(.binary(op, left, right), at: nowhere) }
func un(_ op: UnaryOperator, _ operand: Expr) -> Expr { Expr(.unary(op, operand), at: nowhere) }
func call(_ name: String, _ args: Expr..., distinct: Bool = false, star: Bool = false) -> Expr {
    Expr(.function(FunctionCall(name: name, arguments: args, distinct: distinct, star: star)), at: nowhere)
}
func expr(_ kind: Expr.Kind) -> Expr { Expr(kind, at: nowhere) }
