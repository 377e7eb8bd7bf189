/// What a host action answers a menu: an outcome name the menu routes on, and values for its templates.
public struct MenuActionOutcome: Sendable, Hashable {
    public let outcome: String
    public let values: [String: String]

    public init(_ outcome: String, _ values: [String: String] = [:]) {
        self.outcome = outcome
        self.values = values
    }
}
