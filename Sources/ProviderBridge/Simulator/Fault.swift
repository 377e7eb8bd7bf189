/// One injected fault, as decided for one request.
public enum Fault: String, Sendable, Hashable, CaseIterable, Codable {
    /// Answered normally, after the plan's latency.
    case none
    case serverError = "server_error"
    case timeout
    case reset
    case lostResponse = "lost_response"
    case duplicate
    case outage
    case hold
}
