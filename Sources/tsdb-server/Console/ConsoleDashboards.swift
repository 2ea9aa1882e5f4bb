import Foundation

/// The `--dashboards FILE`: a JSON document of panels the `/dashboard` page draws (format in
/// docs/console.md). Checked when the server starts, so a typo fails at once instead of in a browser.
enum ConsoleDashboards {
    struct Invalid: Error, CustomStringConvertible {
        var description: String
    }

    static let charts: Set<String> = ["line", "area", "bar", "table", "stat"]

    /// The file's text after checking its shape.
    static func load(path: String) throws -> String {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw Invalid(description: "cannot read \(path): \(error.localizedDescription)")
        }
        let text = String(decoding: data, as: UTF8.self)
        try validate(text)
        return text
    }

    /// Throws the first problem of a dashboards document: it is a JSON object whose `panels` is a list
    /// of objects with a string `title` and exactly one of a string `sql` or `metric`, an optional
    /// `chart` out of line, area, bar, table, stat; `refresh_seconds`, when present, is a number ≥ 1.
    static func validate(_ text: String) throws {
        guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else {
            throw Invalid(description: "not a JSON object")
        }
        guard let panels = object["panels"] as? [Any] else { throw Invalid(description: "\"panels\" must be a list") }
        if let r = object["refresh_seconds"] {
            guard let n = r as? Double, n >= 1 else { throw Invalid(description: "\"refresh_seconds\" must be a number >= 1") }
        }
        for (i, p) in panels.enumerated() {
            let where_ = "panel \(i + 1)"
            guard let panel = p as? [String: Any] else { throw Invalid(description: "\(where_) is not an object") }
            guard panel["title"] is String else { throw Invalid(description: "\(where_): \"title\" must be a string") }
            guard (panel["sql"] is String) != (panel["metric"] is String) else {
                throw Invalid(description: "\(where_): give exactly one of \"sql\" or \"metric\"")
            }
            if let c = panel["chart"] {
                guard let s = c as? String, charts.contains(s) else {
                    throw Invalid(description: "\(where_): \"chart\" must be one of \(charts.sorted().joined(separator: ", "))")
                }
            }
        }
    }
}
