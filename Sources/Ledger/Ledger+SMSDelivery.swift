/// Delivery receipts for the SMS outbox: what an SMSC that reports delivery (SMPP) did with each receipt message.
///
/// A message handed to such an SMSC is `submitted` under the ids the SMSC gave its parts. Receipts then move it:
/// every part delivered makes it `delivered`; a part the network gave up on makes it `retrying` (back in the outbox
/// after an exponential backoff) while attempts remain and the retry fits its validity, else `undelivered` or
/// `expired`; a part that expired in the network makes it `expired`. `sweepDeliveries` requeues the retries that
/// are due and expires what never got a receipt. Every decision is one write job, so a crash leaves each message in
/// one of these states, never between two.
extension Ledger {
    /// Records messages handed to an SMSC, in one job.
    public func recordSubmissions(_ submissions: [SMSSubmission]) async throws {
        guard !submissions.isEmpty else { return }
        try await write { tx in
            for submission in submissions {
                try tx.rows.recordSubmission(
                    submission.message, operatorID: submission.operatorID, smscMessageIDs: submission.smscMessageIDs, at: tx.now)
            }
        }
    }

    /// Records one delivery receipt from `operatorID`'s SMSC and decides its message's state under `policy`.
    public func recordReceipt(operatorID: String, smscMessageID: String, state: SMSPartState, policy: SMSDeliveryPolicy) async throws
        -> SMSReceiptOutcome
    {
        try await write { tx in
            guard let row = try tx.rows.recordPartState(operatorID: operatorID, smscMessageID: smscMessageID, state, at: tx.now) else {
                return .unknownMessage
            }
            let current = row.state ?? .submitted
            // A receipt for an earlier attempt, or for a message already settled, is kept with its part only.
            guard current == .submitted, row.partAttempt == row.attempts else { return .recorded(row.id, current) }
            let decision = Self.decide(row, policy: policy, now: tx.now)
            switch decision {
            case .recorded(_, let next) where next != current:
                try tx.rows.setDeliveryState(row.id, next, retryAt: nil, at: tx.now)
            case .retry(_, let retryAt):
                try tx.rows.setDeliveryState(row.id, .retrying, retryAt: retryAt, at: tx.now)
            default:
                break
            }
            return decision
        }
    }

    /// Requeues the retries that are due and expires tracked messages whose validity and receipt wait are over.
    @discardableResult
    public func sweepDeliveries(policy: SMSDeliveryPolicy) async throws -> DeliverySweep {
        let late = SMSDeliveryPolicy.milliseconds(policy.validity + policy.receiptWait)
        return try await write { tx in try tx.rows.sweepDeliveries(now: tx.now, expireCreatedBefore: tx.now - late) }
    }

    /// The message's next state from its parts: all delivered → delivered; one expired → expired; one failed → a retry
    /// while attempts remain and it would leave within the validity period, else undelivered (attempts spent) or
    /// expired (no time left); otherwise still submitted.
    static func decide(_ row: OutboxDeliveryRow, policy: SMSDeliveryPolicy, now: Int64) -> SMSReceiptOutcome {
        let parts = row.partStates
        if !parts.isEmpty, parts.allSatisfy({ $0 == .delivered }) { return .recorded(row.id, .delivered) }
        if parts.contains(.expired) { return .recorded(row.id, .expired) }
        guard parts.contains(.failed) else { return .recorded(row.id, .submitted) }
        guard row.attempts < policy.maxAttempts else { return .recorded(row.id, .undelivered) }
        let retryAt = now + SMSDeliveryPolicy.milliseconds(policy.backoff(after: row.attempts))
        guard retryAt < row.createdAt + SMSDeliveryPolicy.milliseconds(policy.validity) else { return .recorded(row.id, .expired) }
        return .retry(row.id, retryAt: retryAt)
    }
}
