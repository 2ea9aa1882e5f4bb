import Foundation

/// Passes a server's text answer on as it streams through, holding back only what may be the error
/// trailer of a query that failed after the server sent its first bytes (docs/http-api.md, "Errors after
/// the first byte"): a last line `#error: …` (CSV) or `{"error":…}` (JSON Lines; in JSON followed by the
/// closing `]`), and a line not yet ended. A complete answer lets them through; a cut one gives back the
/// server's message, and the error line is never printed as a row.
final class AnswerTail {
    private let body: (UnsafeRawBufferPointer) throws -> Void
    /// Bytes held back; they always start at the start of a line.
    private var held: [UInt8] = []

    init(body: @escaping (UnsafeRawBufferPointer) throws -> Void) { self.body = body }

    /// Takes the next piece; passes on every whole line but a possible trailer at the end.
    func feed(_ piece: UnsafeRawBufferPointer) throws {
        held.append(contentsOf: piece)
        guard let end = held.lastIndex(of: 0x0A) else { return }
        var cut = end + 1
        var lineStart = start(before: end)
        if held[lineStart..<end].elementsEqual([0x5D]) {
            // `]`: the end of JSON, after an error element or not; it waits for the end either way.
            cut = lineStart
            guard lineStart > 0 else { return try pass(cut) }
            let previousEnd = lineStart - 1
            lineStart = start(before: previousEnd)
            if Self.mayBeTrailer(held[lineStart..<previousEnd]) { cut = lineStart }
        } else if Self.mayBeTrailer(held[lineStart..<end]) {
            cut = lineStart
        }
        try pass(cut)
    }

    private func start(before lineEnd: Int) -> Int {
        held[..<lineEnd].lastIndex(of: 0x0A).map { $0 + 1 } ?? 0
    }

    private func pass(_ count: Int) throws {
        guard count > 0 else { return }
        try held.withUnsafeBytes { try body(UnsafeRawBufferPointer(rebasing: $0[..<count])) }
        held.removeSubrange(..<count)
    }

    /// Whether a line may be the server's error line (a JSON row whose first column is `error` waits a
    /// piece longer, and then goes on).
    static func mayBeTrailer(_ line: ArraySlice<UInt8>) -> Bool {
        line.starts(with: "#error: ".utf8) || line.starts(with: "{\"error\":".utf8)
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
