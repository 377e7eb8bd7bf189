/// An application that receives the SMS simulated phones send to its short code (an ESME bound to the SMPP server,
/// which gets them as `deliver_sm`).
public protocol ExternalSMSService: Sendable {
    /// A phone sent `text` to `shortCode`. Returns nil when the message was taken (delivered, or kept for the
    /// application as an SMSC keeps it), else why not.
    func receive(from msisdn: String, operatorID: String, to shortCode: String, text: String) async -> SimulatorError?
}
