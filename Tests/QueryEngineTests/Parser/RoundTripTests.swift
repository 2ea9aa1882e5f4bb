@testable import QueryEngine
import Testing
import TestSupport

/// Random syntax trees in the parser's normal form (a sign before a number literal is part of the
/// literal), for print → parse round trips.
struct RandomAST {
    var random: SeededRandom

    private static let names = ["time", "platform", "user_id", "x", "day", "Plays", "select", "a b", "q\"uote",
                                "größe", "interval", "first", "nulls", "_x1", "from", "t$"]
    private static let functions = ["count", "sum", "avg", "min", "max", "approx_count_distinct", "time_bucket",
                                    "date_trunc", "now", "first", "last", "approx_quantile", "Weird Fn"]
    private static let strings = ["", "it's", "a''b", "Artist 0001", "%x_", "line\nbreak", "ünï", "--not", "/*x*/"]

    mutating func int(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &random) }
    mutating func chance(_ percent: Int) -> Bool { int(1...100) <= percent }
    mutating func pick<T>(_ items: [T]) -> T { items[int(0...items.count - 1)] }

    mutating func literal() -> Literal {
        switch int(0...9) {
        case 0: return .null
        case 1: return .bool(chance(50))
        case 2: return .int(Int64.random(in: .min ... .max, using: &random))
        case 3: return .int(Int64(int(-100...100)))
        case 4:
            let value = Double(bitPattern: random.next())
            return .double(value.isFinite ? value : 0.5)
        case 5: return .double(Double(int(-1000...1000)) / 8)
        case 6: return .string(pick(Self.strings))
        case 7:
            return .interval(SQLInterval(
                months: Int32.random(in: -100_000...100_000, using: &random),
                days: chance(50) ? 0 : Int32.random(in: .min ... .max, using: &random),
                nanoseconds: chance(30) ? 0 : Int64.random(in: .min ... .max, using: &random)))
        case 8: return .interval(SQLInterval(days: Int32(int(0...30))))
        default:
            let limit: Int64 = 9_223_286_400_000_000_000
            return .timestamp(Int64.random(in: -limit...limit, using: &random))
        }
    }

    mutating func expr(depth: Int) -> Expr {
        let at = SourcePosition(line: 1, column: 1, offset: 0)
        if depth <= 0 || chance(20) {
            if chance(50) {
                return Expr(.column(table: chance(20) ? pick(Self.names) : nil, name: pick(Self.names)), at: at)
            }
            return Expr(.literal(literal()), at: at)
        }
        let d = depth - 1
        switch int(0...11) {
        case 0:
            let operand = expr(depth: d)
            let op: UnaryOperator = pick([.not, .negate, .plus])
            if op != .not, case .literal(let value) = operand.kind {
                switch value {
                case .int, .double: return operand  // would fold into the literal
                default: break
                }
            }
            return Expr(.unary(op, operand), at: at)
        case 1, 2:
            let op: BinaryOperator = pick([.or, .and, .equal, .notEqual, .less, .lessEqual, .greater, .greaterEqual,
                                           .concat, .add, .subtract, .multiply, .divide, .integerDivide, .modulo])
            return Expr(.binary(op, expr(depth: d), expr(depth: d)), at: at)
        case 3:
            var arguments: [Expr] = []
            for _ in 0..<int(0...3) { arguments.append(expr(depth: d)) }
            let star = arguments.isEmpty && chance(50)
            let call = FunctionCall(name: pick(Self.functions), arguments: arguments,
                                    distinct: !arguments.isEmpty && chance(30), star: star)
            return Expr(.function(call), at: at)
        case 4:
            var branches: [CaseExpr.Branch] = []
            for _ in 0..<int(1...3) { branches.append(CaseExpr.Branch(when: expr(depth: d), then: expr(depth: d))) }
            return Expr(.caseWhen(CaseExpr(operand: chance(50) ? expr(depth: d) : nil, branches: branches,
                                           otherwise: chance(50) ? expr(depth: d) : nil)), at: at)
        case 5:
            var list: [Expr] = []
            for _ in 0..<int(1...4) { list.append(expr(depth: d)) }
            return Expr(.inList(expr(depth: d), list, negated: chance(50)), at: at)
        case 6:
            return Expr(.between(expr(depth: d), low: expr(depth: d), high: expr(depth: d), negated: chance(50)), at: at)
        case 7:
            return Expr(.like(expr(depth: d), pattern: expr(depth: d), caseInsensitive: chance(50), negated: chance(50)), at: at)
        case 8:
            return Expr(.isNull(expr(depth: d), negated: chance(50)), at: at)
        case 9:
            return Expr(.isBool(expr(depth: d), chance(50), negated: chance(50)), at: at)
        default:
            return Expr(.cast(expr(depth: d), pick(SQLType.allCases)), at: at)
        }
    }

    mutating func select(depth: Int) -> SelectStatement {
        let at = SourcePosition(line: 1, column: 1, offset: 0)
        var select = SelectStatement(items: [], position: at)
        select.distinct = chance(20)
        for _ in 0..<int(1...4) {
            select.items.append(chance(10) ? .wildcard : .expr(expr(depth: 3), alias: chance(40) ? pick(Self.names) : nil))
        }
        if chance(80) {
            let source: TableRef.Source = depth > 0 && chance(30)
                ? .subquery(self.select(depth: depth - 1)) : .table(TableName(pick(Self.names), at: at))
            select.from = TableRef(source, alias: chance(30) ? pick(Self.names) : nil)
        }
        if chance(50) { select.where = expr(depth: 4) }
        for _ in 0..<(chance(40) ? int(1...3) : 0) { select.groupBy.append(expr(depth: 2)) }
        if chance(20) { select.having = expr(depth: 3) }
        for _ in 0..<(chance(40) ? int(1...3) : 0) {
            select.orderBy.append(OrderItem(expr(depth: 2), descending: chance(50),
                                            nulls: chance(30) ? pick([OrderItem.Nulls.first, .last]) : nil))
        }
        if chance(30) { select.limit = Int64(int(0...1_000_000)) }
        if chance(20) { select.offset = Int64.random(in: 0 ... .max, using: &random) }
        return select
    }
}

@Suite struct RoundTripTests {
    @Test func randomExpressionsPrintAndParseBack() throws {
        var generator = RandomAST(random: SeededRandom(seed: 20260901))
        for _ in 0..<3_000 {
            let original = generator.expr(depth: 5)
            let printed = original.description
            do {
                let parsed = try SQLParser.parseExpression(printed)
                #expect(parsed == original, "printed: \(printed)\nreparsed: \(parsed)")
                if parsed != original { return }
            } catch {
                Issue.record("\(printed): \(error)")
                return
            }
        }
    }

    @Test func randomStatementsPrintAndParseBack() throws {
        var generator = RandomAST(random: SeededRandom(seed: 42))
        for round in 0..<1_000 {
            let original: Statement = switch round % 10 {
            case 0: .explain(generator.select(depth: 2))
            case 1: .describe(TableName(generator.pick(["plays", "Plays", "select"]), at: nowhere))
            case 2: .showTables
            default: .select(generator.select(depth: 2))
            }
            let printed = original.description
            do {
                let parsed = try SQLParser.parse(printed)
                #expect(parsed == original, "printed: \(printed)\nreparsed: \(parsed)")
                if parsed != original { return }
            } catch {
                Issue.record("\(printed): \(error)")
                return
            }
        }
    }

    @Test func intervalsPrintAndParseBack() throws {
        var random = SeededRandom(seed: 5)
        for _ in 0..<3_000 {
            let value = SQLInterval(months: Int32.random(in: .min ... .max, using: &random),
                                    days: Int32.random(in: .min ... .max, using: &random),
                                    nanoseconds: Int64.random(in: .min ... .max, using: &random))
            let text = value.description
            do {
                let parsed = try SQLInterval.parse(text)
                #expect(parsed == value, "\(text)")
                if parsed != value { return }
            } catch {
                Issue.record("\(text): \(error.message)")
                return
            }
        }
    }
}
