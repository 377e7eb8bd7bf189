import Foundation
import GatewayCore
import Ledger
import Logging
import Sessions
import Simulator
import Synchronization
import TestSupport
import Testing

/// How the dispatcher shares an operator's SMS between the simulated network and the operator's own connections.
@Suite struct SMSRoutingTests {
    /// An operator's connection, recording what it was handed.
    final class RecordingSink: SMSSink {
        let operatorID: String
        private let received = Mutex<[OutboxMessage]>([])

        let ready: Mutex<Bool>

        init(operatorID: String, ready: Bool = true) {
            self.operatorID = operatorID
            self.ready = Mutex(ready)
        }

        var isReady: Bool { ready.withLock { $0 } }
        var messages: [OutboxMessage] { received.withLock { $0 } }

        func deliver(_ messages: [OutboxMessage]) async -> [OutboxMessage.ID] {
            received.withLock { $0 += messages }
            return messages.map(\.id)
        }
    }

    static func core() async throws -> (GatewayCore, TestWorld) {
        let world = try await TestWorld.make(markSeedSMSDelivered: true)
        let core = GatewayCore(
            sessions: SessionManager(menus: Shipped.menus, money: world.money), configuration: GatewayConfiguration(),
            logger: .quiet("sika.simulator.test"))
        return (core, world)
    }

    /// Kofi sends Ama 5 000 FCFA from his simulated phone, and has `balance` left.
    static func transfer(_ network: SimulatedNetwork, leaving balance: String = "44 950 FCFA") async throws {
        let session = try await network.dial("22890112233", "*145*1*1*90445566*5000#").session
        _ = try await network.answer(session, "1")
        let end = try await network.answer(session, "2580")
        guard case .end(let text) = end.answer, text.contains(balance) else { throw SimulatorError(.malformed, "transfer failed: \(end)") }
    }

    static func deliverAll(_ core: GatewayCore) async {
        await core.dispatcher.pass()
        await core.dispatcher.drain(timeout: .seconds(5))
    }

    @Test func anOpenPhoneGetsItsSMSAndTheOperatorsConnectionTheOthers() async throws {
        let (core, world) = try await Self.core()
        let network = SimulatedNetwork(core: core)
        network.connect()
        let line = RecordingSink(operatorID: "tmoney")
        _ = core.dispatcher.connect(line)
        try await network.addPhone("22890112233")
        try await Self.transfer(network)
        await Self.deliverAll(core)
        // Kofi's phone is open: his receipt is on it. Ama has none open: hers goes to the operator's connection.
        #expect(try network.inbox("22890112233").count == 1)
        #expect(try network.inbox("22890112233").first?.text.contains("44 950 FCFA") == true)
        #expect(line.messages.map(\.msisdn) == ["22890445566"])
        #expect(try await world.money.ledger.undeliveredSMS(operatorID: "tmoney", limit: 10).isEmpty)
    }

    /// A connected gateway that cannot take messages now (a line peer not reading, an SMSC that throttles) keeps
    /// them: they wait in the outbox for it rather than go to the network's fallback, where its phones would never see them.
    @Test func aGatewayThatIsNotReadyKeepsItsMessagesInTheOutbox() async throws {
        let (core, world) = try await Self.core()
        let network = SimulatedNetwork(core: core)
        network.connect()
        let slow = RecordingSink(operatorID: "tmoney", ready: false)
        _ = core.dispatcher.connect(slow)
        try await network.addPhone("22890112233")
        try await Self.transfer(network)
        await Self.deliverAll(core)
        // Kofi's phone claims his receipt; Ama's waits for the gateway.
        #expect(try network.inbox("22890112233").count == 1)
        #expect(slow.messages.isEmpty)
        #expect(try await world.money.ledger.undeliveredSMS(operatorID: "tmoney", limit: 10).map(\.msisdn) == ["22890445566"])
        slow.ready.withLock { $0 = true }
        await Self.deliverAll(core)
        #expect(slow.messages.map(\.msisdn) == ["22890445566"])
    }

    /// A gateway configured but not connected yet (an SMPP link binding, or between binds) keeps the operator's
    /// messages in the outbox too: the network's fallback takes them only once no gateway is expected any more.
    /// (Before, a receipt written in the moment before a link's first bind went to the simulator and never to the SMSC.)
    @Test func anExpectedGatewayKeepsItsMessagesInTheOutboxUntilItIsNoLongerExpected() async throws {
        let (core, world) = try await Self.core()
        let network = SimulatedNetwork(core: core)
        network.connect()
        let link = core.dispatcher.expectGateway(operatorID: "tmoney")
        try await network.addPhone("22890112233")
        try await Self.transfer(network)
        await Self.deliverAll(core)
        // Kofi's phone claims his receipt; Ama's waits for the link.
        #expect(try network.inbox("22890112233").count == 1)
        #expect(try await world.money.ledger.undeliveredSMS(operatorID: "tmoney", limit: 10).map(\.msisdn) == ["22890445566"])
        // Bound: its sink takes it.
        let bound = RecordingSink(operatorID: "tmoney")
        let registration = core.dispatcher.connect(bound)
        await Self.deliverAll(core)
        #expect(bound.messages.map(\.msisdn) == ["22890445566"])
        // Unbound and no longer expected (the link stopped): the next receipt for Ama goes to the network again.
        core.dispatcher.disconnect(registration)
        core.dispatcher.disconnect(link)
        try await Self.transfer(network, leaving: "39 900 FCFA")
        await Self.deliverAll(core)
        #expect(try await world.money.ledger.undeliveredSMS(operatorID: "tmoney", limit: 10).isEmpty)
        try await network.addPhone("22890445566")
        #expect(try network.inbox("22890445566").count == 1)
    }

    @Test func withoutAConnectionTheNetworkKeepsSMSForAPhoneOpenedLater() async throws {
        let (core, _) = try await Self.core()
        let network = SimulatedNetwork(core: core)
        network.connect()
        try await network.addPhone("22890112233")
        try await Self.transfer(network)
        await Self.deliverAll(core)
        try await network.addPhone("22890445566")
        let inbox = try network.inbox("22890445566")
        #expect(inbox.count == 1 && inbox[0].text.contains("30 000 FCFA") && !inbox[0].read)
        #expect(network.phone("22890445566")?.unread == 1)
        try network.markRead("22890445566")
        #expect(network.phone("22890445566")?.unread == 0)
        #expect(try network.inbox("22890445566").allSatisfy(\.read))
    }

    @Test func disconnectedTheNetworkTakesNothing() async throws {
        let (core, world) = try await Self.core()
        let network = SimulatedNetwork(core: core)
        network.connect()
        try await network.addPhone("22890112233")
        network.disconnect()
        try await Self.transfer(network)
        await Self.deliverAll(core)
        #expect(try network.inbox("22890112233").isEmpty)
        #expect(try await world.money.ledger.undeliveredSMS(operatorID: "tmoney", limit: 10).count == 2)
    }

    @Test func dialingAgainHangsUpTheSessionUnderWay() async throws {
        let (core, _) = try await Self.core()
        let network = SimulatedNetwork(core: core)
        try await network.addPhone("22890112233")
        let first = try await network.dial("22890112233", "*145#")
        #expect(network.phone("22890112233")?.session == first.session)
        let second = try await network.dial("22890112233", "*145#")
        #expect(second.session != first.session)
        await #expect(throws: SimulatorError.self) { try await network.answer(first.session, "1") }
        guard case .screen(let menu) = try await network.answer(second.session, "1").answer else {
            Issue.record("no screen")
            return
        }
        #expect(menu.hasPrefix("Envoyer de l'argent"))
    }
}
