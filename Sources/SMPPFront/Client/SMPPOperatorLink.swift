import GatewayCore
import Ledger
import Logging
import NIOCore
import Operators
import SMPP
import Synchronization

/// The mobile-money service bound to one operator's SMSC / USSD gateway as an ESME (a transceiver): it connects and
/// binds, serves what arrives (USSD dialogues through the menus, delivery receipts into the outbox, MO SMS to the
/// operator's short code), sends the operator's receipts as `submit_sm` through its SMS sink, and when the connection
/// or the bind fails tries again with exponential backoff. `stop()` unbinds gracefully.
final class SMPPOperatorLink: Sendable {
    let configuration: SMPPLinkConfiguration
    private let core: GatewayCore
    private let op: OperatorConfig
    private let policy: SMSDeliveryPolicy
    private let pacer: SubmitPacer
    private let logger: Logger

    private struct State {
        var stopping = false
        var client: SMPPClient?
        var sink: SMPPSMSSink?
        var dialogues: SMPPDialogues?
        var connections = 0
        var bound = false
    }

    private let state = Mutex(State())

    init(configuration: SMPPLinkConfiguration, core: GatewayCore, operator op: OperatorConfig, policy: SMSDeliveryPolicy, logger: Logger) {
        self.configuration = configuration
        self.core = core
        self.op = op
        self.policy = policy
        self.pacer = SubmitPacer(perSecond: configuration.throttle)
        var logger = logger
        logger[metadataKey: "operator"] = "\(op.id)"
        logger[metadataKey: "smsc"] = "\(configuration.host):\(configuration.port)"
        self.logger = logger
    }

    /// Whether the link is bound now.
    var isBound: Bool { state.withLock { $0.bound } }

    /// Live USSD dialogues on the current connection.
    func dialogueCount() async -> Int {
        guard let dialogues = state.withLock({ $0.dialogues }) else { return 0 }
        return await dialogues.count
    }

    /// Connects, binds and serves until `stop()`; reconnects after every failure. The operator's messages wait for
    /// the link all along (the dispatcher expects it), not only while it is bound.
    func run() async {
        let expected = core.dispatcher.expectGateway(operatorID: op.id)
        defer { core.dispatcher.disconnect(expected) }
        var delay = configuration.reconnectDelay
        while !isStopping {
            do {
                try await connectAndServe()
                delay = configuration.reconnectDelay
            } catch {
                logger.warning("SMPP link down", metadata: ["error": "\(error)", "retry_in": "\(delay)"])
            }
            guard !isStopping else { break }
            await pause(delay)
            delay = min(delay * 2, configuration.maximumReconnectDelay)
        }
    }

    /// Stops reconnecting and unbinds the connection (waiting for the SMSC's unbind_resp up to the request timeout).
    func stop() async {
        let client = state.withLock { state -> SMPPClient? in
            state.stopping = true
            return state.client
        }
        guard let client else { return }
        do {
            try await client.unbind()
        } catch {
            await client.close()
        }
    }

    private var isStopping: Bool { state.withLock { $0.stopping } }

    /// Whether `stop()` was called.
    var isStopped: Bool { isStopping }

    /// Sleeps `delay`, waking early when the link stops.
    private func pause(_ delay: Duration) async {
        let deadline = ContinuousClock.now + delay
        while !isStopping, ContinuousClock.now < deadline {
            try? await Task.sleep(for: min(.milliseconds(100), deadline - .now))
        }
    }

    private func connectAndServe() async throws {
        var settings = SMPPClientConfiguration()
        settings.windowSize = configuration.window
        settings.requestTimeout = configuration.requestTimeout
        settings.enquireLinkInterval = configuration.enquireLinkInterval
        settings.deadPeerTimeout = configuration.deadPeerTimeout
        settings.logger = logger
        let client = try await SMPPClient.connect(host: configuration.host, port: configuration.port, configuration: settings)
        let connection = state.withLock { state -> Int? in
            guard !state.stopping else { return nil }
            state.client = client
            state.connections += 1
            return state.connections
        }
        guard let connection else {
            await client.close()
            return
        }
        defer { state.withLock { $0.client = nil } }
        do {
            try await client.bind(
                .transceiver, systemID: configuration.systemID, password: configuration.password, systemType: configuration.systemType)
        } catch {
            await client.close()
            throw error
        }
        logger.info("bound to the SMSC", metadata: ["system_id": "\(configuration.systemID)"])
        let sink = SMPPSMSSink(
            operatorID: op.id, client: client, ledger: core.sessions.money.ledger, policy: policy, pacer: pacer, window: configuration.window,
            logger: logger)
        let dialogues = SMPPDialogues(core: core, operator: op, client: client, connection: "smpp\(connection)", logger: logger)
        state.withLock { state in
            state.sink = sink
            state.dialogues = dialogues
            state.bound = true
        }
        let registration = core.dispatcher.connect(sink)
        core.dispatcher.nudge()
        let sweeper = Task {
            let interval = core.configuration.sweepInterval
            while !Task.isCancelled {
                try? await Task.sleep(for: interval)
                await dialogues.expire(idleSince: .now - core.configuration.idleTimeout)
            }
        }
        let reassembly = Mutex(ConcatenationReassembler())
        for await inbound in client.inbound {
            guard case .deliverSM(let message) = inbound.body else {
                inbound.respond(SMPPRefusal.status(for: .malformed))
                continue
            }
            if let receipt = inbound.receipt {
                Task { await self.record(receipt, inbound: inbound, sink: sink) }
            } else if message.isUSSD {
                await dialogues.receive(inbound, message)
            } else {
                let outcome = reassembly.withLock { $0.receive(message, now: .now()) }
                guard case .complete(let whole) = outcome else {
                    inbound.respond(.ok)
                    continue
                }
                Task { await self.mobileOriginated(whole, inbound: inbound, client: client) }
            }
        }
        sweeper.cancel()
        sink.close()
        core.dispatcher.disconnect(registration)
        await dialogues.close()
        state.withLock { state in
            state.bound = false
            state.sink = nil
            state.dialogues = nil
        }
        logger.info("SMPP connection closed")
    }

    /// A delivery receipt: recorded against the outbox message whose part the SMSC names. One that names nothing known
    /// may have overtaken the record of its submission: it is tried again once the batches that were on their way when
    /// it came are recorded.
    /// Answered ESME_ROK once recorded (or known to be nobody's), ESME_RX_T_APPN when the ledger cannot take it now
    /// (the SMSC sends it again later).
    private func record(_ receipt: DeliveryReceipt, inbound: SMPPInboundMessage, sink: SMPPSMSSink) async {
        let part: SMSPartState =
            switch receipt.state {
            case .delivered: .delivered
            case .expired: .expired
            case .undeliverable, .rejected, .deleted: .failed
            case .enroute, .accepted, .unknown: .pending
            }
        let ledger = core.sessions.money.ledger
        // Taken before the first look: the submission this receipt is about is recorded already, or is among these.
        let underWay = sink.batchesUnderWay
        do {
            var outcome = try await ledger.recordReceipt(operatorID: op.id, smscMessageID: receipt.messageID, state: part, policy: policy)
            if outcome == .unknownMessage, !underWay.isEmpty {
                await sink.waitForRecords(of: underWay)
                outcome = try await ledger.recordReceipt(operatorID: op.id, smscMessageID: receipt.messageID, state: part, policy: policy)
            }
            if outcome == .unknownMessage {
                logger.notice("a delivery receipt names no message of this ledger", metadata: ["message_id": "\(receipt.messageID)"])
            }
            inbound.respond(.ok)
        } catch {
            logger.error("cannot record a delivery receipt; the SMSC will send it again", metadata: ["error": "\(error)"])
            inbound.respond(.receiverTemporaryAppError)
        }
    }

    /// An SMS from a subscriber to the operator's short code: answered (SOLDE, AIDE…) as the line socket answers it,
    /// the reply sent back as submit_sm.
    private func mobileOriginated(_ message: ReassembledMessage, inbound: SMPPInboundMessage, client: SMPPClient) async {
        guard let msisdn = SMPPAddressing.msisdn(message.source), op.owns(msisdn: msisdn) else {
            return inbound.respond(SMPPRefusal.status(for: .forbidden, sourceRefused: true))
        }
        guard message.destination.address == op.smsShortCode else { return inbound.respond(SMPPRefusal.status(for: .forbidden)) }
        inbound.respond(.ok)
        let reply = await core.answerMobileOriginated(msisdn: msisdn, text: message.text, operator: op)
        do {
            for part in try SubmitSM.texts(reply, source: .shortCode(op.smsShortCode), destination: .international(msisdn)) {
                await pacer.take()
                try await client.submit(part)
            }
        } catch {
            logger.warning("the reply to an MO SMS could not be sent", metadata: ["error": "\(error)"])
        }
    }
}
