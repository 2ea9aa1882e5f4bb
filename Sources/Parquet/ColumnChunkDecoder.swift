import ColumnStore

/// Decodes one column chunk's pages into a `ColumnVector`: an optional dictionary page, then data
/// pages v1 or v2, whose non-NULL values are PLAIN, dictionary indices (PLAIN_DICTIONARY /
/// RLE_DICTIONARY) or, for booleans, RLE.
struct ColumnChunkDecoder {
    let column: ParquetFileColumn
    let codec: ParquetCompression
    var out: ColumnVector
    /// Decoded dictionary, in the column's tsdb representation.
    var dictionary: Values?
    /// One page's non-NULL values, reused.
    var values: Values
    var levels: [UInt32] = []
    var indices: [UInt32] = []

    /// Values of one tsdb type: `.time`/`.int64`/`.uint64` (bits) in `i64`, `.float64` in `f64`,
    /// `.bool` in `bools`, `.string` in `offsets` (count + 1) and `bytes`.
    struct Values {
        var i64: [Int64] = []
        var f64: [Double] = []
        var bools: [UInt8] = []
        var offsets: [UInt32] = [0]
        var bytes: [UInt8] = []
        var count = 0

        mutating func clear() {
            i64.removeAll(keepingCapacity: true)
            f64.removeAll(keepingCapacity: true)
            bools.removeAll(keepingCapacity: true)
            offsets.removeAll(keepingCapacity: true)
            offsets.append(0)
            bytes.removeAll(keepingCapacity: true)
            count = 0
        }
    }

    init(column: ParquetFileColumn, codec: ParquetCompression) {
        self.column = column
        self.codec = codec
        out = ColumnVector(type: column.type)
        values = Values()
    }

    mutating func decode(_ chunk: UnsafeRawBufferPointer, values total: Int) throws -> ColumnVector {
        var pos = 0
        while out.count < total {
            guard pos < chunk.count else { throw ParquetError.corrupt("the chunk ends after \(out.count) of \(total) values") }
            let (header, length) = try PageHeader.decode(UnsafeRawBufferPointer(rebasing: chunk[pos...]))
            pos += length
            let size = Int(header.compressedSize)
            guard size <= chunk.count - pos else { throw ParquetError.corrupt("a page of \(size) bytes runs past its chunk") }
            let body = UnsafeRawBufferPointer(rebasing: chunk[pos..<(pos + size)])
            pos += size
            switch header.type {
            case .dictionaryPage:
                guard dictionary == nil else { throw ParquetError.corrupt("a second dictionary page") }
                guard header.encoding == .plain || header.encoding == .plainDictionary else {
                    throw ParquetError.unsupported("dictionary page encoding \(header.encoding)")
                }
                guard header.numValues >= 0 else { throw ParquetError.corrupt("dictionary of \(header.numValues) values") }
                let raw = try PageCompression.decompress(body, codec, size: Int(header.uncompressedSize))
                var d = Values()
                try raw.withUnsafeBytes { try decodePlain($0, count: Int(header.numValues), into: &d) }
                dictionary = d
            case .dataPage:
                let raw = try PageCompression.decompress(body, codec, size: Int(header.uncompressedSize))
                try raw.withUnsafeBytes { try dataPage($0, header, total: total) }
            case .dataPageV2:
                let levelBytes = Int(header.definitionLevelsByteLength) + Int(header.repetitionLevelsByteLength)
                guard header.repetitionLevelsByteLength == 0 else { throw ParquetError.unsupported("repetition levels") }
                guard header.definitionLevelsByteLength >= 0, levelBytes <= size else {
                    throw ParquetError.corrupt("v2 page levels of \(levelBytes) bytes in a \(size)-byte page")
                }
                var page = Array(body[0..<levelBytes])
                let rest = UnsafeRawBufferPointer(rebasing: body[levelBytes...])
                if header.isCompressed && codec != .uncompressed {
                    page += try PageCompression.decompress(rest, codec, size: Int(header.uncompressedSize) - levelBytes)
                } else {
                    page += rest
                }
                try page.withUnsafeBytes { try dataPageV2($0, header, total: total) }
            case .indexPage:
                continue
            }
        }
        return out
    }

    /// A v1 data page: definition levels with a 4-byte length (OPTIONAL columns), then values.
    mutating func dataPage(_ page: UnsafeRawBufferPointer, _ h: PageHeader, total: Int) throws {
        let n = Int(h.numValues)
        guard n >= 0, n <= total - out.count else { throw ParquetError.corrupt("a page of \(n) values overflows the chunk") }
        var pos = 0
        var present = n
        if column.optional {
            guard h.definitionLevelEncoding == .rle else {
                throw ParquetError.unsupported("definition levels encoded \(h.definitionLevelEncoding)")
            }
            guard page.count >= 4 else { throw ParquetError.corrupt("page too short for its definition levels") }
            let len = Int(page.loadUnaligned(as: UInt32.self).littleEndian)
            guard len <= page.count - 4 else { throw ParquetError.corrupt("definition levels of \(len) bytes run past the page") }
            present = try readLevels(UnsafeRawBufferPointer(rebasing: page[4..<(4 + len)]), count: n)
            pos = 4 + len
        }
        try readValues(UnsafeRawBufferPointer(rebasing: page[pos...]), h.encoding, present: present, rows: n)
    }

    /// A v2 data page: definition levels without a length prefix (their length is in the header).
    mutating func dataPageV2(_ page: UnsafeRawBufferPointer, _ h: PageHeader, total: Int) throws {
        let n = Int(h.numValues)
        guard n >= 0, n <= total - out.count else { throw ParquetError.corrupt("a page of \(n) values overflows the chunk") }
        let len = Int(h.definitionLevelsByteLength)
        var present = n
        if column.optional {
            present = try readLevels(UnsafeRawBufferPointer(rebasing: page[0..<len]), count: n)
        }
        guard present == n - Int(h.numNulls) else { throw ParquetError.corrupt("page says \(h.numNulls) NULLs, its levels \(n - present)") }
        try readValues(UnsafeRawBufferPointer(rebasing: page[len...]), h.encoding, present: present, rows: n)
    }

    /// Decodes `count` definition levels (0 or 1) into `levels`; returns how many are 1.
    mutating func readLevels(_ bytes: UnsafeRawBufferPointer, count: Int) throws -> Int {
        levels.removeAll(keepingCapacity: true)
        try RLEHybrid.decode(bytes, bitWidth: 1, count: count, into: &levels)
        var present = 0
        for l in levels {
            guard l <= 1 else { throw ParquetError.corrupt("definition level \(l) in a flat column") }
            present &+= Int(l)
        }
        return present
    }

    /// Decodes `present` values and appends `rows` rows (NULL where the level is 0) to `out`.
    mutating func readValues(_ bytes: UnsafeRawBufferPointer, _ encoding: PageEncoding, present: Int, rows: Int) throws {
        values.clear()
        switch encoding {
        case .plain:
            try decodePlain(bytes, count: present, into: &values)
        case .plainDictionary, .rleDictionary:
            guard let dictionary else { throw ParquetError.corrupt("dictionary-encoded page without a dictionary page") }
            guard present > 0 else { break }
            guard bytes.count >= 1 else { throw ParquetError.corrupt("dictionary page data without a bit width") }
            indices.removeAll(keepingCapacity: true)
            try RLEHybrid.decode(UnsafeRawBufferPointer(rebasing: bytes[1...]), bitWidth: Int(bytes[0]), count: present, into: &indices)
            try gather(dictionary)
        case .rle where column.type == .bool:
            guard bytes.count >= 4 else { throw ParquetError.corrupt("RLE booleans without a length") }
            indices.removeAll(keepingCapacity: true)
            try RLEHybrid.decode(UnsafeRawBufferPointer(rebasing: bytes[4...]), bitWidth: 1, count: present, into: &indices)
            for i in indices { values.bools.append(UInt8(truncatingIfNeeded: i & 1)) }
            values.count = present
        default:
            throw ParquetError.unsupported("\(encoding) encoded pages")
        }
        append(rows: rows)
    }

    /// Looks `indices` up in the dictionary.
    mutating func gather(_ d: Values) throws {
        let limit = UInt32(d.count)
        for i in indices where i >= limit { throw ParquetError.corrupt("dictionary index \(i) of a \(d.count)-entry dictionary") }
        switch column.type {
        case .time, .int64, .date, .uint64: for i in indices { values.i64.append(d.i64[Int(i)]) }
        case .float64: for i in indices { values.f64.append(d.f64[Int(i)]) }
        case .bool: for i in indices { values.bools.append(d.bools[Int(i)]) }
        case .string, .symbol:
            d.bytes.withUnsafeBufferPointer { b in
                for i in indices {
                    let lo = Int(d.offsets[Int(i)]), hi = Int(d.offsets[Int(i) + 1])
                    values.bytes.append(contentsOf: UnsafeBufferPointer(rebasing: b[lo..<hi]))
                    values.offsets.append(UInt32(truncatingIfNeeded: values.bytes.count))
                }
            }
        }
        values.count = indices.count
    }

    /// Appends `rows` rows to `out`: `values` in order where the level is 1 (every row when no levels).
    mutating func append(rows: Int) {
        let allPresent = !column.optional || values.count == rows
        var k = 0
        for r in 0..<rows {
            if !allPresent && levels[r] == 0 {
                out.appendNulls(1)
                continue
            }
            switch column.type {
            case .time, .int64, .date: out.append(int64: values.i64[k])
            case .uint64: out.append(uint64: UInt64(bitPattern: values.i64[k]))
            case .float64: out.append(float64: values.f64[k])
            case .bool: out.append(bool: values.bools[k] != 0)
            case .string, .symbol:
                let lo = Int(values.offsets[k]), hi = Int(values.offsets[k + 1])
                values.bytes.withUnsafeBytes { out.append(string: UnsafeRawBufferPointer(rebasing: $0[lo..<hi])) }
            }
            k += 1
        }
    }

    /// PLAIN values of the column's physical type, converted to its tsdb type.
    func decodePlain(_ b: UnsafeRawBufferPointer, count n: Int, into v: inout Values) throws {
        func need(_ bytes: Int) throws {
            guard bytes <= b.count else { throw ParquetError.corrupt("\(n) PLAIN values need \(bytes) bytes, the page has \(b.count)") }
        }
        switch column.physicalType {
        case .boolean:
            try need((n + 7) / 8)
            for i in 0..<n { v.bools.append((b[i >> 3] >> UInt8(i & 7)) & 1) }
        case .int32:
            try need(n * 4)
            for i in 0..<n {
                let x = b.loadUnaligned(fromByteOffset: i * 4, as: Int32.self).littleEndian
                v.i64.append(column.unsigned32 ? Int64(UInt32(bitPattern: x)) : Int64(x))
            }
            try scaleTime(&v)
        case .int64:
            try need(n * 8)
            for i in 0..<n { v.i64.append(b.loadUnaligned(fromByteOffset: i * 8, as: Int64.self).littleEndian) }
            try scaleTime(&v)
        case .int96:
            // Impala's timestamp: nanoseconds of the day (8 bytes), then the Julian day (4 bytes).
            try need(n * 12)
            for i in 0..<n {
                let nanos = b.loadUnaligned(fromByteOffset: i * 12, as: Int64.self).littleEndian
                let day = Int64(b.loadUnaligned(fromByteOffset: i * 12 + 8, as: Int32.self).littleEndian)
                let (d, o1) = (day - 2_440_588).multipliedReportingOverflow(by: 86_400_000_000_000)
                let (t, o2) = d.addingReportingOverflow(nanos)
                guard !o1 && !o2 else { throw ParquetError.unsupported("an INT96 timestamp outside 1677–2262") }
                v.i64.append(t)
            }
        case .float:
            try need(n * 4)
            for i in 0..<n { v.f64.append(Double(Float(bitPattern: b.loadUnaligned(fromByteOffset: i * 4, as: UInt32.self).littleEndian))) }
        case .double:
            try need(n * 8)
            for i in 0..<n { v.f64.append(Double(bitPattern: b.loadUnaligned(fromByteOffset: i * 8, as: UInt64.self).littleEndian)) }
        case .byteArray:
            var pos = 0
            for _ in 0..<n {
                guard pos + 4 <= b.count else { throw ParquetError.corrupt("a PLAIN string's length runs past the page") }
                let len = Int(b.loadUnaligned(fromByteOffset: pos, as: UInt32.self).littleEndian)
                pos += 4
                guard len <= b.count - pos else { throw ParquetError.corrupt("a PLAIN string of \(len) bytes runs past the page") }
                v.bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: b[pos..<(pos + len)]))
                v.offsets.append(UInt32(truncatingIfNeeded: v.bytes.count))
                pos += len
            }
        case .fixedLenByteArray:
            throw ParquetError.unsupported("FIXED_LEN_BYTE_ARRAY values")
        }
        v.count = n
    }

    /// Converts stored time units to nanoseconds, refusing values nanoseconds cannot hold.
    func scaleTime(_ v: inout Values) throws {
        guard column.type == .time, column.timeScale != 1 else { return }
        for i in v.i64.indices {
            let (t, overflow) = v.i64[i].multipliedReportingOverflow(by: column.timeScale)
            guard !overflow else { throw ParquetError.unsupported("a timestamp outside 1677–2262 (nanoseconds since 1970 overflow)") }
            v.i64[i] = t
        }
    }
}
