import ColumnStore
import Testing
import TestSupport

/// Interning a batch dictionary's entries into a table by their stored hashes (`intern(entry:of:)`), into a
/// table sized up front (`reserve`), gives the same codes and strings as interning each string's bytes.
@Suite struct ByteStringTableInternTests {
    /// Strings from a small alphabet, so batches repeat each other's values; lengths 0…40 cross the 8- and
    /// 16-byte boundaries of the hash and the compare.
    static func randomString(_ rng: inout SeededRandom) -> String {
        let n = rng.below(41)
        return String((0..<n).map { _ in "ab\\ ,=é0"[String.Index(utf16Offset: rng.below(8), in: "ab\\ ,=é0")] })
    }

    @Test func internByEntryMatchesInternByBytes() {
        var rng = SeededRandom(seed: 0xB57)
        var byEntry = ByteStringTable(), byBytes = ByteStringTable()
        for round in 0..<60 {
            var local = ByteStringTable()
            if round % 2 == 0 { local.reserve(entries: 50, bytes: 600) }
            for _ in 0..<rng.below(200) { local.intern(Self.randomString(&rng)) }
            if round % 3 == 0 { byEntry.reserve(entries: local.count, bytes: local.arena.count) }
            for code in 0..<UInt32(local.count) {
                let a = byEntry.intern(entry: code, of: local)
                let b = local.withBytes(code) { byBytes.intern($0) }
                #expect(a == b)
                #expect(byEntry.string(a) == local.string(code))
            }
            #expect(byEntry.count == byBytes.count)
        }
        for code in 0..<UInt32(byBytes.count) {
            #expect(byEntry.find(byBytes.string(code)) == code)
        }
        #expect(byEntry.firstRepeat() == nil)
    }

    /// A table sized by `reserve` finds what it held before and what is added after.
    @Test func reserveKeepsEveryEntryFindable() {
        var t = ByteStringTable()
        for i in 0..<1_000 { t.intern("v\(i)") }
        t.reserve(entries: 100_000, bytes: 1 << 20)
        for i in 1_000..<3_000 { t.intern("v\(i)") }
        for i in 0..<3_000 { #expect(t.find("v\(i)") == UInt32(i)) }
        #expect(t.find("v3000") == nil)
        #expect(t.intern("v5") == 5)
    }
}
