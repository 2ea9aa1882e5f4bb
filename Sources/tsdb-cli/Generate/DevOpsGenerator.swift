import ColumnStore

/// Deterministic synthetic DevOps metrics in the shape of TSBS's "cpu-only" use case: `hosts` machines,
/// each with the ten TSBS host tags, report ten CPU gauges every 10 s.
///
/// Each gauge is a random walk with two decimals, clamped to 0…100: it starts uniform and moves by a
/// near-normal step (mean 0, standard deviation 1.00; the sum of four 16-bit uniforms), all in integer
/// hundredths, so the same seed gives the same values on every platform. Rows come time-major, as TSBS
/// writes them: every host at the first instant, then every host 10 s later, … Row `r` is host
/// `r % hosts` at `start + (r / hosts) × 10 s`; a shorter run is a prefix of a longer one.
public struct DevOpsGenerator: Sendable {
    public static let intervalNanos: Int64 = DevOpsSchema.intervalSeconds * 1_000_000_000

    public let seed: UInt64
    public let hosts: Int
    /// The first sample's time, ns since the epoch.
    public let start: Int64
    /// Host → its ten tag values, in `DevOpsSchema.tags` order.
    public let hostTags: [[String]]
    /// `cpu,hostname=…,service_environment=… usage_user=` per host, back to back (hosts + 1 offsets).
    let prefixArena: [UInt8]
    let prefixOffsets: [Int]
    /// `,usage_system=` … `,usage_guest_nice=`, back to back (10 offsets; field 0's name is in the prefix).
    let fieldArena: [UInt8]
    let fieldOffsets: [Int]

    /// Bad arguments for a generator.
    public enum Error: Swift.Error, Equatable, CustomStringConvertible {
        case invalidArgument(name: String, value: String, reason: String)
        public var description: String {
            switch self {
            case let .invalidArgument(name, value, reason): "invalid \(name) '\(value)': \(reason)"
            }
        }
    }

    /// Draws every host's tags for `seed`; the first sample is at `start` (ns since the epoch).
    public init(seed: UInt64 = 42, hosts: Int = 100, start: Int64) throws(Error) {
        guard hosts >= 1 && hosts <= 1_000_000 else {
            throw .invalidArgument(name: "hosts", value: String(hosts), reason: "must be between 1 and 1000000")
        }
        guard start >= 0 else {
            throw .invalidArgument(name: "start", value: String(start), reason: "must not be before 1970")
        }
        self.seed = seed
        self.hosts = hosts
        self.start = start
        let S = DevOpsSchema.self
        var rng = Xoshiro256(seed: seed, stream: 2)
        func pick(_ n: Int) -> Int { Int(rng.below(UInt64(n))) }
        var tags: [[String]] = []
        var arena: [UInt8] = []
        var offsets = [0]
        tags.reserveCapacity(hosts)
        for h in 0..<hosts {
            let region = S.regions[pick(S.regions.count)]
            let values = [
                "host_\(h)", region.name, region.datacenters[pick(region.datacenters.count)], String(pick(S.racks)),
                S.operatingSystems[pick(S.operatingSystems.count)], S.architectures[pick(S.architectures.count)],
                S.teams[pick(S.teams.count)], String(pick(S.services)), String(pick(S.serviceVersions)),
                S.environments[pick(S.environments.count)],
            ]
            tags.append(values)
            // No value needs a line-protocol escape: names, digits, dots and dashes only.
            arena.append(contentsOf: S.measurement.utf8)
            for (k, v) in zip(S.tags, values) {
                arena.append(0x2C)
                arena.append(contentsOf: k.utf8)
                arena.append(0x3D)
                arena.append(contentsOf: v.utf8)
            }
            arena.append(0x20)
            arena.append(contentsOf: "\(S.fields[0])=".utf8)
            offsets.append(arena.count)
        }
        hostTags = tags
        prefixArena = arena
        prefixOffsets = offsets
        var fields: [UInt8] = []
        var fieldOffsets = [0]
        for f in S.fields.dropFirst() {
            fields.append(contentsOf: ",\(f)=".utf8)
            fieldOffsets.append(fields.count)
        }
        fieldArena = fields
        self.fieldOffsets = fieldOffsets
    }

    /// The time of row `row`.
    public func time(ofRow row: Int) -> Int64 { start + Int64(row / hosts) * Self.intervalNanos }

    /// Walks the gauges for `rows` rows and hands them over one instant at a time: its time and, for the
    /// first `n` hosts (all of them but perhaps at the last instant), ten values each in hundredths,
    /// host-major (`values[host * 10 + field]`). The buffer is only valid during the call.
    public func forEachInstant(rows: Int, _ body: (_ time: Int64, _ values: UnsafeBufferPointer<Int32>) throws -> Void) rethrows {
        precondition(rows >= 0, "BUG: negative row count \(rows)")
        guard rows > 0 else { return }
        let width = DevOpsSchema.fields.count
        let top = DevOpsSchema.maxHundredths
        var rng = Xoshiro256(seed: seed, stream: 3)
        var state = [Int32](repeating: 0, count: hosts * width)
        try state.withUnsafeMutableBufferPointer { v in
            var done = 0
            var instant: Int64 = 0
            while done < rows {
                let n = min(hosts, rows - done)
                if instant == 0 {
                    for i in 0..<(n * width) { v[i] = Int32(rng.below(UInt64(top) + 1)) }
                } else {
                    for i in 0..<(n * width) {
                        // Irwin–Hall of four 16-bit uniforms: mean 131070, standard deviation 37837.2,
                        // scaled to a step of standard deviation 100 hundredths.
                        let r = rng.next()
                        let s = Int64(r & 0xFFFF) + Int64((r >> 16) & 0xFFFF) + Int64((r >> 32) & 0xFFFF) + Int64(r >> 48)
                        let step = Int32((s - 131_070) * 100 / 37_837)
                        v[i] = min(max(v[i] + step, 0), top)
                    }
                }
                try body(start + instant * Self.intervalNanos, UnsafeBufferPointer(rebasing: v[0..<(n * width)]))
                done += n
                instant += 1
            }
        }
    }

    /// Generates `rows` lines and hands them to `sink` in chunks of about `chunkBytes`, each ending with a
    /// complete line. The buffer passed to `sink` is only valid during the call.
    public func write(rows: Int, chunkBytes: Int = 1 << 20, to sink: (UnsafeRawBufferPointer) throws -> Void) rethrows {
        var longest = 0
        for h in 0..<hosts { longest = max(longest, prefixOffsets[h + 1] - prefixOffsets[h]) }
        let maxLine = longest + fieldArena.count + 10 * 6 + 1 + 20 + 1
        let limit = max(chunkBytes, 1)
        let buf = UnsafeMutablePointer<UInt8>.allocate(capacity: limit + maxLine)
        defer { buf.deallocate() }
        var pos = 0
        let width = DevOpsSchema.fields.count
        try prefixArena.withUnsafeBufferPointer { prefixes in
            try fieldArena.withUnsafeBufferPointer { names in
                try forEachInstant(rows: rows) { time, values in
                    var stamp: (UInt64, UInt64, UInt64) = (0, 0, 0)  // the time's digits, written once per instant
                    let stampCount = withUnsafeMutableBytes(of: &stamp) { raw in
                        DecimalDigits.write(UInt64(time), to: raw.baseAddress!.assumingMemoryBound(to: UInt8.self))
                    }
                    for h in 0..<(values.count / width) {
                        let p = prefixOffsets[h], q = prefixOffsets[h + 1]
                        (buf + pos).update(from: prefixes.baseAddress! + p, count: q - p)
                        pos += q - p
                        pos += Self.writeHundredths(values[h * width], to: buf + pos)
                        for f in 1..<width {
                            let a = fieldOffsets[f - 1], b = fieldOffsets[f]
                            (buf + pos).update(from: names.baseAddress! + a, count: b - a)
                            pos += b - a
                            pos += Self.writeHundredths(values[h * width + f], to: buf + pos)
                        }
                        buf[pos] = 0x20
                        pos += 1
                        withUnsafeBytes(of: stamp) { raw in
                            (buf + pos).update(from: raw.baseAddress!.assumingMemoryBound(to: UInt8.self), count: stampCount)
                        }
                        pos += stampCount
                        buf[pos] = 0x0A
                        pos += 1
                        if pos >= limit {
                            try sink(UnsafeRawBufferPointer(start: buf, count: pos))
                            pos = 0
                        }
                    }
                }
            }
        }
        if pos > 0 { try sink(UnsafeRawBufferPointer(start: buf, count: pos)) }
    }

    /// All `rows` lines in one array (for tests and small outputs).
    public func lines(rows: Int) -> [UInt8] {
        var out: [UInt8] = []
        write(rows: rows) { out.append(contentsOf: $0) }
        return out
    }

    /// The Parquet/table columns: `time`, the ten tags as strings, the ten gauges as floats.
    public static var columns: [(name: String, type: ColumnType)] {
        [("time", .time)] + DevOpsSchema.tags.map { ($0, .string) } + DevOpsSchema.fields.map { ($0, .float64) }
    }

    /// Generates `rows` rows as column vectors (`columns` order), handed over about `batchRows` rows at a
    /// time; gauge values are `hundredths / 100`, the same doubles a parser reads from the line text.
    public func write(rows: Int, batchRows: Int = 65_536, to sink: ([ColumnVector]) throws -> Void) rethrows {
        let width = DevOpsSchema.fields.count
        let tagBytes: [[[UInt8]]] = hostTags.map { $0.map { Array($0.utf8) } }
        func empty() -> [ColumnVector] { Self.columns.map { ColumnVector(type: $0.type, capacity: batchRows) } }
        var batch = empty()
        try forEachInstant(rows: rows) { time, values in
            for h in 0..<(values.count / width) {
                batch[0].append(int64: time)
                for t in 0..<width {
                    tagBytes[h][t].withUnsafeBytes { batch[1 + t].append(string: $0) }
                }
                for f in 0..<width { batch[1 + width + f].append(float64: Double(values[h * width + f]) / 100) }
                if batch[0].count >= batchRows {
                    try sink(batch)
                    batch = empty()
                }
            }
        }
        if batch[0].count > 0 { try sink(batch) }
    }

    /// Writes `v` hundredths as a decimal with one or two fraction digits (`58.13`, `58.1`, `58.0`, `0.05`).
    @inline(__always)
    static func writeHundredths(_ v: Int32, to p: UnsafeMutablePointer<UInt8>) -> Int {
        let u = UInt64(v)
        var n = DecimalDigits.write(u / 100, to: p)
        p[n] = 0x2E
        let frac = u % 100
        if frac % 10 == 0 {
            p[n + 1] = UInt8(48 + frac / 10)
            return n + 2
        }
        n += 1
        return n + DecimalDigits.write(frac, width: 2, to: p + n)
    }
}
