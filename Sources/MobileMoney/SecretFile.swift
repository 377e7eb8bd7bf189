import Foundation

/// Reads secrets from files that only their owner can read; anything looser is refused at start-up with
/// a message saying how to fix it, because a readable secret is a leaked one.
public enum SecretFile {
    /// The trimmed text of `path`, after checking it belongs to this user and has no group/other bits.
    public static func read(_ path: String) throws -> String {
        var info = stat()
        guard stat(path, &info) == 0 else { throw MobileMoneyError(.configuration, "cannot read \(path)") }
        guard info.st_mode & 0o077 == 0, info.st_uid == getuid() else {
            throw MobileMoneyError(.configuration, "\(path) must belong to this user and be readable by its owner only (chmod 600 \(path))")
        }
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw MobileMoneyError(.configuration, "cannot read \(path)")
        }
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Writes `text` to `path` readable by its owner only (mode 600), replacing the file atomically: a
    /// new file is written beside it and renamed over it, so no reader ever sees a half-written or
    /// looser file.
    public static func write(_ text: String, to path: String) throws {
        let temporary = path + ".\(getpid()).tmp"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        guard fd >= 0 else { throw MobileMoneyError(.configuration, "cannot create \(temporary)") }
        let handle = FileHandle(fileDescriptor: fd, closeOnDealloc: false)
        let written = (try? handle.write(contentsOf: Data(text.utf8))) != nil
        // The mode given to open() is reduced by the umask; 600 is what this file must have, whatever it is.
        let ok = written && fchmod(fd, 0o600) == 0 && fsync(fd) == 0
        close(fd)
        guard ok, rename(temporary, path) == 0 else {
            unlink(temporary)
            throw MobileMoneyError(.configuration, "cannot write \(path)")
        }
    }

    /// `KEY=value` lines of a secrets file (blank lines and `#` comments ignored).
    public static func readAssignments(_ path: String) throws -> [String: String] {
        var values: [String: String] = [:]
        for line in try read(path).split(separator: "\n") {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            guard !trimmed.isEmpty, !trimmed.hasPrefix("#") else { continue }
            let parts = trimmed.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2 else { throw MobileMoneyError(.configuration, "\(path): lines are KEY=value") }
            values[parts[0]] = parts[1]
        }
        return values
    }
}
