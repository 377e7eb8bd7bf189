import Foundation

/// What a write job re-reads, in one statement, of an on-net transfer its caller prepared from a snapshot.
///
/// The caller did the slow part before its job entered the group commit: it read both parties on a
/// snapshot, checked the PIN (HMAC) and every rule, and rendered the receipts. Inside the write lock the
/// job only confirms that what those checks relied on still holds — each party is the same wallet with
/// the same language and tier, the payer's PIN material is unchanged with no failure counted and no lock
/// set, neither party blocked — and reads fresh the values that change all the time (both balances, the
/// payer's outgoing total of the day, whether the idempotency keys are still free), so the ledger's rules
/// run on those as they are now. When the parties changed, the job does the whole check itself.
public struct TransferRecheck: Sendable, Hashable {
    /// A party as the snapshot saw it.
    public struct Party: Sendable, Hashable {
        public var msisdn: String
        public var account: Account.ID
        public var language: String
        public var tier: Int

        public init(msisdn: String, account: Account.ID, language: String, tier: Int) {
            self.msisdn = msisdn
            self.account = account
            self.language = language
            self.tier = tier
        }
    }

    /// A salt and the keyed hash of the PIN over it, as stored.
    public struct PinMaterial: Sendable, Hashable {
        public var salt: Data
        public var hash: Data

        public init(salt: Data, hash: Data) {
            self.salt = salt
            self.hash = hash
        }
    }

    public var debit: Party
    /// The payer's PIN material, as the caller checked the PIN against it.
    public var debitPin: PinMaterial
    public var credit: Party
    /// The day (days since 1970, UTC) whose outgoing total is read.
    public var day: Int64
    /// The transfer's idempotency key and its fee leg's.
    public var key: String
    public var feeKey: String

    public init(debit: Party, debitPin: PinMaterial, credit: Party, day: Int64, key: String, feeKey: String) {
        self.debit = debit
        self.debitPin = debitPin
        self.credit = credit
        self.day = day
        self.key = key
        self.feeKey = feeKey
    }

    /// The balance of `party` in `row`, the subscriber as it is now, if it is still the party the snapshot saw
    /// (same wallet, language and tier, not blocked, and with `pin` the same PIN material with no failure counted
    /// and no lock); nil otherwise.
    public static func balance(of party: Party, pin: PinMaterial?, in row: SubscriberRow?) -> Int64? {
        guard let row, row.account.id == party.account, !row.blocked, row.language == party.language, row.account.tier == party.tier
        else { return nil }
        if let pin, row.pinSalt != pin.salt || row.pinHash != pin.hash || row.failedPins != 0 || row.lockedUntil != 0 {
            return nil
        }
        return row.account.balance
    }
}
