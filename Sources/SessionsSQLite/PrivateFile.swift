import Foundation
import Sessions

/// Keeps the session file and its `-wal` / `-shm` owner-only (0600), like the ledger's: sessions name
/// numbers and what they were doing.
enum PrivateFile {
    static let mode: mode_t = 0o600

    static func prepare(_ path: String) throws {
        let directory = (path as NSString).deletingLastPathComponent
        var isDirectory: ObjCBool = false
        if !directory.isEmpty, !FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) || !isDirectory.boolValue {
            throw SessionStoreError(.storage, "cannot open \(path): directory \(directory) does not exist")
        }
        let fd = open(path, O_CREAT | O_RDONLY | O_CLOEXEC, mode)
        guard fd >= 0 else { throw SessionStoreError(.storage, "cannot create \(path): \(String(cString: strerror(errno)))") }
        close(fd)
    }

    static func restrict(_ path: String) throws {
        for file in [path, path + "-wal", path + "-shm"] {
            var info = stat()
            guard stat(file, &info) == 0 else { continue }
            if info.st_mode & 0o077 != 0, chmod(file, mode) != 0 {
                throw SessionStoreError(.storage, "cannot make \(file) private: \(String(cString: strerror(errno)))")
            }
        }
    }
}
