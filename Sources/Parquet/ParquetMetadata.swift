/// Parquet's footer and page-header structures (parquet.thrift), with only the fields tsdb writes or
/// reads. Field ids and enum values are the specification's; never renumber them.

/// Physical types (parquet.thrift `Type`).
public enum PhysicalType: Int32, Sendable {
    case boolean = 0, int32 = 1, int64 = 2, int96 = 3, float = 4, double = 5, byteArray = 6, fixedLenByteArray = 7
}

/// Page and column encodings (parquet.thrift `Encoding`).
public enum PageEncoding: Int32, Sendable {
    case plain = 0, plainDictionary = 2, rle = 3, bitPacked = 4, deltaBinaryPacked = 5
    case deltaLengthByteArray = 6, deltaByteArray = 7, rleDictionary = 8, byteStreamSplit = 9
}

/// Page compression codecs (parquet.thrift `CompressionCodec`).
public enum ParquetCompression: Int32, Sendable, CaseIterable {
    case uncompressed = 0, snappy = 1, gzip = 2, lzo = 3, brotli = 4, lz4 = 5, zstd = 6, lz4Raw = 7

    /// Parses the names `COPY … (COMPRESSION …)` and the CLI accept.
    public init?(name: String) {
        switch name.lowercased() {
        case "uncompressed", "none": self = .uncompressed
        case "snappy": self = .snappy
        case "zstd": self = .zstd
        case "gzip": self = .gzip
        default: return nil
        }
    }

    public var name: String {
        switch self {
        case .uncompressed: "uncompressed"
        case .snappy: "snappy"
        case .gzip: "gzip"
        case .lzo: "lzo"
        case .brotli: "brotli"
        case .lz4: "lz4"
        case .zstd: "zstd"
        case .lz4Raw: "lz4_raw"
        }
    }
}

/// Page types (parquet.thrift `PageType`).
enum PageType: Int32 {
    case dataPage = 0, indexPage = 1, dictionaryPage = 2, dataPageV2 = 3
}

/// ConvertedType values tsdb writes or recognises (parquet.thrift `ConvertedType`).
enum ConvertedType: Int32 {
    case utf8 = 0, date = 6, timestampMillis = 9, timestampMicros = 10, uint8 = 11, uint16 = 12, uint32 = 13, uint64 = 14
    case int8 = 15, int16 = 16, int32 = 17, int64 = 18
}

/// The logical type annotation of a column (parquet.thrift `LogicalType`, a union).
public enum LogicalType: Sendable, Equatable {
    case string
    /// TIMESTAMP(isAdjustedToUTC, unit); unit is 1 ms, 2 µs or 3 ns (the union's field id).
    case timestamp(utc: Bool, unit: TimeUnit)
    case integer(bitWidth: Int8, signed: Bool)
    /// Any other annotation, by its union field id.
    case other(Int16)

    /// A timestamp's unit (parquet.thrift `TimeUnit`, a union: 1 MILLIS, 2 MICROS, 3 NANOS).
    public enum TimeUnit: Int16, Sendable {
        case millis = 1, micros = 2, nanos = 3

        /// Nanoseconds per unit.
        public var nanoseconds: Int64 {
            switch self {
            case .millis: 1_000_000
            case .micros: 1_000
            case .nanos: 1
            }
        }
    }

    func encode(_ w: inout ThriftCompactWriter) {
        switch self {
        case .string:
            w.structure(1) { _ in }
        case .timestamp(let utc, let unit):
            w.structure(8) { t in
                t.bool(1, utc)
                t.structure(2) { u in u.structure(unit.rawValue) { _ in } }
            }
        case .integer(let bits, let signed):
            w.structure(10) { t in
                t.i8(1, bits)
                t.bool(2, signed)
            }
        case .other(let id):
            w.structure(id) { _ in }
        }
    }
}

/// One node of the flat schema (parquet.thrift `SchemaElement`); tsdb writes a root and one leaf per
/// column, all OPTIONAL.
struct SchemaElement {
    var type: PhysicalType?
    var typeLength: Int32?
    /// 0 REQUIRED, 1 OPTIONAL, 2 REPEATED.
    var repetition: Int32?
    var name: String
    var numChildren: Int32?
    var convertedType: Int32?
    var logicalType: LogicalType?

    func encode(_ w: inout ThriftCompactWriter) {
        if let type { w.i32(1, type.rawValue) }
        if let typeLength { w.i32(2, typeLength) }
        if let repetition { w.i32(3, repetition) }
        w.string(4, name)
        if let numChildren { w.i32(5, numChildren) }
        if let convertedType { w.i32(6, convertedType) }
        if let logicalType { w.structure(10) { logicalType.encode(&$0) } }
    }
}

/// Min/max/null count of a page or column chunk (parquet.thrift `Statistics`); min and max are the
/// PLAIN encoding of the value (without a length prefix for byte arrays).
public struct ParquetStatistics: Sendable, Equatable {
    public var nullCount: Int64?
    public var minValue: [UInt8]?
    public var maxValue: [UInt8]?

    public init(nullCount: Int64? = nil, minValue: [UInt8]? = nil, maxValue: [UInt8]? = nil) {
        self.nullCount = nullCount
        self.minValue = minValue
        self.maxValue = maxValue
    }

    func encode(_ w: inout ThriftCompactWriter) {
        if let nullCount { w.i64(3, nullCount) }
        if let maxValue { w.binary(5, maxValue) }
        if let minValue { w.binary(6, minValue) }
    }
}

/// A column chunk's metadata (parquet.thrift `ColumnMetaData`).
struct ColumnMetaData {
    var type: PhysicalType
    var encodings: [PageEncoding]
    var path: [String]
    var codec: ParquetCompression
    var numValues: Int64
    var totalUncompressedSize: Int64
    var totalCompressedSize: Int64
    var dataPageOffset: Int64
    var dictionaryPageOffset: Int64?
    var statistics: ParquetStatistics?

    func encode(_ w: inout ThriftCompactWriter) {
        w.i32(1, type.rawValue)
        w.i32List(2, encodings.map(\.rawValue))
        w.stringList(3, path)
        w.i32(4, codec.rawValue)
        w.i64(5, numValues)
        w.i64(6, totalUncompressedSize)
        w.i64(7, totalCompressedSize)
        w.i64(9, dataPageOffset)
        if let dictionaryPageOffset { w.i64(11, dictionaryPageOffset) }
        if let statistics { w.structure(12) { statistics.encode(&$0) } }
    }
}

/// A column chunk (parquet.thrift `ColumnChunk`): where it starts and its metadata.
struct ColumnChunk {
    var fileOffset: Int64
    var metaData: ColumnMetaData

    func encode(_ w: inout ThriftCompactWriter) {
        w.i64(2, fileOffset)
        w.structure(3) { metaData.encode(&$0) }
    }
}

/// A row group (parquet.thrift `RowGroup`).
struct RowGroupMetaData {
    var columns: [ColumnChunk]
    var totalByteSize: Int64
    var numRows: Int64
    var fileOffset: Int64
    var totalCompressedSize: Int64
    var ordinal: Int16

    func encode(_ w: inout ThriftCompactWriter) {
        w.structList(1, columns) { w, c in c.encode(&w) }
        w.i64(2, totalByteSize)
        w.i64(3, numRows)
        w.i64(5, fileOffset)
        w.i64(6, totalCompressedSize)
        w.fieldHeader(7, .i16)
        w.writeVarint(w.zigzag(Int64(ordinal)))
    }
}

/// The footer (parquet.thrift `FileMetaData`).
struct FileMetaData {
    var version: Int32
    var schema: [SchemaElement]
    var numRows: Int64
    var rowGroups: [RowGroupMetaData]
    var createdBy: String?

    func encode(_ w: inout ThriftCompactWriter) {
        w.i32(1, version)
        w.structList(2, schema) { w, s in s.encode(&w) }
        w.i64(3, numRows)
        w.structList(4, rowGroups) { w, g in g.encode(&w) }
        if let createdBy { w.string(6, createdBy) }
        // column_orders: TYPE_ORDER for every leaf, so readers trust min_value/max_value (unsigned
        // order for UINT_64 and byte arrays).
        let leaves = schema.count - 1
        w.structList(7, Array(repeating: 0, count: leaves)) { w, _ in w.structure(1) { _ in } }
    }
}

/// A page's header (parquet.thrift `PageHeader` with its data, dictionary and v2 headers).
struct PageHeader {
    var type: PageType
    var uncompressedSize: Int32
    var compressedSize: Int32
    /// DataPageHeader (v1) / DictionaryPageHeader / DataPageHeaderV2 fields, by page type.
    var numValues: Int32
    var encoding: PageEncoding
    var definitionLevelEncoding: PageEncoding = .rle
    var statistics: ParquetStatistics?
    // v2 only
    var numNulls: Int32 = 0
    var numRows: Int32 = 0
    var definitionLevelsByteLength: Int32 = 0
    var repetitionLevelsByteLength: Int32 = 0
    var isCompressed: Bool = true

    func encode(_ w: inout ThriftCompactWriter) {
        w.i32(1, type.rawValue)
        w.i32(2, uncompressedSize)
        w.i32(3, compressedSize)
        switch type {
        case .dataPage:
            w.structure(5) { d in
                d.i32(1, numValues)
                d.i32(2, encoding.rawValue)
                d.i32(3, definitionLevelEncoding.rawValue)
                d.i32(4, PageEncoding.rle.rawValue)
                if let statistics { d.structure(5) { statistics.encode(&$0) } }
            }
        case .dictionaryPage:
            w.structure(7) { d in
                d.i32(1, numValues)
                d.i32(2, encoding.rawValue)
            }
        case .dataPageV2:
            w.structure(8) { d in
                d.i32(1, numValues)
                d.i32(2, numNulls)
                d.i32(3, numRows)
                d.i32(4, encoding.rawValue)
                d.i32(5, definitionLevelsByteLength)
                d.i32(6, repetitionLevelsByteLength)
                d.bool(7, isCompressed)
                if let statistics { d.structure(8) { statistics.encode(&$0) } }
            }
        case .indexPage:
            w.structure(6) { _ in }
        }
    }
}
