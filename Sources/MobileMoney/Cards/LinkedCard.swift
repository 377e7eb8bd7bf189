/// A bank card linked to a wallet, as shown anywhere: never more than its last four digits.
public struct LinkedCard: Sendable, Hashable, Codable {
    public let id: Int64
    public let last4: String
    public let expiryMonth: Int
    public let expiryYear: Int
    /// The key that sealed the number; rotation re-seals cards under the current key.
    public let keyID: String
}
