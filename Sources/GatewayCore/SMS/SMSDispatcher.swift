import Ledger
import Logging
import MobileMoney
import Synchronization

/// Pushes the SMS outbox to whatever reaches the operators' phones: each batch goes to one ready
/// ``SMSSink`` of the operator owning the recipients (round robin among them), and what the sink
/// handed over is marked delivered.
///
/// The outbox is the ledger's table, so messages for an operator with no sink simply stay there and go
/// out when one connects, in this process or after a restart. Delivery is at least once: a crash
/// between the hand-over and `markDelivered` sends that message again.
///
/// With ``SMSClaims`` (several nodes on one PostgreSQL database) a node claims messages for a lease before it
/// hands them over, so each goes out through one node; a node's claims lapse when it dies, and the messages go
/// out through another.
public final class SMSDispatcher: Sendable {
    /// Identifies a connected sink, to disconnect it.
    public struct Registration: Sendable, Hashable {
        let id: Int
        let operatorID: String
    }

    private struct Sink {
        let id: Int
        let sink: any SMSSink
    }

    private struct State {
        var nextID = 0
        var sinks: [String: [Sink]] = [:]
        /// Gateways configured to connect, per operator, whether connected now or not (``expectGateway(operatorID:)``).
        var expected: [String: Set<Int>] = [:]
        var roundRobin = 0
        /// Written but not yet confirmed: not to be picked again by the next look at the outbox.
        var inFlight: Set<OutboxMessage.ID> = []
        /// Looks at the outbox under way. While one is, a delivery that ends leaves its ids in `settled`: that
        /// look may have read them before they were marked delivered, and must not hand them out again.
        var reading = 0
        var settled: Set<OutboxMessage.ID> = []
        var deliveries = 0
        var dirty = true
    }

    private let money: MobileMoney
    private let metrics: GatewayMetrics
    private let pollInterval: Duration
    private let batchSize: Int
    private let logger: Logger
    private let claims: SMSClaims?
    private let state = Mutex(State())

    /// - Parameter claims: claim messages before delivering them (several nodes share the outbox); nil: this process
    ///   is the outbox's only reader.
    public init(
        money: MobileMoney, metrics: GatewayMetrics, pollInterval: Duration = .milliseconds(500), batchSize: Int = 256, claims: SMSClaims? = nil,
        logger: Logger
    ) {
        self.claims = claims
        self.money = money
        self.metrics = metrics
        self.pollInterval = pollInterval
        self.batchSize = batchSize
        self.logger = logger
    }

    /// A sink of `sink.operatorID` can take SMS from now on.
    public func connect(_ sink: any SMSSink) -> Registration {
        state.withLock { state in
            state.nextID += 1
            state.sinks[sink.operatorID, default: []].append(Sink(id: state.nextID, sink: sink))
            state.dirty = true
            return Registration(id: state.nextID, operatorID: sink.operatorID)
        }
    }

    /// A gateway of `operatorID` is configured and will connect: an SMPP link to the operator's SMSC, from before its
    /// first bind and between binds. Until its registration is disconnected, a fallback sink (the web simulator)
    /// leaves that operator's messages in the outbox for it, as it does while a gateway of the operator is connected:
    /// a receipt written while the link binds or rebinds waits for the link instead of going to the simulator.
    public func expectGateway(operatorID: String) -> Registration {
        state.withLock { state in
            state.nextID += 1
            state.expected[operatorID, default: []].insert(state.nextID)
            return Registration(id: state.nextID, operatorID: operatorID)
        }
    }

    /// The sink is gone, or the gateway no longer expected: nothing more is handed to it (a batch already handed
    /// over completes).
    public func disconnect(_ registration: Registration) {
        state.withLock { state in
            state.sinks[registration.operatorID]?.removeAll { $0.id == registration.id }
            state.expected[registration.operatorID]?.remove(registration.id)
        }
    }

    /// Sinks connected for `operatorID`.
    public func sinkCount(operatorID: String) -> Int { state.withLock { $0.sinks[operatorID]?.count ?? 0 } }

    /// Something may have been written to the outbox: look soon rather than at the next poll.
    public func nudge() { state.withLock { $0.dirty = true } }

    /// Delivers until cancelled.
    public func run() async {
        var lastPass = ContinuousClock.now
        while !Task.isCancelled {
            let due = state.withLock { state in
                defer { state.dirty = false }
                return state.dirty
            }
            if due || ContinuousClock.now - lastPass >= pollInterval {
                lastPass = .now
                await pass()
            }
            try? await Task.sleep(for: .milliseconds(10))
        }
    }

    /// One look at the outbox for every connected operator; deliveries run in the background.
    public func pass() async {
        let operators = state.withLock { $0.sinks.filter { !$0.value.isEmpty }.map(\.key) }
        var waiting = 0
        for operatorID in operators {
            let messages: [OutboxMessage]
            state.withLock { $0.reading += 1 }
            defer {
                state.withLock { state in
                    state.reading -= 1
                    if state.reading == 0 { state.settled.removeAll() }
                }
            }
            do {
                let visible = try await money.ledger.undeliveredSMS(operatorID: operatorID, limit: batchSize)
                if let claims {
                    // A claim promises delivery within the lease: only with a ready gateway of the operator here, and only
                    // when something not already on its way from this node waits (other nodes' claims too: they may lapse).
                    // A fallback sink (the web simulator) stands in for a gateway missing on this node, not in the whole
                    // cluster: alone it claims nothing, so that the node holding the operator's connection delivers.
                    let worth = state.withLock { state in
                        state.sinks[operatorID, default: []].contains { $0.sink.isReady && !$0.sink.isFallback }
                            && visible.contains { !state.inFlight.contains($0.id) }
                    }
                    messages =
                        worth
                        ? try await money.ledger.claimSMS(operatorID: operatorID, claimant: claims.claimant, lease: claims.lease, limit: batchSize)
                        : []
                } else {
                    messages = visible
                }
            } catch is CancellationError {
                // The dispatcher is stopping (the server shuts down): not a failure to report.
                return
            } catch {
                logger.error("cannot read the SMS outbox", metadata: ["error": "\(error)"])
                return
            }
            waiting += messages.count
            let picks = state.withLock { state -> [([OutboxMessage], Sink)] in
                // Neither written and unconfirmed, nor settled since this look began (a stale read of those would
                // send a receipt twice); a settled message that was not handed over is picked by the next pass.
                let unsettled = messages.filter { !state.settled.contains($0.id) }
                if unsettled.count < messages.count { state.dirty = true }
                let fresh = unsettled.filter { !state.inFlight.contains($0.id) }
                let connected = state.sinks[operatorID, default: []]
                let writable = connected.filter { $0.sink.isReady }
                guard !fresh.isEmpty, !writable.isEmpty else { return [] }
                // A fallback stands in for a missing gateway, not for a slow one: while one is connected (or
                // expected: a link binding), what it cannot take now waits in the outbox for it.
                let gatewayConnected = connected.contains { !$0.sink.isFallback } || !(state.expected[operatorID]?.isEmpty ?? true)
                let picks = Self.route(fresh, among: writable, turn: state.roundRobin &+ 1, fallbackTakesRest: !gatewayConnected)
                state.roundRobin &+= 1
                state.inFlight.formUnion(picks.flatMap { $0.0.map(\.id) })
                state.deliveries += picks.count
                return picks
            }
            for pick in picks {
                Task { await self.deliver(pick.0, via: pick.1) }
            }
        }
        metrics.smsQueued.set(Int64(waiting))
    }

    /// Which ready sink takes which messages: a number's messages go to a sink that claims it; the rest in one
    /// batch to one sink, round robin among the ordinary sinks, or among the fallback ones when `fallbackTakesRest`
    /// (no ordinary sink is connected at all) and no ordinary one is ready.
    private static func route(_ messages: [OutboxMessage], among sinks: [Sink], turn: Int, fallbackTakesRest: Bool) -> [([OutboxMessage], Sink)] {
        var claimed: [Int: [OutboxMessage]] = [:]
        var rest: [OutboxMessage] = []
        for message in messages {
            if let sink = sinks.first(where: { $0.sink.claims(msisdn: message.msisdn) }) {
                claimed[sink.id, default: []].append(message)
            } else {
                rest.append(message)
            }
        }
        var picks = sinks.compactMap { sink in claimed[sink.id].map { ($0, sink) } }
        let ordinary = sinks.filter { !$0.sink.isFallback }
        let pool = ordinary.isEmpty && fallbackTakesRest ? sinks : ordinary
        if !rest.isEmpty, !pool.isEmpty { picks.append((rest, pool[turn % pool.count])) }
        return picks
    }

    /// Waits (at most `timeout`) for the deliveries under way: part of a graceful shutdown.
    public func drain(timeout: Duration) async {
        let deadline = ContinuousClock.now + timeout
        while state.withLock({ $0.deliveries > 0 }), ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(5))
        }
    }

    private func deliver(_ batch: [OutboxMessage], via sink: Sink) async {
        let handedOver = await sink.sink.deliver(batch)
        let delivered = batch.map(\.id).filter(Set(handedOver).contains)
        do {
            try await money.ledger.markDelivered(delivered)
            metrics.smsDelivered.increment(by: Int64(delivered.count))
        } catch {
            logger.error("cannot mark SMS delivered; they will be sent again", metadata: ["error": "\(error)"])
        }
        state.withLock {
            $0.inFlight.subtract(batch.map(\.id))
            if $0.reading > 0 { $0.settled.formUnion(batch.map(\.id)) }
            $0.deliveries -= 1
            if delivered.count < batch.count { $0.dirty = true }
        }
    }
}
