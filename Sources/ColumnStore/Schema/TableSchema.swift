/// One column of a table: its name and type.
public struct ColumnDef: Sendable, Equatable, Codable {
    public var name: String
    public var type: ColumnType

    public init(name: String, type: ColumnType) {
        self.name = name
        self.type = type
    }

    enum CodingKeys: String, CodingKey { case name, type }
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decode(String.self, forKey: .name)
        let t = try c.decode(String.self, forKey: .type)
        guard let type = ColumnType(name: t) else {
            throw DecodingError.dataCorruptedError(forKey: .type, in: c, debugDescription: "unknown column type '\(t)'")
        }
        self.type = type
    }
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(name, forKey: .name)
        try c.encode(type.description, forKey: .type)
    }
}

/// A table's columns. Column 0 is always `time`; columns are only ever appended, so an index
/// stays valid for the life of the table.
public struct TableSchema: Sendable, Equatable {
    public static let timeColumn = "time"

    public let table: String
    public private(set) var columns: [ColumnDef]
    private var byName: [String: Int]

    public init(table: String, columns: [ColumnDef] = []) {
        self.table = table
        self.columns = [ColumnDef(name: Self.timeColumn, type: .time)]
        self.byName = [Self.timeColumn: 0]
        for c in columns where c.name != Self.timeColumn { _ = add(c) }
    }

    /// The schema of a computed (virtual) table: exactly `columns`, with no designated `time` column.
    public init(computed table: String, columns: [ColumnDef]) {
        self.table = table
        self.columns = columns
        self.byName = Dictionary(columns.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { a, _ in a })
    }

    public func index(of name: String) -> Int? { byName[name] }

    public func column(_ name: String) -> ColumnDef? { byName[name].map { columns[$0] } }

    public var count: Int { columns.count }

    /// Adds a column, returning its index.
    @discardableResult
    public mutating func add(_ c: ColumnDef) -> Int {
        if let i = byName[c.name] { return i }
        columns.append(c)
        byName[c.name] = columns.count - 1
        return columns.count - 1
    }
}

/// Per-table settings, persisted in the manifest.
public struct TableOptions: Sendable, Equatable, Codable {
    /// Compression of every column's blocks unless `columnCompression` names the column.
    public var compression: CompressionKind = .lz4
    public var zstdLevel: Int32 = 3
    public var columnCompression: [String: CompressionKind] = [:]
    /// Compression of the blocks compaction writes (e.g. zstd where flushes write LZ4: ~10% smaller, slower
    /// scans). Nil (the default): `compression`. Columns named in `columnCompression` keep theirs.
    public var compactedCompression: CompressionKind?
    /// Day partitions older than this many days (by their UTC date, against the clock) are dropped.
    public var retentionDays: Int?
    /// Columns the rows of a segment are sorted by; time always ends the key.
    public var sortKey: [String] = []
    /// True when the schema was declared (`CREATE TABLE`): writes may not add columns, so a line naming
    /// an undeclared tag or field is rejected instead of widening the table. Nil (absent): false.
    public var declaredSchema: Bool?
    /// Dedup (upsert) keys, `time` among them: of rows with equal values in these columns only the last
    /// written is kept (QuestDB's UPSERT KEYS). Nil: every row is kept. Set with `Database.setDedupKeys`.
    public var dedupKeys: [String]?

    public init() {}

    /// What compaction writes with: `compression` replaced by the compacted one.
    public var compacted: TableOptions {
        var o = self
        o.compression = compactedCompression ?? compression
        return o
    }

    public func codecOptions(for column: String) -> CodecOptions {
        var o = CodecOptions()
        o.compression = columnCompression[column] ?? compression
        o.zstdLevel = zstdLevel
        return o
    }
}

extension CompressionKind: Codable {
    public init(from decoder: Decoder) throws {
        let s = try decoder.singleValueContainer().decode(String.self)
        switch s {
        case "none": self = .none
        case "lz4": self = .lz4
        case "zstd": self = .zstd
        default: throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "unknown compression '\(s)'"))
        }
    }
    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(name)
    }
    /// The name used in options and manifests.
    public var name: String {
        switch self {
        case .none: "none"
        case .lz4: "lz4"
        case .zstd: "zstd"
        }
    }
    public init?(name: String) {
        switch name.lowercased() {
        case "none": self = .none
        case "lz4": self = .lz4
        case "zstd": self = .zstd
        default: return nil
        }
    }
}
