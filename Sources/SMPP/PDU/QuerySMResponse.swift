/// The body of query_sm_resp (section 4.8.2).
public struct QuerySMResponse: Hashable, Sendable {
    public var messageID: String
    /// Empty, or the 16-character absolute time at which the message reached its final state.
    public var finalDate: String
    /// message_state as the raw octet (see `MessageState`).
    public var messageState: UInt8
    public var errorCode: UInt8

    public init(messageID: String = "", finalDate: String = "", messageState: UInt8 = 0, errorCode: UInt8 = 0) {
        self.messageID = messageID
        self.finalDate = finalDate
        self.messageState = messageState
        self.errorCode = errorCode
    }
}
