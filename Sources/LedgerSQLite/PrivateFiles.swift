import Foundation
import Ledger

/// Keeps the ledger's files readable by their owner only: they hold names, balances and PIN hashes.
///
/// SQLite creates a database with mode 0644 and gives its `-wal` and `-shm` files the database's own
/// mode, so creating the database file first with 0600 makes all three private; an existing, looser
/// file (made by an older version) is tightened at open.
enum PrivateFiles {
    static let mode: mode_t = 0o600

    /// The files of a database at `path`.
    static func paths(databasePath path: String) -> [String] {
        [path, path + "-wal", path + "-shm"]
    }

    /// Creates the database file with mode 0600 if it does not exist yet; names a missing directory.
    static func prepare(databasePath path: String) throws {
        let directory = (path as NSString).deletingLastPathComponent
        var isDirectory: ObjCBool = false
        if !directory.isEmpty, !FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) || !isDirectory.boolValue {
            throw LedgerError(.storage, "cannot open \(path): directory \(directory) does not exist")
        }
        let fd = open(path, O_CREAT | O_RDONLY | O_CLOEXEC, mode)
        guard fd >= 0 else {
            throw LedgerError(.storage, "cannot create \(path): \(String(cString: strerror(errno)))")
        }
        close(fd)
    }

    /// Tightens the database's files to 0600 where they are looser.
    static func restrict(databasePath path: String) throws {
        for file in paths(databasePath: path) {
            var info = stat()
            guard stat(file, &info) == 0 else { continue }
            if info.st_mode & 0o077 != 0, chmod(file, mode) != 0 {
                throw LedgerError(.storage, "cannot make \(file) private: \(String(cString: strerror(errno)))")
            }
        }
    }
}
