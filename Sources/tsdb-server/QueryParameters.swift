/// The `name=value` pairs of a URL query string or a form body, percent-decoded (`+` is a space).
struct QueryParameters: Sendable, Equatable {
    private(set) var pairs: [(name: String, value: String)] = []

    init() {}

    /// Parses `a=1&b=x%20y`; a name without `=` gets the empty value; bad escapes are kept as written.
    init<S: StringProtocol>(parsing text: S) {
        for part in text.utf8.split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: true) {
            if let eq = part.firstIndex(of: UInt8(ascii: "=")) {
                pairs.append((Self.decode(part[part.startIndex..<eq]), Self.decode(part[part.index(after: eq)...])))
            } else {
                pairs.append((Self.decode(part), ""))
            }
        }
    }

    /// The path and parameters of a request URI (`/write?db=x`).
    static func split(uri: String) -> (path: String, query: QueryParameters) {
        guard let q = uri.firstIndex(of: "?") else { return (uri, QueryParameters()) }
        return (String(uri[..<q]), QueryParameters(parsing: uri[uri.index(after: q)...]))
    }

    /// The first value of `name`.
    subscript(name: String) -> String? {
        pairs.first { $0.name == name }?.value
    }

    /// Adds pairs not already present (body parameters below URL ones).
    mutating func merge(_ other: QueryParameters) {
        for p in other.pairs where self[p.name] == nil { pairs.append(p) }
    }

    mutating func set(_ name: String, _ value: String) {
        pairs.removeAll { $0.name == name }
        pairs.append((name, value))
    }

    static func == (a: QueryParameters, b: QueryParameters) -> Bool {
        a.pairs.count == b.pairs.count && zip(a.pairs, b.pairs).allSatisfy { $0.name == $1.name && $0.value == $1.value }
    }

    private static func hex(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    static func decode<C: Collection>(_ bytes: C) -> String where C.Element == UInt8, C.Index == String.UTF8View.Index {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = bytes.startIndex
        while i < bytes.endIndex {
            let c = bytes[i]
            if c == UInt8(ascii: "+") {
                out.append(0x20)
            } else if c == UInt8(ascii: "%"), bytes.distance(from: i, to: bytes.endIndex) >= 3,
                      let h = hex(bytes[bytes.index(after: i)]), let l = hex(bytes[bytes.index(i, offsetBy: 2)]) {
                out.append(h << 4 | l)
                i = bytes.index(i, offsetBy: 3)
                continue
            } else {
                out.append(c)
            }
            i = bytes.index(after: i)
        }
        return String(decoding: out, as: UTF8.self)
    }
}
