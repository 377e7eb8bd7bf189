import Foundation

/// One SMS a simulated phone received.
public struct InboxMessage: Sendable, Hashable, Codable {
    /// Increasing over the whole network: a later message has a larger id.
    public let id: Int
    /// Who sent it: the operator's short code for receipts.
    public let from: String
    public let text: String
    /// When the phone received it.
    public let receivedAt: Date
    public var read: Bool

    public init(id: Int, from: String, text: String, receivedAt: Date, read: Bool = false) {
        self.id = id
        self.from = from
        self.text = text
        self.receivedAt = receivedAt
        self.read = read
    }
}
