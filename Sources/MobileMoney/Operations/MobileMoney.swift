import Foundation
import Ledger
import Logging
import Operators
import Synchronization

/// The mobile-money operations that menus, the socket and the API call: subscribers, PINs, transfers,
/// balances, statements, cash-in/out, airtime and reversals.
///
/// Every operation that checks a PIN or moves money runs as one job of the ledger's group commit, so
/// the PIN check, the money, the lockout counter and the SMS receipts commit together or not at all.
public final class MobileMoney: Sendable {
    /// Security settings.
    public struct Options: Sendable {
        /// Consecutive wrong PINs before the wallet locks.
        public var maxPinAttempts = 3
        /// How long a lock lasts, in milliseconds.
        public var lockDuration: Int64 = 30 * 60_000
        /// How long a code confirming an e-mail address is accepted, in milliseconds.
        public var emailCodeLifetime: Int64 = 15 * 60_000
        /// Wrong codes before the pending one is void (a new one must be asked for).
        public var maxEmailCodeAttempts = 5
        /// The least time between two codes sent for one subscriber, in milliseconds: a token cannot be used to
        /// flood someone else's mailbox with codes.
        public var emailCodeInterval: Int64 = 60_000
        /// The right-hand side of the `Message-ID` of every e-mail notice (`<…@domain>`): `sika serve` takes the
        /// domain of `--mail-from`. A host name, checked when the e-mail is sent.
        public var messageIDDomain = "sika.localhost"
        /// Whether on-net transfers are checked on a snapshot before their write job (see `prepareTransfer`). Off,
        /// every check runs inside the single writer, as before that existed: `sika-bench ledger` measures both.
        public var preparesTransfers = true

        public init() {}
    }

    public let ledger: Ledger
    let hasher: PinHasher
    /// Derives and checks the codes that confirm e-mail addresses (from the same pepper, under its own key).
    let emailCodes: EmailCodes
    let policy = PinPolicy()
    let options: Options
    let logger: Logger
    /// The notices, by SMS and by e-mail (`menus/receipts.yaml`), loaded once.
    public let receipts: Receipts
    /// Told the outcome of every movement (metrics); see `addTransferObserver`.
    let observers = Mutex<[any TransferObserver]>([])
    /// Write jobs prepared on a snapshot: see ``preparedWrites``.
    let preparedStats = Mutex(PreparedWriteStats())
    /// Subscribers as last read, to prepare operations without a read of their own.
    let snapshots = SubscriberSnapshots()

    /// - Parameter receipts: the SMS texts; the shipped `menus/receipts.yaml` unless given.
    public init(
        ledger: Ledger, pepper: PinPepper, options: Options = Options(), logger: Logger = Logger(label: "sika.money"),
        receipts: Receipts = .shipped
    ) {
        self.ledger = ledger
        self.receipts = receipts
        self.hasher = PinHasher(pepper: pepper)
        self.emailCodes = EmailCodes(pepper: pepper)
        self.options = options
        self.logger = logger
    }

    public var catalog: OperatorCatalog { ledger.context.catalog }

    /// How the write jobs prepared on a snapshot fared so far (benchmarks, tests).
    public var preparedWrites: PreparedWriteStats { preparedStats.withLock { $0 } }

    // MARK: Shared steps

    /// Parses a number typed by a person or sent by a gateway.
    func msisdn(_ text: String) throws -> MSISDN {
        guard let number = MSISDN(text) else { throw MobileMoneyError(.invalidMSISDN, "not a Togolese mobile number") }
        return number
    }

    /// The operator that owns a number, or `invalidMSISDN` for a number no operator serves.
    func operatorOf(_ number: MSISDN) throws -> OperatorConfig {
        guard let config = catalog.operatorOwning(msisdn: number.digits) else {
            throw MobileMoneyError(.invalidMSISDN, "\(number) is not in any operator's numbering range")
        }
        return config
    }

    /// Runs a job in the group commit, in mobile-money vocabulary.
    ///
    /// - Parameter expected: the recheck the job starts with, when it is a prepared transfer (see
    ///   ``Ledger/write(expecting:_:)``).
    func run<T: Sendable>(expecting expected: TransferRecheck? = nil, _ work: @escaping @Sendable (LedgerTransaction) throws -> T)
        async throws -> T
    {
        do {
            return try await ledger.write(expecting: expected, work)
        } catch let error as LedgerError {
            throw MobileMoneyError(error)
        }
    }

    func read<T: Sendable>(_ work: @escaping @Sendable (any LedgerStoreReader) throws -> T) async throws -> T {
        do {
            return try await ledger.read(work)
        } catch let error as LedgerError {
            throw MobileMoneyError(error)
        }
    }

    /// Checks the PIN, then runs `body` in the same transaction.
    ///
    /// A wrong PIN is a refusal that must still be written (the failure counter, maybe a lock), so it
    /// travels as a value out of the job, which then commits, and is thrown only afterwards.
    ///
    /// - Parameter prepared: the operation as its caller prepared it on a snapshot, PIN checked; it runs
    ///   first in the job and answers nil when the snapshot no longer holds, and then the job checks the PIN
    ///   and runs `body` as if nothing had been prepared.
    /// - Parameter expected: what `prepared` rechecks first, told to the store.
    func withPIN<T: Sendable>(
        _ msisdn: MSISDN, _ pin: String, prepared: (@Sendable (LedgerTransaction) throws -> T?)? = nil, expecting expected: TransferRecheck? = nil,
        _ body: @escaping @Sendable (LedgerTransaction, SubscriberRecord) throws -> T
    ) async throws -> T {
        let outcome: Result<T, MobileMoneyError> = try await run(expecting: expected) { tx in
            if let prepared, let value = try MobileMoneyError.translating({ try prepared(tx) }) { return .success(value) }
            switch try self.authenticate(tx, msisdn, pin: pin) {
            case .failure(let refusal): return .failure(refusal)
            case .success(let record): return .success(try MobileMoneyError.translating { try body(tx, record) })
            }
        }
        do {
            return try outcome.get()
        } catch {
            logger.info("refused", metadata: ["msisdn": "\(msisdn)", "code": "\(error.code.rawValue)"])
            throw error
        }
    }

    private func authenticate(_ tx: LedgerTransaction, _ msisdn: MSISDN, pin: String) throws -> Result<SubscriberRecord, MobileMoneyError> {
        guard let record = try SubscriberRecord.fetch(tx.rows, msisdn) else {
            throw MobileMoneyError(.unknownSubscriber, "\(msisdn) has no wallet")
        }
        if record.blocked { return .failure(MobileMoneyError(.blocked, "\(msisdn) is blocked")) }
        if record.lockedUntil > tx.now {
            return .failure(MobileMoneyError(.locked, "\(msisdn) is locked", lockedUntil: record.lockedUntil))
        }
        if policy.isWellFormed(pin) && hasher.verify(pin: pin, salt: record.pinSalt, hash: record.pinHash) {
            if record.failedPins > 0 || record.lockedUntil > 0 {
                try tx.rows.setPinFailures(msisdn: msisdn.digits, failures: 0, lockedUntil: 0)
            }
            return .success(record)
        }
        let failures = record.failedPins + 1
        if failures >= options.maxPinAttempts {
            let until = tx.now + options.lockDuration
            try tx.rows.setPinFailures(msisdn: msisdn.digits, failures: 0, lockedUntil: until)
            logger.warning("wallet locked after wrong PINs", metadata: ["msisdn": "\(msisdn)"])
            return .failure(MobileMoneyError(.locked, "too many wrong PINs", lockedUntil: until))
        }
        try tx.rows.setPinFailures(msisdn: msisdn.digits, failures: failures, lockedUntil: 0)
        return .failure(MobileMoneyError(.wrongPin, "wrong PIN", attemptsLeft: options.maxPinAttempts - failures))
    }

    /// Queues a notice for a subscriber: its SMS, through the gateway of the operator that owns the number, and
    /// its e-mail when the subscriber has a verified address.
    func notify(_ tx: LedgerTransaction, _ msisdn: MSISDN, _ notice: NoticeText, transfer: Int64?) throws {
        try notify(tx, [(msisdn, notice)], transfer: transfer)
    }

    /// Queues the notices of one movement (usually both parties' receipts) together, SMS and e-mail, in the
    /// movement's own transaction: never a notice without its movement, never a movement without its notices.
    func notify(_ tx: LedgerTransaction, _ messages: [(MSISDN, NoticeText)], transfer: Int64?) throws {
        try tx.enqueueSMS(
            messages.compactMap { msisdn, notice in
                catalog.operatorOwning(msisdn: msisdn.digits).map { (msisdn.digits, $0.id, notice.sms, transfer) }
            })
        try enqueueMail(tx, messages, transfer: transfer)
    }

    func result(_ receipt: TransferReceipt, counterparty: String, msisdn: MSISDN?) -> TransferResult {
        TransferResult(
            transferID: receipt.transfer.id, reference: receipt.reference, amount: receipt.transfer.amount, fee: receipt.fee,
            balance: receipt.debitBalanceAfter, counterparty: counterparty, counterpartyMSISDN: msisdn?.digits,
            state: receipt.transfer.state.rawValue, createdAt: receipt.transfer.createdAt, replayed: receipt.replayed)
    }
}
