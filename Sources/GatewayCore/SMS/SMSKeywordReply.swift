import Ledger
import MobileMoney
import Operators

/// The answer to a mobile-originated SMS sent to an operator's short code.
///
/// Balances are never sent by SMS: showing one needs the PIN, and a PIN must never travel by SMS. So
/// `SOLDE`/`BALANCE` points to the USSD menu instead.
public enum SMSKeywordReply {
    /// What the message asks for, from its first word.
    public enum Intent: Sendable, Hashable {
        case balance
        case help
        case unknown
    }

    public static func intent(of text: String) -> Intent {
        let word = text.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" }).first.map { $0.uppercased() } ?? ""
        switch word {
        case "SOLDE", "BALANCE": return .balance
        case "AIDE", "HELP": return .help
        default: return .unknown
        }
    }

    /// The reply text in `language`; without a known subscriber language, the keyword's language.
    public static func reply(to text: String, language: Language?, operator op: OperatorConfig) -> String {
        let intent = intent(of: text)
        let word = text.split(separator: " ").first.map { $0.uppercased() }
        let english = language.map { $0 == .en } ?? (word == "BALANCE" || word == "HELP")
        switch (intent, english) {
        case (.balance, false):
            return "\(op.name): votre solde s'affiche sur le menu \(op.ussdCode) apres votre code secret. "
                + "Il n'est jamais envoye par SMS. N'envoyez jamais votre code secret par SMS."
        case (.balance, true):
            return "\(op.name): your balance is shown on the \(op.ussdCode) menu after your PIN. "
                + "It is never sent by SMS. Never send your PIN by SMS."
        case (.help, false):
            return "\(op.name): composez \(op.ussdCode) pour envoyer de l'argent, voir votre solde ou changer votre code. "
                + "SMS SOLDE ou AIDE au \(op.smsShortCode)."
        case (.help, true):
            return "\(op.name): dial \(op.ussdCode) to send money, see your balance or change your PIN. "
                + "Text BALANCE or HELP to \(op.smsShortCode)."
        case (.unknown, false):
            return "\(op.name): message non compris. Envoyez AIDE au \(op.smsShortCode) ou composez \(op.ussdCode)."
        case (.unknown, true):
            return "\(op.name): message not understood. Text HELP to \(op.smsShortCode) or dial \(op.ussdCode)."
        }
    }
}
