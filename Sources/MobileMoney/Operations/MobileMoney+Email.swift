import Ledger
import Operators

/// Subscribers' e-mail addresses: set (a code goes to the address), confirmed with that code within a time
/// limit and a bounded number of tries, shown, removed. Never required; only a confirmed address gets notices.
extension MobileMoney {
    /// A subscriber's address and its state, or nil when it has none.
    public func email(msisdn text: String) async throws -> SubscriberEmail? {
        let number = try msisdn(text)
        let now = ledger.context.clock()
        return try await read { rows in try rows.subscriberEmail(msisdn: number.digits).map { Self.view($0, now: now) } }
    }

    /// Sets a subscriber's address and sends it a code, in one transaction: the address is unverified (and gets
    /// no notice) until ``verifyEmail(msisdn:code:)`` confirms it. Setting the address it already has, verified,
    /// only updates the display name and sends nothing; setting it again unverified sends a new code (the old
    /// one stops working), but not within ``Options/emailCodeInterval`` of the last one (`codeRecentlySent`).
    @discardableResult
    public func setEmail(msisdn text: String, _ contact: EmailContact) async throws -> SubscriberEmail {
        let number = try msisdn(text)
        let lifetime = options.emailCodeLifetime
        let interval = options.emailCodeInterval
        let email = try await run { tx in
            guard let me = try SubscriberRecord.fetch(tx.rows, number) else {
                throw MobileMoneyError(.unknownSubscriber, "\(number) has no wallet")
            }
            var row = SubscriberEmailRow(
                msisdn: number.digits, address: contact.address, displayName: contact.displayName, verifiedAt: nil, codeHash: nil,
                codeIssuedAt: 0, codeExpiresAt: 0, codeFailures: 0, updatedAt: tx.now)
            let current = try tx.rows.subscriberEmail(msisdn: number.digits)
            if let current, current.address == contact.address, current.verifiedAt != nil {
                row.verifiedAt = current.verifiedAt
            } else {
                if let current, current.codeIssuedAt > 0, tx.now - current.codeIssuedAt < interval {
                    throw MobileMoneyError(
                        .codeRecentlySent, "a code was sent less than \(interval / 1000) s ago", lockedUntil: current.codeIssuedAt + interval)
                }
                let code = self.emailCodes.code(msisdn: number.digits, address: contact.address, issuedAt: tx.now)
                row.codeHash = self.emailCodes.hash(code: code, msisdn: number.digits, address: contact.address, issuedAt: tx.now)
                row.codeIssuedAt = tx.now
                row.codeExpiresAt = tx.now + lifetime
                try self.enqueueCodeMail(tx, me, contact)
            }
            try tx.rows.setSubscriberEmail(row)
            return Self.view(row, now: tx.now)
        }
        logger.info("e-mail address set", metadata: ["msisdn": "\(number)", "verified": "\(email.verified)"])
        return email
    }

    /// Confirms the pending code. A wrong code counts toward the limit (and that count is kept even though
    /// the call throws); past it, the code is void and a new one must be asked for. Confirming an address
    /// already verified changes nothing.
    @discardableResult
    public func verifyEmail(msisdn text: String, code: String) async throws -> SubscriberEmail {
        let number = try msisdn(text)
        let maxAttempts = options.maxEmailCodeAttempts
        let outcome: Result<SubscriberEmail, MobileMoneyError> = try await run { tx in
            guard var row = try tx.rows.subscriberEmail(msisdn: number.digits) else {
                throw MobileMoneyError(.noEmail, "\(number) has no e-mail address")
            }
            if row.verifiedAt != nil { return .success(Self.view(row, now: tx.now)) }
            guard let hash = row.codeHash else {
                return .failure(MobileMoneyError(.noCodePending, "no code is waiting: ask for a new one"))
            }
            guard tx.now < row.codeExpiresAt else { return .failure(MobileMoneyError(.codeExpired, "the code has expired: ask for a new one")) }
            let wellFormed = code.utf8.count == 6 && code.utf8.allSatisfy { (0x30...0x39).contains($0) }
            if wellFormed && self.emailCodes.verify(code: code, hash: hash, msisdn: row.msisdn, address: row.address, issuedAt: row.codeIssuedAt) {
                row.verifiedAt = tx.now
                row.codeHash = nil
                row.codeExpiresAt = 0
                row.codeFailures = 0
                row.updatedAt = tx.now
                try tx.rows.setSubscriberEmail(row)
                return .success(Self.view(row, now: tx.now))
            }
            row.codeFailures += 1
            row.updatedAt = tx.now
            let left = maxAttempts - row.codeFailures
            if left <= 0 {
                row.codeHash = nil
                row.codeExpiresAt = 0
            }
            try tx.rows.setSubscriberEmail(row)
            return .failure(
                left <= 0
                    ? MobileMoneyError(.tooManyAttempts, "too many wrong codes: ask for a new one")
                    : MobileMoneyError(.wrongCode, "wrong code", attemptsLeft: left))
        }
        do {
            let email = try outcome.get()
            logger.info("e-mail address verified", metadata: ["msisdn": "\(number)"])
            return email
        } catch {
            logger.info("e-mail code refused", metadata: ["msisdn": "\(number)", "code": "\(error.code.rawValue)"])
            throw error
        }
    }

    /// Removes a subscriber's address; notices already queued for it are still delivered. False when it had none.
    @discardableResult
    public func removeEmail(msisdn text: String) async throws -> Bool {
        let number = try msisdn(text)
        let removed = try await run { tx in try tx.rows.deleteSubscriberEmail(msisdn: number.digits) }
        if removed { logger.info("e-mail address removed", metadata: ["msisdn": "\(number)"]) }
        return removed
    }

    /// Sets an address as already verified, without a code: for the demo world and operators who verified it
    /// otherwise. Nothing is sent.
    @discardableResult
    public func setVerifiedEmail(msisdn text: String, _ contact: EmailContact) async throws -> SubscriberEmail {
        let number = try msisdn(text)
        return try await run { tx in
            guard try tx.rows.subscriber(msisdn: number.digits) != nil else {
                throw MobileMoneyError(.unknownSubscriber, "\(number) has no wallet")
            }
            let row = SubscriberEmailRow(
                msisdn: number.digits, address: contact.address, displayName: contact.displayName, verifiedAt: tx.now, codeHash: nil,
                codeIssuedAt: 0, codeExpiresAt: 0, codeFailures: 0, updatedAt: tx.now)
            try tx.rows.setSubscriberEmail(row)
            return Self.view(row, now: tx.now)
        }
    }

    /// Queues the message carrying the code, with no values: the dispatcher composes it when it sends,
    /// recomputing the code (``mailContent(_:)``), so the outbox never holds a code.
    private func enqueueCodeMail(_ tx: LedgerTransaction, _ me: SubscriberRecord, _ contact: EmailContact) throws {
        try tx.rows.insertMail([
            NewMailMessage(
                messageID: messageID(notice: Receipts.Notice.emailCode.rawValue, reference: nil), msisdn: me.msisdn.digits,
                address: contact.address, displayName: contact.displayName, language: me.language.rawValue,
                notice: Receipts.Notice.emailCode.rawValue, values: [:], transferID: nil, createdAt: tx.now)
        ])
    }

    static func view(_ row: SubscriberEmailRow, now: Int64) -> SubscriberEmail {
        SubscriberEmail(
            msisdn: row.msisdn, address: row.address, displayName: row.displayName, verifiedAt: row.verifiedAt,
            codeExpiresAt: row.codeHash != nil && row.codeExpiresAt > now ? row.codeExpiresAt : nil)
    }
}
