import Foundation
import GRDB
import Ledger

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
            guard try SubscriberRecord.fetch(tx.db, owner) != nil else { throw MobileMoneyError(.unknownSubscriber, "\(owner) has no wallet") }
            try tx.db.execute(
                sql: """
                    INSERT INTO cards (msisdn, key_id, sealed_number, last4, expiry_month, expiry_year, created_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [owner.digits, keyID, sealed, last4, expiryMonth, expiryYear, tx.now])
            return LinkedCard(id: tx.db.lastInsertedRowID, last4: last4, expiryMonth: expiryMonth, expiryYear: expiryYear, keyID: keyID)
        }
    }

    /// The cards linked to a wallet, last four digits only.
    public func cards(msisdn text: String) async throws -> [LinkedCard] {
        let owner = try msisdn(text)
        return try await read { db in
            try Row.fetchAll(
                db, sql: "SELECT id, last4, expiry_month, expiry_year, key_id FROM cards WHERE msisdn = ? ORDER BY id", arguments: [owner.digits]
            ).map { LinkedCard(id: $0[0], last4: $0[1], expiryMonth: $0[2], expiryYear: $0[3], keyID: $0[4]) }
        }
    }

    /// Re-seals every card under the vault's current key (after a rotation); returns how many changed.
    @discardableResult
    public func resealCards(vault: CardVault) async throws -> Int {
        try await run { tx in
            let rows = try Row.fetchAll(
                tx.db, sql: "SELECT id, msisdn, key_id, sealed_number FROM cards WHERE key_id <> ?", arguments: [vault.currentKeyID])
            for row in rows {
                let owner: String = row[1]
                let number = try vault.open(row[3], keyID: row[2], owner: owner)
                try tx.db.execute(
                    sql: "UPDATE cards SET key_id = ?, sealed_number = ? WHERE id = ?",
                    arguments: [vault.currentKeyID, try vault.seal(number, owner: owner), row[0] as Int64])
            }
            return rows.count
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
