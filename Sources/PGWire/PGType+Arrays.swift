/// PostgreSQL's one-dimensional array types (`pg_type` rows whose `typelem` is the element type, named
/// `_element`), as the server sends array result columns.
extension PGType {
    /// Each array type with its element type, by the array type's `pg_type` OID.
    public static let arrays: [(array: PGType, element: PGType)] = [
        (1000, .bool), (1003, .name), (1005, .int2), (1007, .int4), (1009, .text), (1015, .varchar), (1016, .int8),
        (1021, .float4), (1022, .float8), (1028, .oidType), (1185, .timestamptz), (1231, .numeric),
    ].map { oid, element in (PGType(oid: oid, size: -1, name: "_" + element.name), element) }

    /// The array type whose elements are `element`, if PostgreSQL has one the server knows.
    public static func array(of element: PGType) -> PGType? {
        arrays.first { $0.element == element }?.array
    }
}
