import Foundation
import Testing
@testable import ColumnStore
import TestSupport

/// A loaded symbol file is read by code at once and indexed for lookups on the first lookup; a file
/// whose entries repeat is still refused at load.
@Suite("Symbol dictionary load")
struct SymbolDictionaryLoadTests {
    private func randomStrings(_ rng: inout SeededRandom, _ n: Int) -> [String] {
        var seen = Set<String>()
        var out: [String] = []
        while out.count < n {
            let s = String(repeating: "x", count: rng.below(3)) + "\(rng.below(n * 4))" + (rng.below(5) == 0 ? "é-long-suffix" : "")
            if seen.insert(s).inserted { out.append(s) }
        }
        return out
    }

    @Test func unindexedEntriesIndexLikeInternedOnes() {
        var rng = SeededRandom(seed: 99)
        for n in [0, 1, 7, 8, 9, 100, 5_000] {
            let strings = randomStrings(&rng, n)
            var lazy = ByteStringTable(), eager = ByteStringTable()
            for s in strings {
                var t = s
                t.withUTF8 { lazy.appendUnindexed(UnsafeRawBufferPointer($0)) }
                eager.intern(s)
            }
            #expect(lazy.count == n && lazy.unindexed == n)
            #expect(lazy.firstRepeat() == nil)
            for code in 0..<UInt32(n) { #expect(lazy.string(code) == strings[Int(code)]) }
            lazy.buildIndex()
            #expect(lazy.unindexed == 0)
            for (code, s) in strings.enumerated() { #expect(lazy.find(s) == UInt32(code)) }
            #expect(lazy.find("absent-string") == nil)
            #expect(lazy.intern("new one") == UInt32(n))
            #expect(lazy.find("new one") == UInt32(n) && eager.intern("new one") == UInt32(n))
        }
    }

    @Test func firstRepeatAmongManyAndAfterErasedEntries() {
        var rng = SeededRandom(seed: 3)
        let strings = randomStrings(&rng, 20_000)
        for repeatOf in [0, 777, 19_999] {
            var t = ByteStringTable()
            for (i, s) in strings.enumerated() {
                if i == 5 { t.appendErased() }
                var x = s
                x.withUTF8 { t.appendUnindexed(UnsafeRawBufferPointer($0)) }
            }
            #expect(t.firstRepeat() == nil)
            var x = strings[repeatOf]
            x.withUTF8 { t.appendUnindexed(UnsafeRawBufferPointer($0)) }
            #expect(t.firstRepeat() == UInt32(strings.count + 1))
        }
    }

    @Test func firstRepeatFindsTheLaterCode() {
        var t = ByteStringTable()
        for s in ["a", "bb", "ccc", "bb", "a"] {
            var x = s
            x.withUTF8 { t.appendUnindexed(UnsafeRawBufferPointer($0)) }
        }
        #expect(t.firstRepeat() == 3)
    }

    /// A symbol file as `persist` writes it, holding `entries` in one chunk.
    private func symbolFile(_ entries: [String]) -> [UInt8] {
        var payload: [UInt8] = []
        for e in entries {
            let b = Array(e.utf8)
            withUnsafeBytes(of: UInt32(b.count).littleEndian) { payload += $0 }
            payload += b
        }
        var out = SymbolDictionary.magic
        for v in [SymbolDictionary.version, 0, UInt32(entries.count), UInt32(payload.count), CRC32C.checksum(payload)] {
            withUnsafeBytes(of: v.littleEndian) { out += $0 }
        }
        return out + payload
    }

    @Test func aLoadedFileAnswersByCodeAndByString() throws {
        let dir = TempDirectory("symload")
        defer { dir.remove() }
        let path = dir.path + "/c.sym"
        var rng = SeededRandom(seed: 5)
        let strings = randomStrings(&rng, 3_000)
        let d = SymbolDictionary()
        for s in strings.prefix(1_000) { d.intern(s) }
        try d.persist(to: path)
        for s in strings.dropFirst(1_000) { d.intern(s) }
        try d.persist(to: path)  // a second chunk

        let loaded = try SymbolDictionary.load(path: path, required: 3_000, repair: false)
        #expect(loaded.count == 3_000)
        for i in stride(from: 0, to: 3_000, by: 7) { #expect(loaded.string(UInt32(i)) == strings[i]) }
        for (i, s) in strings.enumerated() { #expect(loaded.code(of: s) == UInt32(i)) }
        #expect(loaded.intern("fresh") == 3_000)
        #expect(loaded.intern(strings[42]) == 42)
    }

    @Test func aFileWithARepeatedEntryIsRefused() throws {
        let dir = TempDirectory("symload-dup")
        defer { dir.remove() }
        let path = dir.path + "/c.sym"
        try FileIO.writeFileAtomically(path, symbolFile(["a", "b", "c", "b"]))
        #expect(throws: StorageError.self) { _ = try SymbolDictionary.load(path: path, repair: false) }
        do {
            _ = try SymbolDictionary.load(path: path, repair: false)
        } catch {
            #expect("\(error)".contains("symbol entry 3 repeats an earlier entry"), "\(error)")
        }
        try FileIO.writeFileAtomically(path, symbolFile(["a", "b", "c"]))
        let ok = try SymbolDictionary.load(path: path, repair: false)
        #expect(ok.code(of: "c") == 2 && ok.string(1) == "b")
    }
}
