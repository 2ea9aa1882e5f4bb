import Foundation
import Logging

/// `--log-format json`: one JSON object per line on standard error,
/// `{"time":"2026-12-07T08:30:00.123Z","level":"info","logger":"tsdb.server","message":"…","metadata":{…}}`.
struct JSONLogHandler: LogHandler {
    let label: String
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]
    var metadataProvider: Logger.MetadataProvider?

    init(label: String) { self.label = label }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var all = metadata
        if let provided = metadataProvider?.get() { all.merge(provided) { _, new in new } }
        if let m = event.metadata { all.merge(m) { _, new in new } }
        let line = Self.line(time: Date(), level: event.level, label: label, message: event.message.description, metadata: all)
        FileHandle.standardError.write(Data(line.utf8))
    }

    /// One log line, newline included.
    static func line(time: Date, level: Logger.Level, label: String, message: String, metadata: Logger.Metadata) -> String {
        var s = #"{"time":\#(JSON.quote(timestamp(time))),"level":"\#(level.rawValue)","logger":\#(JSON.quote(label)),"message":\#(JSON.quote(message))"#
        if !metadata.isEmpty {
            s += #","metadata":"# + json(.dictionary(metadata))
        }
        return s + "}\n"
    }

    /// RFC 3339 UTC with milliseconds.
    static func timestamp(_ d: Date) -> String {
        let t = d.timeIntervalSince1970
        var secs = time_t(t.rounded(.down))
        var tm = tm()
        gmtime_r(&secs, &tm)
        let ms = Int((t - t.rounded(.down)) * 1000)
        func p(_ v: Int32, _ w: Int) -> String { let s = String(v); return String(repeating: "0", count: max(0, w - s.count)) + s }
        return "\(p(tm.tm_year + 1900, 4))-\(p(tm.tm_mon + 1, 2))-\(p(tm.tm_mday, 2))T\(p(tm.tm_hour, 2)):\(p(tm.tm_min, 2)):\(p(tm.tm_sec, 2)).\(p(Int32(ms), 3))Z"
    }

    /// A metadata value as JSON: strings stay strings (numbers are logged as strings, as swift-log holds them).
    static func json(_ v: Logger.Metadata.Value) -> String {
        switch v {
        case .string(let s): return JSON.quote(s)
        case .stringConvertible(let c): return JSON.quote(c.description)
        case .array(let a): return "[" + a.map(json).joined(separator: ",") + "]"
        case .dictionary(let d):
            return "{" + d.keys.sorted().map { JSON.quote($0) + ":" + json(d[$0]!) }.joined(separator: ",") + "}"
        }
    }
}
