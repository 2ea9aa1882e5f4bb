import Foundation

/// A `tz('…')` zone's clock: UTC offsets of instants and the instants of wall-clock readings, from the
/// system's tz database (Foundation's TimeZone).
struct ZoneClock: Sendable {
    let name: String
    private let zone: TimeZone

    init?(_ name: String) {
        guard let z = TimeZone(identifier: name) else { return nil }
        self.name = name
        zone = z
    }

    /// The offset from UTC at instant `ns`, in seconds.
    func offsetSeconds(at ns: Int64) -> Int32 {
        let seconds = Double(ns / 1_000_000_000)
        return Int32(zone.secondsFromGMT(for: Date(timeIntervalSince1970: seconds)))
    }

    /// The wall-clock reading (as nanoseconds since 1970 on that clock) at instant `ns`.
    func local(_ ns: Int64) -> Int64 { ns + Int64(offsetSeconds(at: ns)) * 1_000_000_000 }

    /// The instant at which the clock shows `local` (the offset after a change, for readings a change skips).
    func instant(_ local: Int64) -> Int64 {
        let guess = local - Int64(offsetSeconds(at: local)) * 1_000_000_000
        return local - Int64(offsetSeconds(at: guess)) * 1_000_000_000
    }
}
