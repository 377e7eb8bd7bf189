import Operators

/// The SMS texts sent to subscribers, in their language, in GSM-7 characters only (one SMS bills as
/// 160 septets; a character outside GSM-7 would turn the whole message into 70-character UCS-2 parts).
public enum Receipt {
    /// What a receipt reports: the parties, the amounts and the reference, shared by every kind.
    public struct Facts: Sendable {
        public var amount: Int64
        public var fee: Int64 = 0
        public var counterparty: String
        public var counterpartyMSISDN: String?
        public var balance: Int64
        public var reference: String
        public var at: Int64

        public init(
            amount: Int64, fee: Int64 = 0, counterparty: String, counterpartyMSISDN: String? = nil, balance: Int64, reference: String,
            at: Int64
        ) {
            self.amount = amount
            self.fee = fee
            self.counterparty = counterparty
            self.counterpartyMSISDN = counterpartyMSISDN
            self.balance = balance
            self.reference = reference
            self.at = at
        }

        var who: String { counterpartyMSISDN.map { "\(counterparty) (\($0))" } ?? counterparty }
        var money: String { MoneyFormat.amount(amount) }
        var feeText: String { MoneyFormat.amount(fee) }
        var balanceText: String { MoneyFormat.amount(balance) }
        var when: String { MoneyFormat.dateTime(at) }
    }

    public static func sent(_ f: Facts, _ language: Language) -> String {
        switch language {
        case .fr:
            "Transfert de \(f.money) à \(f.who) réussi. Frais: \(f.feeText). Nouveau solde: \(f.balanceText). Ref: \(f.reference) le \(f.when)."
        case .en:
            "You sent \(f.money) to \(f.who). Fee: \(f.feeText). New balance: \(f.balanceText). Ref: \(f.reference) on \(f.when)."
        }
    }

    public static func received(_ f: Facts, _ language: Language) -> String {
        switch language {
        case .fr:
            "Vous avez recu \(f.money) de \(f.who). Nouveau solde: \(f.balanceText). Ref: \(f.reference) le \(f.when)."
        case .en:
            "You received \(f.money) from \(f.who). New balance: \(f.balanceText). Ref: \(f.reference) on \(f.when)."
        }
    }

    public static func cashIn(_ f: Facts, _ language: Language) -> String {
        switch language {
        case .fr: "Depot de \(f.money) par \(f.who). Nouveau solde: \(f.balanceText). Ref: \(f.reference) le \(f.when)."
        case .en: "Cash-in of \(f.money) by \(f.who). New balance: \(f.balanceText). Ref: \(f.reference) on \(f.when)."
        }
    }

    public static func cashOut(_ f: Facts, _ language: Language) -> String {
        switch language {
        case .fr:
            "Retrait de \(f.money) chez \(f.who). Frais: \(f.feeText). Nouveau solde: \(f.balanceText). Ref: \(f.reference) le \(f.when)."
        case .en:
            "Cash-out of \(f.money) at \(f.who). Fee: \(f.feeText). New balance: \(f.balanceText). Ref: \(f.reference) on \(f.when)."
        }
    }

    public static func airtimeBought(_ f: Facts, _ language: Language) -> String {
        switch language {
        case .fr: "Achat de credit de \(f.money) pour \(f.who). Nouveau solde: \(f.balanceText). Ref: \(f.reference) le \(f.when)."
        case .en: "Airtime of \(f.money) for \(f.who). New balance: \(f.balanceText). Ref: \(f.reference) on \(f.when)."
        }
    }

    public static func airtimeReceived(_ f: Facts, _ language: Language) -> String {
        switch language {
        case .fr: "Vous avez recu \(f.money) de credit de \(f.who). Ref: \(f.reference) le \(f.when)."
        case .en: "You received \(f.money) of airtime from \(f.who). Ref: \(f.reference) on \(f.when)."
        }
    }

    /// To the party whose money went back (the original receiver).
    public static func reversalDebited(_ f: Facts, _ language: Language) -> String {
        switch language {
        case .fr: "Annulation: \(f.money) repris et rendu à \(f.who). Nouveau solde: \(f.balanceText). Ref: \(f.reference) le \(f.when)."
        case .en: "Reversal: \(f.money) taken back for \(f.who). New balance: \(f.balanceText). Ref: \(f.reference) on \(f.when)."
        }
    }

    /// To the party who gets the money back (the original sender).
    public static func reversalCredited(_ f: Facts, _ language: Language) -> String {
        switch language {
        case .fr: "Annulation: \(f.money) vous sont rendus (\(f.who)). Nouveau solde: \(f.balanceText). Ref: \(f.reference) le \(f.when)."
        case .en: "Reversal: \(f.money) returned to you (\(f.who)). New balance: \(f.balanceText). Ref: \(f.reference) on \(f.when)."
        }
    }

    public static func pinChanged(at: Int64, _ language: Language) -> String {
        switch language {
        case .fr: "Votre code secret a été modifié le \(MoneyFormat.dateTime(at)). Si ce n'est pas vous, appelez le service client."
        case .en: "Your PIN was changed on \(MoneyFormat.dateTime(at)). If this was not you, call customer care."
        }
    }

    public static func welcome(name: String, _ language: Language) -> String {
        switch language {
        case .fr: "Bienvenue \(name)! Votre compte mobile money est ouvert. Ne partagez jamais votre code secret."
        case .en: "Welcome \(name)! Your mobile money account is open. Never share your PIN."
        }
    }
}
