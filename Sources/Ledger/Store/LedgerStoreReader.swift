/// The rows a store can read, on a snapshot or inside a write job. Plain lookups by key: every rule
/// about what the rows mean lives above the store.
public protocol LedgerStoreReader {
    // MARK: Accounts

    func account(id: Account.ID) throws -> Account?
    func account(code: String) throws -> Account?
    /// Every system account (issuance, fees, suspense, airtime, settlement) by code.
    func systemAccounts() throws -> [String: Account.ID]

    // MARK: Transfers

    func transfer(id: Transfer.ID) throws -> Transfer?
    func transfer(idempotencyKey: String) throws -> Transfer?
    /// Non-fee, non-voided movements of `account` with an id below `before`, newest first, with the
    /// other account of each.
    func statement(account: Account.ID, limit: Int, before: Transfer.ID) throws -> [StatementRow]
    /// Pending top-level transfers created at or before `cutoff`, oldest first.
    func pendingTransfers(createdBefore cutoff: Int64, limit: Int) throws -> [Transfer]
    /// What `account` has sent on `day` (days since 1970, UTC).
    func outgoing(account: Account.ID, day: Int64) throws -> Int64
    /// Whether a transfer touching `account` is still pending.
    func hasPendingTransfer(account: Account.ID) throws -> Bool

    // MARK: Audit

    /// Every account's stored balance beside the balance its non-voided transfers give.
    func balanceCheck() throws -> [BalanceCheckRow]
    /// Fee legs whose state disagrees with their parent's: (fee id, parent id).
    func feeStateMismatches() throws -> [(fee: Transfer.ID, parent: Transfer.ID)]
    func transferCount() throws -> Int

    // MARK: Outbox

    /// Messages not yet delivered for an operator, oldest first.
    func undeliveredSMS(operatorID: String, limit: Int) throws -> [OutboxMessage]
    /// Messages to `msisdn` with an id above `after`, oldest first.
    func messages(to msisdn: String, after: OutboxMessage.ID) throws -> [OutboxMessage]
    /// The highest outbox id (0 when empty).
    func lastMessageID() throws -> OutboxMessage.ID

    // MARK: Subscribers

    /// A subscriber with the wallet account read in the same query.
    func subscriber(msisdn: String) throws -> SubscriberRow?
    /// Every subscriber's wallet with its balance and whether any transfer ever touched it, by number.
    func walletUsage() throws -> [WalletUsageRow]

    // MARK: Cards

    func cards(msisdn: String) throws -> [CardRow]
    /// Cards sealed under another key than `keyID`.
    func cards(notSealedWith keyID: String) throws -> [CardRow]

    // MARK: Off-net

    func offNetOutgoing(transferID: Transfer.ID) throws -> OffNetOutgoingRow?
    func offNetOutgoing(providerKey: String) throws -> OffNetOutgoingRow?
    /// Pending off-net debits created at or before `cutoff` with an id above `after`, oldest first.
    func pendingOffNet(createdBefore cutoff: Int64, after: Transfer.ID, limit: Int) throws -> [OffNetOutgoingRow]
    func offNetIncoming(operatorID: String, key: String) throws -> OffNetIncomingRow?
    func offNetIncoming(operatorID: String, source: String) throws -> [OffNetIncomingRow]
    /// The receiving side's record of the credit that `transferID` made, if it made one.
    func offNetIncoming(transferID: Transfer.ID) throws -> OffNetIncomingRow?
    /// Every off-net debit beside the credit its destination recorded under the same key, if any.
    func offNetMatches() throws -> [OffNetMatchRow]
    /// Keys credited at a destination with no debit at the source.
    func orphanOffNetCredits() throws -> [String]
    /// Posted off-net amounts keyed `"<home>><destination>"` (`"tmoney>flooz"`).
    func postedOffNetTotals() throws -> [String: Int64]

    // MARK: E-mail

    /// A subscriber's e-mail address with its verification state, if it has one.
    func subscriberEmail(msisdn: String) throws -> SubscriberEmailRow?
    /// Queued e-mails whose next attempt is at or before `now`, soonest first (then oldest first).
    func dueMail(at now: Int64, limit: Int) throws -> [MailOutboxMessage]
    /// E-mails in `state`, newest first.
    func mail(in state: MailState, limit: Int) throws -> [MailOutboxMessage]
    /// How many e-mails wait or are stuck, by state (sent ones are not counted).
    func mailOutboxCounts() throws -> MailOutboxCounts
}

extension LedgerStoreReader {
    /// Off-net debits counted by the state of their transfer.
    public func offNetStates() throws -> [String: Int] {
        try offNetMatches().reduce(into: [:]) { $0[$1.debitState.rawValue, default: 0] += 1 }
    }
}
