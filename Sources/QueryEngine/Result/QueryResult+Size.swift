import ColumnStore

extension QueryResult {
    /// Bytes the result's column storage holds (what keeping it in memory costs, e.g. in a result cache).
    public var estimatedBytes: Int {
        columns.reduce(0) { $0 + MemorySize.of($1.vector) + $1.name.utf8.count + 64 }
    }
}
