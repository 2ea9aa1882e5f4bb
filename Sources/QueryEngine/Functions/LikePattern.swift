/// A compiled `LIKE` pattern: `%` matches any sequence, `_` one character (UTF-8 scalar); no escape character.
/// `ILIKE` folds ASCII letters on both sides.
struct LikePattern: Sendable, Equatable {
    enum Shape: Sendable, Equatable {
        case exact([UInt8]), prefix([UInt8]), suffix([UInt8]), contains([UInt8]), general
    }

    let pattern: [UInt8]
    let caseInsensitive: Bool
    let shape: Shape

    init(_ text: String, caseInsensitive: Bool) {
        var p = Array(text.utf8)
        if caseInsensitive { p = p.map(Self.fold) }
        pattern = p
        self.caseInsensitive = caseInsensitive
        let hasUnderscore = p.contains(UInt8(ascii: "_"))
        let percents = p.indices.filter { p[$0] == UInt8(ascii: "%") }
        if hasUnderscore {
            shape = .general
        } else if percents.isEmpty {
            shape = .exact(p)
        } else if percents == [p.count - 1] {
            shape = .prefix(Array(p.dropLast()))
        } else if percents == [0] {
            shape = .suffix(Array(p.dropFirst()))
        } else if percents.count == 2 && percents == [0, p.count - 1] && p.count >= 2 {
            shape = .contains(Array(p[1..<(p.count - 1)]))
        } else {
            shape = .general
        }
    }

    @inline(__always) static func fold(_ b: UInt8) -> UInt8 { (b >= 65 && b <= 90) ? b | 0x20 : b }

    func matches(_ s: UnsafeRawBufferPointer) -> Bool {
        if caseInsensitive {
            let folded = [UInt8](s).map(Self.fold)
            return folded.withUnsafeBytes { matchFolded($0) }
        }
        return matchFolded(s)
    }

    private func matchFolded(_ s: UnsafeRawBufferPointer) -> Bool {
        switch shape {
        case let .exact(p): return s.count == p.count && s.elementsEqual(p)
        case let .prefix(p): return s.count >= p.count && s.prefix(p.count).elementsEqual(p)
        case let .suffix(p): return s.count >= p.count && s.suffix(p.count).elementsEqual(p)
        case let .contains(p):
            if p.isEmpty { return true }
            if s.count < p.count { return false }
            var i = 0
            while i + p.count <= s.count {
                if s[i] == p[0] && s[i..<(i + p.count)].elementsEqual(p) { return true }
                i += 1
            }
            return false
        case .general:
            return pattern.withUnsafeBufferPointer { general($0, s) }
        }
    }

    /// Iterative wildcard matching with backtracking to the last `%`.
    private func general(_ p: UnsafeBufferPointer<UInt8>, _ s: UnsafeRawBufferPointer) -> Bool {
        var pi = 0, si = 0
        var starP = -1, starS = 0
        func scalarLength(_ b: UInt8) -> Int { b < 0x80 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4 }
        while si < s.count {
            if pi < p.count && p[pi] == UInt8(ascii: "%") {
                starP = pi; starS = si; pi += 1
            } else if pi < p.count && p[pi] == UInt8(ascii: "_") {
                si += scalarLength(s[si]); pi += 1
            } else if pi < p.count && p[pi] == s[si] {
                pi += 1; si += 1
            } else if starP >= 0 {
                starS += scalarLength(s[starS]); si = starS; pi = starP + 1
            } else {
                return false
            }
        }
        while pi < p.count && p[pi] == UInt8(ascii: "%") { pi += 1 }
        return pi == p.count && si <= s.count
    }
}
