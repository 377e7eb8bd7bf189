import Logging
import NIOCore
import SMPP
import Synchronization

/// What the network has for one ESME account and pushes as deliver_sm: the phones' SMS to its short codes and the
/// receipts of what it sent. Store and forward, as an SMSC does: kept while the account has no receiving bind, sent
/// through its binds (at most `concurrency` at once) when it has, and sent again when a bind drops it or the ESME
/// answers "try later" (ESME_RX_T_APPN, ESME_RTHROTTLED, ESME_RMSGQFUL).
///
/// Bounded: at most `capacity` messages wait (a full mailbox refuses more), and a message is given up after
/// `maximumAttempts` failed deliveries or a permanent refusal.
///
/// Receipts never meet a full mailbox: the slot of a receipt is reserved before its submit_sm is accepted
/// (``reserveReceipt()``; the host answers `ESME_RTHROTTLED` when none is left), and receipts may hold at most
/// `receiptHighWater` slots, so the rest stays free for the phones' SMS, which are refused to the phone, never
/// dropped, when the mailbox is full.
final class ESMEMailbox: Sendable {
    private struct Pending: Sendable {
        var message: DeliverSM
        var attempts = 0
    }

    private struct State {
        var queue = CircularBuffer<Pending>()
        /// Receipts promised to accepted submit_sm, not posted yet: counted as waiting.
        var reserved = 0
        var inFlight = 0
        /// A pump is scheduled after a "try later": no other retry timer is started meanwhile.
        var retryScheduled = false
    }

    let systemID: String
    let capacity: Int
    /// Slots receipts may hold at most (waiting and reserved): a tenth of the capacity (at least one) is left to the
    /// phones' SMS, so that an ESME flooded with its own receipts still hears its subscribers.
    let receiptHighWater: Int
    let concurrency: Int
    let maximumAttempts: Int
    let retryDelay: Duration
    private let binds: ESMEBinds
    private let logger: Logger
    private let state = Mutex(State())

    init(
        systemID: String, binds: ESMEBinds, capacity: Int, concurrency: Int, maximumAttempts: Int = 10, retryDelay: Duration = .seconds(1),
        logger: Logger
    ) {
        self.systemID = systemID
        self.binds = binds
        self.capacity = max(1, capacity)
        self.receiptHighWater = max(1, self.capacity - max(1, self.capacity / 10))
        self.concurrency = max(1, concurrency)
        self.maximumAttempts = maximumAttempts
        self.retryDelay = retryDelay
        self.logger = logger
    }

    /// Messages waiting (not in flight), receipts reserved included.
    var waiting: Int { state.withLock { $0.queue.count + $0.reserved } }

    /// Queues deliver_sm for the account, all or none (the parts of one SMS); false when they do not fit.
    @discardableResult
    func post(_ messages: [DeliverSM]) -> Bool {
        let taken = state.withLock { state in
            guard state.queue.count + state.reserved + messages.count <= capacity else { return false }
            for message in messages { state.queue.append(Pending(message: message)) }
            return true
        }
        if taken { pump() } else { logger.warning("ESME mailbox full; message refused", metadata: ["system_id": "\(systemID)"]) }
        return taken
    }

    /// Holds a slot for the receipt of a submit_sm about to be accepted; false at the receipts' high-water mark.
    /// Every true is followed by ``post(reservedReceipt:)`` or ``cancelReservation()``.
    func reserveReceipt() -> Bool {
        state.withLock { state in
            guard state.queue.count + state.reserved < receiptHighWater else { return false }
            state.reserved += 1
            return true
        }
    }

    /// The submit_sm was refused after all: its receipt's slot is free again.
    func cancelReservation() {
        state.withLock { $0.reserved = max(0, $0.reserved - 1) }
    }

    /// Queues a receipt into the slot reserved for it: never refused.
    func post(reservedReceipt message: DeliverSM) {
        state.withLock { state in
            state.reserved = max(0, state.reserved - 1)
            state.queue.append(Pending(message: message))
        }
        pump()
    }

    /// Sends what fits the concurrency to the account's receiving binds; call when a bind comes up.
    func pump() {
        while true {
            let next = state.withLock { state -> (Pending, SMPPServerSession)? in
                guard state.inFlight < concurrency, !state.queue.isEmpty, !state.retryScheduled, let session = binds.receiver(for: systemID) else {
                    return nil
                }
                state.inFlight += 1
                return (state.queue.removeFirst(), session)
            }
            guard let next else { return }
            Task { await self.deliver(next.0, via: next.1) }
        }
    }

    private func deliver(_ pending: Pending, via session: SMPPServerSession) async {
        var retry = false
        var later = false
        do {
            try await session.deliver(pending.message)
        } catch {
            switch error.code {
            case .rejected:
                let temporary: Set<CommandStatus> = [.receiverTemporaryAppError, .throttled, .messageQueueFull]
                retry = error.status.map(temporary.contains) ?? false
                later = retry
                if !retry { logger.notice("ESME refused a deliver_sm for good", metadata: ["system_id": "\(systemID)", "error": "\(error)"]) }
            case .invalidMessage:
                logger.error("a deliver_sm does not encode; dropped", metadata: ["system_id": "\(systemID)", "error": "\(error)"])
            case .timeout:
                retry = true
                later = true
            default:
                // The bind went away (or unbinds): another bind, or the next one, takes it.
                retry = true
            }
        }
        var givenUp = false
        let scheduleRetry = state.withLock { state -> Bool in
            state.inFlight -= 1
            guard retry else { return false }
            var again = pending
            again.attempts += 1
            guard again.attempts < maximumAttempts else {
                givenUp = true
                return false
            }
            state.queue.prepend(again)
            guard later, !state.retryScheduled else { return false }
            state.retryScheduled = true
            return true
        }
        if givenUp {
            logger.warning("a deliver_sm was given up after its attempts", metadata: ["system_id": "\(systemID)", "attempts": "\(maximumAttempts)"])
        }
        if scheduleRetry {
            let delay = retryDelay
            Task {
                try? await Task.sleep(for: delay)
                self.state.withLock { $0.retryScheduled = false }
                self.pump()
            }
        } else {
            pump()
        }
    }
}
