/// The session file cannot be opened, or does not run with the durability it is configured for.
public struct SessionStoreError: Error, Sendable, CustomStringConvertible {
    public let message: String

    public init(_ message: String) { self.message = message }

    public var description: String { message }
}
