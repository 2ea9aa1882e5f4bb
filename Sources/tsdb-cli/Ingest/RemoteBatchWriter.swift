import ColumnStore
import Foundation
import LineProtocol

/// Sends CSV and Parquet rows (`WriteBatch`es) to a tsdb-server as line protocol (`POST
/// /api/v3/write_lp`, nanosecond timestamps), in requests of about `requestBytes`, and maps the lines
/// the server rejects back to the batch's rows.
///
/// Line protocol cannot say everything a batch can: a row whose fields are all NULL, a string field
/// holding a newline, and NaN or infinite floats are rejected here, with the reason, before sending;
/// an empty tag value is left out (it arrives as NULL). Tags are the batch's `.symbol` columns.
struct RemoteBatchWriter {
    let backend: RemoteBackend
    /// false: each request is all-or-nothing (`accept_partial=false`), as Parquet row groups are.
    let acceptPartial: Bool
    static let requestBytes = 4 << 20

    /// Writes `batch`; returns the rows that were not written and why, in row order. Without
    /// `acceptPartial`, the batch is checked whole before anything is sent, and the first refused
    /// request ends it: its rows and every later one come back rejected (earlier requests stay written).
    func write(_ batch: WriteBatch) throws -> (written: Int, rejected: [RowRejection]) {
        let measurement = Array(batch.table.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(Self.requestBytes + (64 << 10))
        func rest(from r: Int, _ why: String) -> [RowRejection] {
            (r..<batch.rowCount).map { RowRejection(row: $0, reason: $0 == r ? why : "not sent: an earlier row was rejected") }
        }
        if !acceptPartial {
            for r in 0..<batch.rowCount {
                out.removeAll(keepingCapacity: true)
                if let why = Self.appendLine(batch, r, measurement, into: &out) { return (0, rest(from: r, why)) }
            }
            out.removeAll(keepingCapacity: true)
        }
        var rejected: [RowRejection] = []
        var rowOfLine: [Int] = []
        var sent = 0
        for r in 0..<batch.rowCount {
            let start = out.count
            if let why = Self.appendLine(batch, r, measurement, into: &out) {
                out.removeSubrange(start...)
                rejected.append(RowRejection(row: r, reason: why))
                continue
            }
            rowOfLine.append(r)
            if out.count >= Self.requestBytes || r == batch.rowCount - 1 {
                let refused = try send(out, rowOfLine)
                if !acceptPartial && !refused.isEmpty {
                    return (sent, refused + ((r + 1)..<batch.rowCount).map { RowRejection(row: $0, reason: "not sent: an earlier row was rejected") })
                }
                sent += rowOfLine.count - refused.count
                rejected += refused
                out.removeAll(keepingCapacity: true)
                rowOfLine.removeAll(keepingCapacity: true)
            }
        }
        if !rowOfLine.isEmpty {
            let refused = try send(out, rowOfLine)
            sent += rowOfLine.count - refused.count
            rejected += refused
        }
        return (sent, rejected.sorted { $0.row < $1.row })
    }

    /// Appends row `r` as one line; the reason when line protocol cannot carry it.
    static func appendLine(_ batch: WriteBatch, _ r: Int, _ measurement: [UInt8], into out: inout [UInt8]) -> String? {
        do {
            try LineProtocolSerializer.appendEscaped(measurement, .measurement, to: &out)
            for c in batch.columns where c.vector.type == .symbol && !c.vector.isNull(r) {
                let code = c.vector.codes[r]
                let empty = c.dictionary.withBytes(code) { $0.isEmpty }
                if empty { continue }
                out.append(UInt8(ascii: ","))
                try LineProtocolSerializer.appendEscaped(Array(c.name.utf8), .key, to: &out)
                out.append(UInt8(ascii: "="))
                try c.dictionary.withBytes(code) { try LineProtocolSerializer.appendEscaped(Array($0), .key, to: &out) }
            }
            var fields = 0
            for c in batch.columns where c.vector.type != .symbol && !c.vector.isNull(r) {
                out.append(UInt8(ascii: fields == 0 ? " " : ","))
                fields += 1
                try LineProtocolSerializer.appendEscaped(Array(c.name.utf8), .key, to: &out)
                out.append(UInt8(ascii: "="))
                let v = c.vector
                switch v.type {
                case .date:
                    return "column \(c.name) is a DATE, which line protocol cannot carry: load the file with --data DIR (embedded) to keep it"
                case .int64, .time:
                    LineProtocolSerializer.appendDecimal(v.int64s[r], to: &out)
                    out.append(UInt8(ascii: "i"))
                case .uint64:
                    LineProtocolSerializer.appendDecimal(v.uint64s[r], to: &out)
                    out.append(UInt8(ascii: "u"))
                case .float64:
                    let d = v.float64s[r]
                    guard d.isFinite else { return "column \(c.name): \(d) cannot be sent as line protocol (NaN and infinities have no line-protocol form)" }
                    out.append(contentsOf: d.description.utf8)
                case .bool:
                    out.append(contentsOf: (v.bools[r] != 0 ? "true" : "false").utf8)
                case .string:
                    out.append(UInt8(ascii: "\""))
                    try LineProtocolSerializer.appendEscaped(Array(v.bytes[Int(v.offsets[r])..<Int(v.offsets[r + 1])]), .string, to: &out)
                    out.append(UInt8(ascii: "\""))
                case .symbol:
                    preconditionFailure("BUG: tags were written above")
                }
            }
            guard fields > 0 else { return "every field is empty; a line-protocol point needs one (load it with --data to keep such a row)" }
            out.append(UInt8(ascii: " "))
            LineProtocolSerializer.appendDecimal(batch.time[r], to: &out)
            out.append(UInt8(ascii: "\n"))
            return nil
        } catch LineProtocolSerializer.Failure.newline {
            return "a value holds a newline, which line protocol cannot carry (load it with --data to keep it)"
        } catch {
            return "cannot be sent as line protocol: \(error)"
        }
    }

    /// Sends one request; the rows of the lines it rejected.
    func send(_ body: [UInt8], _ rowOfLine: [Int]) throws -> [RowRejection] {
        var params = [("db", backend.database), ("precision", "ns")]
        if !acceptPartial { params.append(("accept_partial", "false")) }
        let url = backend.url("/api/v3/write_lp", params)
        // 503: the server's store has no room yet; wait as an embedded ingest would.
        let clock = Stopwatch()
        var r: HTTPClient.Response
        while true {
            r = try backend.client.send(backend.request(url, method: "POST", body: body, contentType: "text/plain; charset=utf-8"))
            guard r.status == 503, clock.elapsed < EmbeddedIngestSink.roomTimeout else { break }
            usleep(1_000_000)
        }
        if (200..<300).contains(r.status) { return [] }
        guard r.status == 400 || r.status == 422, let items = RemoteIngestSink.rejectedItems(r.body), !items.isEmpty else {
            throw RemoteBackend.failure(r, doing: "write")
        }
        if !acceptPartial {
            // Nothing of the request was written: every row of it is rejected, with the server's reason.
            let first = items.first { $0.line > 0 && $0.line <= rowOfLine.count }
            let reason = first.map { "\(Self.stripLine($0.message)) (row \(rowOfLine[$0.line - 1] + 1) of the batch; nothing of its request was written)" }
                ?? items[0].message
            return rowOfLine.map { RowRejection(row: $0, reason: reason) }
        }
        return items.compactMap { item in
            guard item.line > 0, item.line <= rowOfLine.count else { return nil }
            return RowRejection(row: rowOfLine[item.line - 1], reason: Self.stripLine(item.message))
        }
    }

    /// A server message without its leading `line N: ` (the caller numbers the row itself).
    static func stripLine(_ message: String) -> String {
        guard let m = message.firstMatch(of: /^line \d+(:\d+)?[:,] */) else { return message }
        return String(message[m.range.upperBound...])
    }
}
