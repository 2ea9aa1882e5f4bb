import Foundation

/// Holds back the last two lines of a server's text answer as it streams through, because a query that
/// fails after the server sent its first bytes ends the text with an error line (`#error: …` in CSV,
/// `{"error":…}` in JSON and JSON Lines, then JSON's `]`) and cuts the response short
/// (docs/http-api.md, "Errors after the first byte"). A complete answer lets the held lines through;
/// a cut one gives back the server's message and never prints the error line as a row.
final class AnswerTail {
    private let body: (UnsafeRawBufferPointer) throws -> Void
    private var held: [UInt8] = []

    init(body: @escaping (UnsafeRawBufferPointer) throws -> Void) { self.body = body }

    /// Takes the next piece; passes on everything before the last two whole lines (and the partial
    /// line after them).
    func feed(_ piece: UnsafeRawBufferPointer) throws {
        held.append(contentsOf: piece)
        guard let last = held.lastIndex(of: 0x0A), last > 0,
              let before = held[..<last].lastIndex(of: 0x0A), before > 0,
              let cut = held[..<before].lastIndex(of: 0x0A), cut > 0 else { return }
        try held.withUnsafeBytes { try body(UnsafeRawBufferPointer(rebasing: $0[..<cut])) }
        held.removeSubrange(..<cut)
    }

    /// The answer came whole: the held lines go on.
    func finish() throws {
        try held.withUnsafeBytes { try body($0) }
        held.removeAll()
    }

    /// The answer was cut short: the server's message from its error line, after passing on the lines
    /// before it; nil when the text holds no error line (the connection broke).
    func cutShort() -> String? {
        let text = String(decoding: held, as: UTF8.self)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard let i = lines.lastIndex(where: { $0.hasPrefix("#error: ") || $0.hasPrefix("{\"error\":") }) else { return nil }
        let line = lines[i]
        var before = lines[..<i].joined(separator: "\n")
        if i > 0 { before += "\n" }
        // The rows before the error are printed (they were the answer so far); errors here are moot.
        // A leading line end is the one the last passed-on row still needs.
        try? Array(before.utf8).withUnsafeBytes { try body($0) }
        held.removeAll()
        if line.hasPrefix("#error: ") { return String(line.dropFirst(8)) }
        if let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
           let message = object["error"] as? String {
            return message
        }
        return String(line)
    }
}
