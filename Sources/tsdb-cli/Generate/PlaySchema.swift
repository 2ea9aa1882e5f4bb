import Foundation

/// The vocabulary and weights of the synthetic play events, as in `bench/gen_plays.py`.
///
/// Line format (one event per line, tags in this order, InfluxDB line protocol):
/// `plays,artist=<a>,track=<t>,platform=<p>,country=<c>,device=<d> user_id="u0000000",duration_ms=<n>i,`
/// `completed=<bool>,skipped=<bool>,liked=<bool>,revenue=<float> <ns timestamp>\n`
public enum PlaySchema {
    public static let measurement = "plays"
    public static let platforms = ["spotify", "youtube", "apple_music", "amazon_music", "deezer",
                                   "soundcloud", "tidal", "pandora"]
    public static let platformWeights = [0.45, 0.20, 0.12, 0.08, 0.06, 0.04, 0.03, 0.02]
    /// Revenue per qualifying play, by platform (before the ±20% jitter).
    public static let platformRates = [0.0035, 0.0008, 0.0070, 0.0040, 0.0060, 0.0020, 0.0125, 0.0015]
    public static let devices = ["mobile", "desktop", "tablet", "smart_speaker", "car", "tv"]
    public static let deviceWeights = [0.62, 0.18, 0.06, 0.06, 0.05, 0.03]
    /// Countries, most frequent first (zipf 1.0 by position).
    public static let countries = ("US GB DE FR BR MX JP IT ES CA AU NL SE PL TR IN ID PH AR CO KR CL "
        + "NO DK FI BE AT CH PT IE NZ ZA NG EG SA AE IL RU UA CZ RO HU GR TH "
        + "VN MY SG TW HK PE EC VE GT CR PA UY BO PY KE MA").split(separator: " ").map(String.init)
    /// Relative plays per UTC hour of day, 00..23.
    public static let hourWeights: [Double] = [2, 1, 1, 1, 1, 2, 3, 5, 6, 6, 6, 6, 7, 7, 6, 6, 7, 8, 9, 10, 10, 9, 6, 4]

    public static let artistZipf = 0.9   // tracks per artist
    public static let trackZipf = 1.05   // plays per track
    public static let userZipf = 0.8     // plays per user
    public static let countryZipf = 1.0
    public static let lateShare = 0.02   // plays that arrive late …
    public static let lateMinNanos: Int64 = 60 * 1_000_000_000         // … by at least a minute
    public static let lateMaxNanos: Int64 = 48 * 3600 * 1_000_000_000  // … and less than 48 hours
    public static let skipShare = 0.23
    public static let completeShare = 0.71  // of the plays not skipped
    public static let likeShare = 0.03
    public static let trackLengthMs = 120_000..<360_000
    public static let skipDurationMs = 1_000..<30_000
    /// Plays at least this long earn revenue.
    public static let paidDurationMs = 30_000

    /// The name of artist `i`: every 97th needs line-protocol escapes.
    public static func artistName(_ i: Int) -> String {
        i % 97 == 0 ? "The \(pad(i, 4))s, Live=Loud" : "Artist \(pad(i, 4))"
    }

    /// The name of track `i`: every 1013th needs line-protocol escapes.
    public static func trackName(_ i: Int) -> String {
        i % 1013 == 0 ? "Song \(pad(i, 6)) (feat. X, Y)" : "Track \(pad(i, 6))"
    }

    /// Zipf weights 1 / k^s for ranks k = 1…n (unnormalised).
    public static func zipfWeights(_ n: Int, _ s: Double) -> [Double] {
        (1...n).map { 1 / pow(Double($0), s) }
    }

    static func pad(_ i: Int, _ width: Int) -> String {
        let s = String(i)
        return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    }
}
