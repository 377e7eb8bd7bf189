extension Receipt {
    /// An off-net party as receipts and statements show it: `AKOSUA D. (22896112233, Flooz)`, or
    /// `22896112233 (Flooz)` when the other network gave no name. Never a suspense or settlement account.
    public static func offNetParty(name: String?, msisdn: String, network: String) -> String {
        if let name, !name.isEmpty { "\(name) (\(msisdn), \(network))" } else { "\(msisdn) (\(network))" }
    }

    /// To the sender, once the other network credited the recipient. `f.counterparty` is the recipient as
    /// `offNetParty` writes it.
    public static func offNetSent(_ f: Facts, _ language: Language) -> String {
        switch language {
        case .fr:
            "Transfert de \(f.money) à \(f.counterparty) réussi. Frais: \(f.feeText). Nouveau solde: \(f.balanceText). Ref: \(f.reference) le \(f.when)."
        case .en:
            "You sent \(f.money) to \(f.counterparty). Fee: \(f.feeText). New balance: \(f.balanceText). Ref: \(f.reference) on \(f.when)."
        }
    }

    /// To the recipient, written by its own operator in the transaction that credits it.
    public static func offNetReceived(_ f: Facts, network: String, _ language: Language) -> String {
        switch language {
        case .fr: "Vous avez recu \(f.money) de \(f.who) (\(network)). Nouveau solde: \(f.balanceText). Ref: \(f.reference) le \(f.when)."
        case .en: "You received \(f.money) from \(f.who) (\(network)). New balance: \(f.balanceText). Ref: \(f.reference) on \(f.when)."
        }
    }

    /// To the sender when the other network has not answered yet: the money is held, not lost.
    /// `f.counterparty` is the recipient as `offNetParty` writes it.
    public static func offNetPending(_ f: Facts, _ language: Language) -> String {
        switch language {
        case .fr:
            "Transfert de \(f.money) vers \(f.counterparty) en cours. Vous recevrez un SMS de confirmation. Ref: \(f.reference) le \(f.when)."
        case .en:
            "Your transfer of \(f.money) to \(f.counterparty) is in progress. An SMS will confirm it. Ref: \(f.reference) on \(f.when)."
        }
    }

    /// To the sender when the other network refused: the debit and its fee are returned.
    /// `f.counterparty` is the recipient as `offNetParty` writes it.
    public static func offNetRefunded(_ f: Facts, network: String, reason: String?, _ language: Language) -> String {
        let why = offNetReason(reason, network: network, language)
        return switch language {
        case .fr:
            "Transfert de \(f.money) vers \(f.counterparty) echoue: \(why). Montant et frais rembourses. Nouveau solde: \(f.balanceText). Ref: \(f.reference)."
        case .en:
            "Transfer of \(f.money) to \(f.counterparty) failed: \(why). Amount and fee refunded. New balance: \(f.balanceText). Ref: \(f.reference)."
        }
    }

    /// To a recipient whose off-net credit was taken back on the sending operator's request.
    public static func offNetReversed(_ f: Facts, network: String, _ language: Language) -> String {
        switch language {
        case .fr: "Annulation: \(f.money) recus de \(f.who) (\(network)) repris. Nouveau solde: \(f.balanceText). Ref: \(f.reference)."
        case .en: "Reversal: \(f.money) received from \(f.who) (\(network)) taken back. New balance: \(f.balanceText). Ref: \(f.reference)."
        }
    }

    /// A provider's refusal code in words.
    static func offNetReason(_ code: String?, network: String, _ language: Language) -> String {
        switch (code, language) {
        case ("unknown_recipient", .fr), ("invalid_msisdn", .fr): "numero sans compte \(network)"
        case ("unknown_recipient", .en), ("invalid_msisdn", .en): "no \(network) account for this number"
        case ("recipient_blocked", .fr): "compte du beneficiaire bloque"
        case ("recipient_blocked", .en): "the recipient's account is blocked"
        case ("limit_exceeded", .fr): "plafond du beneficiaire atteint"
        case ("limit_exceeded", .en): "the recipient's balance limit is reached"
        case (_, .fr): "\(network) indisponible"
        case (_, .en): "\(network) is unavailable"
        }
    }
}
