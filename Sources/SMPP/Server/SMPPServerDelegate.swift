import NIOCore

/// The host behind an SMPP server: decides binds, takes submissions, hears when sessions begin and end. Calls for one
/// connection come one at a time, in the order the PDUs arrived; calls for different connections run concurrently.
/// The host pushes deliver_sm to an ESME with `SMPPServerSession.deliver(_:)`, which returns the ESME's
/// deliver_sm_resp.
public protocol SMPPServerDelegate: Sendable {
    /// Authenticate a bind (system_id, password, system_type, address range).
    func authenticate(_ request: BindRequest, kind: BindKind, connection: SMPPConnectionInfo) async -> BindDecision

    /// The ESME submitted a message (a transmitter or transceiver bind).
    func submit(_ message: SubmitSM, session: SMPPServerSession) async -> SubmitDecision

    /// The submit_sm_resp for `message` has been written. The place to push what follows an accepted submit, such as
    /// its delivery receipt: anything delivered from here reaches the ESME after the response. By default nothing.
    func submitAnswered(_ message: SubmitSM, decision: SubmitDecision, session: SMPPServerSession) async

    /// The ESME sent a data_sm. By default refused with ESME_RINVCMDID.
    func dataSM(_ message: DataSM, session: SMPPServerSession) async -> SubmitDecision

    /// The ESME asked for a message's state. By default refused with ESME_RQUERYFAIL.
    func query(_ query: QuerySM, session: SMPPServerSession) async -> QueryDecision

    /// A bind succeeded; the session may now receive deliver_sm if its kind allows.
    func sessionBound(_ session: SMPPServerSession) async

    /// A bound session ended.
    func sessionEnded(_ session: SMPPServerSession, reason: SMPPSessionEndReason) async

    /// The connection closed, bound or not (after `sessionEnded` when it was): the place to release what
    /// `authenticate` counted for it.
    func connectionClosed(_ connection: SMPPConnectionInfo) async
}

extension SMPPServerDelegate {
    public func dataSM(_ message: DataSM, session: SMPPServerSession) async -> SubmitDecision { .rejected(.invalidCommandID) }
    public func query(_ query: QuerySM, session: SMPPServerSession) async -> QueryDecision { .rejected(.queryFailed) }
    public func submitAnswered(_ message: SubmitSM, decision: SubmitDecision, session: SMPPServerSession) async {}
    public func sessionBound(_ session: SMPPServerSession) async {}
    public func sessionEnded(_ session: SMPPServerSession, reason: SMPPSessionEndReason) async {}
    public func connectionClosed(_ connection: SMPPConnectionInfo) async {}
}
