import SMPP
import Simulator

/// The SMS short codes ESMEs own, as the simulated network reaches them: what a phone sends there goes to the
/// owner's mailbox as deliver_sm (split into concatenated parts when long), delivered now or when it binds.
final class ESMESMSService: ExternalSMSService {
    private let directory: ESMEDirectory
    private let mailboxes: [String: ESMEMailbox]
    private let references = ConcatenationReferences()

    init(directory: ESMEDirectory, mailboxes: [String: ESMEMailbox]) {
        self.directory = directory
        self.mailboxes = mailboxes
    }

    func receive(from msisdn: String, operatorID: String, to shortCode: String, text: String) async -> SimulatorError? {
        guard let account = directory.account(shortCode: shortCode), let mailbox = mailboxes[account.systemID] else {
            return SimulatorError(.unknownShortCode, "no application has the short code \(shortCode)")
        }
        let parts: [SubmitSM]
        do {
            parts = try SubmitSM.texts(
                text, source: .international(msisdn), destination: .shortCode(shortCode), longMessage: .concatenate(reference: references.next()))
        } catch {
            return SimulatorError(.malformed, "\(error)")
        }
        // The mailbox is the network's store and forward; when even that is full the phone is told, nothing is dropped.
        guard mailbox.post(parts) else {
            return SimulatorError(.unreachable, "the application behind \(shortCode) has too many messages waiting")
        }
        return nil
    }
}
