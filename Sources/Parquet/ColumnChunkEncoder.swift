import ColumnStore

/// Encodes one column of a row group as a column chunk: an optional dictionary page, then data pages
/// (format v1: RLE definition levels with a 4-byte length, then the non-NULL values), each compressed
/// on its own, and the chunk's statistics.
struct ColumnChunkEncoder {
    let column: ParquetColumn
    let options: ParquetWriterOptions
    var uncompressedTotal: Int64 = 0
    var compressedTotal: Int64 = 0
    /// Scratch reused across pages.
    var levels: [UInt32] = []
    var body: [UInt8] = []
    var indices: [UInt32] = []

    init(column: ParquetColumn, options: ParquetWriterOptions) {
        self.column = column
        self.options = options
    }

    var physicalType: PhysicalType {
        if column.date { return .int32 }
        return switch column.type {
        case .time, .int64, .date, .uint64: .int64
        case .float64: .double
        case .bool: .boolean
        case .string, .symbol: .byteArray
        }
    }

    /// Writes `v`'s chunk through `emit`, starting at file offset `start`, and returns its metadata.
    mutating func encode(_ v: ColumnVector, at start: Int64, emit: ([UInt8]) throws -> Void) throws -> ColumnChunk {
        var offset = start
        var dictionaryOffset: Int64?
        var dictionary: ByteDictionary?
        var codes: [UInt32] = []
        if column.type == .string, let d = buildDictionary(v, codes: &codes) {
            dictionary = d
            dictionaryOffset = offset
            body.removeAll(keepingCapacity: true)
            d.bytes.withUnsafeBytes { b in
                for e in 0..<d.count {
                    let lo = Int(d.offsets[e]), hi = Int(d.offsets[e + 1])
                    appendLength(hi - lo)
                    body.append(contentsOf: UnsafeRawBufferPointer(rebasing: b[lo..<hi]))
                }
            }
            offset += try writePage(.dictionaryPage, values: Int32(d.count), encoding: .plain, emit: emit)
        }
        let dataOffset = offset
        var row = 0
        while row < v.count || (row == 0 && v.count == 0) {
            let end = pageEnd(v, from: row, dictionary: dictionary != nil)
            body.removeAll(keepingCapacity: true)
            appendLevels(v, row..<end)
            if dictionary != nil {
                appendIndices(v, row..<end, codes: codes, bitWidth: max(1, RLEHybrid.bitWidth(UInt32(dictionary!.count - 1))))
            } else {
                appendPlain(v, row..<end)
            }
            offset += try writePage(.dataPage, values: Int32(end - row),
                                    encoding: dictionary != nil ? .rleDictionary : .plain, emit: emit)
            row = end
            if v.count == 0 { break }
        }
        let meta = ColumnMetaData(
            type: physicalType,
            encodings: dictionary != nil ? [.plain, .rle, .rleDictionary] : [.plain, .rle],
            path: [column.name], codec: options.compression, numValues: Int64(v.count),
            totalUncompressedSize: uncompressedTotal, totalCompressedSize: compressedTotal,
            dataPageOffset: dataOffset, dictionaryPageOffset: dictionaryOffset,
            statistics: ChunkStatistics.compute(v, dictionary: dictionary, int32: column.date))
        return ColumnChunk(fileOffset: start, metaData: meta)
    }

    /// The end of the page starting at `row`: `pageRows` rows, or fewer when PLAIN strings pass `pageBytes`.
    func pageEnd(_ v: ColumnVector, from row: Int, dictionary: Bool) -> Int {
        let end = min(v.count, row + options.pageRows)
        guard v.type == .string, !dictionary else { return end }
        let limit = UInt32(clamping: Int(v.offsets[row]) + options.pageBytes)
        var r = row
        while r < end {
            r += 1
            if v.offsets[r] >= limit { break }
        }
        return r
    }

    /// Compresses `body` and writes its header and bytes; returns the bytes written.
    mutating func writePage(_ type: PageType, values: Int32, encoding: PageEncoding,
                            emit: ([UInt8]) throws -> Void) throws -> Int64 {
        let compressed = try PageCompression.compress(body, options.compression)
        guard body.count <= Int32.max, compressed.count <= Int32.max else {
            throw ParquetError.unsupported("a page of \(body.count) bytes (over 2 GiB)")
        }
        let header = PageHeader(type: type, uncompressedSize: Int32(body.count), compressedSize: Int32(compressed.count),
                                numValues: values, encoding: encoding)
        var w = ThriftCompactWriter()
        w.writeStructBody { header.encode(&$0) }
        try emit(w.bytes)
        try emit(compressed)
        uncompressedTotal += Int64(w.bytes.count + body.count)
        compressedTotal += Int64(w.bytes.count + compressed.count)
        return Int64(w.bytes.count + compressed.count)
    }

    mutating func appendLength(_ n: Int) {
        let u = UInt32(truncatingIfNeeded: n)
        body.append(UInt8(truncatingIfNeeded: u))
        body.append(UInt8(truncatingIfNeeded: u >> 8))
        body.append(UInt8(truncatingIfNeeded: u >> 16))
        body.append(UInt8(truncatingIfNeeded: u >> 24))
    }

    /// Definition levels (1 present, 0 NULL), RLE-encoded behind a 4-byte length.
    mutating func appendLevels(_ v: ColumnVector, _ rows: Range<Int>) {
        let lengthAt = body.count
        appendLength(0)
        if let validity = v.validity {
            levels.removeAll(keepingCapacity: true)
            for r in rows { levels.append(validity[r] ? 1 : 0) }
            levels.withUnsafeBufferPointer { RLEHybrid.encode($0, bitWidth: 1, into: &body) }
        } else if !rows.isEmpty {
            RLEHybrid.appendULEB(UInt64(rows.count) << 1, to: &body)
            body.append(1)
        }
        let n = UInt32(body.count - lengthAt - 4)
        for k in 0..<4 { body[lengthAt + k] = UInt8(truncatingIfNeeded: n >> (8 * UInt32(k))) }
    }

    /// The PLAIN encoding of the non-NULL values of `rows`.
    mutating func appendPlain(_ v: ColumnVector, _ rows: Range<Int>) {
        let validity = v.validity
        if column.date {
            // Days fit INT32 (a DATE's range is ±5.8 million years).
            for r in rows where validity?[r] ?? true {
                withUnsafeBytes(of: Int32(truncatingIfNeeded: v.int64s[r]).littleEndian) { body.append(contentsOf: $0) }
            }
            return
        }
        switch v.type {
        case .time, .int64, .date:
            appendFixed(v.int64s, rows, validity)
        case .uint64:
            appendFixed(v.uint64s, rows, validity)
        case .float64:
            appendFixed(v.float64s, rows, validity)
        case .bool:
            var acc: UInt8 = 0, bits: UInt8 = 0
            v.bools.withUnsafeBufferPointer { b in
                for r in rows where validity?[r] ?? true {
                    acc |= (b[r] & 1) << bits
                    bits += 1
                    if bits == 8 { body.append(acc); acc = 0; bits = 0 }
                }
            }
            if bits > 0 { body.append(acc) }
        case .string, .symbol:
            v.offsets.withUnsafeBufferPointer { o in v.bytes.withUnsafeBytes { b in
                for r in rows where validity?[r] ?? true {
                    let lo = Int(o[r]), hi = Int(o[r + 1])
                    appendLength(hi - lo)
                    body.append(contentsOf: UnsafeRawBufferPointer(rebasing: b[lo..<hi]))
                }
            } }
        }
    }

    /// Appends fixed-width little-endian values (the machine's order on every platform Swift runs tsdb on).
    mutating func appendFixed<T>(_ values: [T], _ rows: Range<Int>, _ validity: Bitmap?) {
        values.withUnsafeBufferPointer { p in
            if validity == nil {
                body.append(contentsOf: UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(p)[
                    (rows.lowerBound * MemoryLayout<T>.stride)..<(rows.upperBound * MemoryLayout<T>.stride)]))
            } else {
                for r in rows where validity![r] {
                    withUnsafeBytes(of: p[r]) { body.append(contentsOf: $0) }
                }
            }
        }
    }

    /// Dictionary indices of the non-NULL rows: a bit-width byte, then the RLE/bit-packed indices.
    mutating func appendIndices(_ v: ColumnVector, _ rows: Range<Int>, codes: [UInt32], bitWidth: Int) {
        body.append(UInt8(bitWidth))
        indices.removeAll(keepingCapacity: true)
        if let validity = v.validity {
            for r in rows where validity[r] { indices.append(codes[r]) }
        } else {
            indices.append(contentsOf: codes[rows])
        }
        indices.withUnsafeBufferPointer { RLEHybrid.encode($0, bitWidth: bitWidth, into: &body) }
    }

    /// The chunk's dictionary and each row's code (0 for NULLs), or nil when the distinct values pass
    /// `dictionaryBytes`.
    func buildDictionary(_ v: ColumnVector, codes: inout [UInt32]) -> ByteDictionary? {
        var d = ByteDictionary()
        codes.reserveCapacity(v.count)
        let validity = v.validity
        let limit = options.dictionaryBytes
        let ok = v.offsets.withUnsafeBufferPointer { o in v.bytes.withUnsafeBytes { b in
            for r in 0..<v.count {
                if let validity, !validity[r] { codes.append(0); continue }
                let lo = Int(o[r]), hi = Int(o[r + 1])
                codes.append(d.index(of: UnsafeRawBufferPointer(rebasing: b[lo..<hi])))
                if d.bytes.count + 4 * d.count > limit { return false }
            }
            return true
        } }
        return ok && d.count > 0 ? d : nil
    }
}
