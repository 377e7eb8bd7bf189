import GatewayCore
import Logging
import SMPP
import Simulator

/// The USSD codes ESMEs own, as the simulated network reaches them: a phone dialling one opens a dialogue carried
/// as deliver_sm to one of the owner's receiving binds (the mapping of `docs/SMPP.md`), and the ESME's `submit_sm`
/// answers come back to the phone as its screens.
final class ESMEUSSDService: ExternalUSSDService {
    private let directory: ESMEDirectory
    private let binds: ESMEBinds
    private let dialogues: ESMEDialogues
    private let timeout: Duration
    private let logger: Logger

    init(directory: ESMEDirectory, binds: ESMEBinds, dialogues: ESMEDialogues, timeout: Duration, logger: Logger) {
        self.directory = directory
        self.binds = binds
        self.dialogues = dialogues
        self.timeout = timeout
        self.logger = logger
    }

    func open(_ dialogue: ExternalDialogue, dial: String) async -> SimulatorExchange.Answer {
        guard let account = directory.account(dial: dial) else { return .refused(GatewayError(.malformed, "no application serves \(dial)")) }
        guard binds.receiver(for: account.systemID) != nil else {
            return .refused(GatewayError(.unavailable, "the application behind \(SMPPAddressing.serviceCode(ofDial: dial)) is not connected"))
        }
        let code = SMPPAddressing.serviceCode(ofDial: dial)
        let key = dialogues.open(dialogue, systemID: account.systemID, code: code)
        let message = SubmitSM.ussd(
            .pssrIndication, source: .international(dialogue.msisdn), destination: Address(code), text: dial,
            session: ITSSessionInfo(sessionNumber: key.number, sequenceNumber: 0))
        return await dialogues.exchange(key, timeout: timeout) { await self.send(message, to: account.systemID) }
    }

    func answer(_ dialogue: ExternalDialogue, input: String) async -> SimulatorExchange.Answer {
        guard let key = dialogues.key(session: dialogue.session), let code = dialogues.code(key), let info = dialogues.nextSessionInfo(key) else {
            return .refused(GatewayError(.unknownSession, "the dialogue is over"))
        }
        let message = SubmitSM.ussd(.ussrConfirm, source: .international(dialogue.msisdn), destination: Address(code), text: input, session: info)
        return await dialogues.exchange(key, timeout: timeout) { await self.send(message, to: key.systemID) }
    }

    /// Tells the ESME the phone is gone: a deliver_sm with the end-of-session flag and no text (best effort, in the background).
    func release(_ dialogue: ExternalDialogue) async {
        guard let key = dialogues.key(session: dialogue.session), let code = dialogues.code(key),
            let info = dialogues.nextSessionInfo(key, end: true)
        else { return }
        dialogues.close(key)
        let message = SubmitSM.ussd(.ussrConfirm, source: .international(dialogue.msisdn), destination: Address(code), text: "", session: info)
        // Not awaited: the phone is free at once, however slowly the ESME answers.
        Task { _ = await self.send(message, to: key.systemID) }
    }

    /// Sends one dialogue message; nil when the ESME took it, else what the phone shows instead.
    private func send(_ message: DeliverSM, to systemID: String) async -> SimulatorExchange.Answer? {
        guard let session = binds.receiver(for: systemID) else { return .refused(GatewayError(.unavailable, "the application is not connected")) }
        do {
            try await session.deliver(message)
            return nil
        } catch {
            logger.debug("USSD deliver_sm failed", metadata: ["system_id": "\(systemID)", "error": "\(error)"])
            let code = error.status.flatMap(SMPPRefusal.code(for:)) ?? .unavailable
            return .refused(GatewayError(code, "the application refused the step: \(error.status?.description ?? error.code.rawValue)"))
        }
    }
}
