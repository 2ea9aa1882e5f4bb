import ColumnStore
import LineProtocol

/// A line-protocol visitor that builds one `WriteBatch` per measurement, straight into columns.
///
/// Tags become `.symbol` columns (codes into a batch-local dictionary, interned from the input bytes),
/// fields typed columns, `time` the line's timestamp or `defaultTime`. Cells are appended as they
/// arrive; when the line is then rejected, `abortLine` truncates every column back to the row count
/// and drops the columns the line added, so no partial row (and no new column) is left behind.
/// The batcher rejects a line for: a field whose type differs from its column's type in this batch,
/// a key used both as a tag and as a field, a key repeated in the line, a key named `time`.
public struct LineProtocolBatcher: LineProtocolVisitor {
    /// Timestamp (ns) for lines without one: when the batch was received.
    public var defaultTime: Int64
    /// Lines expected before the next `takeBatches` (0: unknown). When known, a table that reaches
    /// `sizingRow` rows reserves room for its share of them, instead of growing by doubling.
    public var expectedLines = 0
    /// Rows after which a table estimates its final size from `expectedLines`.
    static let sizingRow = 4096

    /// Every table but the current one; the current one's slot holds an empty placeholder.
    var tables: [TableBuilder] = []
    /// The table of the current line, kept out of `tables` so hot paths touch it directly.
    var cur: TableBuilder
    /// Index of `cur` in `tables`, -1 before the first line.
    var curIndex = -1
    var line = 0
    /// Line number of the first line since the last `takeBatches` (0: none yet).
    var firstLine = 0
    /// Row index of the current line in `cur`.
    var row = 0
    /// Columns the current line added (dropped again if it is rejected).
    var addedColumns = 0
    let scratch = UnescapeBuffer()
    /// Seed of every hash table the input chooses keys for (names, tag values).
    let seed = UInt64.random(in: .min ... .max)
    /// Measurement-name hash → the last table added with it; `sameHash` chains the others.
    var tablesByHash: [UInt64: Int] = [:]
    var sameHash: [Int] = []

    public init(defaultTime: Int64) {
        self.defaultTime = defaultTime
        cur = Self.placeholder()
    }

    private static func placeholder() -> TableBuilder {
        [UInt8]().withUnsafeBytes { TableBuilder(name: $0, seed: 0) }
    }

    /// Rows batched so far, over all tables.
    public var rowCount: Int { tables.reduce(cur.rowCount) { $0 + $1.rowCount } }

    public mutating func beginLine(measurement: LineSlice, line: Int) {
        self.line = line
        if firstLine == 0 { firstLine = line }
        if curIndex < 0 || !cur.nameBytes.withUnsafeBytes({ measurement.unescapedEquals($0) }) {
            switchTable(measurement)
        }
        row = cur.rowCount
    }

    private mutating func switchTable(_ measurement: LineSlice) {
        if curIndex >= 0 { swap(&cur, &tables[curIndex]) }
        measurement.withUnescaped(using: scratch) { name in
            let h = LineKey.hash(name, seed: seed)
            var t = tablesByHash[h] ?? -1
            while t >= 0 && !tables[t].nameBytes.elementsEqual(name) { t = sameHash[t] }
            if t >= 0 {
                curIndex = t
            } else {
                tables.append(TableBuilder(name: name, seed: seed))
                curIndex = tables.count - 1
                sameHash.append(tablesByHash[h] ?? -1)
                tablesByHash[h] = curIndex
            }
        }
        swap(&cur, &tables[curIndex])
    }

    /// A key repeated within a line lands in a column that already has this row.
    public static var detectsDuplicateKeys: Bool { true }

    public mutating func tag(key: LineKey, value: LineSlice) -> LineRejection? {
        let c: Int
        if let found = cur.column(for: key, isTag: true, scratch: scratch) {
            c = found
            // Only a tag of this line can have set this row already: fields come after tags.
            if cur.columns[c].count > row { return LineRejection(kind: .duplicateTag) }
            if cur.types[c] != .symbol { return conflict(c, offered: .symbol) }
        } else {
            if Self.isTimeName(key.slice) { return Self.timeRejection }
            c = cur.addColumn(key, type: .symbol, isTag: true, scratch: scratch)
            addedColumns += 1
        }
        cur.columns[c].appendTag(value, row: row)
        return nil
    }

    public mutating func field(key: LineKey, value: FieldValue) -> LineRejection? {
        let c: Int
        let offered = value.columnType
        if let found = cur.column(for: key, isTag: false, scratch: scratch) {
            c = found
            // A field of this line set it (a tag of the same name is a type conflict, below).
            if cur.columns[c].count > row, cur.types[c] != .symbol { return LineRejection(kind: .duplicateField) }
            if cur.types[c] != offered { return conflict(c, offered: offered) }
        } else {
            if Self.isTimeName(key.slice) { return Self.timeRejection }
            c = cur.addColumn(key, type: offered, isTag: false, scratch: scratch)
            addedColumns += 1
        }
        cur.columns[c].append(value, row: row)
        return nil
    }

    public mutating func endLine(timestamp: Int64?) {
        cur.time.append(timestamp ?? defaultTime)
        cur.rowLines.append(line)
        addedColumns = 0
        if row + 1 == Self.sizingRow && expectedLines > 0 { sizeTable() }
    }

    /// Reserves room for the current table's share of the expected lines (+10 %).
    private mutating func sizeTable() {
        let linesSoFar = line - firstLine + 1
        let share = Double(Self.sizingRow) / Double(linesSoFar)
        let rows = Int(Double(expectedLines) * share * 1.1)
        if rows > Self.sizingRow { cur.reserve(rows: min(rows, expectedLines + expectedLines / 10)) }
    }

    public mutating func abortLine() {
        for c in cur.columns.indices where cur.columns[c].count > row { cur.columns[c].truncate(to: row) }
        if addedColumns > 0 {
            cur.removeLastColumns(addedColumns)
            addedColumns = 0
        }
    }

    /// `time` names the designated timestamp column; a tag or field may not take it.
    private static func isTimeName(_ key: LineSlice) -> Bool {
        key.count == 4 && key.start[0] == UInt8(ascii: "t") && key.start[1] == UInt8(ascii: "i")
            && key.start[2] == UInt8(ascii: "m") && key.start[3] == UInt8(ascii: "e")
    }

    private static let timeRejection = LineRejection("'time' is the timestamp column; a tag or field cannot be named 'time'")

    /// Interns the tag values still waiting, while the input buffer is valid.
    public mutating func endChunk() {
        internPending(&cur)
        for i in tables.indices { internPending(&tables[i]) }
    }

    private func internPending(_ t: inout TableBuilder) {
        for c in t.columns.indices where t.types[c] == .symbol { t.columns[c].internPending() }
    }

    private func conflict(_ c: Int, offered: ColumnType) -> LineRejection {
        func kind(_ type: ColumnType) -> String { type == .symbol ? "a tag" : "a field of type \(type)" }
        return LineRejection(
            "type conflict in table '\(cur.name)': column '\(cur.columns[c].name)' is \(kind(cur.types[c])) "
                + "in this batch, this line has \(kind(offered))")
    }

    /// The batches built so far (one per measurement with rows, in order of first appearance) and,
    /// per batch, the input line of each row. Leaves the batcher empty.
    public mutating func takeBatches() -> (batches: [WriteBatch], rowLines: [[Int]]) {
        if curIndex >= 0 { swap(&cur, &tables[curIndex]) }
        var batches: [WriteBatch] = []
        var lines: [[Int]] = []
        for i in tables.indices where tables[i].rowCount > 0 {
            batches.append(tables[i].finish())
            lines.append(tables[i].rowLines)
        }
        tables = []
        firstLine = 0
        tablesByHash = [:]
        sameHash = []
        cur = Self.placeholder()
        curIndex = -1
        return (batches, lines)
    }
}
