import Foundation
import Ledger
import Operators

extension MobileMoney {
    /// Opens a wallet for a new subscriber. The PIN must be well-formed, confirmed and not trivial.
    @discardableResult
    public func register(
        msisdn text: String, name rawName: String, pin: String, confirmation: String, language: Language = .fr, tier: Int = 0
    ) async throws -> Subscriber {
        let number = try msisdn(text)
        let owner = try operatorOf(number)
        let name = rawName.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        guard (2...40).contains(name.count), name.allSatisfy({ $0.isLetter || $0 == " " || $0 == "-" || $0 == "'" || $0 == "." }) else {
            throw MobileMoneyError(.invalidName, "a name is 2 to 40 letters")
        }
        guard pin == confirmation else { throw MobileMoneyError(.pinMismatch, "the two PINs differ") }
        guard !policy.isTrivial(pin, for: number) else { throw MobileMoneyError(.trivialPin, "PIN too easy to guess") }
        let salt = hasher.makeSalt()
        let hash = hasher.hash(pin: pin, salt: salt)
        let subscriber = try await run { tx in
            if try SubscriberRecord.fetch(tx.rows, number) != nil {
                throw MobileMoneyError(.alreadyRegistered, "\(number) already has a wallet")
            }
            let account = try tx.openAccount(
                code: Account.Code.wallet(owner.id, number.digits), kind: .wallet, operatorID: owner.id, label: name, tier: tier)
            try tx.rows.insertSubscriber(
                NewSubscriber(
                    msisdn: number.digits, operatorID: owner.id, accountID: account.id, name: name, language: language.rawValue, pinSalt: salt,
                    pinHash: hash, createdAt: tx.now))
            try self.notify(tx, number, self.receipts.welcome(name: name, language), transfer: nil)
            return Subscriber(
                msisdn: number, operatorID: owner.id, accountID: account.id, name: name, language: language, status: .active, kycTier: tier,
                lockedUntil: nil)
        }
        logger.info("registered", metadata: ["msisdn": "\(number)", "operator": "\(owner.id)"])
        return subscriber
    }

    /// A subscriber as seen now (status reflects a running lock), or nil if the number has no wallet.
    public func subscriber(_ text: String) async throws -> Subscriber? {
        let number = try msisdn(text)
        let now = ledger.context.clock()
        guard let record = try await read({ rows in try SubscriberRecord.fetch(rows, number) }) else { return nil }
        snapshots.keep(record)
        return record.subscriber(now: now)
    }

    /// The balance of a subscriber's wallet, after checking the PIN.
    public func balance(msisdn text: String, pin: String) async throws -> Int64 {
        try await withPIN(try msisdn(text), pin) { tx, me in try tx.account(id: me.accountID).balance }
    }

    /// The last movements of a subscriber's wallet, newest first, after checking the PIN.
    public func statement(msisdn text: String, pin: String, limit: Int = 5) async throws -> [StatementEntry] {
        try await withPIN(try msisdn(text), pin) { tx, me in
            try self.namingOffNetParties(Ledger.statement(tx.rows, account: me.accountID, limit: limit), tx.rows)
        }
    }

    /// Replaces a PIN. The old one is checked (and counts toward the lockout) before anything else.
    public func changePin(msisdn text: String, old: String, new: String, confirmation: String) async throws {
        let number = try msisdn(text)
        let salt = hasher.makeSalt()
        let hash = hasher.hash(pin: new, salt: salt)
        try await withPIN(number, old) { tx, me in
            guard new == confirmation else { throw MobileMoneyError(.pinMismatch, "the two new PINs differ") }
            guard new != old else { throw MobileMoneyError(.samePin, "the new PIN is the old one") }
            guard !self.policy.isTrivial(new, for: number) else { throw MobileMoneyError(.trivialPin, "PIN too easy to guess") }
            try tx.rows.setPin(msisdn: number.digits, salt: salt, hash: hash)
            try self.notify(tx, number, self.receipts.pinChanged(at: tx.now, me.language), transfer: nil)
        }
        snapshots.forget(number.digits)
        logger.info("PIN changed", metadata: ["msisdn": "\(number)"])
    }

    /// Sets the language of screens and receipts.
    public func setLanguage(msisdn text: String, _ language: Language) async throws {
        let number = try msisdn(text)
        try await run { tx in
            guard try tx.rows.setLanguage(msisdn: number.digits, language.rawValue) else {
                throw MobileMoneyError(.unknownSubscriber, "\(number) has no wallet")
            }
        }
        snapshots.forget(number.digits)
    }

    /// Blocks or unblocks a subscriber (admin). A blocked wallet can neither send nor receive.
    public func setBlocked(msisdn text: String, _ blocked: Bool) async throws {
        let number = try msisdn(text)
        try await run { tx in
            guard try tx.rows.setBlocked(msisdn: number.digits, blocked) else {
                throw MobileMoneyError(.unknownSubscriber, "\(number) has no wallet")
            }
        }
        snapshots.forget(number.digits)
        logger.notice(blocked ? "subscriber blocked" : "subscriber unblocked", metadata: ["msisdn": "\(number)"])
    }
}
