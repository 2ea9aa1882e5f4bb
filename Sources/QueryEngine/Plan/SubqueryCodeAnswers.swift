import ColumnStore
import Foundation

/// An uncorrelated `tag [NOT] IN (SELECT …)` (or EXISTS decorrelated on a tag) answered once per
/// dictionary entry instead of once per row: the subquery's keys go into a byte-string table once, each
/// entry of the tag's dictionary is looked up there, and a row's answer is a byte indexed by its code —
/// no string is built or hashed per row.
///
/// Dictionaries of up to `sharedLimit` entries get one answer table for the whole query (shared by the
/// scan's threads); a larger one (a `user_id` tag) is answered per batch for the codes the batch uses, so
/// a scan of a few rows never looks up a million entries.
final class SubqueryCodeAnswers: @unchecked Sendable {
    /// Answers: a row is FALSE, TRUE or NULL (SQL's IN over a set holding a NULL).
    static let no: UInt8 = 0, yes: UInt8 = 1, null: UInt8 = 2
    private static let unknown: UInt8 = 3
    static let sharedLimit = 1 << 16

    private let lock = NSLock()
    private var table: ByteStringTable?
    private var shared: [ObjectIdentifier: [UInt8]] = [:]

    /// The answer for each of `n` rows of `key` (a tag's codes with their dictionary). `keys` are the
    /// subquery's key values (strings), `rows` its row count and `hasNull` whether one of them is NULL.
    func evaluate(_ key: Vec, _ n: Int, dict: SymbolDictionary, keys: ColumnVector, rows: Int, hasNull: Bool,
                  negated: Bool, isIn: Bool) -> Vec {
        // What a key the subquery lacks, and a NULL key, answer.
        let missing = isIn && rows > 0 && hasNull ? Self.null : (negated ? Self.yes : Self.no)
        let nullRow = isIn && rows > 0 ? Self.null : (negated ? Self.yes : Self.no)
        let found = negated ? Self.no : Self.yes
        let (keyTable, sharedAnswers) = lock.withLock { () -> (ByteStringTable, [UInt8]?) in
            let t = table ?? Self.keyTable(keys, rows)
            table = t
            let id = ObjectIdentifier(dict)
            if let a = shared[id] { return (t, a) }
            guard dict.count <= Self.sharedLimit else { return (t, nil) }
            let a = dict.withTable { d in (0..<d.count).map { d.withBytes(UInt32($0)) { t.find($0) != nil ? found : missing } } }
            shared[id] = a
            return (t, a)
        }
        var answers = sharedAnswers ?? [UInt8](repeating: Self.unknown, count: dict.count)
        var out = [UInt8](repeating: 0, count: n)
        var validity: Bitmap?
        dict.withTable { d in
            key.col.codes.withUnsafeBufferPointer { codes in
                answers.withUnsafeMutableBufferPointer { a in
                    for i in 0..<n {
                        var r = nullRow
                        if !key.col.isNull(i) {
                            let c = Int(codes[i])
                            if c < a.count, a[c] != Self.unknown {
                                r = a[c]
                            } else {
                                // An entry first used in this batch (or added since the shared table was built).
                                r = c < d.count ? d.withBytes(UInt32(c)) { keyTable.find($0) != nil ? found : missing } : missing
                                if c < a.count { a[c] = r }
                            }
                        }
                        if r == Self.null {
                            if validity == nil { validity = Bitmap(count: n, value: true) }
                            validity![i] = false
                        } else {
                            out[i] = r
                        }
                    }
                }
            }
        }
        return Vec.bools(out, validity)
    }

    /// The subquery's non-NULL keys, interned.
    private static func keyTable(_ keys: ColumnVector, _ rows: Int) -> ByteStringTable {
        var t = ByteStringTable()
        for i in 0..<rows where !keys.isNull(i) { _ = keys.withStringBytes(i) { t.intern($0) } }
        return t
    }
}
