import NIOCore

/// Keeps a session's link alive and notices a dead peer, as a value. After `enquireInterval` without any inbound PDU
/// it asks for an enquire_link; if nothing at all arrives within `responseTimeout` after that, the peer is dead.
/// Any inbound PDU counts as a sign of life, so a busy link sends no enquire_link. Both roles run one.
public struct LinkMonitor: Sendable {
    public enum Action: Hashable, Sendable {
        case none
        case sendEnquireLink
        case peerDead
    }

    public let enquireInterval: TimeAmount
    public let responseTimeout: TimeAmount
    private var lastInbound: NIODeadline
    private var probeSent: NIODeadline?

    public init(enquireInterval: TimeAmount, responseTimeout: TimeAmount, now: NIODeadline) {
        self.enquireInterval = enquireInterval
        self.responseTimeout = responseTimeout
        self.lastInbound = now
    }

    public mutating func inboundActivity(now: NIODeadline) {
        lastInbound = now
        probeSent = nil
    }

    public mutating func tick(now: NIODeadline) -> Action {
        if let probeSent {
            return now - probeSent >= responseTimeout ? .peerDead : .none
        }
        guard now - lastInbound >= enquireInterval else { return .none }
        probeSent = now
        return .sendEnquireLink
    }
}
