import Foundation

/// Deterministic synthetic music play events in InfluxDB line protocol, shaped like `bench/gen_plays.py`.
///
/// Same seed, days, end and row count → the same bytes. The statistics match gen_plays.py (zipf
/// popularity of tracks, artists and users, platform/country/device shares, growth over the days, a
/// diurnal curve, ~2% late arrivals, skip/complete/like rates, revenue rules); the bytes do not, since
/// numpy's random streams are not reproduced. Rows come in arrival order: timestamps ascend except for
/// the late ones. Building a generator takes ~0.2 s (tables for 1M users); `write` streams rows in
/// chunks with no per-row allocation.
public struct PlayEventGenerator: Sendable {
    /// 2026-11-21T00:00:00Z, the end of gen_plays.py's year.
    public static let defaultEnd: Int64 = 1_795_219_200 * 1_000_000_000
    public static let dayNanos: Int64 = 86_400 * 1_000_000_000
    static let hourNanos: Int64 = 3_600 * 1_000_000_000

    public let seed: UInt64
    public let days: Int
    /// Exclusive end of the time range, ns since the epoch.
    public let end: Int64
    /// First instant of the time range: `end - days` days.
    public var start: Int64 { end - Int64(days) * Self.dayNanos }

    /// All constant line fragments, back to back; the `*Offsets` arrays index into it.
    let arena: [UInt8]
    /// Track id → `plays,artist=…,track=…,platform=` (count + 1 offsets).
    let trackOffsets: [UInt32]
    let trackLengthMs: [UInt32]
    /// Platform × country × device combination → `<platform>,country=…,device=… user_id="u`.
    let comboOffsets: [UInt32]
    let comboRate: [Double]
    /// completed·4 + skipped·2 + liked → `i,completed=…,skipped=…,liked=…,revenue=`.
    let flagOffsets: [UInt32]
    /// `",duration_ms=`
    let durationRange: Range<Int>
    let trackTable: AliasTable
    let userTable: AliasTable
    let comboTable: AliasTable
    let userDigits: Int
    let maxLineBytes: Int

    /// Bad arguments for a generator.
    public enum Error: Swift.Error, Equatable, CustomStringConvertible {
        case invalidArgument(name: String, value: String, reason: String)
        public var description: String {
            switch self {
            case let .invalidArgument(name, value, reason): "invalid \(name) '\(value)': \(reason)"
            }
        }
    }

    /// Builds the catalogue (artists, tracks, users) and the sampling tables for `seed`.
    public init(seed: UInt64 = 42, days: Int = 365, end: Int64 = PlayEventGenerator.defaultEnd,
                artists: Int = 5_000, tracks: Int = 200_000, users: Int = 1_000_000) throws(Error) {
        guard days >= 1 && days <= 100_000 else {
            throw .invalidArgument(name: "days", value: String(days), reason: "must be between 1 and 100000")
        }
        guard end >= Int64(days) * Self.dayNanos else {
            throw .invalidArgument(name: "end", value: String(end), reason: "the range would start before 1970")
        }
        for (name, n) in [("artists", artists), ("tracks", tracks), ("users", users)] where n < 1 || n > 10_000_000 {
            // The cap keeps the fragment arena's UInt32 offsets far from overflowing.
            throw .invalidArgument(name: name, value: String(n), reason: "must be between 1 and 10000000")
        }
        self.seed = seed
        self.days = days
        self.end = end
        var rng = Xoshiro256(seed: seed, stream: 0)
        let S = PlaySchema.self

        // Each track belongs to one artist; popular artists own more tracks.
        let artistTable = AliasTable(weights: S.zipfWeights(artists, S.artistZipf))
        let trackArtist = (0..<tracks).map { _ in Int(artistTable.sample(rng.next())) }
        let trackPerm = Self.permutation(tracks, &rng)
        let lengths = S.trackLengthMs
        trackLengthMs = (0..<tracks).map { _ in
            UInt32(lengths.lowerBound + Int(rng.below(UInt64(lengths.count))))
        }
        let userPerm = Self.permutation(users, &rng)
        trackTable = AliasTable(weights: S.zipfWeights(tracks, S.trackZipf), values: trackPerm)
        userTable = AliasTable(weights: S.zipfWeights(users, S.userZipf), values: userPerm)
        userDigits = max(7, DecimalDigits.count(UInt64(users - 1)))

        var arena: [UInt8] = []
        func add(_ s: String) -> UInt32 {
            arena.append(contentsOf: s.utf8)
            return UInt32(arena.count)
        }
        let artistEsc = (0..<artists).map { Self.escapeTag(S.artistName($0)) }
        var trackOffsets: [UInt32] = [0]
        for t in 0..<tracks {
            trackOffsets.append(add("\(S.measurement),artist=\(artistEsc[trackArtist[t]]),track=\(Self.escapeTag(S.trackName(t))),platform="))
        }
        var comboOffsets: [UInt32] = [UInt32(arena.count)]
        var comboWeights: [Double] = [], comboRate: [Double] = []
        let countryWeights = S.zipfWeights(S.countries.count, S.countryZipf)
        for p in S.platforms.indices {
            for c in S.countries.indices {
                for d in S.devices.indices {
                    comboOffsets.append(add("\(S.platforms[p]),country=\(S.countries[c]),device=\(S.devices[d]) user_id=\"u"))
                    comboWeights.append(S.platformWeights[p] * countryWeights[c] * S.deviceWeights[d])
                    comboRate.append(S.platformRates[p])
                }
            }
        }
        comboTable = AliasTable(weights: comboWeights)
        var flagOffsets: [UInt32] = [UInt32(arena.count)]
        for f in 0..<8 {
            flagOffsets.append(add("i,completed=\(f & 4 != 0),skipped=\(f & 2 != 0),liked=\(f & 1 != 0),revenue="))
        }
        let d0 = arena.count
        durationRange = d0..<Int(add("\",duration_ms="))
        arena.append(contentsOf: repeatElement(0, count: 16))  // padding for `write`'s 16-byte copies
        self.arena = arena
        self.trackOffsets = trackOffsets
        self.comboOffsets = comboOffsets
        self.comboRate = comboRate
        self.flagOffsets = flagOffsets
        var longestTrack = 0
        for t in 0..<tracks { longestTrack = max(longestTrack, Int(trackOffsets[t + 1] - trackOffsets[t])) }
        // prefix + combo + user + duration + flags + revenue + time + separators, generously.
        maxLineBytes = longestTrack + 128 + userDigits + 128
    }

    /// Generates `rows` events and hands them to `sink` in chunks of about `chunkBytes`, each ending
    /// with a complete line. The buffer passed to `sink` is only valid during the call.
    public func write(rows: Int, chunkBytes: Int = 1 << 20,
                      to sink: (UnsafeRawBufferPointer) throws -> Void) rethrows {
        precondition(rows >= 0, "BUG: negative row count \(rows)")
        guard rows > 0 else { return }
        let S = PlaySchema.self
        var rng = Xoshiro256(seed: seed, stream: 1)
        var bucketWeights: [Double] = []
        bucketWeights.reserveCapacity(days * 24)
        for d in 0..<days {
            // gen_plays.py's linspace(1, 2, days): plays grow over the range.
            let w = days == 1 ? 1.0 : 1.0 + Double(d) / Double(days - 1)
            for h in S.hourWeights { bucketWeights.append(w * h) }
        }
        var times = SortedTimeSampler(weights: bucketWeights, start: start, bucketNanos: Self.hourNanos, count: rows)
        let lateT = Xoshiro256.threshold(probability: S.lateShare)
        let skipT = Xoshiro256.threshold(probability: S.skipShare)
        let completeT = Xoshiro256.threshold(probability: S.completeShare)
        let likeT = Xoshiro256.threshold(probability: S.likeShare)
        let lateSpan = UInt64(S.lateMaxNanos - S.lateMinNanos)
        let skipSpan = UInt64(S.skipDurationMs.count)
        let start = self.start
        let userDigits = self.userDigits

        let limit = max(chunkBytes, 1)
        let buf = UnsafeMutablePointer<UInt8>.allocate(capacity: limit + maxLineBytes)
        defer { buf.deallocate() }
        var pos = 0
        try arena.withUnsafeBufferPointer { arenaBuf in
            let A = arenaBuf.baseAddress!
            // Fragments are short: copy 16 bytes a step, overshooting into the slack that both the
            // arena (padding) and the buffer (`maxLineBytes`) have; later writes overwrite it.
            @inline(__always) func copy(_ lo: Int, _ hi: Int) {
                let src = UnsafeRawPointer(A + lo), dst = UnsafeMutableRawPointer(buf + pos)
                var i = 0
                while i < hi - lo {
                    dst.storeBytes(of: src.loadUnaligned(fromByteOffset: i, as: SIMD16<UInt8>.self), toByteOffset: i, as: SIMD16<UInt8>.self)
                    i += 16
                }
                pos += hi - lo
            }
            var batch = [DrawnPlay](repeating: DrawnPlay(), count: Self.batchRows)
            var done = 0
            while done < rows {
                let n = min(Self.batchRows, rows - done)
                done += n
                // Draw a batch first: this loop is short, so the CPU overlaps the cache misses of many
                // rows' table lookups (the user table alone is 12 MB); formatting them would not let it.
                for i in 0..<n {
                    var ts = times.next(&rng)
                    if rng.chance(lateT) {
                        ts = max(ts - S.lateMinNanos - Int64(rng.below(lateSpan)), start)
                    }
                    let t = Int(trackTable.sample(rng.next()))
                    let user = userTable.sample(rng.next())
                    let c = Int(comboTable.sample(rng.next()))
                    let skipped = rng.chance(skipT)
                    let completed = !skipped && rng.chance(completeT)
                    let length = Int(trackLengthMs[t])
                    let duration: Int
                    if skipped {
                        duration = S.skipDurationMs.lowerBound + Int(rng.below(skipSpan))
                    } else if completed {
                        duration = length
                    } else {
                        duration = Int(Double(length) * rng.uniform(0.3, 0.95))
                    }
                    let liked = rng.chance(likeT)
                    // Revenue in millionths, as numpy's round(6) = rint(x·1e6)/1e6.
                    var micros: UInt64 = 0
                    if duration >= S.paidDurationMs {
                        micros = UInt64((comboRate[c] * rng.uniform(0.8, 1.2) * 1e6).rounded(.toNearestOrEven))
                    }
                    batch[i] = DrawnPlay(
                        time: ts, micros: micros, prefixStart: trackOffsets[t], prefixEnd: trackOffsets[t + 1],
                        user: user, duration: UInt32(duration), combo: UInt16(c),
                        flags: UInt8((completed ? 4 : 0) | (skipped ? 2 : 0) | (liked ? 1 : 0)))
                }
                for i in 0..<n {
                    let r = batch[i]
                    copy(Int(r.prefixStart), Int(r.prefixEnd))
                    copy(Int(comboOffsets[Int(r.combo)]), Int(comboOffsets[Int(r.combo) + 1]))
                    pos += DecimalDigits.write(UInt64(r.user), width: userDigits, to: buf + pos)
                    copy(durationRange.lowerBound, durationRange.upperBound)
                    pos += DecimalDigits.write(UInt64(r.duration), to: buf + pos)
                    copy(Int(flagOffsets[Int(r.flags)]), Int(flagOffsets[Int(r.flags) + 1]))
                    pos += Self.writeMicros(r.micros, to: buf + pos)
                    buf[pos] = 0x20
                    pos += 1
                    pos += DecimalDigits.write(UInt64(r.time), to: buf + pos)
                    buf[pos] = 0x0A
                    pos += 1
                    if pos >= limit {
                        try sink(UnsafeRawBufferPointer(start: buf, count: pos))
                        pos = 0
                    }
                }
            }
        }
        if pos > 0 { try sink(UnsafeRawBufferPointer(start: buf, count: pos)) }
    }

    static let batchRows = 256

    /// One row's draws, between drawing and formatting.
    struct DrawnPlay {
        var time: Int64 = 0
        var micros: UInt64 = 0
        var prefixStart: UInt32 = 0, prefixEnd: UInt32 = 0
        var user: UInt32 = 0
        var duration: UInt32 = 0
        var combo: UInt16 = 0
        /// completed·4 + skipped·2 + liked
        var flags: UInt8 = 0
    }

    /// All `rows` lines in one array (for tests and small outputs).
    public func lines(rows: Int) -> [UInt8] {
        var out: [UInt8] = []
        write(rows: rows) { out.append(contentsOf: $0) }
        return out
    }

    /// Writes `micros` / 10^6 as Python's `repr` prints a float rounded to 6 decimals: the shortest
    /// decimal that reads back as the same Double (`0.0`, `0.01`, `0.004123`, `3.5`).
    @inline(__always)
    static func writeMicros(_ micros: UInt64, to p: UnsafeMutablePointer<UInt8>) -> Int {
        var n = DecimalDigits.write(micros / 1_000_000, to: p)
        p[n] = 0x2E
        n += 1
        let frac = micros % 1_000_000
        if frac == 0 {
            p[n] = 0x30
            return n + 1
        }
        n += DecimalDigits.write(frac, width: 6, to: p + n)
        while p[n - 1] == 0x30 { n -= 1 }
        return n
    }

    /// The ns timestamp of midnight UTC starting `yyyy-mm-dd`, or nil when `text` is not such a date.
    public static func parseDate(_ text: String) -> Int64? {
        let b = Array(text.utf8)
        guard b.count == 10, b[4] == 0x2D, b[7] == 0x2D else { return nil }
        func num(_ r: Range<Int>) -> Int? {
            var v = 0
            for i in r {
                guard b[i] >= 0x30 && b[i] <= 0x39 else { return nil }
                v = v * 10 + Int(b[i] - 0x30)
            }
            return v
        }
        guard let y = num(0..<4), let m = num(5..<7), let d = num(8..<10), (1...12).contains(m) else { return nil }
        let monthDays = [31, y % 4 == 0 && (y % 100 != 0 || y % 400 == 0) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        guard d >= 1 && d <= monthDays[m - 1] else { return nil }
        return Int64(daysFromCivil(year: y, month: m, day: d)) * dayNanos
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (eras of 400 years, March-based years).
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12  // March = 0
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// Line-protocol tag escaping: backslash, comma, equals sign and space get a backslash.
    static func escapeTag(_ s: String) -> String {
        var out = ""
        for ch in s {
            if ch == "\\" || ch == "," || ch == "=" || ch == " " { out.append("\\") }
            out.append(ch)
        }
        return out
    }

    /// A seeded Fisher–Yates shuffle of 0..<n.
    static func permutation(_ n: Int, _ rng: inout Xoshiro256) -> [UInt32] {
        var p = (0..<n).map { UInt32($0) }
        var i = n - 1
        while i > 0 {
            let j = Int(rng.below(UInt64(i + 1)))
            p.swapAt(i, j)
            i -= 1
        }
        return p
    }
}
