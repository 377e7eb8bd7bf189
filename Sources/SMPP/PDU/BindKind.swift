/// The three ways an ESME binds (section 2.2): which direction of messages the session carries.
public enum BindKind: String, Hashable, Sendable, CaseIterable {
    case transmitter
    case receiver
    case transceiver

    /// May the ESME submit messages (submit_sm, data_sm, query_sm) on this bind?
    public var canTransmit: Bool { self != .receiver }
    /// May the SMSC deliver messages (deliver_sm, data_sm) to the ESME on this bind?
    public var canReceive: Bool { self != .transmitter }

    /// The bind request's command id.
    public var commandID: CommandID {
        switch self {
        case .transmitter: .bindTransmitter
        case .receiver: .bindReceiver
        case .transceiver: .bindTransceiver
        }
    }

    /// The bind kind a bind request or response id stands for, or nil for any other id.
    public init?(commandID: CommandID) {
        switch CommandID(rawValue: commandID.rawValue & 0x7FFF_FFFF) {
        case .bindTransmitter: self = .transmitter
        case .bindReceiver: self = .receiver
        case .bindTransceiver: self = .transceiver
        default: return nil
        }
    }
}
