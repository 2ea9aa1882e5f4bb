import ColumnStore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One column of a Parquet file as tsdb reads it.
public struct ParquetFileColumn: Sendable, Equatable {
    public var name: String
    /// The tsdb type its values become: INT32/INT64 → `.int64` (`.uint64` when annotated unsigned 64-bit),
    /// timestamps (any unit, INT96 too) → `.time` (nanoseconds), DATE → `.date` (days), FLOAT/DOUBLE → `.float64`,
    /// BOOLEAN → `.bool`, BYTE_ARRAY → `.string`.
    public var type: ColumnType
    public var physicalType: PhysicalType
    /// False for REQUIRED columns (no definition levels).
    public var optional: Bool
    /// Nanoseconds per stored unit for `.time` columns (1 for INT96 and NANOS).
    public var timeScale: Int64 = 1
    /// INT32 annotated as unsigned: read its bits as UInt32.
    public var unsigned32 = false
}

/// Reads a Parquet file a row group at a time (flat schemas; PLAIN, dictionary and RLE encodings;
/// data pages v1 and v2; uncompressed, snappy, gzip and zstd pages). Everything read is checked
/// against the file's bounds and the footer's counts; damage throws `ParquetError` naming the column.
public final class ParquetReader {
    public let path: String
    public let columns: [ParquetFileColumn]
    /// Rows in the file, from the footer.
    public let rowCount: Int64
    /// The footer's created_by, e.g. "parquet-cpp-arrow version 17.0.0".
    public let createdBy: String?
    let metadata: FileMetaData
    let fd: Int32
    let fileSize: Int

    /// Opens `path` and reads its footer.
    public init(path: String) throws {
        self.path = path
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw ParquetError.io("cannot open \(path): \(String(cString: strerror(errno)))") }
        self.fd = fd
        do {
            var st = stat()
            guard fstat(fd, &st) == 0 else { throw ParquetError.io("cannot stat \(path): \(String(cString: strerror(errno)))") }
            fileSize = Int(st.st_size)
            guard fileSize >= 12 else { throw ParquetError.corrupt("\(fileSize) bytes is too short for a Parquet file") }
            let head = try Self.pread(fd, at: 0, count: 4, path: path)
            let tail = try Self.pread(fd, at: fileSize - 8, count: 8, path: path)
            guard head == ParquetWriter.magic else { throw ParquetError.corrupt("no PAR1 magic at the start: not a Parquet file") }
            guard Array(tail[4...]) == ParquetWriter.magic else {
                throw ParquetError.corrupt("no PAR1 magic at the end: the file is truncated or not Parquet")
            }
            let footerLength = Int(UInt32(tail[0]) | UInt32(tail[1]) << 8 | UInt32(tail[2]) << 16 | UInt32(tail[3]) << 24)
            guard footerLength <= fileSize - 12 else {
                throw ParquetError.corrupt("footer length \(footerLength) is larger than the file (\(fileSize) bytes)")
            }
            let footer = try Self.pread(fd, at: fileSize - 8 - footerLength, count: footerLength, path: path)
            metadata = try footer.withUnsafeBytes { b throws(ParquetError) in try FileMetaData.decode(b) }
            columns = try Self.columns(of: metadata.schema)
            rowCount = metadata.numRows
            createdBy = metadata.createdBy
            var total: Int64 = 0
            for (i, g) in metadata.rowGroups.enumerated() {
                guard g.columns.count == columns.count else {
                    throw ParquetError.corrupt("row group \(i) has \(g.columns.count) column chunks for \(columns.count) columns")
                }
                guard g.numRows >= 0 else { throw ParquetError.corrupt("row group \(i) has \(g.numRows) rows") }
                total += g.numRows
            }
            guard total == rowCount else { throw ParquetError.corrupt("row groups hold \(total) rows, the footer says \(rowCount)") }
        } catch {
            close(fd)
            throw error
        }
    }

    deinit { close(fd) }

    /// Row groups in the file.
    public var rowGroupCount: Int { metadata.rowGroups.count }

    /// Rows in row group `i`.
    public func rows(inRowGroup i: Int) -> Int { Int(metadata.rowGroups[i].numRows) }

    /// Reads row group `i`: one vector per column, in column order.
    public func readRowGroup(_ i: Int) throws -> [ColumnVector] {
        let group = metadata.rowGroups[i]
        var out: [ColumnVector] = []
        for (c, column) in columns.enumerated() {
            let meta = group.columns[c].metaData
            var start = meta.dataPageOffset
            if let d = meta.dictionaryPageOffset, d > 0, d < start { start = d }
            guard start >= 4, meta.totalCompressedSize >= 0, start + meta.totalCompressedSize <= Int64(fileSize - 8) else {
                throw ParquetError.corrupt("column \(column.name) of row group \(i) lies outside the file")
            }
            let bytes = try Self.pread(fd, at: Int(start), count: Int(meta.totalCompressedSize), path: path)
            var decoder = ColumnChunkDecoder(column: column, codec: meta.codec)
            do {
                let v = try bytes.withUnsafeBytes { try decoder.decode($0, values: Int(meta.numValues)) }
                guard v.count == group.numRows else {
                    throw ParquetError.corrupt("\(v.count) values for \(group.numRows) rows")
                }
                out.append(v)
            } catch let e as ParquetError {
                switch e {
                case .corrupt(let m): throw ParquetError.corrupt("column \(column.name), row group \(i): \(m)")
                case .unsupported(let m): throw ParquetError.unsupported("column \(column.name): \(m)")
                case .io: throw e
                }
            }
        }
        return out
    }

    static func pread(_ fd: Int32, at offset: Int, count: Int, path: String) throws -> [UInt8] {
        var out = [UInt8](repeating: 0, count: count)
        var done = 0
        while done < count {
            let n = out.withUnsafeMutableBytes { Glibc.pread(fd, $0.baseAddress! + done, count - done, off_t(offset + done)) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else {
                throw n == 0 ? ParquetError.corrupt("the file ends at \(offset + done), before byte \(offset + count)")
                    : ParquetError.io("cannot read \(path): \(String(cString: strerror(errno)))")
            }
            done += n
        }
        return out
    }

    /// The flat columns of a schema; nested and repeated fields are refused.
    static func columns(of schema: [SchemaElement]) throws -> [ParquetFileColumn] {
        guard let root = schema.first else { throw ParquetError.corrupt("the footer has no schema") }
        guard Int(root.numChildren ?? 0) == schema.count - 1 else {
            throw ParquetError.unsupported("nested columns (the schema is not flat)")
        }
        var out: [ParquetFileColumn] = []
        for e in schema.dropFirst() {
            guard (e.numChildren ?? 0) == 0, let physical = e.type else {
                throw ParquetError.unsupported("nested column \(e.name)")
            }
            guard e.repetition != 2 else { throw ParquetError.unsupported("repeated column \(e.name)") }
            var c = ParquetFileColumn(name: e.name, type: .int64, physicalType: physical, optional: e.repetition != 0)
            switch physical {
            case .boolean: c.type = .bool
            case .float, .double: c.type = .float64
            case .byteArray: c.type = .string
            case .int96: c.type = .time
            case .fixedLenByteArray:
                throw ParquetError.unsupported("column \(e.name) is FIXED_LEN_BYTE_ARRAY (decimal, UUID or float16)")
            case .int32, .int64:
                if e.convertedType == 5 || e.logicalType == .other(5) {
                    throw ParquetError.unsupported("column \(e.name) is DECIMAL")
                }
                switch e.logicalType {
                case .timestamp(_, let unit):
                    c.type = .time
                    c.timeScale = unit.nanoseconds
                case .integer(let bits, let signed):
                    if !signed && bits == 64 { c.type = .uint64 }
                    if !signed && bits == 32 { c.unsigned32 = true }
                case .other(6):  // DATE: days since 1970, a DATE column
                    c.type = .date
                default:
                    switch e.convertedType {
                    case ConvertedType.timestampMillis.rawValue: c.type = .time; c.timeScale = 1_000_000
                    case ConvertedType.timestampMicros.rawValue: c.type = .time; c.timeScale = 1_000
                    case ConvertedType.uint64.rawValue: c.type = .uint64
                    case ConvertedType.uint32.rawValue: c.unsigned32 = true
                    case 6: c.type = .date  // DATE
                    default: break
                    }
                }
            }
            out.append(c)
        }
        return out
    }
}
