import Foundation
import Ledger
import Operators

extension MobileMoney {
    /// Links a bank card to a wallet. The number is checked (Luhn) and stored sealed; the CVV is checked
    /// for shape and then dropped: it is never written anywhere.
    public func linkCard(
        msisdn text: String, number rawNumber: String, expiryMonth: Int, expiryYear: Int, cvv: String, vault: CardVault
    ) async throws -> LinkedCard {
        let owner = try msisdn(text)
        let number = rawNumber.filter { $0 != " " && $0 != "-" }
        guard (13...19).contains(number.count), number.allSatisfy({ $0.isASCII && $0.isNumber }), Self.luhn(number) else {
            throw MobileMoneyError(.invalidCard, "not a valid card number")
        }
        guard (3...4).contains(cvv.count), cvv.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            throw MobileMoneyError(.invalidCard, "the CVV is 3 or 4 digits")
        }
        let today = CivilDate(epochMillis: ledger.context.clock())
        guard (1...12).contains(expiryMonth), (expiryYear, expiryMonth) >= (today.year, today.month), expiryYear <= today.year + 20 else {
            throw MobileMoneyError(.invalidCard, "the card has expired or its expiry date is wrong")
        }
        let sealed = try vault.seal(number, owner: owner.digits)
        let last4 = String(number.suffix(4))
        let keyID = vault.currentKeyID
        return try await run { tx in
            guard try SubscriberRecord.fetch(tx.rows, owner) != nil else { throw MobileMoneyError(.unknownSubscriber, "\(owner) has no wallet") }
            let id = try tx.rows.insertCard(
                NewCard(
                    msisdn: owner.digits, keyID: keyID, sealedNumber: sealed, last4: last4, expiryMonth: expiryMonth, expiryYear: expiryYear,
                    createdAt: tx.now))
            return LinkedCard(id: id, last4: last4, expiryMonth: expiryMonth, expiryYear: expiryYear, keyID: keyID)
        }
    }

    /// The cards linked to a wallet, last four digits only.
    public func cards(msisdn text: String) async throws -> [LinkedCard] {
        let owner = try msisdn(text)
        return try await read { rows in
            try rows.cards(msisdn: owner.digits).map {
                LinkedCard(id: $0.id, last4: $0.last4, expiryMonth: $0.expiryMonth, expiryYear: $0.expiryYear, keyID: $0.keyID)
            }
        }
    }

    /// Re-seals every card under the vault's current key (after a rotation); returns how many changed.
    @discardableResult
    public func resealCards(vault: CardVault) async throws -> Int {
        try await run { tx in
            let stale = try tx.rows.cards(notSealedWith: vault.currentKeyID)
            for card in stale {
                let number = try vault.open(card.sealedNumber, keyID: card.keyID, owner: card.msisdn)
                try tx.rows.reseal(card: card.id, keyID: vault.currentKeyID, sealedNumber: try vault.seal(number, owner: card.msisdn))
            }
            return stale.count
        }
    }

    /// The Luhn check digit rule every card number obeys.
    static func luhn(_ digits: String) -> Bool {
        var sum = 0
        for (index, char) in digits.reversed().enumerated() {
            guard let digit = char.wholeNumberValue else { return false }
            let value = index.isMultiple(of: 2) ? digit : digit * 2
            sum += value > 9 ? value - 9 : value
        }
        return sum.isMultiple(of: 10)
    }
}
