/// A durable session store cannot be opened, or does not run with the durability it is configured for.
public struct SessionStoreError: Error, Sendable, CustomStringConvertible {
    public enum Code: String, Sendable, Hashable {
        /// The file or its directory cannot be created, opened or made private.
        case storage
        /// The file does not run with the journal mode and `synchronous` level asked for.
        case configuration
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code.rawValue): \(message)" }
}
