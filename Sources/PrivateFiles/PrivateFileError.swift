/// A database file that cannot be created or made private; each store maps it to its own storage error.
public struct PrivateFileError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Code: String, Sendable, Hashable {
        /// The directory of the database does not exist (or is not a directory).
        case missingDirectory = "missing_directory"
        /// The file cannot be created (permissions, a full disk…).
        case cannotCreate = "cannot_create"
        /// A file looser than 0600 cannot be tightened.
        case cannotRestrict = "cannot_restrict"
    }

    public let code: Code
    /// Names the file and the reason, for a one-line error.
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
