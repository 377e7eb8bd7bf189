import Foundation

/// The rows a write job can change, inside one atomic unit of a store's group commit.
///
/// Methods that change a row the caller read (a balance, a counter, a state) return the value after
/// the change or whether it applied, so the rules above can re-check without a second read.
public protocol LedgerStoreWriter: LedgerStoreReader {
    // MARK: Accounts

    /// Inserts an account with a zero balance; `duplicateAccount` if the code exists.
    func insertAccount(code: String, kind: AccountKind, operatorID: String, label: String, tier: Int, createdAt: Int64) throws -> Account.ID
    /// Inserts a system account unless one with this code exists.
    func insertSystemAccountIfMissing(code: String, kind: AccountKind, operatorID: String, label: String, createdAt: Int64) throws
    func setTier(_ tier: Int, of account: Account.ID) throws
    /// Locks the customer-held accounts (wallets, agents) among `ids` for the rest of the job and returns them
    /// as they are now; call it before moving money between several accounts and check limits against what
    /// it returns.
    ///
    /// With several writer connections (PostgreSQL), a job's reads may be stale and two jobs may each hold an
    /// account the other needs: the store locks in one global order (by id) and re-reads under the lock.
    /// System accounts are not locked (their balances are spread so that writers never queue on them). A store
    /// whose writer is the only one (SQLite) has nothing to lock and returns nil: what the job read is current.
    func lockAccounts(_ ids: [Account.ID]) throws -> [Account]?
    /// Adds `delta` to a balance and returns the new one; `insufficientFunds` if a customer-held account
    /// would go below zero (the store enforces it even when the rules above did not check).
    func addToBalance(_ account: Account.ID, _ delta: Int64) throws -> Int64

    // MARK: Transfers

    func insertTransfer(_ transfer: NewTransfer) throws -> Transfer.ID
    /// Moves a pending transfer to `state`; false if it was not pending.
    func setTransferState(_ id: Transfer.ID, to state: TransferState, at: Int64) throws -> Bool
    /// Adds `amount` (possibly negative) to what `account` sent on `day` and returns the new total.
    func addOutgoing(account: Account.ID, day: Int64, amount: Int64) throws -> Int64
    /// Re-reads what an on-net transfer prepared from a snapshot relies on: see ``TransferRecheck``. A party
    /// that no longer matches (another wallet under the number, another language or tier, blocked, for the
    /// payer other PIN material or any failure or lock) reads as a nil balance. A default made of the plain
    /// lookups exists (``recheckByLookups(_:)``); a store overrides it with one statement.
    func recheck(_ transfer: TransferRecheck) throws -> TransferRecheckRow
    /// Writes a transfer the rules allowed: the payer's daily counter (refused past its cap with `limitExceeded`
    /// on the total it holds now), the three balances (`insufficientFunds` if a customer balance would go below
    /// zero), the transfer and its fee leg. A default made of the plain writes exists
    /// (``postTransferByStatements(_:)``); a store overrides it with one statement.
    func postTransfer(_ posting: TransferPosting) throws -> TransferPostingRow
    /// Forgets every daily count of `account` (the demo world's restore).
    func clearOutgoing(account: Account.ID) throws

    // MARK: Outbox

    func insertMessages(_ messages: [NewOutboxMessage]) throws
    /// Marks messages delivered; a message already marked stays as it was.
    func markDelivered(_ ids: [OutboxMessage.ID], at: Int64) throws
    /// Claims for `claimant` until `until` up to `limit` undelivered messages of `operatorID`, oldest first: those
    /// no claim holds at `now` (none, or its lease ended) and those `claimant` holds already. Rows another
    /// transaction has locked are skipped, not waited for (PostgreSQL `FOR UPDATE SKIP LOCKED`), so nodes sharing
    /// one database each take different messages; a node that dies leaves its claims to lapse.
    func claimSMS(operatorID: String, claimant: String, until: Int64, now: Int64, limit: Int) throws -> [OutboxMessage]
    /// A message handed to an SMSC that reports delivery, under one id per part: marked delivered (handed over) at `at`,
    /// delivery state `submitted`, `attempts` plus one, and each id recorded as a `pending` part of that attempt (an id
    /// the SMSC gave before, to any message of `operatorID`, now names this part). An id the outbox lacks records nothing.
    func recordSubmission(_ id: OutboxMessage.ID, operatorID: String, smscMessageIDs: [String], at: Int64) throws
    /// Sets the state of the part `operatorID`'s SMSC knows as `smscMessageID`, and returns its message as the rules need
    /// it (the parts of its latest attempt included); nil when no part has this id.
    func recordPartState(operatorID: String, smscMessageID: String, _ state: SMSPartState, at: Int64) throws -> OutboxDeliveryRow?
    /// Sets a tracked message's delivery state; `retryAt` (only with `.retrying`) is when it may go out again. A final
    /// state also records `at` as the time it was reached.
    func setDeliveryState(_ id: OutboxMessage.ID, _ state: SMSDeliveryState, retryAt: Int64?, at: Int64) throws
    /// Puts back in the outbox (undelivered again) the `retrying` messages whose retry time is at or before `now`, and
    /// expires the tracked messages (`submitted`, or `retrying` and not handed to a front without receipts since)
    /// written at or before `cutoff`.
    func sweepDeliveries(now: Int64, expireCreatedBefore cutoff: Int64) throws -> DeliverySweep

    // MARK: Subscribers

    func insertSubscriber(_ subscriber: NewSubscriber) throws
    func setPinFailures(msisdn: String, failures: Int, lockedUntil: Int64) throws
    /// A new PIN, with the failure counter and lock cleared.
    func setPin(msisdn: String, salt: Data, hash: Data) throws
    /// False when no subscriber has this number.
    func setLanguage(msisdn: String, _ language: String) throws -> Bool
    /// False when no subscriber has this number.
    func setBlocked(msisdn: String, _ blocked: Bool) throws -> Bool
    /// Deletes a subscriber, its cards, its e-mail row, its daily counts and its wallet account: only for a wallet no
    /// transfer ever touched (the store refuses otherwise, as the transfers reference the account).
    func deleteUnusedWallet(msisdn: String, account: Account.ID) throws

    // MARK: Cards

    func insertCard(_ card: NewCard) throws -> Int64
    func reseal(card id: Int64, keyID: String, sealedNumber: Data) throws

    // MARK: Off-net

    func insertOffNetOutgoing(_ row: NewOffNetOutgoing) throws
    /// Sets the "told pending" flag; false if it was already set.
    func markToldPending(transferID: Transfer.ID) throws -> Bool
    func insertOffNetIncoming(_ row: OffNetIncomingRow) throws
    func setOffNetIncomingState(operatorID: String, key: String, _ state: String, at: Int64) throws
    /// The name the recipient's network gave for the credited wallet, for receipts and statements.
    func setOffNetRecipientName(transferID: Transfer.ID, _ name: String) throws

    // MARK: E-mail

    /// Inserts a subscriber's e-mail row, or replaces the one it has (one row per subscriber).
    func setSubscriberEmail(_ row: SubscriberEmailRow) throws
    /// False when the subscriber had no e-mail row.
    func deleteSubscriberEmail(msisdn: String) throws -> Bool
    /// Queues e-mails, each due at its `createdAt`, in state `queued` with no attempt made.
    func insertMail(_ messages: [NewMailMessage]) throws
    /// Records one attempt's outcome on a queued e-mail; false (and nothing changed) when it is no longer queued.
    func recordMailAttempt(_ outcome: MailAttemptOutcome) throws -> Bool
    /// Puts a failed or dead e-mail back in the queue, due at `at`, with its attempts counted from zero again;
    /// false when it is not failed or dead.
    func requeueMail(id: MailOutboxMessage.ID, at: Int64) throws -> Bool
}
