/// A place in the query text: 1-based line and column (in Unicode scalars) and the 0-based UTF-8 byte offset.
public struct SourcePosition: Sendable, Hashable, CustomStringConvertible {
    /// 1-based line number; lines end at `\n`.
    public var line: Int
    /// 1-based column in Unicode scalars, so a person counting characters finds the spot.
    public var column: Int
    /// 0-based offset of the first UTF-8 byte.
    public var offset: Int

    public init(line: Int, column: Int, offset: Int) {
        self.line = line
        self.column = column
        self.offset = offset
    }

    /// `line:column`, as used in error messages.
    public var description: String { "\(line):\(column)" }
}
