/// A prefix operator.
public enum UnaryOperator: String, Sendable, Hashable {
    case negate = "-"
    case plus = "+"
    case not = "NOT"
}

/// An infix operator. `!=` parses as `.notEqual` (printed `<>`).
public enum BinaryOperator: String, Sendable, Hashable {
    case or = "OR"
    case and = "AND"
    case equal = "="
    case notEqual = "<>"
    case less = "<"
    case lessEqual = "<="
    case greater = ">"
    case greaterEqual = ">="
    case concat = "||"
    case add = "+"
    case subtract = "-"
    case multiply = "*"
    /// `/`: DuckDB divides as floating point, even for two integers.
    case divide = "/"
    /// `//`: integer division (DuckDB).
    case integerDivide = "//"
    case modulo = "%"

    /// Binding strength, PostgreSQL's order (higher binds tighter); see `Precedence`.
    var precedence: Int {
        switch self {
        case .or: return Precedence.or
        case .and: return Precedence.and
        case .equal, .notEqual, .less, .lessEqual, .greater, .greaterEqual: return Precedence.comparison
        case .concat: return Precedence.other
        case .add, .subtract: return Precedence.additive
        case .multiply, .divide, .integerDivide, .modulo: return Precedence.multiplicative
        }
    }

    /// Comparisons don't chain: `a < b < c` is an error, as in DuckDB.
    var isComparison: Bool { precedence == Precedence.comparison }
}

/// Operator binding strengths, loosest first, as in PostgreSQL (and so DuckDB):
/// OR < AND < NOT < IS < comparison < IN/BETWEEN/LIKE < || < + - < * / // % < unary - + < :: < atoms.
enum Precedence {
    static let lowest = 0
    static let or = 1
    static let and = 2
    static let not = 3
    static let `is` = 4
    static let comparison = 5
    static let inBetweenLike = 6
    static let other = 7
    static let additive = 8
    static let multiplicative = 9
    static let unary = 10
    static let cast = 11
    static let atom = 12
}
