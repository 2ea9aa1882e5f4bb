import ColumnStore
import Foundation

/// A one-dimensional SQL array (PostgreSQL's `int8[]`, DuckDB's LIST): its element type and elements,
/// NULLs allowed. Elements are scalars; arrays of arrays are refused by the binder.
public struct ArrayValue: Sendable, Hashable {
    public var element: ValueType
    public var items: [Value]

    public init(element: ValueType, items: [Value]) {
        self.element = element
        self.items = items
    }

    /// The bytes a vector cell holds for this array (a virtual table's array column is built from them).
    public var encoded: [UInt8] { ArrayCoding.encode(self) }
}

/// How an array travels in a vector: one `.string` cell per row holding its elements back to back, each
/// a tag byte (0 NULL, 1 present) and then its payload — 8 little-endian bytes for integers, times and
/// doubles (bit pattern), 1 byte for booleans, a UInt32 length and the UTF-8 bytes for strings. The
/// element type is the vector's `ValueType`, so the cell holds no type.
enum ArrayCoding {
    static func encode(_ a: ArrayValue) -> [UInt8] { encode(items: a.items) }

    /// Tagged values back to back (an array's elements, a record's fields).
    static func encode(items: [Value]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(items.count * 9)
        func word(_ w: UInt64) { withUnsafeBytes(of: w.littleEndian) { out.append(contentsOf: $0) } }
        for v in items {
            switch v {
            case .null, .interval, .date, .array, .record: out.append(0); continue
            default: out.append(1)
            }
            switch v {
            case let .bool(b): out.append(b ? 1 : 0)
            case let .int(x), let .time(x): word(UInt64(bitPattern: x))
            case let .uint(x): word(x)
            case let .double(x): word(x.bitPattern)
            case var .string(s):
                s.withUTF8 { p in
                    withUnsafeBytes(of: UInt32(p.count).littleEndian) { out.append(contentsOf: $0) }
                    out.append(contentsOf: p)
                }
            case .null, .interval, .date, .array, .record: break
            }
        }
        return out
    }

    /// The array `bytes` (from `encode`) hold, its elements of type `element`.
    static func decode(_ bytes: UnsafeRawBufferPointer, element: ValueType) -> ArrayValue {
        var items: [Value] = []
        forEach(bytes, element: element) { items.append(value($0)) }
        return ArrayValue(element: element, items: items)
    }

    /// An element as a `Value` (a string copied out of the cell).
    static func value(_ e: ArrayElement) -> Value {
        switch e {
        case .null: .null
        case let .bool(b): .bool(b)
        case let .int(x): .int(x)
        case let .time(x): .time(x)
        case let .uint(x): .uint(x)
        case let .double(x): .double(x)
        case let .string(p): .string(String(decoding: p, as: UTF8.self))
        }
    }

    /// Calls `body` with each element `bytes` (from `encode`) hold, in order, without allocating:
    /// a string element is a view of `bytes`.
    static func forEach(_ bytes: UnsafeRawBufferPointer, element: ValueType, _ body: (ArrayElement) -> Void) {
        var i = 0
        while i < bytes.count { body(self.element(bytes, &i, element)) }
    }

    /// The element of type `type` at offset `i` of `bytes`; `i` moves past it.
    static func element(_ bytes: UnsafeRawBufferPointer, _ i: inout Int, _ type: ValueType) -> ArrayElement {
        let tag = bytes[i]
        i += 1
        if tag == 0 { return .null }
        func word(_ i: inout Int) -> UInt64 {
            defer { i += 8 }
            return UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: i, as: UInt64.self))
        }
        switch type {
        case .bool: defer { i += 1 }; return .bool(bytes[i] != 0)
        case .int, .int32: return .int(Int64(bitPattern: word(&i)))
        case .time: return .time(Int64(bitPattern: word(&i)))
        case .uint: return .uint(word(&i))
        case .double: return .double(Double(bitPattern: word(&i)))
        case .string:
            let len = Int(UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: i, as: UInt32.self)))
            defer { i += 4 + len }
            return .string(UnsafeRawBufferPointer(rebasing: bytes[i + 4..<i + 4 + len]))
        case .interval, .date, .null, .array, .record: preconditionFailure("BUG: an element of \(type) has no encoding")
        }
    }
}

/// One element of an array as `ResultArray.forEachElement` hands it out: a string is a view of the
/// array's bytes, valid only inside the call.
public enum ArrayElement {
    case null
    case bool(Bool)
    case int(Int64)
    case uint(UInt64)
    case double(Double)
    /// Nanoseconds since 1970, UTC.
    case time(Int64)
    case string(UnsafeRawBufferPointer)
}

/// Array text: PostgreSQL's `{a,"b c",NULL}` (the PG wire, array literals in SQL) and DuckDB's
/// `[a, b c, NULL]` (what the HTTP API, CLI and files show, as DuckDB prints a LIST).
enum ArrayText {
    /// PostgreSQL's output form: elements quoted when empty, `NULL`, or holding `{}",\` or white space.
    static func postgres(_ a: ArrayValue) -> String {
        var out = "{"
        for (k, v) in a.items.enumerated() {
            if k > 0 { out += "," }
            guard v != .null else { out += "NULL"; continue }
            let s = element(v)
            let plain = !s.isEmpty && s.uppercased() != "NULL"
                && !s.contains(where: { "{}\",\\".contains($0) || $0.isWhitespace })
            if plain { out += s; continue }
            out += "\""
            for c in s {
                if c == "\"" || c == "\\" { out.append("\\") }
                out.append(c)
            }
            out += "\""
        }
        return out + "}"
    }

    /// DuckDB's form of a LIST: `[1, 2]`, strings unquoted, NULL as `NULL`.
    static func duckdb(_ a: ArrayValue) -> String {
        "[" + a.items.map { $0 == .null ? "NULL" : element($0) }.joined(separator: ", ") + "]"
    }

    /// One element's text: PostgreSQL's spelling of booleans (`t`/`f`) and timestamps.
    static func element(_ v: Value) -> String {
        switch v {
        case let .bool(b): b ? "t" : "f"
        case let .string(s): s
        case let .double(d): CastText.double(d)
        case let .time(t): SQLTimestamp.format(t)
        default: v.description
        }
    }

    /// Reads PostgreSQL's array text (`{1,2}`, `{"a b",NULL}`, `{}`) into elements of `element`'s type.
    static func parse(_ text: String, element: ValueType) throws -> ArrayValue {
        let chars = Array(text.trimmingCharacters(in: .whitespaces).unicodeScalars)
        guard chars.first == "{", chars.last == "}" else {
            throw QueryError("malformed array literal: '\(text)' (expected {…})")
        }
        var items: [Value] = []
        var i = 1
        let end = chars.count - 1
        func skipSpace() { while i < end, chars[i] == " " || chars[i] == "\t" || chars[i] == "\n" { i += 1 } }
        skipSpace()
        if i == end { return ArrayValue(element: element, items: []) }
        while true {
            skipSpace()
            var s = ""
            var quoted = false
            if i < end, chars[i] == "\"" {
                quoted = true
                i += 1
                while i < end, chars[i] != "\"" {
                    if chars[i] == "\\", i + 1 < end { i += 1 }
                    s.unicodeScalars.append(chars[i])
                    i += 1
                }
                guard i < end else { throw QueryError("malformed array literal: '\(text)' (unterminated quote)") }
                i += 1
            } else {
                while i < end, chars[i] != ",", chars[i] != "}" {
                    guard chars[i] != "{", chars[i] != "\"" else {
                        throw QueryError("malformed array literal: '\(text)' (only one-dimensional arrays are supported)")
                    }
                    if chars[i] == "\\", i + 1 < end { i += 1 }
                    s.unicodeScalars.append(chars[i])
                    i += 1
                }
                s = s.trimmingCharacters(in: .whitespaces)
                guard !s.isEmpty else { throw QueryError("malformed array literal: '\(text)' (empty element)") }
            }
            items.append(!quoted && s.uppercased() == "NULL" ? .null : try value(s, element))
            skipSpace()
            if i == end { break }
            guard chars[i] == "," else { throw QueryError("malformed array literal: '\(text)' (expected ',' or '}')") }
            i += 1
        }
        return ArrayValue(element: element, items: items)
    }

    /// One element read as `t`.
    static func value(_ s: String, _ t: ValueType) throws -> Value {
        switch t {
        case .string: return .string(s)
        case .time:
            do { return .time(try SQLTimestamp.parse(s)) } catch { throw QueryError("invalid timestamp '\(s)' in an array: \(error.message)") }
        default:
            do { return try Binder.literal(s, as: t, SourcePosition(line: 1, column: 1, offset: 0)) } catch let e as QueryError { throw QueryError(e.message) }
        }
    }
}
