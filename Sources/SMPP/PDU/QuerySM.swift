/// The body of query_sm (section 4.8.1): the state of a message submitted earlier.
public struct QuerySM: Hashable, Sendable {
    public var messageID: String
    public var source: Address

    public init(messageID: String, source: Address) {
        self.messageID = messageID
        self.source = source
    }
}
