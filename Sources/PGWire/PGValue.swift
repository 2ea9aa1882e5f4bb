import NIOCore

/// A parameter value a client sent with Bind, decoded by its type and format.
///
/// Text-format values of text-like and date/time types stay text (`.text`): their meaning is left to
/// whoever turns them into SQL; numbers and booleans are checked here in both formats.
public enum PGValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case int(Int64)
    case double(Double)
    /// A numeric in plain decimal notation (`-12.50`, `1e3` spelled out as `1000`), checked.
    case numeric(String)
    case text(String)
    /// Microseconds since 1970-01-01 (binary timestamp and timestamptz).
    case timestamp(micros: Int64)
    /// Days since 1970-01-01 (binary date).
    case date(days: Int64)
    case interval(months: Int32, days: Int32, micros: Int64)

    /// Decodes `bytes` (nil: NULL) as `type` in `format`. Errors carry SQLSTATE 22P02/22P03.
    public static func decode(_ bytes: ByteBuffer?, type: PGType, format: PGFormat) throws(PGErrorFields) -> PGValue {
        guard var b = bytes else { return .null }
        if format == .text {
            let s = b.readString(length: b.readableBytes) ?? ""
            return try decodeText(s, type: type)
        }
        func bad() -> PGErrorFields {
            PGErrorFields(code: PGSQLState.invalidBinaryRepresentation,
                          message: "invalid binary value of \(b.readableBytes) bytes for type \(type.name)")
        }
        switch type.oid {
        case PGType.bool.oid:
            guard b.readableBytes == 1, let v = b.readInteger(as: UInt8.self) else { throw bad() }
            return .bool(v != 0)
        case PGType.int2.oid:
            guard b.readableBytes == 2, let v = b.readInteger(as: Int16.self) else { throw bad() }
            return .int(Int64(v))
        case PGType.int4.oid, PGType.oidType.oid:
            guard b.readableBytes == 4, let v = b.readInteger(as: Int32.self) else { throw bad() }
            return .int(type.oid == PGType.oidType.oid ? Int64(UInt32(bitPattern: v)) : Int64(v))
        case PGType.int8.oid:
            guard b.readableBytes == 8, let v = b.readInteger(as: Int64.self) else { throw bad() }
            return .int(v)
        case PGType.float4.oid:
            guard b.readableBytes == 4, let v = b.readInteger(as: UInt32.self) else { throw bad() }
            return .double(Double(Float(bitPattern: v)))
        case PGType.float8.oid:
            guard b.readableBytes == 8, let v = b.readInteger(as: UInt64.self) else { throw bad() }
            return .double(Double(bitPattern: v))
        case PGType.timestamp.oid, PGType.timestamptz.oid:
            guard b.readableBytes == 8, let v = b.readInteger(as: Int64.self) else { throw bad() }
            guard v != .max, v != .min else {
                throw PGErrorFields(code: PGSQLState.datetimeFieldOverflow, message: "infinite timestamps are not supported")
            }
            return .timestamp(micros: v &+ PGTime.epochOffsetMicros)
        case PGType.date.oid:
            guard b.readableBytes == 4, let v = b.readInteger(as: Int32.self) else { throw bad() }
            guard v != .max, v != .min else {
                throw PGErrorFields(code: PGSQLState.datetimeFieldOverflow, message: "infinite dates are not supported")
            }
            return .date(days: Int64(v) + PGTime.epochOffsetDays)
        case PGType.interval.oid:
            guard b.readableBytes == 16, let us = b.readInteger(as: Int64.self), let d = b.readInteger(as: Int32.self),
                  let m = b.readInteger(as: Int32.self) else { throw bad() }
            return .interval(months: m, days: d, micros: us)
        case PGType.numeric.oid:
            guard let v = decodeNumeric(&b) else { throw bad() }
            return v
        case PGType.text.oid, PGType.varchar.oid, PGType.bpchar.oid, PGType.name.oid, PGType.unknown.oid, PGType.char.oid:
            guard let s = b.readString(length: b.readableBytes) else { throw bad() }
            return .text(s)
        default:
            throw PGErrorFields(code: PGSQLState.featureNotSupported,
                                message: "binary parameters of type \(type.name) (OID \(type.oid)) are not supported; send them as text")
        }
    }

    /// Text-format values: numbers and booleans are parsed as PostgreSQL's input functions do.
    static func decodeText(_ s: String, type: PGType) throws(PGErrorFields) -> PGValue {
        func bad() -> PGErrorFields {
            PGErrorFields(code: PGSQLState.invalidTextRepresentation, message: "invalid input syntax for type \(type.name): \"\(s)\"")
        }
        let t = s.trimmingWhitespace()
        switch type.oid {
        case PGType.bool.oid:
            switch t.lowercased() {
            case "t", "true", "y", "yes", "on", "1": return .bool(true)
            case "f", "false", "n", "no", "off", "0": return .bool(false)
            default: throw bad()
            }
        case PGType.int2.oid, PGType.int4.oid, PGType.int8.oid, PGType.oidType.oid:
            guard let v = Int64(t) else { throw bad() }
            let range: ClosedRange<Int64> = type.oid == PGType.int2.oid ? -32768...32767
                : type.oid == PGType.int4.oid ? -2_147_483_648...2_147_483_647 : Int64.min...Int64.max
            guard range.contains(v) else {
                throw PGErrorFields(code: PGSQLState.numericValueOutOfRange, message: "value \"\(s)\" is out of range for type \(type.name)")
            }
            return .int(v)
        case PGType.float4.oid, PGType.float8.oid:
            switch t.lowercased() {
            case "nan": return .double(.nan)
            case "infinity", "+infinity", "inf": return .double(.infinity)
            case "-infinity", "-inf": return .double(-.infinity)
            default:
                guard let v = Double(t) else { throw bad() }
                return .double(v)
            }
        case PGType.numeric.oid:
            guard isDecimal(t) else { throw bad() }
            return .numeric(t)
        default:
            return .text(s)
        }
    }

    /// `[+-]digits[.digits][e[+-]digits]` — a number SQL can take as written.
    static func isDecimal(_ s: String) -> Bool {
        var u = Substring(s).utf8[...]
        if u.first == UInt8(ascii: "-") || u.first == UInt8(ascii: "+") { u = u.dropFirst() }
        var digits = 0, seenDot = false
        while let c = u.first {
            if c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") { digits += 1 } else if c == UInt8(ascii: "."), !seenDot { seenDot = true } else { break }
            u = u.dropFirst()
        }
        guard digits > 0 else { return false }
        if u.first == UInt8(ascii: "e") || u.first == UInt8(ascii: "E") {
            u = u.dropFirst()
            if u.first == UInt8(ascii: "-") || u.first == UInt8(ascii: "+") { u = u.dropFirst() }
            guard !u.isEmpty else { return false }
            while let c = u.first, c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") { u = u.dropFirst() }
        }
        return u.isEmpty
    }

    /// numeric_recv: ndigits, weight, sign, dscale, base-10000 digits → decimal text.
    static func decodeNumeric(_ b: inout ByteBuffer) -> PGValue? {
        guard let n = b.readInteger(as: Int16.self), let weight = b.readInteger(as: Int16.self),
              let sign = b.readInteger(as: UInt16.self), let dscale = b.readInteger(as: Int16.self),
              n >= 0, dscale >= 0, b.readableBytes == 2 * Int(n) else { return nil }
        if sign == 0xC000 { return .double(.nan) }
        if sign == 0xD000 { return .double(.infinity) }
        if sign == 0xF000 { return .double(-.infinity) }
        guard sign == 0 || sign == 0x4000 else { return nil }
        var groups: [Int] = []
        for _ in 0..<n {
            guard let d = b.readInteger(as: Int16.self), (0..<10_000).contains(d) else { return nil }
            groups.append(Int(d))
        }
        // Integer part: groups 0...weight; fraction: the rest, padded to dscale digits.
        var intPart = ""
        var fraction = ""
        for i in 0..<max(Int(weight) + 1, 0) {
            let g = i < groups.count ? groups[i] : 0
            let s = String(g)
            intPart += intPart.isEmpty ? (g == 0 ? "" : s) : String(repeating: "0", count: 4 - s.count) + s
        }
        if intPart.isEmpty { intPart = "0" }
        var i = Int(weight) + 1
        if i < 0 { fraction = String(repeating: "0", count: 4 * -i); i = 0 }
        while i < groups.count {
            let s = String(groups[i])
            fraction += String(repeating: "0", count: 4 - s.count) + s
            i += 1
        }
        if fraction.count < Int(dscale) { fraction += String(repeating: "0", count: Int(dscale) - fraction.count) }
        if fraction.count > Int(dscale) { fraction = String(fraction.prefix(Int(dscale))) }
        let text = (sign == 0x4000 ? "-" : "") + intPart + (fraction.isEmpty ? "" : "." + fraction)
        return .numeric(text)
    }
}

extension String {
    func trimmingWhitespace() -> String {
        let u = utf8
        var start = u.startIndex, end = u.endIndex
        while start < end, u[start] == 0x20 || u[start] == 0x09 || u[start] == 0x0A || u[start] == 0x0D { start = u.index(after: start) }
        while end > start, let p = Optional(u.index(before: end)), u[p] == 0x20 || u[p] == 0x09 || u[p] == 0x0A || u[p] == 0x0D { end = p }
        return String(self[start..<end])
    }
}
