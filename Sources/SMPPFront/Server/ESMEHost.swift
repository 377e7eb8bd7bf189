import Foundation
import GatewayCore
import Logging
import NIOCore
import SMPP
import Simulator
import Synchronization

/// The operator network as ESMEs see it over SMPP (the SMSC role): binds checked against the ESME accounts and the
/// connection caps; `submit_sm` to a phone lands in its simulated inbox (with a receipt back when asked); USSD
/// `submit_sm` answer the dialogues phones opened by dialling the account's codes.
final class ESMEHost: SMPPServerDelegate {
    struct Settings: Sendable {
        var throttle: ThrottleRate?
        var window: Int
        var mailboxCapacity: Int
    }

    let directory: ESMEDirectory
    let binds = ESMEBinds()
    let dialogues = ESMEDialogues()
    let mailboxes: [String: ESMEMailbox]
    private let network: SimulatedNetwork
    private let gate: ConnectionGate
    private let settings: Settings
    private let ids = MessageIDs()
    private let logger: Logger
    /// Each bound connection's account, to release its share of the account's cap when it closes.
    private let accounts = Mutex<[UInt64: String]>([:])
    /// The parts of concatenated messages from each account, until the last one is in.
    private let reassembly = Mutex<[String: ConcatenationReassembler]>([:])

    init(directory: ESMEDirectory, network: SimulatedNetwork, gate: ConnectionGate, settings: Settings, logger: Logger) {
        self.directory = directory
        self.network = network
        self.gate = gate
        self.settings = settings
        self.logger = logger
        var mailboxes: [String: ESMEMailbox] = [:]
        for account in directory.accounts {
            mailboxes[account.systemID] = ESMEMailbox(
                systemID: account.systemID, binds: binds, capacity: settings.mailboxCapacity, concurrency: account.window ?? settings.window,
                logger: logger)
        }
        self.mailboxes = mailboxes
    }

    // MARK: Binds

    /// An unknown system_id is ESME_RINVSYSID, a wrong password ESME_RINVPASWD (compared in constant time), an
    /// account holding its share of the connection caps ESME_RBINDFAIL.
    func authenticate(_ request: BindRequest, kind: BindKind, connection: SMPPConnectionInfo) async -> BindDecision {
        guard let account = directory.account(systemID: request.systemID) else {
            logger.notice("bind refused: unknown system_id", metadata: ["system_id": "\(request.systemID)"])
            return .reject(.invalidSystemID)
        }
        guard OperatorTokens.constantTimeEqual(Array(account.password.utf8), Array(request.password.utf8)) else {
            logger.notice("bind refused: wrong password", metadata: ["system_id": "\(request.systemID)"])
            return .reject(.invalidPassword)
        }
        let admitted = accounts.withLock { accounts -> Bool in
            // A connection that binds again after a refusal is counted once.
            if accounts[connection.connectionID] != nil { return true }
            guard gate.admit(operator: account.systemID) else { return false }
            accounts[connection.connectionID] = account.systemID
            return true
        }
        guard admitted else {
            logger.warning("bind refused: the account holds its share of the connections", metadata: ["system_id": "\(account.systemID)"])
            return .reject(.bindFailed)
        }
        return .accept(throttle: account.throttle ?? settings.throttle, window: account.window ?? settings.window)
    }

    func sessionBound(_ session: SMPPServerSession) async {
        binds.add(session)
        logger.info("ESME bound", metadata: ["system_id": "\(session.systemID)", "kind": "\(session.bindKind)", "connection": "\(session.id)"])
        mailboxes[session.systemID]?.pump()
    }

    func sessionEnded(_ session: SMPPServerSession, reason: SMPPSessionEndReason) async {
        binds.remove(session)
        logger.info("ESME unbound", metadata: ["system_id": "\(session.systemID)", "reason": "\(reason)", "connection": "\(session.id)"])
        if binds.receiver(for: session.systemID) == nil {
            dialogues.failWaiting(systemID: session.systemID, with: .refused(GatewayError(.unavailable, "the application went away")))
        }
    }

    func connectionClosed(_ connection: SMPPConnectionInfo) async {
        if let systemID = accounts.withLock({ $0.removeValue(forKey: connection.connectionID) }) { gate.release(operator: systemID) }
    }

    // MARK: Submissions

    func submit(_ message: SubmitSM, session: SMPPServerSession) async -> SubmitDecision {
        guard let account = directory.account(systemID: session.systemID) else { return .rejected(.invalidSystemID) }
        if message.isUSSD { return ussd(message, account: account) }
        guard Self.wantsReceipt(message) else { return sms(message, account: account) }
        // Backpressure rather than loss: a submit_sm whose receipt the account's mailbox could not hold is not accepted
        // (the ESME retries later, as after any ESME_RTHROTTLED); its slot is held until the receipt is posted.
        guard let mailbox = mailboxes[account.systemID], mailbox.reserveReceipt() else {
            logger.debug(
                "submit_sm throttled: the account's mailbox is at its receipts' high-water mark", metadata: ["system_id": "\(account.systemID)"])
            return .rejected(.throttled)
        }
        let decision = sms(message, account: account)
        if case .rejected = decision { mailbox.cancelReservation() }
        return decision
    }

    /// A receipt, when asked for, goes out once the submit_sm_resp is on the wire, as a real SMSC's would.
    func submitAnswered(_ message: SubmitSM, decision: SubmitDecision, session: SMPPServerSession) async {
        guard case .accepted(let id) = decision, !message.isUSSD, Self.wantsReceipt(message) else { return }
        let now = ReceiptDate(unixSeconds: Int64(Date().timeIntervalSince1970))
        let receipt = DeliveryReceipt(messageID: id, submitDate: now, doneDate: now, state: .delivered, text: message.text)
        mailboxes[session.systemID]?.post(
            reservedReceipt: receipt.deliverSM(originalSource: message.source, originalDestination: message.destination))
    }

    /// registered_delivery asks for a receipt on success (1): the only outcome here, every SMS lands.
    private static func wantsReceipt(_ message: SubmitSM) -> Bool { message.registeredDelivery & 0x03 == 1 }

    /// An SMS to a phone: from one of the account's short codes, to a number of an operator of the network. The text
    /// lands in the phone's inbox once all its parts are in.
    private func sms(_ message: SubmitSM, account: ESMEAccount) -> SubmitDecision {
        guard account.shortCodes.contains(message.source.address) else { return .rejected(.invalidSourceAddress) }
        guard let msisdn = SMPPAddressing.msisdn(message.destination), network.core.catalog.operatorOwning(msisdn: msisdn) != nil else {
            return .rejected(.invalidDestinationAddress)
        }
        var normalized = message
        normalized.destination = Address(ton: message.destination.ton, npi: message.destination.npi, msisdn)
        let outcome = reassembly.withLock { parts in
            parts[account.systemID, default: ConcatenationReassembler()].receive(normalized, now: .now())
        }
        if case .complete(let whole) = outcome {
            network.receive(to: msisdn, from: message.source.address, text: whole.text)
        }
        return .accepted(messageID: ids.make())
    }

    /// A USSD screen (USSR request) or last screen (PSSR response, USSN request, or the end-of-session flag) for a
    /// dialogue a phone holds with this account.
    private func ussd(_ message: SubmitSM, account: ESMEAccount) -> SubmitDecision {
        guard let msisdn = SMPPAddressing.msisdn(message.destination) else { return .rejected(.invalidDestinationAddress) }
        let info = message.options.itsSessionInfo
        let answer: SimulatorExchange.Answer
        switch message.options.ussdServiceOp {
        case .ussrRequest where info?.endOfSession != true: answer = .screen(message.text)
        case .ussrRequest, .pssrResponse, .ussnRequest: answer = .end(message.text)
        default: return .rejected(.invalidOptionalParameterValue)
        }
        guard
            dialogues.answer(
                systemID: account.systemID, msisdn: msisdn, number: info?.sessionNumber, sequence: info?.sequenceNumber, with: answer)
        else {
            // No step of such a dialogue waits: it is over, or the phone has not answered the last screen yet.
            return .rejected(.submitFailed)
        }
        return .accepted(messageID: ids.make())
    }
}
