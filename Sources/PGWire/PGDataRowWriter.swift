import NIOCore

/// Encodes DataRow messages straight into a buffer, a value at a time, in text or binary format.
///
/// The caller loops over rows and columns of its own storage and calls one `write…` per value between
/// `beginRow` and `endRow`; nothing is allocated per row (text numbers and times are formatted into the
/// buffer directly). Formats follow PostgreSQL's output functions (`int8out`, `float8out`,
/// `timestamptz_out` with DateStyle ISO and TimeZone UTC) and its binary `send` functions.
public struct PGDataRowWriter {
    public var buffer: ByteBuffer
    private var rowStart = 0
    /// Where the length of the array value being written (`beginArray`) is, for `endArray`.
    var arrayStart = 0

    public init(buffer: ByteBuffer) { self.buffer = buffer }

    /// Starts a DataRow of `columns` values.
    @inlinable
    public mutating func beginRow(columns: Int) {
        buffer.writeInteger(UInt8(ascii: "D"))
        _setRowStart(buffer.writerIndex)
        buffer.writeInteger(Int32(0))
        buffer.writeInteger(Int16(columns))
    }

    /// Ends the row: patches its length.
    @inlinable
    public mutating func endRow() {
        let start = _rowStart
        buffer.setInteger(Int32(buffer.writerIndex - start), at: start)
    }

    @usableFromInline var _rowStart: Int { rowStart }
    @usableFromInline mutating func _setRowStart(_ i: Int) { rowStart = i }

    /// SQL NULL: length -1, no bytes.
    @inlinable
    public mutating func writeNull() { buffer.writeInteger(Int32(-1)) }

    public mutating func writeBool(_ v: Bool, _ format: PGFormat) {
        buffer.writeInteger(Int32(1))
        buffer.writeInteger(format == .binary ? UInt8(v ? 1 : 0) : UInt8(ascii: v ? "t" : "f"))
    }

    /// An integer as `type` (int2, int4 or int8; the value must fit).
    public mutating func writeInteger(_ v: Int64, as type: PGType, _ format: PGFormat) {
        if format == .binary {
            switch type.oid {
            case PGType.int2.oid: buffer.writeInteger(Int32(2)); buffer.writeInteger(Int16(truncatingIfNeeded: v))
            case PGType.int4.oid: buffer.writeInteger(Int32(4)); buffer.writeInteger(Int32(truncatingIfNeeded: v))
            default: buffer.writeInteger(Int32(8)); buffer.writeInteger(v)
            }
            return
        }
        lengthPrefixed { b in Self.decimal(v, &b) }
    }

    /// An unsigned 64-bit integer as `numeric` (it may not fit int8).
    public mutating func writeNumeric(_ v: UInt64, _ format: PGFormat) {
        if format == .text {
            lengthPrefixed { b in Self.decimal(v, &b) }
            return
        }
        // numeric_send: ndigits, weight, sign, dscale, then base-10000 digits, most significant first.
        var digits: (Int16, Int16, Int16, Int16, Int16) = (0, 0, 0, 0, 0)
        var n = 0
        var x = v
        withUnsafeMutableBytes(of: &digits) { raw in
            let d = raw.bindMemory(to: Int16.self)
            while x > 0 { d[n] = Int16(x % 10_000); x /= 10_000; n += 1 }
        }
        buffer.writeInteger(Int32(8 + 2 * n))
        buffer.writeInteger(Int16(n))
        buffer.writeInteger(Int16(max(0, n - 1)))
        buffer.writeInteger(Int16(0))  // sign: positive
        buffer.writeInteger(Int16(0))  // display scale: integer
        withUnsafeBytes(of: digits) { raw in
            let d = raw.bindMemory(to: Int16.self)
            for i in stride(from: n - 1, through: 0, by: -1) { buffer.writeInteger(d[i]) }
        }
    }

    /// A double as float8 (or float4 when `type` says so).
    public mutating func writeFloat(_ v: Double, as type: PGType = .float8, _ format: PGFormat) {
        if format == .binary {
            if type.oid == PGType.float4.oid {
                buffer.writeInteger(Int32(4)); buffer.writeInteger(Float(v).bitPattern)
            } else {
                buffer.writeInteger(Int32(8)); buffer.writeInteger(v.bitPattern)
            }
            return
        }
        lengthPrefixed { b in Self.floatText(type.oid == PGType.float4.oid ? Double(Float(v)) : v, single: type.oid == PGType.float4.oid, &b) }
    }

    /// Text (UTF-8 bytes), the same in both formats.
    public mutating func writeText(_ bytes: UnsafeRawBufferPointer) {
        buffer.writeInteger(Int32(bytes.count))
        buffer.writeBytes(bytes)
    }

    /// A time (ns since 1970, UTC) as timestamptz or timestamp, to the microsecond (PostgreSQL's
    /// precision; nanoseconds are cut toward the past, like a floor).
    public mutating func writeTimestamp(nanoseconds: Int64, as type: PGType, _ format: PGFormat) {
        let micros = Self.floorDiv(nanoseconds, 1000)
        if format == .binary {
            buffer.writeInteger(Int32(8))
            buffer.writeInteger(micros &- PGTime.epochOffsetMicros)
            return
        }
        lengthPrefixed { b in Self.timestampText(micros: micros, zone: type.oid == PGType.timestamptz.oid, &b) }
    }

    /// A date (days since 1970-01-01) as `date`: text `YYYY-MM-DD` (DateStyle ISO), binary int4 days
    /// since 2000-01-01 (`date_send`).
    public mutating func writeDate(days: Int64, _ format: PGFormat) {
        if format == .binary {
            buffer.writeInteger(Int32(4))
            buffer.writeInteger(Int32(truncatingIfNeeded: days &- PGTime.epochOffsetDays))
            return
        }
        lengthPrefixed { b in Self.dateText(days: days, &b) }
    }

    /// `YYYY-MM-DD` (`YYYY-MM-DD BC` before year 1), as `date_out` writes it.
    static func dateText(days: Int64, _ b: inout ByteBuffer) {
        let (y, m, d) = PGTime.civil(fromDays: days)
        if y <= 0 {
            fixed(1 - y, width: 4, &b)
        } else {
            if y >= 10_000 { decimal(y, &b) } else { fixed(y, width: 4, &b) }
        }
        b.writeInteger(UInt8(ascii: "-")); fixed(m, width: 2, &b)
        b.writeInteger(UInt8(ascii: "-")); fixed(d, width: 2, &b)
        if y <= 0 { b.writeString(" BC") }
    }

    /// An interval of months, days and microseconds.
    public mutating func writeInterval(months: Int32, days: Int32, micros: Int64, _ format: PGFormat) {
        if format == .binary {
            buffer.writeInteger(Int32(16))
            buffer.writeInteger(micros)
            buffer.writeInteger(days)
            buffer.writeInteger(months)
            return
        }
        lengthPrefixed { b in Self.intervalText(months: months, days: days, micros: micros, &b) }
    }

    /// Writes a length placeholder, the value `body` writes, then the length.
    @inline(__always)
    mutating func lengthPrefixed(_ body: (inout ByteBuffer) -> Void) {
        let at = buffer.writerIndex
        buffer.writeInteger(Int32(0))
        body(&buffer)
        buffer.setInteger(Int32(buffer.writerIndex - at - 4), at: at)
    }

    // MARK: text forms

    static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
        let q = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
    }

    /// Decimal digits of a signed integer.
    static func decimal(_ v: Int64, _ b: inout ByteBuffer) {
        if v < 0 {
            b.writeInteger(UInt8(ascii: "-"))
            decimal(v.magnitude, &b)
        } else {
            decimal(UInt64(v), &b)
        }
    }

    static func decimal(_ v: UInt64, _ b: inout ByteBuffer) {
        var tmp: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes: room for 20 digits
        withUnsafeMutableBytes(of: &tmp) { raw in
            var i = raw.count
            var x = v
            repeat {
                i -= 1
                raw[i] = UInt8(ascii: "0") + UInt8(x % 10)
                x /= 10
            } while x > 0
            b.writeBytes(UnsafeRawBufferPointer(rebasing: raw[i...]))
        }
    }

    static func fixed(_ v: Int64, width: Int, _ b: inout ByteBuffer) {
        var div: Int64 = 1
        for _ in 1..<width { div *= 10 }
        var x = v
        while div > 0 {
            b.writeInteger(UInt8(ascii: "0") + UInt8(x / div))
            x %= div
            div /= 10
        }
    }

    /// PostgreSQL's float8out (shortest text that reads back exactly): `1`, `0.5`, `1e+20`, `NaN`, `Infinity`.
    static func floatText(_ v: Double, single: Bool, _ b: inout ByteBuffer) {
        if v.isNaN { b.writeString("NaN"); return }
        if v.isInfinite { b.writeString(v < 0 ? "-Infinity" : "Infinity"); return }
        var s = single ? Float(v).description : v.description
        if s.hasSuffix(".0") { s.removeLast(2) }
        b.writeString(s)
    }

    /// `YYYY-MM-DD HH:MM:SS[.ffffff]` and `+00` for timestamptz (DateStyle ISO, TimeZone UTC).
    static func timestampText(micros: Int64, zone: Bool, _ b: inout ByteBuffer) {
        let day = floorDiv(micros, 86_400_000_000)
        var rest = micros - day * 86_400_000_000
        let (y, m, d) = PGTime.civil(fromDays: day)
        if y <= 0 {
            fixed(1 - y, width: 4, &b)  // 1 BC is year 0
        } else {
            if y >= 10_000 { decimal(y, &b) } else { fixed(y, width: 4, &b) }
        }
        b.writeInteger(UInt8(ascii: "-")); fixed(m, width: 2, &b)
        b.writeInteger(UInt8(ascii: "-")); fixed(d, width: 2, &b)
        b.writeInteger(UInt8(ascii: " "))
        timeOfDay(&rest, &b)
        if zone { b.writeString("+00") }
        if y <= 0 { b.writeString(" BC") }
    }

    /// `HH:MM:SS[.ffffff]` of non-negative `micros` (a time of day, or an interval's time part, whose
    /// hours may pass 99), trailing zeros of the fraction dropped.
    static func timeOfDay(_ micros: inout Int64, _ b: inout ByteBuffer) {
        let hours = micros / 3_600_000_000
        if hours >= 100 { decimal(hours, &b) } else { fixed(hours, width: 2, &b) }
        micros %= 3_600_000_000
        b.writeInteger(UInt8(ascii: ":"))
        fixed(micros / 60_000_000, width: 2, &b); micros %= 60_000_000
        b.writeInteger(UInt8(ascii: ":"))
        fixed(micros / 1_000_000, width: 2, &b); micros %= 1_000_000
        if micros > 0 {
            var frac = micros, width = 6
            while frac % 10 == 0 { frac /= 10; width -= 1 }
            b.writeInteger(UInt8(ascii: "."))
            fixed(frac, width: width, &b)
        }
    }

    /// IntervalStyle `postgres`: `1 year 2 mons 3 days 04:05:06.789`, `-1 days`, `00:00:00`.
    static func intervalText(months: Int32, days: Int32, micros: Int64, _ b: inout ByteBuffer) {
        var parts = 0
        func unit(_ n: Int64, _ singular: String, _ plural: String) {
            guard n != 0 else { return }
            if parts > 0 { b.writeInteger(UInt8(ascii: " ")) }
            decimal(n, &b)
            b.writeInteger(UInt8(ascii: " "))
            b.writeString(n == 1 ? singular : plural)
            parts += 1
        }
        unit(Int64(months / 12), "year", "years")
        unit(Int64(months % 12), "mon", "mons")
        unit(Int64(days), "day", "days")
        if micros != 0 || parts == 0 {
            if parts > 0 { b.writeInteger(UInt8(ascii: " ")) }
            if micros < 0 { b.writeInteger(UInt8(ascii: "-")) }
            var m = Int64(micros.magnitude)
            timeOfDay(&m, &b)
        }
    }
}

extension PGDataRowWriter {
    /// The text form of a timestamp (`2026-09-01 12:00:00.5`, with `+00` when `zone`).
    public static func timestampString(micros: Int64, zone: Bool) -> String {
        var b = ByteBuffer()
        timestampText(micros: micros, zone: zone, &b)
        return b.readString(length: b.readableBytes)!
    }

    /// The text form of an interval (IntervalStyle postgres).
    public static func intervalString(months: Int32, days: Int32, micros: Int64) -> String {
        var b = ByteBuffer()
        intervalText(months: months, days: days, micros: micros, &b)
        return b.readString(length: b.readableBytes)!
    }
}
