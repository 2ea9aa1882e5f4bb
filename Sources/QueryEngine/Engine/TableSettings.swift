import ColumnStore

/// `WITH (…)` / `SET (…)` settings applied to `TableOptions`: `retention`, `compression`,
/// `compaction_compression`, `zstd_level`.
enum TableSettings {
    static let names = ["retention", "compression", "compaction_compression", "zstd_level"]

    /// Applies `settings` to `options`, refusing unknown names and bad values (with their position).
    static func apply(_ settings: [TableSetting], to options: inout ColumnStore.TableOptions) throws {
        for s in settings {
            switch s.name {
            case "retention": options.retentionDays = try retentionDays(s)
            case "compression":
                guard let c = CompressionKind(name: s.value) else {
                    throw QueryError("compression must be 'lz4', 'zstd' or 'none', not '\(s.value)'", at: s.position)
                }
                // A compression asked for is what every segment gets, compacted ones too (unless set apart below).
                options.compression = c
                if !settings.contains(where: { $0.name == "compaction_compression" }) { options.compactedCompression = c }
            case "compaction_compression":
                guard let c = CompressionKind(name: s.value) else {
                    throw QueryError("compaction_compression must be 'lz4', 'zstd' or 'none', not '\(s.value)'", at: s.position)
                }
                options.compactedCompression = c
            case "zstd_level":
                guard let l = Int32(s.value), (1...22).contains(l) else {
                    throw QueryError("zstd_level must be an integer from 1 to 22, not '\(s.value)'", at: s.position)
                }
                options.zstdLevel = l
            default:
                throw QueryError("unknown table setting '\(s.name)' (settings: \(names.joined(separator: ", ")))", at: s.position)
            }
        }
    }

    /// Whole days: `'90 days'`, `'2 weeks'`, `30` (days); `'none'` (kept forever) clears it.
    static func retentionDays(_ s: TableSetting) throws -> Int? {
        let text = s.value.trimmingSpaces.lowercased()
        if ["none", "off", "forever", "infinite"].contains(text) { return nil }
        if let n = Int(text) {
            guard n > 0 else { throw QueryError("retention must be at least 1 day", at: s.position) }
            return n
        }
        let interval: SQLInterval
        do { interval = try SQLInterval.parse(text) } catch {
            throw QueryError("retention '\(s.value)' is not a duration such as '90 days' or '2 weeks' (\(error.message))", at: s.position)
        }
        guard interval.months == 0, interval.nanoseconds == 0 else {
            throw QueryError("retention is counted in whole days or weeks ('90 days', '2 weeks'), not '\(s.value)'", at: s.position)
        }
        guard interval.days > 0 else { throw QueryError("retention must be at least 1 day", at: s.position) }
        return Int(interval.days)
    }
}
