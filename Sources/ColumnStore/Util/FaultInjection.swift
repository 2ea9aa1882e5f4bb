import Synchronization

/// Failure points that tests switch on to reach error paths a healthy disk never takes.
///
/// Every switch is off in production; only `@testable` tests set them. Each names the directory it
/// applies to, so tests running in parallel on other directories are not affected.
enum FaultInjection {
    private static let directorySyncAfterRename = Mutex<String?>(nil)

    /// While set, `FileIO.writeFileAtomically` of a file in `directory` fails after the rename, as if
    /// fsyncing the directory failed.
    static func failDirectorySyncAfterRename(in directory: String?) {
        directorySyncAfterRename.withLock { $0 = directory }
    }

    static func shouldFailDirectorySync(_ directory: String) -> Bool {
        directorySyncAfterRename.withLock { $0 == directory }
    }
}
