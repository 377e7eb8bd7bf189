/// Who a session belongs to, fixed when it starts: a resume is only ever offered to the same binding.
public struct SessionBinding: Sendable, Hashable, Codable {
    /// The operator the front authenticated (line `HELLO`, aggregator credential); nil when authentication is off.
    public var operatorID: String?
    public var msisdn: String
    /// The service id the dial string reached (`tmoney` for `*145#`).
    public var service: String
    /// The front that carries it (`line`, `http`, `direct` for in-process callers).
    public var front: String

    public init(operatorID: String?, msisdn: String, service: String, front: String) {
        self.operatorID = operatorID
        self.msisdn = msisdn
        self.service = service
        self.front = front
    }
}
