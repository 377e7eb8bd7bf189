/// A request from the engine to the host: run the action `name` with these arguments.
///
/// The arguments may hold a PIN: the host must not log them. The session itself no longer holds
/// the PIN once the call has been emitted.
public struct ActionCall: Sendable, Hashable, Codable {
    /// The action's name, as declared in `actions.yaml`.
    public var name: String
    /// Argument name to value; every value is a string.
    public var arguments: [String: String]

    /// A call.
    public init(name: String, arguments: [String: String]) {
        self.name = name
        self.arguments = arguments
    }
}
