/// Where an outbox message is once it was handed to a front that reports delivery (an SMSC over SMPP, which
/// answers each `submit_sm` with a delivery receipt). Messages handed to a front without receipts (a line
/// connection, the simulated network) have no delivery state: handing them over is all there is to know.
public enum SMSDeliveryState: String, Sendable, Hashable, Codable, CaseIterable {
    /// Handed to an SMSC; its receipt has not come yet.
    case submitted
    /// A receipt said the phone could not be reached: the message goes out again once its retry time comes.
    case retrying
    /// Every part of the message reached the phone.
    case delivered
    /// Refused for good: the attempts are spent.
    case undelivered
    /// The validity period passed before the phone was reached (the SMSC said so, or no receipt ever came).
    case expired

    /// Will the state change again?
    public var isFinal: Bool { self == .delivered || self == .undelivered || self == .expired }
}
