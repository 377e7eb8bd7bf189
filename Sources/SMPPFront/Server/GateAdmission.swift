import GatewayCore
import NIOCore
import SMPP

/// The SMPP listener's connection caps, as the SMPP server asks them: the gate's listener and per-address caps at
/// accept (the per-account cap is checked at bind).
struct GateAdmission: SMPPConnectionAdmission {
    let gate: ConnectionGate

    func admit(_ address: SocketAddress?) -> Bool { gate.admit(address: address?.clientAddress) == nil }

    func release(_ address: SocketAddress?) { gate.release(address: address?.clientAddress) }
}
