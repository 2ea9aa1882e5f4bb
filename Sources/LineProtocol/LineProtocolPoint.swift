/// One point with owned bytes: what a line means, independent of how it was escaped.
///
/// Names and values are bytes (not `String`) so comparisons are byte-exact; the `String` initialiser
/// and accessors are conveniences. Floats compare by bit pattern, so `-0.0 != 0.0` here.
public struct LineProtocolPoint: Sendable, Equatable, CustomStringConvertible {
    /// A field value with owned string bytes.
    public enum Value: Sendable, Equatable {
        case int(Int64)
        case uint(UInt64)
        case float(Double)
        case bool(Bool)
        case string([UInt8])

        public static func == (a: Value, b: Value) -> Bool {
            switch (a, b) {
            case (.int(let x), .int(let y)): return x == y
            case (.uint(let x), .uint(let y)): return x == y
            case (.float(let x), .float(let y)): return x.bitPattern == y.bitPattern
            case (.bool(let x), .bool(let y)): return x == y
            case (.string(let x), .string(let y)): return x == y
            default: return false
            }
        }

        /// A string value from text.
        public static func string(_ s: String) -> Value { .string(Array(s.utf8)) }
    }

    /// A tag: key and value bytes.
    public struct Tag: Sendable, Equatable {
        public var key: [UInt8]
        public var value: [UInt8]
        public init(key: [UInt8], value: [UInt8]) { self.key = key; self.value = value }
    }

    /// A field: key bytes and value.
    public struct Field: Sendable, Equatable {
        public var key: [UInt8]
        public var value: Value
        public init(key: [UInt8], value: Value) { self.key = key; self.value = value }
    }

    public var measurement: [UInt8]
    public var tags: [Tag]
    public var fields: [Field]
    /// Nanoseconds; nil when the line had none.
    public var timestamp: Int64?

    public init(measurement: [UInt8], tags: [Tag] = [], fields: [Field] = [], timestamp: Int64? = nil) {
        self.measurement = measurement
        self.tags = tags
        self.fields = fields
        self.timestamp = timestamp
    }

    public init(_ measurement: String, tags: [(String, String)] = [], fields: [(String, Value)],
                timestamp: Int64? = nil) {
        self.init(measurement: Array(measurement.utf8),
                  tags: tags.map { Tag(key: Array($0.0.utf8), value: Array($0.1.utf8)) },
                  fields: fields.map { Field(key: Array($0.0.utf8), value: $0.1) },
                  timestamp: timestamp)
    }

    public var description: String {
        var out: [UInt8] = []
        do { try LineProtocolSerializer.append(self, to: &out) } catch { return "<unserialisable point: \(error)>" }
        return String(decoding: out, as: UTF8.self)
    }
}

/// A visitor that collects every accepted line as a `LineProtocolPoint` (tests, tools, small inputs).
public struct PointCollector: LineProtocolVisitor {
    public private(set) var points: [LineProtocolPoint] = []
    /// The line number of each collected point.
    public private(set) var lines: [Int] = []
    private var current = LineProtocolPoint(measurement: [])
    private var currentLine = 0

    public init() {}

    public mutating func beginLine(measurement: LineSlice, line: Int) {
        current = LineProtocolPoint(measurement: measurement.unescapedBytes)
        currentLine = line
    }

    public mutating func tag(key: LineKey, value: LineSlice) -> LineRejection? {
        current.tags.append(.init(key: key.slice.unescapedBytes, value: value.unescapedBytes))
        return nil
    }

    public mutating func field(key: LineKey, value: FieldValue) -> LineRejection? {
        let v: LineProtocolPoint.Value
        switch value {
        case .int(let x): v = .int(x)
        case .uint(let x): v = .uint(x)
        case .float(let x): v = .float(x)
        case .bool(let x): v = .bool(x)
        case .string(let s): v = .string(s.unescapedBytes)
        }
        current.fields.append(.init(key: key.slice.unescapedBytes, value: v))
        return nil
    }

    public mutating func endLine(timestamp: Int64?) {
        current.timestamp = timestamp
        points.append(current)
        lines.append(currentLine)
    }

    public mutating func abortLine() {}
}
