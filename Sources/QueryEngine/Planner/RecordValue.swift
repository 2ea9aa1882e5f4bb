/// The type of a composite value (PostgreSQL's record, DuckDB's STRUCT): named fields of scalar types,
/// such as `information_schema._pg_expandarray`'s `(x, n)`.
public struct RecordType: Sendable, Hashable {
    public var names: [String]
    public var types: [ValueType]

    public init(names: [String], types: [ValueType]) {
        self.names = names
        self.types = types
    }

    /// The index of field `name` (as PostgreSQL folds unquoted names: exact, else case-insensitive).
    func field(_ name: String) -> Int? {
        names.firstIndex(of: name) ?? names.firstIndex { $0.lowercased() == name.lowercased() }
    }
}

/// A composite value: one value per field of its type.
public struct RecordValue: Sendable, Hashable {
    public var type: RecordType
    public var items: [Value]

    public init(type: RecordType, items: [Value]) {
        self.type = type
        self.items = items
    }
}

/// A record travels in a vector as an array does (`ArrayCoding`): one `.string` cell per row holding
/// its fields back to back, each tagged; the field types come from the vector's `ValueType`.
enum RecordCoding {
    static func encode(_ r: RecordValue) -> [UInt8] { ArrayCoding.encode(items: r.items) }

    static func decode(_ bytes: UnsafeRawBufferPointer, type: RecordType) -> RecordValue {
        var items: [Value] = []
        var i = 0
        for t in type.types where i < bytes.count {
            items.append(ArrayCoding.value(ArrayCoding.element(bytes, &i, t)))
        }
        return RecordValue(type: type, items: items)
    }
}

/// Record text: PostgreSQL's `(10,1)` (`record_out`: a field quoted when empty or holding `(),"\`
/// or white space; NULL as nothing) and DuckDB's `{'x': 10, 'n': 1}` (strings unquoted, as DuckDB casts a
/// STRUCT to VARCHAR).
enum RecordText {
    static func postgres(_ r: RecordValue) -> String {
        var out = "("
        for (k, v) in r.items.enumerated() {
            if k > 0 { out += "," }
            guard v != .null else { continue }
            let s = ArrayText.element(v)
            let plain = !s.isEmpty && !s.contains(where: { "(),\"\\".contains($0) || $0.isWhitespace })
            if plain { out += s; continue }
            out += "\""
            for c in s {
                if c == "\"" || c == "\\" { out.append(c) }
                out.append(c)
            }
            out += "\""
        }
        return out + ")"
    }

    static func duckdb(_ r: RecordValue) -> String {
        let fields = zip(r.type.names, r.items).map { name, v in
            "'\(name)': " + (v == .null ? "NULL" : ArrayText.element(v))
        }
        return "{" + fields.joined(separator: ", ") + "}"
    }
}
