import PGWire
import QueryEngine

/// A PostgreSQL session's run-time settings (GUCs): what `SHOW`, `SET`, `RESET`, `current_setting()`
/// and the startup packet's parameters read and change, and which of them are reported to the client
/// with ParameterStatus.
///
/// tsdb's own behaviour does not change with most of them (times are always shown in UTC, text is
/// always UTF-8); those it cannot honour refuse values that would mislead (`client_encoding` other than
/// UTF8), the others are kept so drivers that set and read them back work.
struct PGSettings {
    /// Settings reported with ParameterStatus at startup and when they change (PostgreSQL's GUC_REPORT set).
    static let reported = ["server_version", "server_encoding", "client_encoding", "application_name", "DateStyle",
                           "IntervalStyle", "TimeZone", "integer_datetimes", "standard_conforming_strings",
                           "is_superuser", "session_authorization", "default_transaction_read_only", "in_hot_standby",
                           "search_path"]

    /// The server version clients see: PostgreSQL 16's protocol and catalog, and tsdb's own version.
    static let serverVersion = "16.0 (tsdb \(HealthRoutes.version))"
    static let versionText = "PostgreSQL 16.0 (tsdb \(HealthRoutes.version)) on x86_64-pc-linux-gnu"

    /// By lower-case name: the spelling to show and the value.
    private(set) var values: [String: (name: String, value: String)] = [:]
    private var defaults: [String: (name: String, value: String)] = [:]
    /// `statement_timeout` in seconds (0: none); the server's `--query-timeout` still applies.
    private(set) var statementTimeout: Double = 0

    init(user: String, viewRewrite: Bool = true) {
        let initial: [(String, String)] = [
            ("server_version", Self.serverVersion), ("server_version_num", "160000"), ("server_encoding", "UTF8"),
            ("client_encoding", "UTF8"), ("DateStyle", "ISO, MDY"), ("IntervalStyle", "postgres"), ("TimeZone", "UTC"),
            ("integer_datetimes", "on"), ("standard_conforming_strings", "on"), ("application_name", ""),
            ("is_superuser", "off"), ("session_authorization", user), ("search_path", "\"$user\", public"),
            ("default_transaction_read_only", "on"), ("transaction_read_only", "on"), ("in_hot_standby", "off"),
            ("extra_float_digits", "1"), ("transaction_isolation", "read committed"),
            ("default_transaction_isolation", "read committed"), ("statement_timeout", "0"), ("lock_timeout", "0"),
            ("idle_in_transaction_session_timeout", "0"), ("max_identifier_length", "63"), ("lc_collate", "C"),
            ("lc_ctype", "C"), ("lc_messages", "C"), ("lc_monetary", "C"), ("lc_numeric", "C"), ("lc_time", "C"),
            ("client_min_messages", "notice"), ("bytea_output", "hex"),
            ("block_size", "8192"), ("max_index_keys", "32"), ("geqo", "on"), ("jit", "off"), ("timezone_abbreviations", "Default"),
            ("row_security", "on"), ("synchronous_commit", "on"),
            // tsdb's own: raw queries answered from materialized views (the server's --view-rewrite).
            (EngineSettings.viewRewrite, viewRewrite ? "on" : "off"),
        ]
        for (n, v) in initial where values[n.lowercased()] == nil { values[n.lowercased()] = (n, v) }
        defaults = values
    }

    /// The value of a setting; nil when there is no such setting.
    func value(_ name: String) -> String? { values[name.lowercased()]?.value }

    /// Every setting, by lower-case name (what `current_setting()` reads).
    var all: [String: String] { values.mapValues(\.value) }

    /// Sorted name/value pairs (`SHOW ALL`).
    var listing: [(String, String)] { values.values.map { ($0.name, $0.value) }.sorted { $0.0.lowercased() < $1.0.lowercased() } }

    /// Changes a setting (nil: back to its default). Returns the name and value to report with
    /// ParameterStatus when the setting is a reported one.
    mutating func set(_ name: String, _ value: String?) throws(PGErrorFields) -> (String, String)? {
        let key = name.lowercased()
        guard let value else { return reset(key) }
        // A startup parameter may arrive quoted (asyncpg sends client_encoding='utf-8').
        var v = value.count >= 2 && value.hasPrefix("'") && value.hasSuffix("'") ? String(value.dropFirst().dropLast()) : value
        switch key {
        case "client_encoding", "names":
            guard ["utf8", "utf-8", "utf_8", "unicode"].contains(v.lowercased()) else {
                throw PGErrorFields(code: PGSQLState.featureNotSupported, message: "tsdb speaks UTF8 only, not client_encoding \"\(v)\"")
            }
            return store("client_encoding", "UTF8")
        case "timezone", "time zone":
            // Times are shown in UTC whatever is asked: the +00 offset keeps them exact for every client.
            v = "UTC"
            return store("TimeZone", v)
        case "datestyle":
            v = "ISO, MDY"
            return store("DateStyle", v)
        case "intervalstyle":
            guard v.lowercased() == "postgres" else {
                throw PGErrorFields(code: PGSQLState.featureNotSupported, message: "IntervalStyle \"\(v)\" is not supported: intervals are shown in the postgres style")
            }
            return store("IntervalStyle", "postgres")
        case "server_version", "server_version_num", "server_encoding", "integer_datetimes", "is_superuser",
             "block_size", "max_identifier_length", "max_index_keys", "lc_collate", "lc_ctype", "in_hot_standby":
            throw PGErrorFields(code: "55P02", message: "parameter \"\(name)\" cannot be changed")
        case "standard_conforming_strings":
            guard ["on", "true", "1", "yes"].contains(v.lowercased()) else {
                throw PGErrorFields(code: PGSQLState.featureNotSupported, message: "standard_conforming_strings must stay on")
            }
            return store("standard_conforming_strings", "on")
        case EngineSettings.viewRewrite:
            do { return store(EngineSettings.viewRewrite, try EngineSettings.normalize(key, v)) } catch let e as QueryError {
                throw PGErrorFields(code: PGSQLState.invalidParameterValue, message: e.message)
            } catch {
                throw PGErrorFields(code: PGSQLState.invalidParameterValue, message: "\(error)")
            }
        case "statement_timeout":
            guard let s = Self.seconds(v) else {
                throw PGErrorFields(code: PGSQLState.invalidParameterValue, message: "invalid value for parameter \"statement_timeout\": \"\(v)\"")
            }
            statementTimeout = s
            return store("statement_timeout", v)
        default:
            let display = values[key]?.name ?? key
            return store(display, v)
        }
    }

    /// Back to the default (RESET name, SET name TO DEFAULT).
    mutating func reset(_ name: String) -> (String, String)? {
        let key = name.lowercased()
        if key == "statement_timeout" { statementTimeout = 0 }
        if let d = defaults[key] { values[key] = d; return Self.reported.contains(d.name) ? (d.name, d.value) : nil }
        values.removeValue(forKey: key)
        return nil
    }

    /// RESET ALL: the reported settings that changed, to report again.
    mutating func resetAll() -> [(String, String)] {
        let changed = Self.reported.filter { values[$0.lowercased()]?.value != defaults[$0.lowercased()]?.value }
        values = defaults
        statementTimeout = 0
        return changed.compactMap { n in defaults[n.lowercased()].map { ($0.name, $0.value) } }
    }

    private mutating func store(_ name: String, _ value: String) -> (String, String)? {
        values[name.lowercased()] = (name, value)
        return Self.reported.contains(name) ? (name, value) : nil
    }

    /// `statement_timeout` values: milliseconds by default, or with a unit (`5s`, `100ms`, `1min`).
    static func seconds(_ text: String) -> Double? {
        let t = text.trimmingCharacters(in: .whitespaces).lowercased()
        let digits = t.prefix { $0.isNumber || $0 == "." }
        guard let n = Double(digits), n >= 0 else { return nil }
        switch t.dropFirst(digits.count).trimmingCharacters(in: .whitespaces) {
        case "", "ms": return n / 1000
        case "s": return n
        case "min": return n * 60
        case "h": return n * 3600
        case "us": return n / 1e6
        default: return nil
        }
    }
}

import Foundation
