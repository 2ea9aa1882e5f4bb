/// Writes points as line protocol, escaping each element by its own rules, timestamps in nanoseconds.
///
/// Output parses back to the same point. Points that line protocol cannot express throw.
public enum LineProtocolSerializer {
    /// Why a point cannot be written as line protocol.
    public enum Failure: Error, Sendable, Equatable {
        case emptyMeasurement
        /// A measurement starting with `#` would read as a comment.
        case measurementStartsWithHash
        case emptyKey
        case emptyTagValue
        case noFields
        case duplicateKey
        /// Line protocol has no escape for a newline.
        case newline
        /// NaN and ±infinity are not representable.
        case nonFiniteFloat
    }

    /// Appends `point` and a trailing `\n` to `out`.
    public static func append(_ point: LineProtocolPoint, to out: inout [UInt8]) throws(Failure) {
        guard !point.measurement.isEmpty else { throw .emptyMeasurement }
        guard point.measurement[0] != UInt8(ascii: "#") else { throw .measurementStartsWithHash }
        guard !point.fields.isEmpty else { throw .noFields }
        try appendEscaped(point.measurement, .measurement, to: &out)
        for (i, t) in point.tags.enumerated() {
            guard !t.key.isEmpty else { throw .emptyKey }
            guard !t.value.isEmpty else { throw .emptyTagValue }
            if point.tags[..<i].contains(where: { $0.key == t.key }) { throw .duplicateKey }
            out.append(UInt8(ascii: ","))
            try appendEscaped(t.key, .key, to: &out)
            out.append(UInt8(ascii: "="))
            try appendEscaped(t.value, .key, to: &out)
        }
        out.append(UInt8(ascii: " "))
        for (i, f) in point.fields.enumerated() {
            guard !f.key.isEmpty else { throw .emptyKey }
            if point.fields[..<i].contains(where: { $0.key == f.key }) { throw .duplicateKey }
            if i > 0 { out.append(UInt8(ascii: ",")) }
            try appendEscaped(f.key, .key, to: &out)
            out.append(UInt8(ascii: "="))
            switch f.value {
            case .int(let v): appendDecimal(v, to: &out); out.append(UInt8(ascii: "i"))
            case .uint(let v): appendDecimal(v, to: &out); out.append(UInt8(ascii: "u"))
            case .float(let v):
                guard v.isFinite else { throw .nonFiniteFloat }
                // Swift prints the shortest string that reads back to the same Double.
                out.append(contentsOf: v.description.utf8)
            case .bool(let v): out.append(contentsOf: (v ? "true" : "false").utf8)
            case .string(let s):
                out.append(UInt8(ascii: "\""))
                try appendEscaped(s, .string, to: &out)
                out.append(UInt8(ascii: "\""))
            }
        }
        if let t = point.timestamp {
            out.append(UInt8(ascii: " "))
            appendDecimal(t, to: &out)
        }
        out.append(UInt8(ascii: "\n"))
    }

    /// `point` as one line of text (with its newline).
    public static func line(_ point: LineProtocolPoint) throws(Failure) -> String {
        var out: [UInt8] = []
        try append(point, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends `bytes` with a backslash before every byte that `escaping` treats as escapable.
    public static func appendEscaped(_ bytes: [UInt8], _ escaping: Escaping, to out: inout [UInt8]) throws(Failure) {
        for c in bytes {
            if c == 0x0A { throw .newline }
            if escaping.isEscapable(c) { out.append(UInt8(ascii: "\\")) }
            out.append(c)
        }
    }

    /// Appends the decimal digits of `v`.
    public static func appendDecimal<T: FixedWidthInteger>(_ v: T, to out: inout [UInt8]) {
        if v == 0 { out.append(UInt8(ascii: "0")); return }
        var digits: [UInt8] = []
        var m = v.magnitude
        while m > 0 {
            digits.append(UInt8(ascii: "0") + UInt8(truncatingIfNeeded: m % 10))
            m /= 10
        }
        if v < 0 { out.append(UInt8(ascii: "-")) }
        out.append(contentsOf: digits.reversed())
    }
}
