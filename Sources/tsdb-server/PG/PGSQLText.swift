/// The lexical facts the PostgreSQL front end needs from SQL text before the engine sees it: where
/// statements end (`;`), where `$n` parameters are, and the leading words. Quoted strings (`'…'` with
/// `''`, `E'…'` with backslash escapes), quoted identifiers (`"…"`), `--` and nested `/* */` comments
/// are skipped, so a `;` or `$1` inside them is text, not syntax.
enum PGSQLText {
    /// One statement of a query string: its text and where it starts (UTF-8 offset in the whole string).
    struct Statement: Equatable {
        var text: String
        var offset: Int
    }

    /// A `$n` placeholder: its byte range and number (1-based).
    struct Placeholder: Equatable {
        var range: Range<Int>
        var number: Int
    }

    /// Visits the bytes that are SQL code (outside strings, identifiers and comments): `code(i)` gets
    /// each such byte's offset.
    static func scanCode(_ b: [UInt8], _ code: (Int) -> Void) {
        var i = 0
        let n = b.count
        func isIdent(_ c: UInt8) -> Bool {
            (c >= 0x61 && c <= 0x7A) || (c >= 0x41 && c <= 0x5A) || (c >= 0x30 && c <= 0x39) || c == 0x5F || c >= 0x80
        }
        while i < n {
            let c = b[i]
            if c == UInt8(ascii: "'") {
                let escapes = i > 0 && (b[i - 1] == UInt8(ascii: "E") || b[i - 1] == UInt8(ascii: "e")) && (i < 2 || !isIdent(b[i - 2]))
                i += 1
                while i < n {
                    if escapes && b[i] == UInt8(ascii: "\\") { i += 2; continue }
                    if b[i] == UInt8(ascii: "'") {
                        if i + 1 < n && b[i + 1] == UInt8(ascii: "'") { i += 2; continue }
                        break
                    }
                    i += 1
                }
                i += 1
            } else if c == UInt8(ascii: "\"") {
                i += 1
                while i < n {
                    if b[i] == UInt8(ascii: "\"") {
                        if i + 1 < n && b[i + 1] == UInt8(ascii: "\"") { i += 2; continue }
                        break
                    }
                    i += 1
                }
                i += 1
            } else if c == UInt8(ascii: "-") && i + 1 < n && b[i + 1] == UInt8(ascii: "-") {
                while i < n && b[i] != 0x0A { i += 1 }
            } else if c == UInt8(ascii: "/") && i + 1 < n && b[i + 1] == UInt8(ascii: "*") {
                var depth = 1
                i += 2
                while i < n && depth > 0 {
                    if b[i] == UInt8(ascii: "/") && i + 1 < n && b[i + 1] == UInt8(ascii: "*") { depth += 1; i += 2 } else if b[i] == UInt8(ascii: "*") && i + 1 < n && b[i + 1] == UInt8(ascii: "/") { depth -= 1; i += 2 } else { i += 1 }
                }
            } else {
                code(i)
                i += 1
            }
        }
    }

    /// The statements of a query string, split at `;` outside strings and comments; those holding
    /// nothing but whitespace and comments are left out.
    static func statements(_ sql: String) -> [Statement] {
        let b = Array(sql.utf8)
        var cuts: [Int] = []
        var meaningful: [Int] = []  // offsets of code bytes that are not whitespace or ';'
        scanCode(b) { i in
            if b[i] == UInt8(ascii: ";") { cuts.append(i) } else if !isSpace(b[i]) { meaningful.append(i) }
        }
        cuts.append(b.count)
        var out: [Statement] = []
        var start = 0
        var m = 0
        for cut in cuts {
            var hasCode = false
            while m < meaningful.count && meaningful[m] < cut { hasCode = true; m += 1 }
            if hasCode {
                out.append(Statement(text: String(decoding: b[start..<cut], as: UTF8.self), offset: start))
            } else if out.isEmpty && start == 0 && cut == b.count {
                break
            }
            start = cut + 1
        }
        return out
    }

    /// True when the text holds no SQL (only whitespace, comments and `;`).
    static func isEmpty(_ sql: String) -> Bool { statements(sql).isEmpty }

    static func isSpace(_ c: UInt8) -> Bool { c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D || c == 0x0C }

    /// The `$n` placeholders in code, in order of appearance.
    static func placeholders(_ sql: String) -> [Placeholder] {
        let b = Array(sql.utf8)
        var out: [Placeholder] = []
        var skipUntil = 0
        scanCode(b) { i in
            guard i >= skipUntil, b[i] == UInt8(ascii: "$") else { return }
            // `a$1` is an identifier in PostgreSQL, not a parameter.
            if i > 0, b[i - 1] >= 0x80 || b[i - 1] == UInt8(ascii: "_") || (b[i - 1] | 0x20 >= 0x61 && b[i - 1] | 0x20 <= 0x7A) || (b[i - 1] >= 0x30 && b[i - 1] <= 0x39) { return }
            var j = i + 1
            var n = 0
            while j < b.count, b[j] >= 0x30, b[j] <= 0x39, n < 100_000 { n = n * 10 + Int(b[j] - 0x30); j += 1 }
            guard j > i + 1, n > 0 else { return }
            out.append(Placeholder(range: i..<j, number: n))
            skipUntil = j
        }
        return out
    }

    /// The type a `$n::type` cast right after a placeholder names (lower-cased), if any.
    static func castAfter(_ p: Placeholder, in sql: String) -> String? {
        let b = Array(sql.utf8)
        var i = p.range.upperBound
        while i < b.count && isSpace(b[i]) { i += 1 }
        guard i + 1 < b.count, b[i] == UInt8(ascii: ":"), b[i + 1] == UInt8(ascii: ":") else { return nil }
        i += 2
        while i < b.count && isSpace(b[i]) { i += 1 }
        var name: [UInt8] = []
        while i < b.count, b[i] == UInt8(ascii: "_") || (b[i] | 0x20 >= 0x61 && b[i] | 0x20 <= 0x7A) || (b[i] >= 0x30 && b[i] <= 0x39) || (b[i] == 0x20 && name.count > 0) {
            name.append(b[i] | (b[i] >= 0x41 && b[i] <= 0x5A ? 0x20 : 0))
            i += 1
        }
        let s = String(decoding: name, as: UTF8.self).trimmingCharacters(in: .whitespaces)
        return s.isEmpty ? nil : s
    }

    /// The column a placeholder is compared with (`duration_ms > $1`, `$1 = t.artist`), lower-cased
    /// unless quoted; nil when it is not a comparison with a name.
    static func comparedName(_ p: Placeholder, in sql: String) -> String? {
        let b = Array(sql.utf8)
        func isOp(_ c: UInt8) -> Bool { c == UInt8(ascii: "=") || c == UInt8(ascii: "<") || c == UInt8(ascii: ">") || c == UInt8(ascii: "!") }
        func isName(_ c: UInt8) -> Bool { (c | 0x20 >= 0x61 && c | 0x20 <= 0x7A) || c == 0x5F || (c >= 0x30 && c <= 0x39) || c >= 0x80 }
        func fold(_ bytes: ArraySlice<UInt8>, quoted: Bool) -> String? {
            guard !bytes.isEmpty, quoted || !(bytes.first! >= 0x30 && bytes.first! <= 0x39) else { return nil }
            let s = String(decoding: bytes, as: UTF8.self)
            return quoted ? s : s.lowercased()
        }
        // Backward: name, operator, placeholder.
        var i = p.range.lowerBound - 1
        while i >= 0 && isSpace(b[i]) { i -= 1 }
        var ops = 0
        while i >= 0 && isOp(b[i]) && ops < 2 { i -= 1; ops += 1 }
        if ops > 0 {
            while i >= 0 && isSpace(b[i]) { i -= 1 }
            if i >= 0 && b[i] == UInt8(ascii: "\"") {
                let end = i
                i -= 1
                while i >= 0 && b[i] != UInt8(ascii: "\"") { i -= 1 }
                if i >= 0 { return fold(b[(i + 1)..<end], quoted: true) }
            } else {
                let end = i + 1
                while i >= 0 && isName(b[i]) { i -= 1 }
                if let n = fold(b[(i + 1)..<end], quoted: false) { return n }
            }
        }
        // Forward: placeholder, operator, name.
        var j = p.range.upperBound
        while j < b.count && isSpace(b[j]) { j += 1 }
        ops = 0
        while j < b.count && isOp(b[j]) && ops < 2 { j += 1; ops += 1 }
        guard ops > 0 else { return nil }
        while j < b.count && isSpace(b[j]) { j += 1 }
        if j < b.count && b[j] == UInt8(ascii: "\"") {
            let start = j + 1
            j += 1
            while j < b.count && b[j] != UInt8(ascii: "\"") { j += 1 }
            return j < b.count ? fold(b[start..<j], quoted: true) : nil
        }
        let start = j
        while j < b.count && (isName(b[j]) || b[j] == UInt8(ascii: ".")) { j += 1 }
        // `t.col`: the column is the last part.
        let name = b[start..<j]
        if let dot = name.lastIndex(of: UInt8(ascii: ".")) { return fold(b[(dot + 1)..<j], quoted: false) }
        return fold(name, quoted: false)
    }

    /// The word just before a placeholder, upper-cased (`LIMIT` in `LIMIT $1`); "" when none.
    static func wordBefore(_ p: Placeholder, in sql: String) -> String {
        let b = Array(sql.utf8)
        var i = p.range.lowerBound - 1
        while i >= 0 && isSpace(b[i]) { i -= 1 }
        let end = i + 1
        while i >= 0, b[i] | 0x20 >= 0x61 && b[i] | 0x20 <= 0x7A { i -= 1 }
        return String(decoding: b[(i + 1)..<end], as: UTF8.self).uppercased()
    }

    /// The first `count` words of code, upper-cased (`SET`, `TIME`, `ZONE`), for classifying
    /// statements; a punctuation character is a word of its own.
    static func words(_ sql: String, count: Int) -> [String] {
        let b = Array(sql.utf8)
        var code = [UInt8](repeating: 0x20, count: b.count)
        scanCode(b) { code[$0] = b[$0] }
        var out: [String] = []
        var i = 0
        func isWord(_ c: UInt8) -> Bool { (c | 0x20 >= 0x61 && c | 0x20 <= 0x7A) || c == 0x5F || (c >= 0x30 && c <= 0x39) || c >= 0x80 }
        while i < code.count && out.count < count {
            let c = code[i]
            if isSpace(c) { i += 1; continue }
            if isWord(c) {
                let start = i
                while i < code.count && isWord(code[i]) { i += 1 }
                out.append(String(decoding: code[start..<i], as: UTF8.self).uppercased())
            } else {
                out.append(String(UnicodeScalar(c)))
                i += 1
            }
        }
        return out
    }

    /// The 1-based character position PostgreSQL reports for a UTF-8 offset into `text`.
    static func characterPosition(_ text: String, utf8Offset: Int) -> Int {
        var chars = 0
        var bytes = 0
        for s in text.unicodeScalars {
            if bytes >= utf8Offset { break }
            bytes += s.utf8.count
            chars += 1
        }
        return chars + 1
    }
}

import Foundation
