/// Decoding the footer and page headers: unknown fields are skipped, as Thrift's evolution rules ask.
extension LogicalType {
    static func decode(_ r: inout ThriftCompactReader) throws(ParquetError) -> LogicalType? {
        var result: LogicalType?
        try r.structure { r, id, type throws(ParquetError) in
            switch (id, type) {
            case (1, 12):
                try r.skip(type)
                result = .string
            case (8, 12):
                var utc = false, unit = TimeUnit.micros
                try r.structure { r, id, type throws(ParquetError) in
                    switch (id, type) {
                    case (1, 1), (1, 2): utc = r.boolValue
                    case (2, 12):
                        try r.structure { r, id, type throws(ParquetError) in
                            if let u = TimeUnit(rawValue: id) { unit = u }
                            try r.skip(type)
                        }
                    default: try r.skip(type)
                    }
                }
                result = .timestamp(utc: utc, unit: unit)
            case (10, 12):
                var bits: Int8 = 64, signed = true
                try r.structure { r, id, type throws(ParquetError) in
                    switch (id, type) {
                    case (1, 3): bits = Int8(bitPattern: try r.byte())
                    case (2, 1), (2, 2): signed = r.boolValue
                    default: try r.skip(type)
                    }
                }
                result = .integer(bitWidth: bits, signed: signed)
            default:
                try r.skip(type)
                result = .other(id)
            }
        }
        return result
    }
}

extension SchemaElement {
    static func decode(_ r: inout ThriftCompactReader) throws(ParquetError) -> SchemaElement {
        var e = SchemaElement(name: "")
        try r.structure { r, id, type throws(ParquetError) in
            switch (id, type) {
            case (1, 5):
                let v = try r.i32()
                guard let t = PhysicalType(rawValue: v) else { throw .corrupt("unknown physical type \(v)") }
                e.type = t
            case (2, 5): e.typeLength = try r.i32()
            case (3, 5): e.repetition = try r.i32()
            case (4, 8): e.name = try r.string()
            case (5, 5): e.numChildren = try r.i32()
            case (6, 5): e.convertedType = try r.i32()
            case (10, 12): e.logicalType = try LogicalType.decode(&r)
            default: try r.skip(type)
            }
        }
        return e
    }
}

extension ParquetStatistics {
    static func decode(_ r: inout ThriftCompactReader) throws(ParquetError) -> ParquetStatistics {
        var s = ParquetStatistics()
        try r.structure { r, id, type throws(ParquetError) in
            switch (id, type) {
            case (3, 6): s.nullCount = try r.i64()
            case (5, 8): s.maxValue = try r.binary()
            case (6, 8): s.minValue = try r.binary()
            default: try r.skip(type)
            }
        }
        return s
    }
}

extension ColumnMetaData {
    static func decode(_ r: inout ThriftCompactReader) throws(ParquetError) -> ColumnMetaData {
        var m = ColumnMetaData(type: .int64, encodings: [], path: [], codec: .uncompressed, numValues: 0,
                               totalUncompressedSize: 0, totalCompressedSize: 0, dataPageOffset: -1)
        try r.structure { r, id, type throws(ParquetError) in
            switch (id, type) {
            case (1, 5):
                let v = try r.i32()
                guard let t = PhysicalType(rawValue: v) else { throw .corrupt("unknown physical type \(v)") }
                m.type = t
            case (3, 9):
                let (n, _) = try r.listHeader()
                for _ in 0..<n { m.path.append(try r.string()) }
            case (4, 5):
                let v = try r.i32()
                guard let c = ParquetCompression(rawValue: v) else { throw .unsupported("compression codec \(v)") }
                m.codec = c
            case (5, 6): m.numValues = try r.i64()
            case (6, 6): m.totalUncompressedSize = try r.i64()
            case (7, 6): m.totalCompressedSize = try r.i64()
            case (9, 6): m.dataPageOffset = try r.i64()
            case (11, 6): m.dictionaryPageOffset = try r.i64()
            case (12, 12): m.statistics = try ParquetStatistics.decode(&r)
            default: try r.skip(type)
            }
        }
        return m
    }
}

extension RowGroupMetaData {
    static func decode(_ r: inout ThriftCompactReader) throws(ParquetError) -> RowGroupMetaData {
        var g = RowGroupMetaData(columns: [], totalByteSize: 0, numRows: 0, fileOffset: 0, totalCompressedSize: 0, ordinal: 0)
        try r.structure { r, id, type throws(ParquetError) in
            switch (id, type) {
            case (1, 9):
                let (n, _) = try r.listHeader()
                for _ in 0..<n {
                    var chunk: ColumnChunk?
                    var offset: Int64 = 0
                    try r.structure { r, id, type throws(ParquetError) in
                        switch (id, type) {
                        case (1, 8): throw .unsupported("column chunks in other files (file_path)")
                        case (2, 6): offset = try r.i64()
                        case (3, 12): chunk = ColumnChunk(fileOffset: 0, metaData: try ColumnMetaData.decode(&r))
                        default: try r.skip(type)
                        }
                    }
                    guard var c = chunk else { throw .corrupt("a column chunk without metadata") }
                    c.fileOffset = offset
                    g.columns.append(c)
                }
            case (2, 6): g.totalByteSize = try r.i64()
            case (3, 6): g.numRows = try r.i64()
            default: try r.skip(type)
            }
        }
        return g
    }
}

extension FileMetaData {
    static func decode(_ bytes: UnsafeRawBufferPointer) throws(ParquetError) -> FileMetaData {
        var r = ThriftCompactReader(bytes)
        var m = FileMetaData(version: 0, schema: [], numRows: 0, rowGroups: [], createdBy: nil)
        try r.structure { r, id, type throws(ParquetError) in
            switch (id, type) {
            case (1, 5): m.version = try r.i32()
            case (2, 9):
                let (n, _) = try r.listHeader()
                for _ in 0..<n { m.schema.append(try SchemaElement.decode(&r)) }
            case (3, 6): m.numRows = try r.i64()
            case (4, 9):
                let (n, _) = try r.listHeader()
                for _ in 0..<n { m.rowGroups.append(try RowGroupMetaData.decode(&r)) }
            case (6, 8): m.createdBy = try r.string()
            default: try r.skip(type)
            }
        }
        return m
    }
}

extension PageHeader {
    /// Decodes a page header at the start of `bytes`; returns it and its length in bytes.
    static func decode(_ bytes: UnsafeRawBufferPointer) throws(ParquetError) -> (PageHeader, Int) {
        var r = ThriftCompactReader(bytes)
        var h = PageHeader(type: .dataPage, uncompressedSize: -1, compressedSize: -1, numValues: 0, encoding: .plain)
        var typeValue: Int32 = -1
        try r.structure { r, id, type throws(ParquetError) in
            switch (id, type) {
            case (1, 5): typeValue = try r.i32()
            case (2, 5): h.uncompressedSize = try r.i32()
            case (3, 5): h.compressedSize = try r.i32()
            case (5, 12), (7, 12), (8, 12):
                let which = id
                try r.structure { r, id, type throws(ParquetError) in
                    func encoding() throws(ParquetError) -> PageEncoding {
                        let v = try r.i32()
                        guard let e = PageEncoding(rawValue: v) else { throw .unsupported("page encoding \(v)") }
                        return e
                    }
                    switch (which, id, type) {
                    case (_, 1, 5): h.numValues = try r.i32()
                    case (5, 2, 5), (7, 2, 5): h.encoding = try encoding()
                    case (5, 3, 5): h.definitionLevelEncoding = try encoding()
                    case (8, 2, 5): h.numNulls = try r.i32()
                    case (8, 3, 5): h.numRows = try r.i32()
                    case (8, 4, 5): h.encoding = try encoding()
                    case (8, 5, 5): h.definitionLevelsByteLength = try r.i32()
                    case (8, 6, 5): h.repetitionLevelsByteLength = try r.i32()
                    case (8, 7, 1), (8, 7, 2): h.isCompressed = r.boolValue
                    default: try r.skip(type)
                    }
                }
            default: try r.skip(type)
            }
        }
        guard let t = PageType(rawValue: typeValue) else { throw .corrupt("page of unknown type \(typeValue)") }
        h.type = t
        guard h.uncompressedSize >= 0, h.compressedSize >= 0 else { throw .corrupt("page header without sizes") }
        return (h, r.pos)
    }
}
