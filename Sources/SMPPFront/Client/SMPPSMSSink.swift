import GatewayCore
import Ledger
import Logging
import SMPP
import Synchronization

/// A bound link as an SMS sink for its operator: each outbox message leaves as `submit_sm` (concatenated parts when
/// long, GSM 7-bit or UCS2, registered_delivery 1, the rest of its validity as validity_period), and what the SMSC
/// accepted is recorded as submitted under its message ids, which the delivery receipts name.
///
/// A message with a part the SMSC refused (throttled, its queue full, a timeout) is not handed over: it stays in the
/// outbox for a later pass, and a throttled SMSC pauses the sink for a second.
final class SMPPSMSSink: SMSSink {
    let operatorID: String
    private let client: SMPPClient
    private let ledger: Ledger
    private let policy: SMSDeliveryPolicy
    private let pacer: SubmitPacer
    private let window: Int
    private let logger: Logger
    private let references = ConcatenationReferences()

    private struct State {
        var open = true
        var inFlight = 0
        /// Batches between their first submit and their record in the ledger: a receipt that finds no message may be
        /// for one of these, whose record has not committed yet.
        var nextBatch = 0
        var recording: Set<Int> = []
        var waiters: [(batches: Set<Int>, continuation: CheckedContinuation<Void, Never>)] = []
        var pausedUntil: ContinuousClock.Instant?
    }

    private let state = Mutex(State())

    init(operatorID: String, client: SMPPClient, ledger: Ledger, policy: SMSDeliveryPolicy, pacer: SubmitPacer, window: Int, logger: Logger) {
        self.operatorID = operatorID
        self.client = client
        self.ledger = ledger
        self.policy = policy
        self.pacer = pacer
        self.window = window
        self.logger = logger
    }

    /// Ready while bound, not paused, and with no more than a few windows' worth of messages on their way.
    var isReady: Bool {
        state.withLock { state in
            state.open && state.inFlight < 4 * window && (state.pausedUntil.map { $0 <= .now } ?? true)
        }
    }

    /// The link's connection closed: nothing more is handed to this sink.
    func close() {
        state.withLock { $0.open = false }
    }

    func deliver(_ messages: [OutboxMessage]) async -> [OutboxMessage.ID] {
        let batch = state.withLock { state -> Int in
            state.inFlight += messages.count
            state.nextBatch += 1
            state.recording.insert(state.nextBatch)
            return state.nextBatch
        }
        let submissions = await withTaskGroup(of: SMSSubmission?.self) { group in
            for message in messages { group.addTask { await self.submit(message) } }
            var submissions: [SMSSubmission] = []
            for await submission in group { if let submission { submissions.append(submission) } }
            return submissions
        }
        var handedOver: [OutboxMessage.ID] = []
        do {
            try await ledger.recordSubmissions(submissions)
            handedOver = submissions.map(\.message)
        } catch {
            // Not recorded: the messages stay in the outbox and go again (at least once, never lost).
            logger.error("cannot record SMS submissions; they will be sent again", metadata: ["error": "\(error)"])
        }
        let done = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.inFlight -= messages.count
            state.recording.remove(batch)
            let recording = state.recording
            let done = state.waiters.filter { $0.batches.isDisjoint(with: recording) }
            state.waiters.removeAll { $0.batches.isDisjoint(with: recording) }
            return done.map(\.continuation)
        }
        for waiter in done { waiter.resume() }
        return handedOver
    }

    /// The batches between their submits and their record now.
    var batchesUnderWay: Set<Int> { state.withLock { $0.recording } }

    /// Waits until every batch of `batches` is recorded (or given up); later batches are not waited for.
    func waitForRecords(of batches: Set<Int>) async {
        await withCheckedContinuation { continuation in
            let now = state.withLock { state -> Bool in
                guard !batches.isDisjoint(with: state.recording) else { return true }
                state.waiters.append((batches, continuation))
                return false
            }
            if now { continuation.resume() }
        }
    }

    /// Submits every part of one message; the SMSC's ids, or nil when a part was refused.
    private func submit(_ message: OutboxMessage) async -> SMSSubmission? {
        var parts: [SubmitSM]
        do {
            parts = try SubmitSM.texts(
                message.body, source: .shortCode(message.sender), destination: .international(message.msisdn), registeredDelivery: 1,
                longMessage: .concatenate(reference: references.next()))
        } catch {
            logger.error("an outbox message cannot be encoded", metadata: ["id": "\(message.id)", "error": "\(error)"])
            return nil
        }
        let age = ledger.context.clock() - message.createdAt
        let left = (SMSDeliveryPolicy.milliseconds(policy.validity) - age) / 1000
        if let validity = SMPPAddressing.relativeTime(seconds: left) {
            for index in parts.indices { parts[index].validityPeriod = validity }
        }
        var ids: [String] = []
        for part in parts {
            await pacer.take()
            do {
                ids.append(try await client.submit(part).messageID)
            } catch {
                if error.status == .throttled || error.status == .messageQueueFull {
                    pacer.pause(for: .seconds(1))
                    state.withLock { $0.pausedUntil = .now + .seconds(1) }
                }
                logger.debug("submit_sm refused; the message stays in the outbox", metadata: ["id": "\(message.id)", "error": "\(error)"])
                return nil
            }
        }
        return SMSSubmission(message: message.id, operatorID: operatorID, smscMessageIDs: ids)
    }
}
