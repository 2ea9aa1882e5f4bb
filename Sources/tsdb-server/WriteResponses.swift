import ColumnStore
import Ingest
import NIOHTTP1

/// Which InfluxDB write API a request came through; it picks status codes and error bodies.
enum WriteAPI: String, Sendable {
    case v1, v2, v3
}

/// The answers to writes, in the shapes each InfluxDB version's clients expect.
///
/// Every line that could be written was written, whatever the answer (partial-write semantics):
/// - all lines written: 204, no body;
/// - v1: 400 `{"error":"partial write: <errors> dropped=N","rejected":[{"line":L,"error":…}]}`;
/// - v2: 400 `{"code":"invalid",…}` when a line is malformed, 422 `{"code":"unprocessable entity",…}`
///   when lines are well formed but rejected (type conflicts); `message` as v1's `error`, plus `line`
///   (the first rejected line) and `rejected`;
/// - v3: 400 `{"error":"partial write of line protocol occurred","data":[{"original_line":…,
///   "line_number":L,"error_message":…}]}` (with `accept_partial=false` nothing is written and
///   `error` is `parsing failed for write_lp endpoint`).
enum WriteResponses {
    /// The response to a write whose lines were handled as `report` says.
    /// `malformed`: some rejected line was not valid line protocol (not merely a type conflict).
    /// `lines`: the text of rejected lines by number (v3 quotes them).
    static func response(_ api: WriteAPI, report: IngestReport, malformed: Bool, lines: [Int: String],
                         acceptPartial: Bool = true) -> HTTPResponse {
        if report.isComplete { return HTTPResponse(.noContent) }
        // Well-formed lines refused only for their age (older than the table's retention): InfluxDB answers
        // 422 with "points beyond retention policy dropped=N".
        let unprocessable = !malformed && !report.errors.isEmpty && report.errors.allSatisfy { $0.message.contains(RowRejection.beyondRetention) }
        let summary = "partial write: " + report.messages.joined(separator: "\n") + " dropped=\(report.linesRejected)"
        let rejected = "[" + report.errors.map { #"{"line":\#($0.line),"error":\#(JSON.quote($0.message))}"# }.joined(separator: ",") + "]"
        switch api {
        case .v1:
            return .json(unprocessable ? .unprocessableEntity : .badRequest, #"{"error":\#(JSON.quote(summary)),"rejected":\#(rejected)}"#)
        case .v2:
            let first = report.errors.first?.line ?? 0
            let code = malformed ? "invalid" : "unprocessable entity"
            return .json(malformed ? .badRequest : .unprocessableEntity,
                         #"{"code":\#(JSON.quote(code)),"message":\#(JSON.quote(summary)),"line":\#(first),"rejected":\#(rejected)}"#)
        case .v3:
            let data = "[" + report.errors.map {
                #"{"original_line":\#(JSON.quote(lines[$0.line] ?? "")),"line_number":\#($0.line),"error_message":\#(JSON.quote($0.message))}"#
            }.joined(separator: ",") + "]"
            let error = acceptPartial ? "partial write of line protocol occurred" : "parsing failed for write_lp endpoint"
            return .json(unprocessable ? .unprocessableEntity : .badRequest, #"{"error":\#(JSON.quote(error)),"data":\#(data)}"#)
        }
    }

    /// An error about the request as a whole (bad parameter, server trouble), shaped for `api`.
    static func failure(_ api: WriteAPI, _ status: HTTPResponseStatus, _ message: String) -> HTTPResponse {
        switch api {
        case .v1, .v3: return .error(status, message)
        case .v2:
            let code: String
            switch status {
            case .unauthorized: code = "unauthorized"
            case .notFound: code = "not found"
            case .payloadTooLarge: code = "request too large"
            case .serviceUnavailable: code = "unavailable"
            case .internalServerError: code = "internal error"
            default: code = "invalid"
            }
            return .v2Error(status, code: code, message)
        }
    }

    /// The text of lines `numbers` (1-based) of `body`, each clipped to `maxLength` bytes.
    static func lineTexts(_ body: UnsafeRawBufferPointer, numbers: [Int], maxLength: Int = 1024) -> [Int: String] {
        var out: [Int: String] = [:]
        let wanted = Set(numbers)
        guard let last = numbers.max(), last > 0 else { return out }
        var line = 1
        var start = 0
        var i = 0
        let n = body.count
        while line <= last && start <= n {
            while i < n && body[i] != 0x0A { i += 1 }
            if wanted.contains(line) {
                var end = i
                if end > start && body[end - 1] == 0x0D { end -= 1 }
                let clipped = min(end, start + maxLength)
                out[line] = String(decoding: UnsafeRawBufferPointer(rebasing: body[start..<clipped]), as: UTF8.self)
            }
            line += 1
            i += 1
            start = i
        }
        return out
    }
}
