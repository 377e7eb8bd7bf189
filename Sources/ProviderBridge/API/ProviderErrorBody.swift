/// The body of every error answer of the provider API: a stable code and words for people.
public struct ProviderErrorBody: Sendable, Hashable, Codable {
    /// `malformed`, `unauthorized`, `forbidden`, `not_found`, `idempotency_conflict`, `insufficient_funds`,
    /// `unavailable`, `internal`.
    public var code: String
    public var message: String

    public init(code: String, message: String) {
        self.code = code
        self.message = message
    }
}
