import Ledger

extension MobileMoney {
    /// Checks a subscriber's PIN (counting toward the lockout) and returns the subscriber: the login of apps.
    public func verifyPin(msisdn text: String, pin: String) async throws -> Subscriber {
        try await withPIN(try msisdn(text), pin) { tx, me in me.subscriber(now: tx.now) }
    }

    /// A wallet's movements, newest first, for an already authenticated caller (apps hold a token, not a PIN).
    ///
    /// - Parameter before: a transfer id from a previous page; only older movements are returned.
    public func history(msisdn text: String, limit: Int, before: Int64? = nil) async throws -> [StatementEntry] {
        let number = try msisdn(text)
        return try await read { rows in
            guard let me = try SubscriberRecord.fetch(rows, number) else { throw MobileMoneyError(.unknownSubscriber, "\(number) has no wallet") }
            return try self.namingOffNetParties(Ledger.statement(rows, account: me.accountID, limit: limit, before: before ?? .max), rows)
        }
    }

    /// A wallet's balance for an already authenticated caller.
    public func walletBalance(msisdn text: String) async throws -> Int64 {
        let number = try msisdn(text)
        return try await read { rows in
            guard let me = try SubscriberRecord.fetch(rows, number) else { throw MobileMoneyError(.unknownSubscriber, "\(number) has no wallet") }
            return me.balance
        }
    }
}
