import Foundation
import Ledger

extension DemoWorld {
    /// What `restore(into:)` did.
    public struct RestoreReport: Sendable, Hashable, CustomStringConvertible {
        /// Demo subscribers and agents put back as the world file describes them.
        public var restored: [String] = []
        /// Balance corrections made (each one transfer against the operator's e-money issuance).
        public var adjustments = 0
        /// Wallets opened outside the world that never moved money: closed, so the number is free again.
        public var removed: [String] = []
        /// Wallets opened outside the world that did move money: left as they are (history is never deleted).
        public var kept: [String] = []
        /// Demo wallets with a transfer still pending (an off-net transfer not settled): their balance was left alone.
        public var pending: [String] = []

        public init() {}

        public var description: String {
            var parts = ["restored \(restored.count)", "\(adjustments) adjustment(s)"]
            if !removed.isEmpty { parts.append("closed \(removed.joined(separator: " "))") }
            if !kept.isEmpty { parts.append("kept (they moved money) \(kept.joined(separator: " "))") }
            if !pending.isEmpty { parts.append("pending transfers left on \(pending.joined(separator: " "))") }
            return parts.joined(separator: "; ")
        }
    }

    /// Puts the demo world back as this file describes it, for `sika serve --demo` between session
    /// scripts: every demo subscriber gets back its PIN, language, status, verified e-mail address (or none),
    /// an empty lockout and daily counter, and its balance; agents get back their float; wallets opened since (registration
    /// scripts) are closed if they never moved money.
    ///
    /// Money rules hold: a balance goes back by one transfer to or from the operator's e-money issuance
    /// (kind `adjustment`), so the books still balance and the history stays whole; nothing is deleted
    /// that any transfer refers to, and no SMS is sent. A wallet with a pending transfer keeps its balance.
    /// Daily counters are cleared: this is for the demo only, never for real wallets.
    public func restore(into money: MobileMoney) async throws -> RestoreReport {
        try await seed(into: money)
        var report = RestoreReport()
        for person in subscribers {
            if try await money.restoreDemoSubscriber(person) { report.adjustments += 1 }
            if try await money.hasPendingTransfer(msisdn: person.msisdn) { report.pending.append(person.msisdn) }
            report.restored.append(person.msisdn)
        }
        for agent in agents {
            if try await money.restoreDemoAgent(agent) { report.adjustments += 1 }
            report.restored.append("agent:\(agent.operator):\(agent.code)")
        }
        let (removed, kept) = try await money.closeUnusedWallets(except: Set(subscribers.map(\.msisdn)))
        report.removed = removed
        report.kept = kept
        return report
    }
}

extension MobileMoney {
    /// One demo subscriber back to its world state, in one transaction. Returns whether its balance moved.
    func restoreDemoSubscriber(_ person: DemoWorld.Person) async throws -> Bool {
        let number = try msisdn(person.msisdn)
        let salt = hasher.makeSalt()
        let hash = hasher.hash(pin: person.pin, salt: salt)
        let contact = try person.emailContact
        return try await run { tx in
            guard let me = try SubscriberRecord.fetch(tx.rows, number) else { throw MobileMoneyError(.unknownSubscriber, "\(number) has no wallet") }
            // A new PIN clears the failure counter and the lock.
            try tx.rows.setPin(msisdn: number.digits, salt: salt, hash: hash)
            _ = try tx.rows.setLanguage(msisdn: number.digits, person.language.rawValue)
            _ = try tx.rows.setBlocked(msisdn: number.digits, person.status == .blocked)
            if me.tier != person.tier { try tx.setTier(person.tier, of: me.accountID) }
            try tx.rows.clearOutgoing(account: me.accountID)
            if let contact {
                try tx.rows.setSubscriberEmail(
                    SubscriberEmailRow(
                        msisdn: number.digits, address: contact.address, displayName: contact.displayName, verifiedAt: tx.now, codeHash: nil,
                        codeIssuedAt: 0, codeExpiresAt: 0, codeFailures: 0, updatedAt: tx.now))
            } else {
                _ = try tx.rows.deleteSubscriberEmail(msisdn: number.digits)
            }
            guard try !tx.rows.hasPendingTransfer(account: me.accountID) else { return false }
            return try Self.adjust(tx, account: me.account, to: person.balance)
        }
    }

    /// One demo agent's float back to its world amount. Returns whether it moved.
    func restoreDemoAgent(_ agent: DemoWorld.Agent) async throws -> Bool {
        try await run { tx in
            let account = try self.agentAccount(tx.rows, operatorID: agent.operator, code: agent.code)
            return try Self.adjust(tx, account: account, to: agent.float)
        }
    }

    /// Whether the wallet of `msisdn` has a transfer still pending.
    func hasPendingTransfer(msisdn text: String) async throws -> Bool {
        let number = try msisdn(text)
        return try await read { rows in
            guard let me = try SubscriberRecord.fetch(rows, number) else { return false }
            return try rows.hasPendingTransfer(account: me.accountID)
        }
    }

    /// Closes the wallets not in `keep` that never took part in a transfer (registrations made since the
    /// world was seeded); returns them, and the ones left because they did move money.
    func closeUnusedWallets(except keep: Set<String>) async throws -> (removed: [String], kept: [String]) {
        try await run { tx in
            var removed: [String] = []
            var kept: [String] = []
            for wallet in try tx.rows.walletUsage() where !keep.contains(wallet.msisdn) {
                guard wallet.balance == 0, !wallet.used else {
                    kept.append(wallet.msisdn)
                    continue
                }
                try tx.rows.deleteUnusedWallet(msisdn: wallet.msisdn, account: wallet.account)
                removed.append(wallet.msisdn)
            }
            return (removed, kept)
        }
    }

    /// Moves `account`'s balance to `target` with one adjustment against its operator's issuance account.
    static func adjust(_ tx: LedgerTransaction, account: Account, to target: Int64) throws -> Bool {
        let current = try tx.account(id: account.id).balance
        guard current != target else { return false }
        let issuance = try tx.context.systemAccount(.issuance, of: account.operatorID)
        let (debit, credit) = target > current ? (issuance, account.id) : (account.id, issuance)
        _ = try MobileMoneyError.translating {
            try tx.transfer(
                TransferRequest(
                    idempotencyKey: "demo-restore:\(account.id):\(UUID().uuidString)", debit: debit, credit: credit,
                    amount: abs(target - current), kind: .adjustment, chargeFee: false, enforceLimits: false))
        }
        return true
    }
}

extension MobileMoney {
    /// A demo subscriber as the ledger holds it now, and whether its demo PIN still opens it (checked
    /// without counting toward the lockout: this is the operator's console, not a login).
    struct DemoState: Sendable {
        let balance: Int64
        let status: Subscriber.Status
        let language: Language
        let tier: Int
        let pinMatches: Bool
    }

    func demoState(msisdn text: String, pin: String) async throws -> DemoState? {
        let number = try msisdn(text)
        return try await read { rows in
            guard let record = try SubscriberRecord.fetch(rows, number) else { return nil }
            let subscriber = record.subscriber(now: self.ledger.context.clock())
            return DemoState(
                balance: record.balance, status: subscriber.status, language: record.language, tier: record.tier,
                pinMatches: self.hasher.verify(pin: pin, salt: record.pinSalt, hash: record.pinHash))
        }
    }
}
