import Foundation

/// Keeps an SQLite database and its `-wal` / `-shm` files readable by their owner only (0600): the ledger holds
/// names, balances and PIN hashes, the session file numbers and what they were doing. Both SQLite stores use it.
///
/// SQLite creates a database with mode 0644 and gives its `-wal` and `-shm` files the database's own mode, so
/// creating the database file first with 0600 makes all three private; an existing, looser file (made by an
/// older version) is tightened at open.
public enum PrivateDatabaseFiles {
    /// Owner read and write, nothing for anyone else.
    public static let mode: mode_t = 0o600

    /// The files of a database at `path`.
    public static func paths(databasePath path: String) -> [String] {
        [path, path + "-wal", path + "-shm"]
    }

    /// Creates the database file with mode 0600 if it does not exist yet.
    /// - Throws: ``PrivateFileError`` naming the missing directory, or why the file cannot be created.
    public static func prepare(databasePath path: String) throws(PrivateFileError) {
        let directory = (path as NSString).deletingLastPathComponent
        var isDirectory: ObjCBool = false
        if !directory.isEmpty, !FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) || !isDirectory.boolValue {
            throw PrivateFileError(.missingDirectory, "cannot open \(path): directory \(directory) does not exist")
        }
        let fd = open(path, O_CREAT | O_RDONLY | O_CLOEXEC, mode)
        guard fd >= 0 else { throw PrivateFileError(.cannotCreate, "cannot create \(path): \(String(cString: strerror(errno)))") }
        close(fd)
    }

    /// Tightens the database's files to 0600 where they are looser.
    /// - Throws: ``PrivateFileError`` naming the file that cannot be made private.
    public static func restrict(databasePath path: String) throws(PrivateFileError) {
        for file in paths(databasePath: path) {
            var info = stat()
            guard stat(file, &info) == 0 else { continue }
            if info.st_mode & 0o077 != 0, chmod(file, mode) != 0 {
                throw PrivateFileError(.cannotRestrict, "cannot make \(file) private: \(String(cString: strerror(errno)))")
            }
        }
    }
}
