/// A table's segments in one read-only view, flat and oldest day first, with their time ranges and, once
/// opened, their row groups: what a snapshot walks instead of the manifest's entries. The repeated
/// fixed cost of a query (a warm `count(*)`) was string keys and dictionary lookups per segment.
final class SnapshotIndex {
    /// The manifest entry of each segment (read only to open it).
    let entries: [Manifest.Segment]
    /// Each segment's partition day.
    let day: [Int32]
    /// Each segment's time range, from the manifest.
    let minTime: [Int64]
    let maxTime: [Int64]
    /// Each segment's row groups once opened (nil: not yet).
    var groups: [[RowGroup]?]
    /// The schema width the row groups were built for (a wider schema maps its columns again).
    var columnCount: Int
    /// Every segment's row groups, oldest first, once a snapshot opened them all: the answer for a range
    /// that covers the whole table.
    var all: [RowGroup]?
    /// Partitions (distinct days) and the table's overall time range, for that whole-table check.
    let dayCount: Int
    let tableMin: Int64
    let tableMax: Int64

    init(days: [(day: Int32, segments: [Manifest.Segment])], columnCount: Int) {
        var entries: [Manifest.Segment] = [], day: [Int32] = [], lo: [Int64] = [], hi: [Int64] = []
        for (d, segs) in days {
            for e in segs { entries.append(e); day.append(d); lo.append(e.minTime); hi.append(e.maxTime) }
        }
        self.entries = entries
        self.day = day
        minTime = lo
        maxTime = hi
        groups = Array(repeating: nil, count: entries.count)
        self.columnCount = columnCount
        dayCount = days.count
        tableMin = lo.min() ?? .max
        tableMax = hi.max() ?? .min
    }

    /// True when `range` (and its days `lo...hi`) takes every segment: nothing would be pruned.
    func covers(_ range: ClosedRange<Int64>, lo: Int32, hi: Int32) -> Bool {
        guard let first = day.first, let last = day.last else { return true }
        return lo <= first && hi >= last && range.lowerBound <= tableMin && range.upperBound >= tableMax
    }
}
