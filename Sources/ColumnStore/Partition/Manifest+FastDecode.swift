import Foundation

/// A direct reader of the MANIFEST's JSON body for its known shape, so opening a database with years of
/// day segments does not pay Foundation's `JSONDecoder` per segment entry (about 10 µs each; 10 ms of a
/// cold `SELECT 1` at 1,095 segments). The manifest, its tables and their segments are read here; the
/// small `columns` and `options` values go through `JSONDecoder` on their own bytes.
///
/// It reads only what it fully understands: any key it does not know, a number that is not a plain
/// integer, or anything malformed makes `decode` return nil, and the caller decodes the whole body with
/// `JSONDecoder` instead — so a field added later is never dropped, and errors keep their wording.
struct ManifestFastDecoder {
    private struct Unhandled: Error {}

    private let b: UnsafeRawBufferPointer
    private var i = 0
    /// When set, each table's `segments` array is skipped and its byte range kept in `deferred`.
    private let deferSegments: Bool
    private var deferred: [String: Range<Int>] = [:]

    private init(_ b: UnsafeRawBufferPointer, deferSegments: Bool = false) {
        self.b = b
        self.deferSegments = deferSegments
    }

    /// The manifest in `body`, or nil when the body is not in the shape this reader knows.
    static func decode(_ body: ArraySlice<UInt8>) -> Manifest? {
        decode(body, deferringSegments: false)?.manifest
    }

    /// The manifest in `body` with every table's `segments` left empty, and where each table's segment
    /// array lies in `body` (indices of `body`), for `segments(_:)` to read when the table is first
    /// touched: a read-only open of years of day partitions reads none of them for a query on another
    /// table or on none. Nil when the body is not in the shape this reader knows.
    static func decode(_ body: ArraySlice<UInt8>, deferringSegments: Bool) -> (manifest: Manifest, segments: [String: Range<Int>])? {
        body.withUnsafeBytes { raw in
            var r = ManifestFastDecoder(raw, deferSegments: deferringSegments)
            guard let m = try? r.manifest() else { return nil }
            r.skipSpace()
            guard r.i == raw.count else { return nil }
            return (m, r.deferred.mapValues { ($0.lowerBound + body.startIndex)..<($0.upperBound + body.startIndex) })
        }
    }

    /// The segment entries of one table's `segments` array (the bytes `decode(_:deferringSegments:)`
    /// located), or nil when they are not in the shape this reader knows.
    static func segments(_ array: ArraySlice<UInt8>) -> [Manifest.Segment]? {
        array.withUnsafeBytes { raw in
            var r = ManifestFastDecoder(raw)
            var list: [Manifest.Segment] = []
            guard (try? r.array { r in list.append(try r.segment()) }) != nil else { return nil }
            r.skipSpace()
            return r.i == raw.count ? list : nil
        }
    }

    private mutating func manifest() throws -> Manifest {
        var m = Manifest()
        var seen = (version: false, checkpoint: false, next: false, tables: false)
        try object { r, key in
            switch key {
            case "version": m.version = Int(try r.integer()); seen.version = true
            case "walCheckpoint": m.walCheckpoint = try r.unsigned(); seen.checkpoint = true
            case "nextSegmentID": m.nextSegmentID = try r.unsigned(); seen.next = true
            case "tables":
                var tables: [String: Manifest.Table] = [:]
                try r.object { r, name in tables[name] = try r.table(name) }
                m.tables = tables
                seen.tables = true
            case "retired": m.retired = try r.optional { try $0.strings() }
            case "droppedTables": m.droppedTables = try r.optional { try $0.strings() }
            default: throw Unhandled()
            }
        }
        // The synthesized Decodable requires these keys even though the properties have defaults.
        guard seen.version, seen.checkpoint, seen.next, seen.tables else { throw Unhandled() }
        return m
    }

    private mutating func table(_ name: String) throws -> Manifest.Table {
        var columns: [ColumnDef]?, options: TableOptions?, counts: [String: Int]?, segments: [Manifest.Segment]?
        var checkpoint: UInt64?
        try object { r, key in
            switch key {
            case "columns": columns = try JSONDecoder().decode([ColumnDef].self, from: try r.rawValue())
            case "options": options = try JSONDecoder().decode(TableOptions.self, from: try r.rawValue())
            case "symbolCounts":
                var c: [String: Int] = [:]
                try r.object { r, name in c[name] = Int(try r.integer()) }
                counts = c
            case "segments":
                if r.deferSegments {
                    r.skipSpace()
                    let start = r.i
                    try r.skipArray()
                    r.deferred[name] = start..<r.i
                    segments = []
                } else {
                    var list: [Manifest.Segment] = []
                    try r.array { r in list.append(try r.segment()) }
                    segments = list
                }
            case "walCheckpoint": checkpoint = try r.optional { try $0.unsigned() }
            default: throw Unhandled()
            }
        }
        guard let columns, let options, let counts, let segments else { throw Unhandled() }
        return Manifest.Table(columns: columns, options: options, symbolCounts: counts, segments: segments,
                              walCheckpoint: checkpoint)
    }

    private mutating func segment() throws -> Manifest.Segment {
        var day: String?, file: String?, rows: Int64?, minTime: Int64?, maxTime: Int64?, bytes: Int64?
        var deletes: String?, deletedRows: Int64?
        // Keys are matched on their bytes: a manifest holds one entry per segment, thousands of them.
        try rawKeyObject { r, key in
            switch key {
            case Self.kDay: day = try r.string()
            case Self.kFile: file = try r.string()
            case Self.kRows: rows = try r.integer()
            case Self.kMinTime: minTime = try r.integer()
            case Self.kMaxTime: maxTime = try r.integer()
            case Self.kBytes: bytes = try r.integer()
            case Self.kDeletes: deletes = try r.optional { try $0.string() }
            case Self.kDeletedRows: deletedRows = try r.optional { try $0.integer() }
            default: throw Unhandled()
            }
        }
        guard let day, let file, let rows, let minTime, let maxTime, let bytes else { throw Unhandled() }
        return Manifest.Segment(day: day, file: file, rows: Int(rows), minTime: minTime, maxTime: maxTime,
                                bytes: Int(bytes), deletes: deletes, deletedRows: deletedRows.map { Int($0) })
    }

    /// A segment entry's keys packed into integers (up to 16 bytes, little-endian, with the length), so a
    /// key is one comparison and never a String.
    private struct RawKey: Equatable {
        var lo: UInt64 = 0, hi: UInt64 = 0, count: Int = 0
        init(_ text: StaticString) {
            self = text.withUTF8Buffer { RawKey(UnsafeRawBufferPointer($0))! }
        }
        init?(_ p: UnsafeRawBufferPointer) {
            guard p.count <= 16 else { return nil }
            count = p.count
            for (k, c) in p.enumerated() {
                if k < 8 { lo |= UInt64(c) << (8 * UInt64(k)) } else { hi |= UInt64(c) << (8 * UInt64(k - 8)) }
            }
        }
    }
    private static let kDay = RawKey("day"), kFile = RawKey("file"), kRows = RawKey("rows")
    private static let kMinTime = RawKey("minTime"), kMaxTime = RawKey("maxTime"), kBytes = RawKey("bytes")
    private static let kDeletes = RawKey("deletes"), kDeletedRows = RawKey("deletedRows")

    /// `object` for keys read as raw bytes: a key with an escape, or longer than 16 bytes, is not one of
    /// the known keys as written, so the whole body goes to `JSONDecoder`.
    private mutating func rawKeyObject(_ body: (inout ManifestFastDecoder, RawKey) throws -> Void) throws {
        try take(UInt8(ascii: "{"))
        if try peek() == UInt8(ascii: "}") { i &+= 1; return }
        while true {
            try take(UInt8(ascii: "\""))
            let start = i
            while i < b.count, b[i] != UInt8(ascii: "\""), b[i] != UInt8(ascii: "\\") { i &+= 1 }
            guard i < b.count, b[i] == UInt8(ascii: "\""), let key = RawKey(UnsafeRawBufferPointer(rebasing: b[start..<i])) else {
                throw Unhandled()
            }
            i &+= 1
            try take(UInt8(ascii: ":"))
            try body(&self, key)
            let c = try peek()
            i &+= 1
            if c == UInt8(ascii: "}") { return }
            guard c == UInt8(ascii: ",") else { throw Unhandled() }
        }
    }

    /// Moves past an array (nesting and strings followed, nothing decoded); its contents are checked
    /// when they are read.
    private mutating func skipArray() throws {
        guard try peek() == UInt8(ascii: "[") else { throw Unhandled() }
        var depth = 0
        repeat {
            guard i < b.count else { throw Unhandled() }
            switch b[i] {
            case UInt8(ascii: "\""):
                i &+= 1
                while i < b.count, b[i] != UInt8(ascii: "\"") { i &+= b[i] == UInt8(ascii: "\\") ? 2 : 1 }
                guard i < b.count else { throw Unhandled() }
            case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"): depth -= 1
            default: break
            }
            i &+= 1
        } while depth > 0
    }

    // MARK: JSON

    private mutating func skipSpace() {
        while i < b.count, b[i] == 0x20 || b[i] == 0x0A || b[i] == 0x0D || b[i] == 0x09 { i &+= 1 }
    }

    private mutating func peek() throws -> UInt8 {
        skipSpace()
        guard i < b.count else { throw Unhandled() }
        return b[i]
    }

    private mutating func take(_ c: UInt8) throws {
        guard try peek() == c else { throw Unhandled() }
        i &+= 1
    }

    /// `{ "key": value, … }`, calling `body` with each key while positioned at its value.
    private mutating func object(_ body: (inout ManifestFastDecoder, String) throws -> Void) throws {
        try take(UInt8(ascii: "{"))
        if try peek() == UInt8(ascii: "}") { i &+= 1; return }
        while true {
            let key = try string()
            try take(UInt8(ascii: ":"))
            try body(&self, key)
            let c = try peek()
            i &+= 1
            if c == UInt8(ascii: "}") { return }
            guard c == UInt8(ascii: ",") else { throw Unhandled() }
        }
    }

    private mutating func array(_ body: (inout ManifestFastDecoder) throws -> Void) throws {
        try take(UInt8(ascii: "["))
        if try peek() == UInt8(ascii: "]") { i &+= 1; return }
        while true {
            try body(&self)
            let c = try peek()
            i &+= 1
            if c == UInt8(ascii: "]") { return }
            guard c == UInt8(ascii: ",") else { throw Unhandled() }
        }
    }

    private mutating func strings() throws -> [String] {
        var out: [String] = []
        try array { out.append(try $0.string()) }
        return out
    }

    /// `null` as nil, else the value `read` reads.
    private mutating func optional<T>(_ read: (inout ManifestFastDecoder) throws -> T) throws -> T? {
        if try peek() == UInt8(ascii: "n") {
            guard i &+ 4 <= b.count, b[i + 1] == UInt8(ascii: "u"), b[i + 2] == UInt8(ascii: "l"),
                  b[i + 3] == UInt8(ascii: "l") else { throw Unhandled() }
            i &+= 4
            return nil
        }
        return try read(&self)
    }

    /// A plain JSON integer (`-`? digits) that fits an Int64; a fraction or exponent is left to JSONDecoder.
    private mutating func integer() throws -> Int64 {
        skipSpace()
        let negative = i < b.count && b[i] == UInt8(ascii: "-")
        if negative { i &+= 1 }
        let magnitude = try digits()
        if negative {
            guard magnitude <= UInt64(Int64.max) + 1 else { throw Unhandled() }
            return magnitude == UInt64(Int64.max) + 1 ? Int64.min : -Int64(magnitude)
        }
        guard magnitude <= UInt64(Int64.max) else { throw Unhandled() }
        return Int64(magnitude)
    }

    private mutating func unsigned() throws -> UInt64 {
        skipSpace()
        return try digits()
    }

    private mutating func digits() throws -> UInt64 {
        let start = i
        var v: UInt64 = 0
        while i < b.count, b[i] >= 0x30, b[i] <= 0x39 {
            let (m, o1) = v.multipliedReportingOverflow(by: 10)
            let (s, o2) = m.addingReportingOverflow(UInt64(b[i] - 0x30))
            guard !o1, !o2 else { throw Unhandled() }
            v = s
            i &+= 1
        }
        // No digits, a leading zero (not JSON), or a fraction/exponent next: not a plain integer.
        guard i > start, !(b[start] == 0x30 && i - start > 1) else { throw Unhandled() }
        if i < b.count, b[i] == UInt8(ascii: ".") || b[i] == UInt8(ascii: "e") || b[i] == UInt8(ascii: "E") {
            throw Unhandled()
        }
        return v
    }

    /// A JSON string; the usual case, no escapes, is one copy of the bytes.
    private mutating func string() throws -> String {
        try take(UInt8(ascii: "\""))
        let start = i
        while i < b.count, b[i] != UInt8(ascii: "\""), b[i] != UInt8(ascii: "\\") {
            guard b[i] >= 0x20 else { throw Unhandled() }
            i &+= 1
        }
        guard i < b.count else { throw Unhandled() }
        if b[i] == UInt8(ascii: "\"") {
            defer { i &+= 1 }
            return try validUTF8(UnsafeRawBufferPointer(rebasing: b[start..<i]))
        }
        var bytes = Array(b[start..<i])
        while true {
            guard i < b.count else { throw Unhandled() }
            let c = b[i]
            i &+= 1
            if c == UInt8(ascii: "\"") { break }
            guard c != UInt8(ascii: "\\") else { try escape(&bytes); continue }
            guard c >= 0x20 else { throw Unhandled() }
            bytes.append(c)
        }
        return try bytes.withUnsafeBytes { try validUTF8($0) }
    }

    private func validUTF8(_ p: UnsafeRawBufferPointer) throws -> String {
        guard let s = String(validating: p, as: UTF8.self) else { throw Unhandled() }
        return s
    }

    /// One escape after its backslash, appended to `bytes` as UTF-8.
    private mutating func escape(_ bytes: inout [UInt8]) throws {
        guard i < b.count else { throw Unhandled() }
        let c = b[i]
        i &+= 1
        switch c {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): bytes.append(c)
        case UInt8(ascii: "b"): bytes.append(0x08)
        case UInt8(ascii: "f"): bytes.append(0x0C)
        case UInt8(ascii: "n"): bytes.append(0x0A)
        case UInt8(ascii: "r"): bytes.append(0x0D)
        case UInt8(ascii: "t"): bytes.append(0x09)
        case UInt8(ascii: "u"):
            var scalar = try hex4()
            if (0xD800..<0xDC00).contains(scalar) {  // a surrogate pair: the low half must follow
                guard i &+ 6 <= b.count, b[i] == UInt8(ascii: "\\"), b[i + 1] == UInt8(ascii: "u") else { throw Unhandled() }
                i &+= 2
                let low = try hex4()
                guard (0xDC00..<0xE000).contains(low) else { throw Unhandled() }
                scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
            }
            guard let u = Unicode.Scalar(scalar) else { throw Unhandled() }
            bytes.append(contentsOf: Array(String(Character(u)).utf8))
        default: throw Unhandled()
        }
    }

    private mutating func hex4() throws -> UInt32 {
        guard i &+ 4 <= b.count else { throw Unhandled() }
        var v: UInt32 = 0
        for _ in 0..<4 {
            let c = b[i]
            i &+= 1
            let d: UInt8
            switch c {
            case 0x30...0x39: d = c - 0x30
            case 0x61...0x66: d = c - 0x61 + 10
            case 0x41...0x46: d = c - 0x41 + 10
            default: throw Unhandled()
            }
            v = v << 4 | UInt32(d)
        }
        return v
    }

    /// The bytes of the next value, skipped over (strings and nesting followed), for `JSONDecoder`.
    private mutating func rawValue() throws -> Data {
        skipSpace()
        let start = i
        var depth = 0
        repeat {
            guard i < b.count else { throw Unhandled() }
            switch b[i] {
            case UInt8(ascii: "\""): _ = try string(); continue
            case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"): depth -= 1
            case UInt8(ascii: ","), UInt8(ascii: ":"): guard depth > 0 else { throw Unhandled() }
            default: break
            }
            i &+= 1
        } while depth > 0
        return Data(UnsafeRawBufferPointer(rebasing: b[start..<i]))
    }
}
