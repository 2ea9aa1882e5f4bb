import Foundation

/// The databases under one data root (`<root>/<name>/`), opened on first use and shared.
///
/// The server and the embedded CLI both go through this, so a database directory is opened once per
/// process (the directory lock refuses a second process). A read-only registry opens each with
/// `Database.openReadOnly` (no lock: beside the writer) and never creates one.
public final class DatabaseRegistry: @unchecked Sendable {
    public let root: String
    public let options: DatabaseOptions
    public let readOnly: Bool
    private let lock = NSLock()
    private var open: [String: Database] = [:]

    public init(root: String, options: DatabaseOptions = DatabaseOptions(), readOnly: Bool = false) throws {
        self.root = root
        self.options = options
        self.readOnly = readOnly
        if !readOnly { try FileIO.makeDirectories(root) }
    }

    /// Names of the databases on disk, sorted.
    public func names() -> [String] {
        FileIO.list(root).filter { FileIO.isDirectory(root + "/" + $0) && FileNames.isValidName($0) }
    }

    /// The database `name`; created when `create` is true and it does not exist yet.
    public func database(_ name: String, create: Bool = true) throws -> Database? {
        guard FileNames.isValidName(name) else { throw StorageError.invalidName(name) }
        return try lock.withLock {
            if let db = open[name] { return db }
            let p = root + "/" + name
            guard (create && !readOnly) || FileIO.isDirectory(p) else { return nil }
            let db = readOnly ? try Database.openReadOnly(path: p, options: options) : try Database(path: p, options: options)
            open[name] = db
            return db
        }
    }

    /// Closes database `name` (flushing it) and deletes its directory; false when there is none.
    /// Callers must drop their own references first: a closed database refuses further use.
    public func drop(_ name: String) throws -> Bool {
        guard FileNames.isValidName(name), !readOnly else { throw StorageError.invalidName(name) }
        return try lock.withLock {
            let p = root + "/" + name
            if let db = open.removeValue(forKey: name) { try db.close() }
            guard FileIO.isDirectory(p) else { return false }
            try FileManager.default.removeItem(atPath: p)
            return true
        }
    }

    /// Flushes and closes every open database.
    public func closeAll() throws {
        let dbs = lock.withLock { let d = Array(open.values); open.removeAll(); return d }
        var firstError: Error?
        for db in dbs {
            do { try db.close() } catch { if firstError == nil { firstError = error } }
        }
        if let e = firstError { throw e }
    }
}
