/// PostgreSQL's one-dimensional array types (`pg_type` rows whose `typelem` is the element type, named
/// `_element`), as the server sends array result columns.
extension PGType {
    public static let boolArray = PGType(oid: 1000, size: -1, name: "_bool")
    public static let nameArray = PGType(oid: 1003, size: -1, name: "_name")
    public static let int2Array = PGType(oid: 1005, size: -1, name: "_int2")
    public static let int4Array = PGType(oid: 1007, size: -1, name: "_int4")
    public static let textArray = PGType(oid: 1009, size: -1, name: "_text")
    public static let varcharArray = PGType(oid: 1015, size: -1, name: "_varchar")
    public static let int8Array = PGType(oid: 1016, size: -1, name: "_int8")
    public static let float4Array = PGType(oid: 1021, size: -1, name: "_float4")
    public static let float8Array = PGType(oid: 1022, size: -1, name: "_float8")
    public static let oidArray = PGType(oid: 1028, size: -1, name: "_oid")
    public static let timestamptzArray = PGType(oid: 1185, size: -1, name: "_timestamptz")
    public static let numericArray = PGType(oid: 1231, size: -1, name: "_numeric")

    /// Each array type with its element type.
    public static let arrays: [(array: PGType, element: PGType)] = [
        (.boolArray, .bool), (.nameArray, .name), (.int2Array, .int2), (.int4Array, .int4), (.textArray, .text),
        (.varcharArray, .varchar), (.int8Array, .int8), (.float4Array, .float4), (.float8Array, .float8),
        (.oidArray, .oidType), (.timestamptzArray, .timestamptz), (.numericArray, .numeric),
    ]

    /// The array type whose elements are `element`, if PostgreSQL has one the server knows.
    public static func array(of element: PGType) -> PGType? {
        arrays.first { $0.element == element }?.array
    }
}
