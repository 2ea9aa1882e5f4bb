/// How `ResultFormatter.table` lays out a result for people.
public struct TableStyle: Sendable, Equatable {
    /// Show at most this many rows: a longer result shows its first and last halves around a
    /// three-row `·` marker, like DuckDB's shell. 0 shows every row.
    public var maxRows: Int
    /// Cut cells wider than this many terminal columns, ending them with `…`. 0 never cuts.
    public var maxCellWidth: Int
    /// Plain ASCII borders (`+-|`) instead of box drawing.
    public var ascii: Bool
    /// A second header row with the column types.
    public var showTypes: Bool
    /// A `N rows` line under the table (`N rows (M shown)` when cut).
    public var footer: Bool

    public init(maxRows: Int = 40, maxCellWidth: Int = 60, ascii: Bool = false, showTypes: Bool = true,
                footer: Bool = true) {
        self.maxRows = maxRows
        self.maxCellWidth = maxCellWidth
        self.ascii = ascii
        self.showTypes = showTypes
        self.footer = footer
    }
}

/// The old name, which collides with `ColumnStore.TableOptions` (a table's storage settings).
@available(*, deprecated, renamed: "TableStyle")
public typealias TableOptions = TableStyle
