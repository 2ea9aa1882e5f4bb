import Testing
import ColumnStore
@testable import QueryEngine
import TestSupport

/// Grouping (`HashAggregate`), hash partitioning (`KeyHash` for rows, `groupPartitions` for stored groups)
/// and DISTINCT (`RowKeys`, `distinctKey`) all key values through `GroupKey`; over seeded random keys
/// with NULLs, strings of every length, −0/+0, NaNs with different payloads and mixed types they must
/// agree with each other and with SQL's rule computed here (NULL = NULL, −0 = 0, NaN = NaN).
@Suite("Group keys")
struct GroupKeyTests {
    /// One key value as Swift compares it under SQL's grouping rule.
    enum Key: Hashable { case null, nan, int(Int64), double(Double), string(String), bool(Bool) }

    static let rows = 3_000

    /// A random column of `type` and its values as `Key`s.
    static func column(_ type: ValueType, _ rng: inout SeededRandom) -> (Vec, [Key]) {
        var col = ColumnVector(type: type.columnType, capacity: rows)
        var keys: [Key] = []
        let nans = [Double.nan, -Double.nan, Double(nan: 7, signaling: false), Double.signalingNaN]
        let strings = ["", "a", "é", "\u{0}", "user1234", "u0000001", "abcdefghi", "a longer string key", "日本"]
        for _ in 0..<rows {
            if rng.next() % 8 == 0 { col.appendNulls(1); keys.append(.null); continue }
            let x = rng.next()
            switch type {
            case .int:
                let v = Int64(x % 9) - 4
                col.append(int64: v); keys.append(.int(v))
            case .double:
                let v: Double = [0.0, -0.0, 1.5, -1.5, nans[Int(x >> 8) % 4], .infinity][Int(x % 6)]
                col.append(float64: v)
                keys.append(v.isNaN ? .nan : .double(v))  // Swift: -0.0 == 0.0, equal hashes
            case .bool:
                col.append(bool: x & 1 == 1); keys.append(.bool(x & 1 == 1))
            default:
                let s = strings[Int(x % UInt64(strings.count))]
                col.append(string: s); keys.append(.string(s))
            }
        }
        return (Vec(type: type, col: col), keys)
    }

    /// Rows numbered by their key's first row: two rows share a number iff their keys are equal.
    static func classes<K: Hashable>(_ keys: [K]) -> [Int] {
        var first: [K: Int] = [:]
        return keys.enumerated().map { i, k in
            if let f = first[k] { return f }
            first[k] = i
            return i
        }
    }

    static let shapes: [[ValueType]] = [
        [.int], [.double], [.string], [.string, .int], [.double, .bool, .string], [.bool, .string], [.string, .string, .double],
    ]

    @Test("grouping, partitioning and DISTINCT agree on random keys", arguments: 0..<12)
    func agree(seed: Int) throws {
        var rng = SeededRandom(seed: UInt64(seed) &* 7919 &+ 11)
        let types = Self.shapes[seed % Self.shapes.count]
        var vecs: [Vec] = []
        var rowKeys = [[Key]](repeating: [], count: Self.rows)
        for t in types {
            let (v, keys) = Self.column(t, &rng)
            vecs.append(v)
            for r in 0..<Self.rows { rowKeys[r].append(keys[r]) }
        }
        let expected = Self.classes(rowKeys)

        // Grouping, in two "threads" (halves of the rows) merged into one: pooled strings translate.
        let half = Self.rows / 2
        let a = HashAggregate(keyTypes: types, specs: []), b = HashAggregate(keyTypes: types, specs: [])
        let gidsA = a.groupIDs(vecs, sel: (0..<Int32(half)).map { $0 }, n: half)
        let gidsB = b.groupIDs(vecs, sel: (Int32(half)..<Int32(Self.rows)).map { $0 }, n: Self.rows - half)
        #expect(Self.classes(gidsA) == Array(expected[..<half]))
        #expect(Self.classes(gidsB) == Self.classes(Array(rowKeys[half...])))
        try a.merge(b)
        #expect(a.groupCount == Set(expected).count)

        // Partitions: a row's, from its values, is its group's, from the stored key words.
        let rowParts = KeyHash.partitions(vecs, sel: nil, n: Self.rows)
        let groupParts = a.groupPartitions()
        for r in 0..<half { #expect(rowParts[r] == groupParts[Int(gidsA[r])], "row \(r): \(rowKeys[r])") }
        for r in 0..<Self.rows where expected[r] != r { #expect(rowParts[r] == rowParts[expected[r]]) }

        // DISTINCT and set operations: RowKeys' groups are the same classes.
        let ids = RowKeys.groups(vecs.map(\.col), rows: Self.rows).ids
        #expect(Self.classes(ids) == expected)

        // count(DISTINCT x) keys, one column at a time (NULLs are skipped there, so only non-NULL rows).
        for (k, v) in vecs.enumerated() {
            var pool = StringPool()
            let present = (0..<Self.rows).filter { rowKeys[$0][k] != .null }
            let words = present.map { distinctKey(v, $0, &pool) }
            #expect(Self.classes(words) == Self.classes(present.map { rowKeys[$0][k] }))
        }
    }
}
