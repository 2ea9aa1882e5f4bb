import ColumnStore
import QueryEngine

/// A table drawn from a server's CSV answer read as it streams: keeps the header, the first rows and a
/// ring of the latest rows that the table shows (`TableRows`' halves), and counts the rest, so memory
/// stays at the shown rows however long the answer. Columns are typed from the shown rows' text
/// (`RemoteResult`).
///
/// The CSV is RFC 4180 as the server writes it (LF or CRLF line ends, `"` quoting, a quoted empty
/// field is the empty string and an unquoted one NULL); records may be split anywhere between pieces.
struct RemoteTableRows {
    /// One record's bytes without quoting, where each field ends, and which fields were quoted.
    struct RawRecord {
        var bytes: [UInt8] = []
        var ends: [Int] = []
        var quoted: [Bool] = []

        mutating func clear() {
            bytes.removeAll(keepingCapacity: true)
            ends.removeAll(keepingCapacity: true)
            quoted.removeAll(keepingCapacity: true)
        }

        var fields: [RemoteResult.Field] {
            var out: [RemoteResult.Field] = []
            var start = 0
            for (i, end) in ends.enumerated() {
                out.append(RemoteResult.Field(text: String(decoding: bytes[start..<end], as: UTF8.self), quoted: quoted[i]))
                start = end
            }
            return out
        }
    }

    let maxRows: Int
    private(set) var totalRows = 0
    private var header: [RemoteResult.Field]?
    private var head: [[RemoteResult.Field]] = []
    /// The latest rows past the head, `tailRows` slots reused in turn (no allocation per row).
    private var tail: [RawRecord] = []
    private var tailNext = 0
    private var current = RawRecord()
    private var inQuotes = false, quoteSeen = false, fieldQuoted = false, any = false, pendingCR = false

    init(maxRows: Int) { self.maxRows = maxRows }

    private var headRows: Int { maxRows == 0 ? Int.max : (maxRows + 1) / 2 }
    private var tailRows: Int { maxRows / 2 }

    /// Reads the next piece of the CSV text.
    mutating func feed(_ bytes: UnsafeRawBufferPointer) {
        for b in bytes { step(b) }
    }

    @inline(__always) private mutating func step(_ b: UInt8) {
        if pendingCR {
            pendingCR = false
            // CR LF ends the line; a CR before anything else is data, as `RemoteResult.parse` reads it.
            if b != 0x0A { current.bytes.append(0x0D) }
        }
        if quoteSeen {
            quoteSeen = false
            // `""` inside quotes is one quote; a lone `"` closed them and this byte is read unquoted.
            if b == 0x22 { current.bytes.append(0x22); return }
            inQuotes = false
        }
        if inQuotes {
            if b == 0x22 { quoteSeen = true } else { current.bytes.append(b) }
            return
        }
        any = true
        switch b {
        case 0x22: inQuotes = true; fieldQuoted = true
        case 0x2C: endField()
        case 0x0D: pendingCR = true
        case 0x0A:
            endField()
            endRecord()
        default: current.bytes.append(b)
        }
    }

    private mutating func endField() {
        current.ends.append(current.bytes.count)
        current.quoted.append(fieldQuoted)
        fieldQuoted = false
    }

    private mutating func endRecord() {
        any = false
        defer { current.clear() }
        guard header != nil else { header = current.fields; return }
        totalRows += 1
        if head.count < headRows { head.append(current.fields); return }
        guard tailRows > 0 else { return }
        if tail.count < tailRows {
            tail.append(current)
            current = RawRecord()
        } else {
            swap(&tail[tailNext], &current)
        }
        tailNext = (tailNext + 1) % tailRows
    }

    /// Ends the text (a last record without a line end counts) and draws the table.
    mutating func render(_ style: TableStyle) -> [UInt8] {
        if pendingCR { current.bytes.append(0x0D); pendingCR = false }
        if quoteSeen { quoteSeen = false; inQuotes = false }
        if any || !current.ends.isEmpty || !current.bytes.isEmpty { endField(); endRecord() }
        guard let header else { return [] }
        var shown = head
        // The ring in arrival order: oldest at `tailNext` once it is full.
        let start = tail.count < tailRows ? 0 : tailNext
        for i in 0..<tail.count { shown.append(tail[(start + i) % tail.count].fields) }
        let result = RemoteResult.decode(header: header, rows: shown)
        return TableRows(maxRows: maxRows, shown: result, totalRows: totalRows).render(style)
    }
}
