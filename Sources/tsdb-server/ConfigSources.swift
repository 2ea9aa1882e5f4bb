import ArgumentParser
import Foundation
import TOMLKit

/// Where settings come from, weakest first: a TOML file (`--config FILE`), `TSDB_*` environment variables,
/// the command line. Each setting is taken from the strongest source that has it, and the result is one
/// argument list for `ServerCommand` to parse, so every setting is checked the same way whatever its source.
///
/// The file's keys are the long flag names (`http = "127.0.0.1:8086"`, `max-connections = 512`,
/// `token = ["a", "b"]`); a variable is `TSDB_` and the flag name in capitals with `_` for `-`
/// (`TSDB_MAX_CONNECTIONS=512`).
enum ConfigSources {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// The settings' long names (the command's options, `--help` and `--version` aside) and whether
    /// each may repeat.
    static func options(of command: ParsableCommand.Type) -> [String: Bool] {
        guard let data = command._dumpHelp().data(using: .utf8),
              let root = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let info = root["command"] as? [String: Any],
              let arguments = info["arguments"] as? [[String: Any]] else { return [:] }
        var out: [String: Bool] = [:]
        for a in arguments where a["kind"] as? String == "option" {
            let repeating = a["isRepeating"] as? Bool ?? false
            for n in a["names"] as? [[String: Any]] ?? [] where n["kind"] as? String == "long" {
                if let name = n["name"] as? String { out[name] = repeating }
            }
        }
        return out
    }

    /// The long names given on the command line (`--name value` or `--name=value`).
    static func named(_ arguments: [String]) -> Set<String> {
        var out: Set<String> = []
        for a in arguments where a.hasPrefix("--") && a.count > 2 {
            out.insert(String(a.dropFirst(2).prefix { $0 != "=" }))
        }
        return out
    }

    /// The value of `--name` on the command line, if given.
    static func value(of name: String, in arguments: [String]) -> String? {
        var found: String?
        var i = 0
        while i < arguments.count {
            let a = arguments[i]
            if a == "--" + name, i + 1 < arguments.count {
                found = arguments[i + 1]
                i += 1
            } else if a.hasPrefix("--" + name + "=") {
                found = String(a.dropFirst(name.count + 3))
            }
            i += 1
        }
        return found
    }

    /// `TSDB_MAX_CONNECTIONS` for `max-connections`.
    static func variable(_ name: String) -> String {
        "TSDB_" + name.uppercased().replacingOccurrences(of: "-", with: "_")
    }

    /// The command line to parse: the file's settings, then the environment's, then `commandLine`,
    /// each source left out for the settings a stronger one gives.
    static func arguments(commandLine: [String], environment: [String: String],
                          options: [String: Bool], readFile: (String) throws -> String = { try String(contentsOfFile: $0, encoding: .utf8) }) throws -> [String] {
        let onCommandLine = named(commandLine)
        var fromEnvironment: [String] = []
        var inEnvironment: Set<String> = []
        for name in options.keys.sorted() where !onCommandLine.contains(name) {
            guard let v = environment[variable(name)] else { continue }
            inEnvironment.insert(name)
            if name != "config" { fromEnvironment += ["--" + name, v] }
        }
        var fromFile: [String] = []
        if let path = value(of: "config", in: commandLine) ?? environment[variable("config")] {
            let text: String
            do { text = try readFile(path) } catch {
                throw Failure(description: "--config: cannot read \(path): \(error.localizedDescription)")
            }
            let table: TOMLTable
            do { table = try TOMLTable(string: text) } catch let e as TOMLParseError {
                throw Failure(description: "--config \(path): \(e.description) (\(e.source.begin))")
            }
            for key in table.keys.sorted() {
                guard let repeating = options[key], key != "config" else {
                    throw Failure(description: "--config \(path): unknown key '\(key)' (keys are the long flag names, e.g. max-connections)")
                }
                guard !onCommandLine.contains(key), !inEnvironment.contains(key), let value = table[key] else { continue }
                for v in try strings(value, key: key, repeating: repeating, path: path) { fromFile += ["--" + key, v] }
            }
        }
        return fromFile + fromEnvironment + commandLine
    }

    /// A TOML value as the flag's argument(s).
    static func strings(_ v: TOMLValueConvertible, key: String, repeating: Bool, path: String) throws -> [String] {
        switch v.type {
        case .string: return [v.string!]
        case .int: return [String(v.int!)]
        case .double: return [String(v.double!)]
        case .bool: return [v.bool! ? "on" : "off"]
        case .array where repeating:
            return try v.array!.map { e in
                guard e.type != .array && e.type != .table else {
                    throw Failure(description: "--config \(path): '\(key)' must be a list of strings")
                }
                return try strings(e, key: key, repeating: false, path: path)[0]
            }
        default:
            throw Failure(description: "--config \(path): '\(key)' must be a \(repeating ? "string or a list of strings" : "string, number or boolean"), not a \(v.type)")
        }
    }
}
