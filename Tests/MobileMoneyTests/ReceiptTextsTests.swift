import Foundation
import MenuEngine
import MobileMoney
import Testing

/// Every notice of `menus/receipts.yaml`, rendered in both languages for sample values, against the
/// texts the Swift `switch`es wrote before the notices moved to YAML.
@Suite struct ReceiptTextsTests {
    static let receipts = Receipts.shipped

    static let samples: [Receipt.Facts] = [
        Receipt.Facts(
            amount: 5000, fee: 50, counterparty: "AMA MENSAH", counterpartyMSISDN: "22890445566", balance: 1_234_567, reference: "TM261127.000012",
            at: 1_795_775_520_000),
        Receipt.Facts(amount: 100, counterparty: "Kofi d'Almeida", balance: 0, reference: "FL260101.000001", at: 1_767_225_600_000),
    ]

    /// Each notice in both languages for each sample: (label, fr, en).
    static func rendered(_ r: Receipts) -> [(String, String, String)] {
        var rows: [(String, String, String)] = []
        func add(_ label: String, _ text: (Language) -> NoticeText) { rows.append((label, text(.fr).sms, text(.en).sms)) }
        for (n, f) in samples.enumerated() {
            add("sent \(n)") { r.sent(f, $0) }
            add("received \(n)") { r.received(f, $0) }
            add("cashIn \(n)") { r.cashIn(f, $0) }
            add("cashOut \(n)") { r.cashOut(f, $0) }
            add("airtimeBought \(n)") { r.airtimeBought(f, $0) }
            add("airtimeReceived \(n)") { r.airtimeReceived(f, $0) }
            add("reversalDebited \(n)") { r.reversalDebited(f, $0) }
            add("reversalCredited \(n)") { r.reversalCredited(f, $0) }
            add("pinChanged \(n)") { r.pinChanged(at: f.at, $0) }
            add("welcome \(n)") { r.welcome(name: f.counterparty, $0) }
            var offNet = f
            offNet.counterparty = Receipt.offNetParty(name: n == 0 ? f.counterparty : nil, msisdn: "22896112233", network: "Flooz")
            add("offNetSent \(n)") { r.offNetSent(offNet, $0) }
            add("offNetPending \(n)") { r.offNetPending(offNet, $0) }
            for reason in ["unknown_recipient", "invalid_msisdn", "recipient_blocked", "limit_exceeded", "timeout", nil] as [String?] {
                add("offNetRefunded \(n) \(reason ?? "nil")") { r.offNetRefunded(offNet, network: "Flooz", reason: reason, $0) }
            }
            add("offNetReceived \(n)") { r.offNetReceived(f, network: "T-Money", $0) }
            add("offNetReversed \(n)") { r.offNetReversed(f, network: "T-Money", $0) }
        }
        return rows
    }

    @Test func everyNoticeRendersAsTheSwiftTextsDid() {
        let rows = Self.rendered(Self.receipts)
        #expect(rows.count == Self.golden.count)
        for (row, expected) in zip(rows, Self.golden) {
            #expect(row.0 == expected.0 && row.1 == expected.1 && row.2 == expected.2, "\(row) vs \(expected)")
        }
    }

    @Test func everyNoticeMobileMoneySendsIsRenderedHere() {
        // The golden table covers every SMS notice (and every refusal phrase, through offnet_refunded); the one
        // notice sent by e-mail only (the address's confirmation code) is EmailNoticeTests' business.
        let labels = Set(Self.golden.map { String($0.0.split(separator: " ")[0]) })
        #expect(labels.count == Receipts.requirements.channels.filter { $0.value.contains("sms") }.count)
        #expect(Receipts.requirements.channels.filter { !$0.value.contains("sms") }.keys.sorted() == ["email_code"])
        #expect(Set(Self.receipts.book.noticeKeys) == Set(Receipts.requirements.notices.keys))
        #expect(Set(Self.receipts.book.phraseKeys) == Set(Receipts.requirements.phrases.keys))
    }

    @Test func aNoticesFileWithoutANoticeMobileMoneySendsDoesNotLoad() throws {
        let shipped = try String(contentsOf: Receipts.shippedFile, encoding: .utf8)
        let broken = shipped.replacingOccurrences(of: "  pin_changed:\n", with: "  pin_change:\n")
        #expect(broken != shipped)
        #expect {
            _ = try Receipts(yaml: broken)
        } throws: { error in
            let kinds = Set((error as? MenuError)?.diagnostics.map(\.kind) ?? [])
            return kinds == [.missingNotice, .unknownNotice]
        }
        // And the lint `sika menus lint` runs (with what MobileMoney sends) says so too.
        let report = MenuLinter(notices: Receipts.requirements).lint(files: [("receipts.yaml", broken)])
        #expect(report.errors.map(\.kind).sorted { $0.rawValue < $1.rawValue } == [.missingNotice, .unknownNotice])
        #expect(MenuLinter(notices: Receipts.requirements).lint(files: [("receipts.yaml", shipped)]).diagnostics.isEmpty)
    }

    /// What the Swift `switch`es of `Receipt` wrote for the samples, before the texts moved to
    /// receipts.yaml (generated from them, then kept): (label, fr, en).
    static let golden: [(String, String, String)] = [
        (
            "sent 0",
            "Transfert de 5 000 FCFA à AMA MENSAH (22890445566) réussi. Frais: 50 FCFA. Nouveau solde: 1 234 567 FCFA. Ref: TM261127.000012 le 27/11/2026 10:32.",
            "You sent 5 000 FCFA to AMA MENSAH (22890445566). Fee: 50 FCFA. New balance: 1 234 567 FCFA. Ref: TM261127.000012 on 27/11/2026 10:32."
        ),
        (
            "received 0",
            "Vous avez recu 5 000 FCFA de AMA MENSAH (22890445566). Nouveau solde: 1 234 567 FCFA. Ref: TM261127.000012 le 27/11/2026 10:32.",
            "You received 5 000 FCFA from AMA MENSAH (22890445566). New balance: 1 234 567 FCFA. Ref: TM261127.000012 on 27/11/2026 10:32."
        ),
        (
            "cashIn 0",
            "Depot de 5 000 FCFA par AMA MENSAH (22890445566). Nouveau solde: 1 234 567 FCFA. Ref: TM261127.000012 le 27/11/2026 10:32.",
            "Cash-in of 5 000 FCFA by AMA MENSAH (22890445566). New balance: 1 234 567 FCFA. Ref: TM261127.000012 on 27/11/2026 10:32."
        ),
        (
            "cashOut 0",
            "Retrait de 5 000 FCFA chez AMA MENSAH (22890445566). Frais: 50 FCFA. Nouveau solde: 1 234 567 FCFA. Ref: TM261127.000012 le 27/11/2026 10:32.",
            "Cash-out of 5 000 FCFA at AMA MENSAH (22890445566). Fee: 50 FCFA. New balance: 1 234 567 FCFA. Ref: TM261127.000012 on 27/11/2026 10:32."
        ),
        (
            "airtimeBought 0",
            "Achat de credit de 5 000 FCFA pour AMA MENSAH (22890445566). Nouveau solde: 1 234 567 FCFA. Ref: TM261127.000012 le 27/11/2026 10:32.",
            "Airtime of 5 000 FCFA for AMA MENSAH (22890445566). New balance: 1 234 567 FCFA. Ref: TM261127.000012 on 27/11/2026 10:32."
        ),
        (
            "airtimeReceived 0",
            "Vous avez recu 5 000 FCFA de credit de AMA MENSAH (22890445566). Ref: TM261127.000012 le 27/11/2026 10:32.",
            "You received 5 000 FCFA of airtime from AMA MENSAH (22890445566). Ref: TM261127.000012 on 27/11/2026 10:32."
        ),
        (
            "reversalDebited 0",
            "Annulation: 5 000 FCFA repris et rendu à AMA MENSAH (22890445566). Nouveau solde: 1 234 567 FCFA. Ref: TM261127.000012 le 27/11/2026 10:32.",
            "Reversal: 5 000 FCFA taken back for AMA MENSAH (22890445566). New balance: 1 234 567 FCFA. Ref: TM261127.000012 on 27/11/2026 10:32."
        ),
        (
            "reversalCredited 0",
            "Annulation: 5 000 FCFA vous sont rendus (AMA MENSAH (22890445566)). Nouveau solde: 1 234 567 FCFA. Ref: TM261127.000012 le 27/11/2026 10:32.",
            "Reversal: 5 000 FCFA returned to you (AMA MENSAH (22890445566)). New balance: 1 234 567 FCFA. Ref: TM261127.000012 on 27/11/2026 10:32."
        ),
        (
            "pinChanged 0",
            "Votre code secret a été modifié le 27/11/2026 10:32. Si ce n\'est pas vous, appelez le service client.",
            "Your PIN was changed on 27/11/2026 10:32. If this was not you, call customer care."
        ),
        (
            "welcome 0",
            "Bienvenue AMA MENSAH! Votre compte mobile money est ouvert. Ne partagez jamais votre code secret.",
            "Welcome AMA MENSAH! Your mobile money account is open. Never share your PIN."
        ),
        (
            "offNetSent 0",
            "Transfert de 5 000 FCFA à AMA MENSAH (22896112233, Flooz) réussi. Frais: 50 FCFA. Nouveau solde: 1 234 567 FCFA. Ref: TM261127.000012 le 27/11/2026 10:32.",
            "You sent 5 000 FCFA to AMA MENSAH (22896112233, Flooz). Fee: 50 FCFA. New balance: 1 234 567 FCFA. Ref: TM261127.000012 on 27/11/2026 10:32."
        ),
        (
            "offNetPending 0",
            "Transfert de 5 000 FCFA vers AMA MENSAH (22896112233, Flooz) en cours. Vous recevrez un SMS de confirmation. Ref: TM261127.000012 le 27/11/2026 10:32.",
            "Your transfer of 5 000 FCFA to AMA MENSAH (22896112233, Flooz) is in progress. An SMS will confirm it. Ref: TM261127.000012 on 27/11/2026 10:32."
        ),
        (
            "offNetRefunded 0 unknown_recipient",
            "Transfert de 5 000 FCFA vers AMA MENSAH (22896112233, Flooz) echoue: numero sans compte Flooz. Montant et frais rembourses. Nouveau solde: 1 234 567 FCFA. Ref: TM261127.000012.",
            "Transfer of 5 000 FCFA to AMA MENSAH (22896112233, Flooz) failed: no Flooz account for this number. Amount and fee refunded. New balance: 1 234 567 FCFA. Ref: TM261127.000012."
        ),
        (
            "offNetRefunded 0 invalid_msisdn",
            "Transfert de 5 000 FCFA vers AMA MENSAH (22896112233, Flooz) echoue: numero sans compte Flooz. Montant et frais rembourses. Nouveau solde: 1 234 567 FCFA. Ref: TM261127.000012.",
            "Transfer of 5 000 FCFA to AMA MENSAH (22896112233, Flooz) failed: no Flooz account for this number. Amount and fee refunded. New balance: 1 234 567 FCFA. Ref: TM261127.000012."
        ),
        (
            "offNetRefunded 0 recipient_blocked",
            "Transfert de 5 000 FCFA vers AMA MENSAH (22896112233, Flooz) echoue: compte du beneficiaire bloque. Montant et frais rembourses. Nouveau solde: 1 234 567 FCFA. Ref: TM261127.000012.",
            "Transfer of 5 000 FCFA to AMA MENSAH (22896112233, Flooz) failed: the recipient\'s account is blocked. Amount and fee refunded. New balance: 1 234 567 FCFA. Ref: TM261127.000012."
        ),
        (
            "offNetRefunded 0 limit_exceeded",
            "Transfert de 5 000 FCFA vers AMA MENSAH (22896112233, Flooz) echoue: plafond du beneficiaire atteint. Montant et frais rembourses. Nouveau solde: 1 234 567 FCFA. Ref: TM261127.000012.",
            "Transfer of 5 000 FCFA to AMA MENSAH (22896112233, Flooz) failed: the recipient\'s balance limit is reached. Amount and fee refunded. New balance: 1 234 567 FCFA. Ref: TM261127.000012."
        ),
        (
            "offNetRefunded 0 timeout",
            "Transfert de 5 000 FCFA vers AMA MENSAH (22896112233, Flooz) echoue: Flooz indisponible. Montant et frais rembourses. Nouveau solde: 1 234 567 FCFA. Ref: TM261127.000012.",
            "Transfer of 5 000 FCFA to AMA MENSAH (22896112233, Flooz) failed: Flooz is unavailable. Amount and fee refunded. New balance: 1 234 567 FCFA. Ref: TM261127.000012."
        ),
        (
            "offNetRefunded 0 nil",
            "Transfert de 5 000 FCFA vers AMA MENSAH (22896112233, Flooz) echoue: Flooz indisponible. Montant et frais rembourses. Nouveau solde: 1 234 567 FCFA. Ref: TM261127.000012.",
            "Transfer of 5 000 FCFA to AMA MENSAH (22896112233, Flooz) failed: Flooz is unavailable. Amount and fee refunded. New balance: 1 234 567 FCFA. Ref: TM261127.000012."
        ),
        (
            "offNetReceived 0",
            "Vous avez recu 5 000 FCFA de AMA MENSAH (22890445566) (T-Money). Nouveau solde: 1 234 567 FCFA. Ref: TM261127.000012 le 27/11/2026 10:32.",
            "You received 5 000 FCFA from AMA MENSAH (22890445566) (T-Money). New balance: 1 234 567 FCFA. Ref: TM261127.000012 on 27/11/2026 10:32."
        ),
        (
            "offNetReversed 0",
            "Annulation: 5 000 FCFA recus de AMA MENSAH (22890445566) (T-Money) repris. Nouveau solde: 1 234 567 FCFA. Ref: TM261127.000012.",
            "Reversal: 5 000 FCFA received from AMA MENSAH (22890445566) (T-Money) taken back. New balance: 1 234 567 FCFA. Ref: TM261127.000012."
        ),
        (
            "sent 1",
            "Transfert de 100 FCFA à Kofi d\'Almeida réussi. Frais: 0 FCFA. Nouveau solde: 0 FCFA. Ref: FL260101.000001 le 01/01/2026 00:00.",
            "You sent 100 FCFA to Kofi d\'Almeida. Fee: 0 FCFA. New balance: 0 FCFA. Ref: FL260101.000001 on 01/01/2026 00:00."
        ),
        (
            "received 1",
            "Vous avez recu 100 FCFA de Kofi d\'Almeida. Nouveau solde: 0 FCFA. Ref: FL260101.000001 le 01/01/2026 00:00.",
            "You received 100 FCFA from Kofi d\'Almeida. New balance: 0 FCFA. Ref: FL260101.000001 on 01/01/2026 00:00."
        ),
        (
            "cashIn 1",
            "Depot de 100 FCFA par Kofi d\'Almeida. Nouveau solde: 0 FCFA. Ref: FL260101.000001 le 01/01/2026 00:00.",
            "Cash-in of 100 FCFA by Kofi d\'Almeida. New balance: 0 FCFA. Ref: FL260101.000001 on 01/01/2026 00:00."
        ),
        (
            "cashOut 1",
            "Retrait de 100 FCFA chez Kofi d\'Almeida. Frais: 0 FCFA. Nouveau solde: 0 FCFA. Ref: FL260101.000001 le 01/01/2026 00:00.",
            "Cash-out of 100 FCFA at Kofi d\'Almeida. Fee: 0 FCFA. New balance: 0 FCFA. Ref: FL260101.000001 on 01/01/2026 00:00."
        ),
        (
            "airtimeBought 1",
            "Achat de credit de 100 FCFA pour Kofi d\'Almeida. Nouveau solde: 0 FCFA. Ref: FL260101.000001 le 01/01/2026 00:00.",
            "Airtime of 100 FCFA for Kofi d\'Almeida. New balance: 0 FCFA. Ref: FL260101.000001 on 01/01/2026 00:00."
        ),
        (
            "airtimeReceived 1",
            "Vous avez recu 100 FCFA de credit de Kofi d\'Almeida. Ref: FL260101.000001 le 01/01/2026 00:00.",
            "You received 100 FCFA of airtime from Kofi d\'Almeida. Ref: FL260101.000001 on 01/01/2026 00:00."
        ),
        (
            "reversalDebited 1",
            "Annulation: 100 FCFA repris et rendu à Kofi d\'Almeida. Nouveau solde: 0 FCFA. Ref: FL260101.000001 le 01/01/2026 00:00.",
            "Reversal: 100 FCFA taken back for Kofi d\'Almeida. New balance: 0 FCFA. Ref: FL260101.000001 on 01/01/2026 00:00."
        ),
        (
            "reversalCredited 1",
            "Annulation: 100 FCFA vous sont rendus (Kofi d\'Almeida). Nouveau solde: 0 FCFA. Ref: FL260101.000001 le 01/01/2026 00:00.",
            "Reversal: 100 FCFA returned to you (Kofi d\'Almeida). New balance: 0 FCFA. Ref: FL260101.000001 on 01/01/2026 00:00."
        ),
        (
            "pinChanged 1",
            "Votre code secret a été modifié le 01/01/2026 00:00. Si ce n\'est pas vous, appelez le service client.",
            "Your PIN was changed on 01/01/2026 00:00. If this was not you, call customer care."
        ),
        (
            "welcome 1",
            "Bienvenue Kofi d\'Almeida! Votre compte mobile money est ouvert. Ne partagez jamais votre code secret.",
            "Welcome Kofi d\'Almeida! Your mobile money account is open. Never share your PIN."
        ),
        (
            "offNetSent 1",
            "Transfert de 100 FCFA à 22896112233 (Flooz) réussi. Frais: 0 FCFA. Nouveau solde: 0 FCFA. Ref: FL260101.000001 le 01/01/2026 00:00.",
            "You sent 100 FCFA to 22896112233 (Flooz). Fee: 0 FCFA. New balance: 0 FCFA. Ref: FL260101.000001 on 01/01/2026 00:00."
        ),
        (
            "offNetPending 1",
            "Transfert de 100 FCFA vers 22896112233 (Flooz) en cours. Vous recevrez un SMS de confirmation. Ref: FL260101.000001 le 01/01/2026 00:00.",
            "Your transfer of 100 FCFA to 22896112233 (Flooz) is in progress. An SMS will confirm it. Ref: FL260101.000001 on 01/01/2026 00:00."
        ),
        (
            "offNetRefunded 1 unknown_recipient",
            "Transfert de 100 FCFA vers 22896112233 (Flooz) echoue: numero sans compte Flooz. Montant et frais rembourses. Nouveau solde: 0 FCFA. Ref: FL260101.000001.",
            "Transfer of 100 FCFA to 22896112233 (Flooz) failed: no Flooz account for this number. Amount and fee refunded. New balance: 0 FCFA. Ref: FL260101.000001."
        ),
        (
            "offNetRefunded 1 invalid_msisdn",
            "Transfert de 100 FCFA vers 22896112233 (Flooz) echoue: numero sans compte Flooz. Montant et frais rembourses. Nouveau solde: 0 FCFA. Ref: FL260101.000001.",
            "Transfer of 100 FCFA to 22896112233 (Flooz) failed: no Flooz account for this number. Amount and fee refunded. New balance: 0 FCFA. Ref: FL260101.000001."
        ),
        (
            "offNetRefunded 1 recipient_blocked",
            "Transfert de 100 FCFA vers 22896112233 (Flooz) echoue: compte du beneficiaire bloque. Montant et frais rembourses. Nouveau solde: 0 FCFA. Ref: FL260101.000001.",
            "Transfer of 100 FCFA to 22896112233 (Flooz) failed: the recipient\'s account is blocked. Amount and fee refunded. New balance: 0 FCFA. Ref: FL260101.000001."
        ),
        (
            "offNetRefunded 1 limit_exceeded",
            "Transfert de 100 FCFA vers 22896112233 (Flooz) echoue: plafond du beneficiaire atteint. Montant et frais rembourses. Nouveau solde: 0 FCFA. Ref: FL260101.000001.",
            "Transfer of 100 FCFA to 22896112233 (Flooz) failed: the recipient\'s balance limit is reached. Amount and fee refunded. New balance: 0 FCFA. Ref: FL260101.000001."
        ),
        (
            "offNetRefunded 1 timeout",
            "Transfert de 100 FCFA vers 22896112233 (Flooz) echoue: Flooz indisponible. Montant et frais rembourses. Nouveau solde: 0 FCFA. Ref: FL260101.000001.",
            "Transfer of 100 FCFA to 22896112233 (Flooz) failed: Flooz is unavailable. Amount and fee refunded. New balance: 0 FCFA. Ref: FL260101.000001."
        ),
        (
            "offNetRefunded 1 nil",
            "Transfert de 100 FCFA vers 22896112233 (Flooz) echoue: Flooz indisponible. Montant et frais rembourses. Nouveau solde: 0 FCFA. Ref: FL260101.000001.",
            "Transfer of 100 FCFA to 22896112233 (Flooz) failed: Flooz is unavailable. Amount and fee refunded. New balance: 0 FCFA. Ref: FL260101.000001."
        ),
        (
            "offNetReceived 1",
            "Vous avez recu 100 FCFA de Kofi d\'Almeida (T-Money). Nouveau solde: 0 FCFA. Ref: FL260101.000001 le 01/01/2026 00:00.",
            "You received 100 FCFA from Kofi d\'Almeida (T-Money). New balance: 0 FCFA. Ref: FL260101.000001 on 01/01/2026 00:00."
        ),
        (
            "offNetReversed 1",
            "Annulation: 100 FCFA recus de Kofi d\'Almeida (T-Money) repris. Nouveau solde: 0 FCFA. Ref: FL260101.000001.",
            "Reversal: 100 FCFA received from Kofi d\'Almeida (T-Money) taken back. New balance: 0 FCFA. Ref: FL260101.000001."
        ),
    ]
}
