/// The host's answer to an ``ActionCall``: an outcome name and the values it provides.
public struct ActionOutcome: Sendable, Hashable, Codable {
    /// One of the action's declared outcomes, or `error`.
    public var name: String
    /// Values merged into the session's variables (`recipient.name`, `fee`, `balance`…).
    public var values: [String: String]

    /// An outcome.
    public init(_ name: String, values: [String: String] = [:]) {
        self.name = name
        self.values = values
    }

    /// The outcome every action may answer when something unexpected failed.
    public static let error = ActionOutcome(ActionCatalog.errorOutcome)
}
