import QueryEngine

/// The databases InfluxQL statements reach: the server's, by name.
public protocol InfluxQLCatalog: Sendable {
    /// Every database, by name.
    func databaseNames() -> [String]
    /// The query engine of database `name`, created first when `create`; nil when it does not exist.
    func engine(_ name: String, create: Bool) throws -> QueryEngine?
    /// Removes database `name` and its data; false when there was none.
    func dropDatabase(_ name: String) throws -> Bool
}
