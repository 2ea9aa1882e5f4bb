import NIOCore

/// Arrays in binary format, as PostgreSQL's `array_send` writes them:
///
/// | bytes | field |
/// |---|---|
/// | 4 | value length (the DataRow field's, patched by `endArray`) |
/// | 4 | number of dimensions: 1, or 0 for an empty array (which then has no dimension fields) |
/// | 4 | flags: 1 when some element is NULL |
/// | 4 | the element type's OID |
/// | 4 + 4 | per dimension: its length, its lower bound (1) |
/// | … | the elements, each an int32 length and its binary value, or length -1 for NULL |
///
/// The elements are written with the `write…` methods in binary format (or `writeNull`), whose
/// length-prefixed layout is the array's too. Text format needs none of this: the array's text
/// (`{1,2}`) goes out with `writeText`.
extension PGDataRowWriter {
    /// Starts an array of `count` elements of `element`, `hasNull` when one of them is NULL.
    public mutating func beginArray(element: PGType, count: Int, hasNull: Bool) {
        arrayStart = buffer.writerIndex
        buffer.writeInteger(Int32(0))
        buffer.writeInteger(Int32(count == 0 ? 0 : 1))
        buffer.writeInteger(Int32(hasNull ? 1 : 0))
        buffer.writeInteger(element.oid)
        if count > 0 {
            buffer.writeInteger(Int32(count))
            buffer.writeInteger(Int32(1))
        }
    }

    /// Ends the array `beginArray` started: patches its length.
    public mutating func endArray() {
        buffer.setInteger(Int32(buffer.writerIndex - arrayStart - 4), at: arrayStart)
    }
}
