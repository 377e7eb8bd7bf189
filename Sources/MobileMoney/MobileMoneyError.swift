import Ledger

/// Why a mobile-money operation was refused. `code` is stable and is what menus, the socket and the
/// API map; `message` is for logs and people and never holds a PIN.
public struct MobileMoneyError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Code: String, Sendable, Hashable {
        case invalidMSISDN = "invalid_msisdn"
        case unknownSubscriber = "unknown_subscriber"
        case unknownRecipient = "unknown_recipient"
        case recipientBlocked = "recipient_blocked"
        case blocked
        case locked
        case wrongPin = "wrong_pin"
        case trivialPin = "trivial_pin"
        case pinMismatch = "pin_mismatch"
        case samePin = "same_pin"
        case selfTransfer = "self_transfer"
        case otherNetwork = "other_network"
        case insufficientFunds = "insufficient_funds"
        case limitExceeded = "limit_exceeded"
        case invalidAmount = "invalid_amount"
        case invalidName = "invalid_name"
        case alreadyRegistered = "already_registered"
        case unknownAgent = "unknown_agent"
        case unknownTransfer = "unknown_transfer"
        case notReversible = "not_reversible"
        case idempotencyConflict = "idempotency_conflict"
        case invalidCard = "invalid_card"
        /// An off-net request for a recipient on the sender's own network.
        case sameNetwork = "same_network"
        /// The other provider's answer contradicts what the ledger already recorded (credited after a void).
        case offNetConflict = "offnet_conflict"
        /// An e-mail address or display name that cannot go into a message (``MobileMoneyError/field`` says which).
        case invalidEmail = "invalid_email"
        /// The subscriber has no e-mail address.
        case noEmail = "no_email"
        /// No code is waiting to be confirmed (none asked, or given up after too many wrong ones): ask for a new one.
        case noCodePending = "no_code_pending"
        /// Not the code sent (``MobileMoneyError/attemptsLeft`` says how many tries remain).
        case wrongCode = "wrong_code"
        /// The code's time ran out: ask for a new one.
        case codeExpired = "code_expired"
        /// Too many wrong codes: this one is void; ask for a new one.
        case tooManyAttempts = "too_many_attempts"
        /// A code was sent moments ago: a new one may be asked for at ``MobileMoneyError/lockedUntil``.
        case codeRecentlySent = "code_recently_sent"
        case configuration
        case storage
    }

    public let code: Code
    public let message: String
    /// Wrong PIN: tries left before the wallet locks.
    public var attemptsLeft: Int?
    /// Locked: when the lock ends (ms since 1970); a code recently sent: when the next may be.
    public var lockedUntil: Int64?
    /// Limit exceeded: which one.
    public var limit: LedgerError.Limit?
    /// An invalid input: the name of the field at fault (`address`, `displayName`).
    public var field: String?

    public init(
        _ code: Code, _ message: String, attemptsLeft: Int? = nil, lockedUntil: Int64? = nil, limit: LedgerError.Limit? = nil,
        field: String? = nil
    ) {
        self.code = code
        self.message = message
        self.attemptsLeft = attemptsLeft
        self.lockedUntil = lockedUntil
        self.limit = limit
        self.field = field
    }

    public var description: String { "\(code.rawValue): \(message)" }

    /// Translates a ledger refusal into the subscriber's vocabulary.
    init(_ error: LedgerError) {
        switch error.code {
        case .insufficientFunds: self.init(.insufficientFunds, error.message)
        case .limitExceeded: self.init(.limitExceeded, error.message, limit: error.limit)
        case .idempotencyConflict: self.init(.idempotencyConflict, error.message)
        case .invalidAmount: self.init(.invalidAmount, error.message)
        case .unknownTransfer: self.init(.unknownTransfer, error.message)
        case .alreadyFinal: self.init(.notReversible, error.message)
        case .sameAccount: self.init(.selfTransfer, error.message)
        case .configuration: self.init(.configuration, error.message)
        case .unknownAccount, .duplicateAccount, .storage: self.init(.storage, error.message)
        }
    }

    /// Runs `body`, turning ledger errors into mobile-money errors.
    static func translating<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as LedgerError {
            throw MobileMoneyError(error)
        }
    }
}
