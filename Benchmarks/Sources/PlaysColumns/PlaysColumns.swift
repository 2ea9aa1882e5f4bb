import ColumnStore

/// One block's worth of gen_plays columns, drawn from the distributions of shared/bench/gen_plays.py
/// at its 10M-rows-a-year density (~27K rows a day, so a sorted gap of ~3.2 s in ns).
///
/// Symbol codes are numbered as the store numbers them: in order of first appearance, here over
/// `warmupRows` earlier rows (a month by default) and then the block itself.
public struct PlaysColumns: Sendable {
    public var time: ColumnVector
    public var artist: ColumnVector
    public var track: ColumnVector
    public var platform: ColumnVector
    public var country: ColumnVector
    public var device: ColumnVector
    public var userID: ColumnVector
    public var durationMs: ColumnVector
    public var completed: ColumnVector
    public var skipped: ColumnVector
    public var liked: ColumnVector
    public var revenue: ColumnVector

    /// Columns by name, in schema order.
    public var named: [(String, ColumnVector)] {
        [("time", time), ("artist", artist), ("track", track), ("platform", platform), ("country", country),
         ("device", device), ("user_id", userID), ("duration_ms", durationMs), ("completed", completed),
         ("skipped", skipped), ("liked", liked), ("revenue", revenue)]
    }

    public init(rows n: Int, seed: UInt64 = 42, warmupRows: Int = 30 * 27_400) {
        var rng = BenchRandom(seed: seed)
        let platformW = [0.45, 0.20, 0.12, 0.08, 0.06, 0.04, 0.03, 0.02]
        let platformRate = [0.0035, 0.0008, 0.0070, 0.0040, 0.0060, 0.0020, 0.0125, 0.0015]
        let deviceW = [0.62, 0.18, 0.06, 0.06, 0.05, 0.03]
        let artistCDF = Self.zipfCDF(5000, 0.9), trackCDF = Self.zipfCDF(200_000, 1.05)
        let userCDF = Self.zipfCDF(1_000_000, 0.8), countryCDF = Self.zipfCDF(60, 1.0)
        // Track lengths and a user-id permutation, as in gen_plays (a track's artist is drawn per track).
        let trackLength = (0..<200_000).map { _ in 120_000 + rng.below(240_000) }
        let trackArtist = (0..<200_000).map { _ in Self.sample(artistCDF, &rng) }
        var userPerm = Array(0..<1_000_000)
        for i in stride(from: userPerm.count - 1, to: 0, by: -1) { userPerm.swapAt(i, rng.below(i + 1)) }

        time = ColumnVector(type: .time, capacity: n)
        artist = ColumnVector(type: .symbol, capacity: n); track = ColumnVector(type: .symbol, capacity: n)
        platform = ColumnVector(type: .symbol, capacity: n); country = ColumnVector(type: .symbol, capacity: n)
        device = ColumnVector(type: .symbol, capacity: n); userID = ColumnVector(type: .string, capacity: n)
        durationMs = ColumnVector(type: .int64, capacity: n); completed = ColumnVector(type: .bool, capacity: n)
        skipped = ColumnVector(type: .bool, capacity: n); liked = ColumnVector(type: .bool, capacity: n)
        revenue = ColumnVector(type: .float64, capacity: n)

        // The table's symbol dictionaries: value -> code, assigned on first appearance.
        var trackCode = [Int32](repeating: -1, count: 200_000), artistCode = [Int32](repeating: -1, count: 5000)
        var platformCode = [Int32](repeating: -1, count: 8), countryCode = [Int32](repeating: -1, count: 60)
        var deviceCode = [Int32](repeating: -1, count: 6)
        var next = [Int32](repeating: 0, count: 5)
        func code(_ table: inout [Int32], _ v: Int, _ k: Int) -> UInt32 {
            if table[v] < 0 { table[v] = next[k]; next[k] += 1 }
            return UInt32(table[v])
        }
        for _ in 0..<warmupRows {
            let tr = Self.sample(trackCDF, &rng)
            _ = code(&trackCode, tr, 0); _ = code(&artistCode, trackArtist[tr], 1)
            _ = code(&platformCode, Self.pick(platformW, &rng), 2)
            _ = code(&countryCode, Self.sample(countryCDF, &rng), 3)
            _ = code(&deviceCode, Self.pick(deviceW, &rng), 4)
        }

        // Sorted uniform arrival times: a day's rows sorted by the segment's sort key.
        let span = Double(n) * 86_400e9 / 27_400
        var times = (0..<n).map { _ in Int64(rng.unit() * span) }
        times.sort()
        let start: Int64 = 1_763_683_200_000_000_000
        for t in times { time.append(int64: start + t) }

        var digits = [UInt8](repeating: 0, count: 8)
        for _ in 0..<n {
            let tr = Self.sample(trackCDF, &rng)
            track.append(code: code(&trackCode, tr, 0))
            artist.append(code: code(&artistCode, trackArtist[tr], 1))
            let p = Self.pick(platformW, &rng)
            platform.append(code: code(&platformCode, p, 2))
            country.append(code: code(&countryCode, Self.sample(countryCDF, &rng), 3))
            device.append(code: code(&deviceCode, Self.pick(deviceW, &rng), 4))
            var u = userPerm[Self.sample(userCDF, &rng)]
            digits[0] = UInt8(ascii: "u")
            for k in stride(from: 7, through: 1, by: -1) { digits[k] = UInt8(48 + u % 10); u /= 10 }
            digits.withUnsafeBytes { userID.append(string: $0) }
            let isSkipped = rng.unit() < 0.23
            let isCompleted = !isSkipped && rng.unit() < 0.71
            let tl = trackLength[tr]
            let d = isSkipped ? 1000 + rng.below(29_000) : isCompleted ? tl : Int(Double(tl) * (0.3 + 0.65 * rng.unit()))
            durationMs.append(int64: Int64(d))
            skipped.append(bool: isSkipped); completed.append(bool: isCompleted); liked.append(bool: rng.unit() < 0.03)
            let r = d >= 30_000 ? (platformRate[p] * (0.8 + 0.4 * rng.unit()) * 1e6).rounded() / 1e6 : 0
            revenue.append(float64: r)
        }
    }

    static func zipfCDF(_ n: Int, _ s: Double) -> [Double] {
        var cdf = [Double](repeating: 0, count: n)
        var acc = 0.0
        for i in 0..<n { acc += 1 / pow(Double(i + 1), s); cdf[i] = acc }
        return cdf.map { $0 / acc }
    }

    static func sample(_ cdf: [Double], _ rng: inout BenchRandom) -> Int {
        let u = rng.unit()
        var lo = 0, hi = cdf.count - 1
        while lo < hi { let mid = (lo + hi) / 2; if cdf[mid] < u { lo = mid + 1 } else { hi = mid } }
        return lo
    }

    static func pick(_ w: [Double], _ rng: inout BenchRandom) -> Int {
        var u = rng.unit()
        for (i, x) in w.enumerated() { u -= x; if u < 0 { return i } }
        return w.count - 1
    }
}

/// SplitMix64: reproducible benchmark data (TestSupport is not a product of the main package).
public struct BenchRandom: Sendable {
    var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z &>> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z &>> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z &>> 31)
    }
    public mutating func unit() -> Double { Double(next() &>> 11) * 0x1p-53 }
    public mutating func below(_ n: Int) -> Int { Int(next().multipliedFullWidth(by: UInt64(n)).high) }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
