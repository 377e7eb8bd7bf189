import GatewayCore
import Ledger

/// The simulated network as one operator's SMS sink: SMS to the numbers whose phone is open go to it in
/// preference to the operator's connections; as a fallback it takes the rest while no gateway of the operator
/// is connected, and keeps them for a phone opened later (as an SMSC stores them for a phone switched off).
final class SimulatedOperatorSink: SMSSink {
    let operatorID: String
    private let network: SimulatedNetwork

    init(operatorID: String, network: SimulatedNetwork) {
        self.operatorID = operatorID
        self.network = network
    }

    /// The network's memory is bounded by its limits, never by a peer that does not read.
    var isReady: Bool { true }

    var isFallback: Bool { true }

    func claims(msisdn: String) -> Bool { network.hasPhone(msisdn, operatorID: operatorID) }

    func deliver(_ messages: [OutboxMessage]) async -> [OutboxMessage.ID] {
        for message in messages { network.receive(to: message.msisdn, from: message.sender, text: message.body) }
        return messages.map(\.id)
    }
}
