import ColumnStore

/// One column of a Parquet file tsdb writes: its name and tsdb type (not `.symbol`: resolve tags to
/// strings first).
public struct ParquetColumn: Sendable, Equatable {
    public var name: String
    public var type: ColumnType
    /// A column of days since 1970-01-01 (`.date`, or `.int64` flagged), written as INT32 annotated DATE.
    public var date: Bool

    public init(name: String, type: ColumnType, date: Bool = false) {
        precondition(!date || type == .int64 || type == .date, "BUG: a DATE column's days are an .int64 vector")
        self.name = name
        self.type = type
        self.date = date || type == .date
    }
}

/// How a `ParquetWriter` lays out and compresses its file.
public struct ParquetWriterOptions: Sendable {
    public var compression: ParquetCompression = .zstd
    /// Rows per row group; the writer buffers one row group's column vectors.
    public var rowGroupRows: Int = 1 << 20
    /// Rows per data page at most.
    public var pageRows: Int = 64 * 1024
    /// Bytes of values per PLAIN string page at most (a page ends after the row that passes it).
    public var pageBytes: Int = 1 << 20
    /// A string column chunk whose distinct values take more bytes than this is written PLAIN.
    public var dictionaryBytes: Int = 1 << 20

    public init(compression: ParquetCompression = .zstd) { self.compression = compression }
}

/// Writes column vectors as a Parquet file (format version 1 data pages, flat schema, every column
/// OPTIONAL) to a byte sink, a row group at a time, so memory stays bounded by one row group.
///
/// Types map as: `.time` → INT64 TIMESTAMP(NANOS, UTC); `.int64` → INT64 (INT32 DATE for a `date`
/// column); `.uint64` → INT64
/// annotated UINT_64 / INTEGER(64, unsigned); `.float64` → DOUBLE; `.bool` → BOOLEAN; `.string` →
/// BYTE_ARRAY STRING, dictionary encoded unless its distinct values are too large.
public final class ParquetWriter {
    public let columns: [ParquetColumn]
    public let options: ParquetWriterOptions
    let sink: (UnsafeRawBufferPointer) throws -> Void
    /// Bytes handed to the sink so far.
    public private(set) var position: Int64 = 0
    /// Rows written so far (flushed or buffered).
    public private(set) var rowCount: Int64 = 0
    var buffered: [ColumnVector]
    var rowGroups: [RowGroupMetaData] = []
    var finished = false

    /// The application name written into the footer's created_by.
    public static let createdBy = "tsdb parquet writer version 1.0"

    /// A writer of `columns` that hands its bytes, in order, to `sink`.
    public init(columns: [ParquetColumn], options: ParquetWriterOptions = ParquetWriterOptions(),
                sink: @escaping (UnsafeRawBufferPointer) throws -> Void) throws {
        for c in columns where c.type == .symbol {
            throw ParquetError.unsupported("column \(c.name) is a tag: resolve it to strings before writing")
        }
        self.columns = columns
        self.options = options
        self.sink = sink
        buffered = columns.map { ColumnVector(type: $0.type) }
        try emit(Self.magic)
    }

    static let magic: [UInt8] = Array("PAR1".utf8)

    func emit(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try sink($0) }
        position += Int64(bytes.count)
    }

    /// Appends rows `rows` of `vectors` (one per column, in column order, of the columns' types).
    public func write(_ vectors: [ColumnVector], rows: Range<Int>) throws {
        precondition(!finished, "BUG: writing to a finished Parquet writer")
        precondition(vectors.count == columns.count, "BUG: \(vectors.count) vectors for \(columns.count) columns")
        var lo = rows.lowerBound
        while lo < rows.upperBound {
            let room = options.rowGroupRows - buffered[0].count
            let hi = min(rows.upperBound, lo + room)
            for c in columns.indices {
                precondition(vectors[c].type == columns[c].type,
                             "BUG: column \(columns[c].name) is \(columns[c].type), given \(vectors[c].type)")
                buffered[c].append(contentsOf: vectors[c], range: lo..<hi)
            }
            rowCount += Int64(hi - lo)
            lo = hi
            if buffered[0].count >= options.rowGroupRows { try flushRowGroup() }
        }
    }

    /// Appends every row of `vectors`.
    public func write(_ vectors: [ColumnVector]) throws {
        try write(vectors, rows: 0..<(vectors.first?.count ?? 0))
    }

    /// Writes the buffered rows as a row group.
    func flushRowGroup() throws {
        let n = buffered.first?.count ?? 0
        guard n > 0 else { return }
        let start = position
        var chunks: [ColumnChunk] = []
        var uncompressed: Int64 = 0
        for c in columns.indices {
            var encoder = ColumnChunkEncoder(column: columns[c], options: options)
            let chunk = try encoder.encode(buffered[c], at: position) { try emit($0) }
            uncompressed += chunk.metaData.totalUncompressedSize
            chunks.append(chunk)
            buffered[c] = ColumnVector(type: columns[c].type)
        }
        rowGroups.append(RowGroupMetaData(
            columns: chunks, totalByteSize: uncompressed, numRows: Int64(n), fileOffset: start,
            totalCompressedSize: position - start, ordinal: Int16(truncatingIfNeeded: rowGroups.count)))
    }

    /// Flushes the last row group and writes the footer; the sink then holds a whole Parquet file.
    public func finish() throws {
        precondition(!finished, "BUG: finishing a Parquet writer twice")
        try flushRowGroup()
        finished = true
        var schema = [SchemaElement(name: "schema", numChildren: Int32(columns.count))]
        for c in columns { schema.append(Self.schemaElement(c)) }
        let meta = FileMetaData(version: 1, schema: schema, numRows: rowCount, rowGroups: rowGroups,
                                createdBy: Self.createdBy)
        var w = ThriftCompactWriter()
        w.writeStructBody { meta.encode(&$0) }
        let length = UInt32(w.bytes.count)
        w.bytes.append(contentsOf: [UInt8(truncatingIfNeeded: length), UInt8(truncatingIfNeeded: length >> 8),
                                    UInt8(truncatingIfNeeded: length >> 16), UInt8(truncatingIfNeeded: length >> 24)])
        w.bytes.append(contentsOf: Self.magic)
        try emit(w.bytes)
    }

    static func schemaElement(_ c: ParquetColumn) -> SchemaElement {
        var e = SchemaElement(repetition: 1, name: c.name)
        switch c.type {
        case .time:
            e.type = .int64
            e.logicalType = .timestamp(utc: true, unit: .nanos)
        case .int64 where c.date, .date:
            e.type = .int32
            e.convertedType = ConvertedType.date.rawValue
            e.logicalType = .other(6)  // DateType
        case .int64:
            e.type = .int64
        case .uint64:
            e.type = .int64
            e.convertedType = ConvertedType.uint64.rawValue
            e.logicalType = .integer(bitWidth: 64, signed: false)
        case .float64:
            e.type = .double
        case .bool:
            e.type = .boolean
        case .string, .symbol:
            e.type = .byteArray
            e.convertedType = ConvertedType.utf8.rawValue
            e.logicalType = .string
        }
        return e
    }
}

/// Writes a Parquet file at a path: to a temporary name beside it, renamed into place by `finish`, so a
/// failed or interrupted export never leaves a partial file under the final name.
public final class ParquetFileWriter {
    public let path: String
    let temporaryPath: String
    var fd: Int32
    public let writer: ParquetWriter

    /// Creates the temporary file and writes the header.
    public init(path: String, columns: [ParquetColumn], options: ParquetWriterOptions = ParquetWriterOptions()) throws {
        self.path = path
        temporaryPath = path + ".tmp-\(getpid())"
        let fd = try FileIO.open(temporaryPath, O_WRONLY | O_CREAT | O_TRUNC)
        self.fd = fd
        let tmp = temporaryPath
        do {
            writer = try ParquetWriter(columns: columns, options: options) { try FileIO.writeAll(fd, $0, path: tmp) }
        } catch {
            close(fd)
            FileIO.unlink(tmp)
            throw error
        }
    }

    /// Appends rows `rows` of `vectors`.
    public func write(_ vectors: [ColumnVector], rows: Range<Int>) throws { try writer.write(vectors, rows: rows) }

    /// Writes the footer, syncs and renames the file into place.
    public func finish() throws {
        do {
            try writer.finish()
            try FileIO.publish(&fd, temporary: temporaryPath, as: path)
        } catch {
            abandon()
            throw error
        }
    }

    /// Removes the temporary file (after an error).
    public func abandon() {
        if fd >= 0 { close(fd); fd = -1 }
        FileIO.unlink(temporaryPath)
    }

    deinit { if fd >= 0 { abandon() } }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
