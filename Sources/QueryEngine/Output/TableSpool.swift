import ColumnStore
import Foundation

/// `TableFormatter`'s bordered table of every row of an answer of any length, in bounded memory: each
/// batch's cells are rendered as it comes and kept, with their widths, in a temporary file (unlinked at
/// once, so nothing is left behind), while the column widths grow; `write` then lays the table out from
/// the file. Column widths need every row, so no line can go out before the last batch came.
///
/// The file holds each row's cells in order, each as its byte length and terminal width (two
/// little-endian UInt32s) followed by its bytes.
public final class TableSpool {
    let style: TableStyle
    private let fd: Int32
    private var headers = TableFormatter.Cells()
    private var types = TableFormatter.Cells()
    private var widths: [Int] = []
    private var rightAligned: [Bool] = []
    private var pending: [UInt8] = []
    private var began = false
    /// Rows added so far.
    public private(set) var rowCount = 0

    /// Bytes kept in memory before they are appended to the file.
    static let flushBytes = 1 << 20

    /// `style.maxRows` is ignored: every row is shown.
    public init(style: TableStyle) throws {
        var s = style
        s.maxRows = 0
        self.style = s
        let path = NSTemporaryDirectory() + "/tsdb-table-\(getpid())-\(UUID().uuidString)"
        fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        let e = errno
        guard fd >= 0 else { throw QueryError("cannot create a temporary file for the table: \(String(cString: strerror(e)))") }
        unlink(path)
    }

    deinit { close(fd) }

    private var ellipsis: [UInt8] { style.ascii ? Array("...".utf8) : Array("…".utf8) }
    private var ellipsisWidth: Int { style.ascii ? 3 : 1 }

    /// Takes the next batch of the answer (all batches have the same columns).
    public func add(_ batch: QueryResult) throws {
        if !began {
            began = true
            for col in batch.columns {
                TableFormatter.appendCell(&headers, style, ellipsis, ellipsisWidth) { TableFormatter.appendDisplayText(col.name, to: &$0) }
                let typeName = col.typeName
                TableFormatter.appendCell(&types, style, ellipsis, ellipsisWidth) { $0.append(contentsOf: typeName.utf8) }
                var w = max(headers.widths.last!, 1)
                if style.showTypes { w = max(w, types.widths.last!) }
                widths.append(w)
                rightAligned.append(col.type == .int64 || col.type == .uint64 || col.type == .float64)
            }
        }
        let n = batch.rowCount
        var lo = 0
        var cells = [TableFormatter.Cells](repeating: TableFormatter.Cells(), count: batch.columns.count)
        var raw: [UInt8] = [], rawEnds: [Int] = []
        while lo < n {
            let block = lo..<min(n, lo + 1024)
            for (c, col) in batch.columns.enumerated() {
                raw.removeAll(keepingCapacity: true)
                rawEnds.removeAll(keepingCapacity: true)
                cells[c] = TableFormatter.Cells()
                CellText.render(col.vector, block, .table, into: &raw, ends: &rawEnds)
                for k in rawEnds.indices {
                    let cell = raw[(k == 0 ? 0 : rawEnds[k - 1])..<rawEnds[k]]
                    TableFormatter.appendCell(&cells[c], style, ellipsis, ellipsisWidth) { $0.append(contentsOf: cell) }
                }
            }
            for k in 0..<block.count {
                for c in cells.indices {
                    let text = cells[c].text(k), w = cells[c].widths[k]
                    Self.appendWord(UInt32(text.count), to: &pending)
                    Self.appendWord(UInt32(w), to: &pending)
                    pending.append(contentsOf: text)
                    if w > widths[c] { widths[c] = w }
                }
            }
            rowCount += block.count
            lo = block.upperBound
            if pending.count >= Self.flushBytes { try flush() }
        }
    }

    /// Lays out the table, handing it to `emit` in pieces of about `pieceBytes`.
    public func write(pieceBytes: Int = 256 << 10, _ emit: ([UInt8]) throws -> Void) throws {
        try flush()
        guard lseek(fd, 0, SEEK_SET) == 0 else { throw QueryError("cannot read the table's temporary file back") }
        let box = TableBox(ascii: style.ascii)
        var out: [UInt8] = []
        func rule(_ left: String, _ mid: String, _ right: String) { box.rule(left, mid, right, widths: widths, into: &out) }
        func spaces(_ k: Int) { for _ in 0..<k { out.append(0x20) } }
        func cell(_ c: Int, _ text: UnsafeRawBufferPointer, _ w: Int, _ align: Int) {
            let pad = widths[c] - w
            let left = align < 0 ? 0 : align > 0 ? pad : pad / 2
            spaces(1 + left)
            out.append(contentsOf: text)
            spaces(pad - left + 1)
            out.append(contentsOf: box[10].utf8)
        }
        func labels(_ cells: TableFormatter.Cells) {
            out.append(contentsOf: box[10].utf8)
            for c in widths.indices {
                cells.text(c).withUnsafeBytes { cell(c, $0, cells.widths[c], 0) }
            }
            out.append(0x0A)
        }
        if !widths.isEmpty {
            rule(box[0], box[1], box[2])
            labels(headers)
            if style.showTypes { labels(types) }
            rule(box[3], box[4], box[5])
            // Rows from the file: whole rows are laid out, a row cut by the read waits for the next.
            var data: [UInt8] = []
            var block = [UInt8](repeating: 0, count: 1 << 20)
            var rowsLeft = rowCount
            while rowsLeft > 0 {
                let got = block.withUnsafeMutableBytes { read(fd, $0.baseAddress!, $0.count) }
                if got < 0 && errno == EINTR { continue }
                guard got > 0 else { throw QueryError("the table's temporary file ended early") }
                data.append(contentsOf: block[..<got])
                var at = 0
                data.withUnsafeBytes { p in
                    while rowsLeft > 0 {
                        // Does a whole row start at `at`?
                        var end = at
                        for _ in widths.indices {
                            guard end + 8 <= p.count else { return }
                            end += 8 + Int(Self.word(p, end))
                        }
                        guard end <= p.count else { return }
                        out.append(contentsOf: box[10].utf8)
                        var i = at
                        for c in widths.indices {
                            let len = Int(Self.word(p, i)), w = Int(Self.word(p, i + 4))
                            cell(c, UnsafeRawBufferPointer(rebasing: p[(i + 8)..<(i + 8 + len)]), w, rightAligned[c] ? 1 : -1)
                            i += 8 + len
                        }
                        out.append(0x0A)
                        at = end
                        rowsLeft -= 1
                    }
                }
                data.removeSubrange(..<at)
                if out.count >= pieceBytes {
                    try emit(out)
                    out.removeAll(keepingCapacity: true)
                }
            }
            rule(box[6], box[7], box[8])
        }
        if style.footer {
            ValueText.append(Int64(rowCount), to: &out)
            out.append(contentsOf: (rowCount == 1 ? " row" : " rows").utf8)
            out.append(0x0A)
        }
        try emit(out)
    }

    private func flush() throws {
        var off = 0
        while off < pending.count {
            let n = pending.withUnsafeBytes { Foundation.write(fd, $0.baseAddress! + off, $0.count - off) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else {
                throw QueryError("cannot write the table's temporary file: \(String(cString: strerror(errno)))")
            }
            off += n
        }
        pending.removeAll(keepingCapacity: true)
    }

    @inline(__always) static func appendWord(_ v: UInt32, to out: inout [UInt8]) {
        out.append(UInt8(truncatingIfNeeded: v))
        out.append(UInt8(truncatingIfNeeded: v >> 8))
        out.append(UInt8(truncatingIfNeeded: v >> 16))
        out.append(UInt8(truncatingIfNeeded: v >> 24))
    }

    @inline(__always) static func word(_ p: UnsafeRawBufferPointer, _ at: Int) -> UInt32 {
        UInt32(p[at]) | UInt32(p[at + 1]) << 8 | UInt32(p[at + 2]) << 16 | UInt32(p[at + 3]) << 24
    }
}
