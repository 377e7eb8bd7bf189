/// A USSD service that is not one of Sika's menus: dialled on a simulated phone, it is served elsewhere (by an
/// application bound to the SMPP server, say). The network hands it each step of the dialogue and shows its answers
/// on the phone, exactly as it shows the menus'.
///
/// Calls for one dialogue come one at a time, in order: the phone waits for an answer before it sends the next step.
public protocol ExternalUSSDService: Sendable {
    /// The phone dialled `dial` (normalised, e.g. `*384*1#`): the dialogue opens; the answer is its first screen.
    func open(_ dialogue: ExternalDialogue, dial: String) async -> SimulatorExchange.Answer
    /// The subscriber answered the screen on display.
    func answer(_ dialogue: ExternalDialogue, input: String) async -> SimulatorExchange.Answer
    /// The phone hung up, dialled again, or was put away: nothing more comes for this dialogue.
    func release(_ dialogue: ExternalDialogue) async
}

/// One dialogue of a simulated phone with an external USSD service.
public struct ExternalDialogue: Sendable, Hashable {
    /// The simulator's session id (`web-7`), unique on the network.
    public let session: String
    public let msisdn: String
    /// The operator of the phone's number.
    public let operatorID: String

    public init(session: String, msisdn: String, operatorID: String) {
        self.session = session
        self.msisdn = msisdn
        self.operatorID = operatorID
    }
}
