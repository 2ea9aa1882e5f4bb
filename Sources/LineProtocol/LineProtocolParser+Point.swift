/// The grammar of one point, a function per element:
///
///     point       = measurement { "," tag } spaces field { "," field } [ spaces timestamp ] { " " }
///     measurement = elem<",", " ">           (not starting with "#": that line is a comment)
///     tag         = key "=" key-elem          key and value non-empty, value without a bare "="
///     field       = key "=" value
///     value       = float | integer | unsigned | boolean | '"' string '"'
///
/// where a backslash takes the next byte into the element (see `Escaping` for what it then means).
extension LineProtocolParser {
    /// Scans a tag key, tag value or field key from `p`; returns whether it held a backslash.
    @inlinable @inline(__always)
    static func _scanKeyElement(
        _ p: inout UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>, _ safeEnd: UnsafePointer<UInt8>
    ) -> Bool {
        var escaped = false
        while true {
            p = ByteScanner.findKeyDelimiter(p, end, safeEnd)
            guard p < end && p.pointee == 0x5C else { return escaped }
            escaped = true
            p = end - p >= 2 ? p + 2 : end
        }
    }

    /// True when an earlier key in `keys[from..<to]` equals `k` (unescaped); records `k` at `to`.
    ///
    /// Quadratic, but lines have few keys and most differ in length; keys without escapes compare
    /// with two word loads.
    @inlinable @inline(__always)
    func _isDuplicate(_ k: LineSlice, _ from: Int, _ to: Int) -> Bool {
        if to - from >= ParserScratch.hashedFrom {
            if to - from == ParserScratch.hashedFrom { _scratch.startHashing(from: from, to: to) }
            return _scratch.hashedIsDuplicate(k, from: from, to: to)
        }
        let keys = _scratch.keys
        var i = from
        while i < to {
            let o = keys[i]
            if o.escaping == .none && k.escaping == .none {
                if o.count == k.count && LineSlice.bytesEqual(o.start, k.start, k.count) { return true }
            } else if Self._keysEqual(o, k, _scratch.unescape) {
                return true
            }
            i += 1
        }
        if to == _scratch.keyCapacity { _scratch.growKeys() }
        _scratch.keys[to] = k
        return false
    }

    /// True when two keys are equal once unescaped.
    @usableFromInline
    static func _keysEqual(_ a: LineSlice, _ b: LineSlice, _ buffer: UnescapeBuffer) -> Bool {
        if a.escaping == .none { return b.unescapedEquals(a.rawBytes) }
        if b.escaping == .none { return a.unescapedEquals(b.rawBytes) }
        return a.withUnescaped(using: buffer) { ua in Array(ua) }.withUnsafeBytes { b.unescapedEquals($0) }
    }

    /// Parses one point in `[p, end)`; false with `failure` set when the line is bad.
    @inlinable @inline(__always)
    mutating func _parsePoint<V: LineProtocolVisitor>(
        _ start: UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>, _ safeEnd: UnsafePointer<UInt8>,
        _ scale: Int64, _ visitor: inout V, _ begun: inout Bool, _ failure: inout LineFailure
    ) -> Bool {
        var p = start
        // Measurement.
        var escaped = false
        while true {
            p = ByteScanner.findMeasurementDelimiter(p, end, safeEnd)
            guard p < end && p.pointee == 0x5C else { break }
            escaped = true
            p = end - p >= 2 ? p + 2 : end
        }
        if p == start { failure.set(.missingMeasurement, p, p + 1); return false }
        if p == end { failure.set(.missingFields, start, end); return false }
        visitor.beginLine(
            measurement: LineSlice(start: start, count: p - start, escaping: escaped ? .measurement : .none),
            line: _lineNumber)
        begun = true

        // Tags: p is on ',' or ' '.
        var nTags = 0
        while p.pointee == 0x2C {
            p += 1
            let kStart = p
            let kEsc = Self._scanKeyElement(&p, end, safeEnd)
            let key = LineSlice(start: kStart, count: p - kStart, escaping: kEsc ? .key : .none)
            if p == kStart { failure.set(.emptyTagKey, p, min(p + 1, end)); return false }
            if p == end || p.pointee != 0x3D { failure.set(.missingTagValue, kStart, p, name: key); return false }
            p += 1
            let vStart = p
            let vEsc = Self._scanKeyElement(&p, end, safeEnd)
            if p == vStart { failure.set(.emptyTagValue, vStart, vStart, name: key); return false }
            if p == end { failure.set(.missingFields, end, end); return false }
            if p.pointee == 0x3D {
                failure.set(.unescapedEquals, vStart, ByteScanner.findValueEnd(p, end), name: key)
                return false
            }
            if !V.detectsDuplicateKeys && _isDuplicate(key, 0, nTags) {
                failure.set(.duplicateTag, kStart, vStart - 1, name: key)
                return false
            }
            let value = LineSlice(start: vStart, count: p - vStart, escaping: vEsc ? .key : .none)
            if let r = visitor.tag(key: LineKey(slice: key, index: nTags), value: value) {
                failure.reject(r, kStart, p, name: key)
                return false
            }
            nTags += 1
        }

        // Fields: p is on ' '.
        while p < end && p.pointee == 0x20 { p += 1 }
        if p == end { failure.set(.missingFields, end, end); return false }
        var nFields = 0
        while true {
            let kStart = p
            let kEsc = Self._scanKeyElement(&p, end, safeEnd)
            let key = LineSlice(start: kStart, count: p - kStart, escaping: kEsc ? .key : .none)
            if p == kStart { failure.set(.emptyFieldKey, p, min(p + 1, end)); return false }
            if p == end || p.pointee != 0x3D { failure.set(.missingFieldValue, kStart, p, name: key); return false }
            p += 1
            if p == end || p.pointee == 0x2C || p.pointee == 0x20 {
                failure.set(.missingFieldValue, p, p, name: key)
                return false
            }
            let vStart = p
            let value: FieldValue
            let c = p.pointee
            if c == 0x22 {
                guard let v = Self._parseString(&p, end, safeEnd) else {
                    failure.set(.unterminatedString, vStart, end, name: key)
                    return false
                }
                value = v
                if p < end && p.pointee != 0x2C && p.pointee != 0x20 {
                    failure.set(.unexpectedText, p, nil, name: key)
                    return false
                }
            } else if c | 0x20 == UInt8(ascii: "t") || c | 0x20 == UInt8(ascii: "f") {
                guard let b = Self._parseBool(&p, end) else {
                    failure.set(.invalidFieldValue, vStart, nil, name: key)
                    return false
                }
                value = .bool(b)
            } else {
                switch NumberParsing.parseNumber(&p, end) {
                case .value(let v): value = v
                case .error(let kind):
                    failure.set(kind, vStart, nil, name: key)
                    return false
                }
            }
            if !V.detectsDuplicateKeys && _isDuplicate(key, nTags, nTags + nFields) {
                failure.set(.duplicateField, kStart, vStart - 1, name: key)
                return false
            }
            if let r = visitor.field(key: LineKey(slice: key, index: nFields), value: value) {
                failure.reject(r, kStart, p, name: key)
                return false
            }
            nFields += 1
            if p == end || p.pointee == 0x20 { break }
            p += 1  // ','
        }

        // Timestamp.
        while p < end && p.pointee == 0x20 { p += 1 }
        var timestamp: Int64? = nil
        if p < end {
            let tStart = p
            guard let parsed = NumberParsing.parseTimestamp(&p, end) else {
                failure.set(.invalidTimestamp, tStart, Self._spaceOrEnd(tStart, end))
                return false
            }
            guard let t = parsed else {
                failure.set(.timestampOutOfRange, tStart, p)
                return false
            }
            let (scaled, overflow) = t.multipliedReportingOverflow(by: scale)
            if overflow { failure.set(.timestampOutOfRange, tStart, p); return false }
            timestamp = scaled
            while p < end && p.pointee == 0x20 { p += 1 }
            if p < end { failure.set(.unexpectedText, p, end); return false }
        }
        visitor.endLine(timestamp: timestamp)
        return true
    }

    @inlinable
    static func _spaceOrEnd(_ p0: UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>) -> UnsafePointer<UInt8> {
        var p = p0
        while p < end && p.pointee != 0x20 { p += 1 }
        return p
    }

    /// A double-quoted string from `p` (on the opening quote); `p` ends after the closing quote.
    @inlinable @inline(__always)
    static func _parseString(
        _ p: inout UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>, _ safeEnd: UnsafePointer<UInt8>
    ) -> FieldValue? {
        let s = p + 1
        var q = s
        var escaped = false
        while true {
            q = ByteScanner.findStringDelimiter(q, end, safeEnd)
            if q == end { return nil }
            if q.pointee == 0x22 { break }
            escaped = true
            q = end - q >= 2 ? q + 2 : end
        }
        p = q + 1
        return .string(LineSlice(start: s, count: q - s, escaping: escaped ? .string : .none))
    }

    /// `t T true True TRUE f F false False FALSE`, followed by `,` ` ` or the line end.
    @inlinable @inline(__always)
    static func _parseBool(_ p: inout UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>) -> Bool? {
        let s = p
        var q = p
        while q < end && q.pointee != 0x2C && q.pointee != 0x20 { q += 1 }
        let n = q - s
        var result: Bool? = nil
        switch n {
        case 1:
            result = s[0] == UInt8(ascii: "t") || s[0] == UInt8(ascii: "T") ? true : false
        case 4:
            let w = UnsafeRawPointer(s).loadUnaligned(as: UInt32.self)
            if w == _word4("true") || w == _word4("True") || w == _word4("TRUE") { result = true }
        case 5:
            let w = UnsafeRawPointer(s).loadUnaligned(as: UInt32.self)
            if s[4] == UInt8(ascii: "e") && (w == _word4("fals") || w == _word4("Fals")) { result = false }
            if s[4] == UInt8(ascii: "E") && w == _word4("FALS") { result = false }
        default: break
        }
        if result != nil { p = q }
        return result
    }

    /// The first four ASCII bytes of `s` as a native-endian word (constant-folded).
    @inlinable @inline(__always)
    static func _word4(_ s: StaticString) -> UInt32 {
        let b = s.utf8Start
        return UnsafeRawPointer(b).loadUnaligned(as: UInt32.self)
    }
}
