/// The body of submit_sm_resp, deliver_sm_resp and data_sm_resp: the SMSC's message id (empty in deliver_sm_resp).
/// On a non-zero status, submit_sm_resp has no body (section 4.4.2), which decodes as an empty id.
public struct SubmitSMResponse: Hashable, Sendable {
    /// message_id, at most 64 characters.
    public var messageID: String
    /// TLVs: only data_sm_resp carries them.
    public var options: OptionalParameters

    public init(messageID: String = "", options: OptionalParameters = []) {
        self.messageID = messageID
        self.options = options
    }
}
