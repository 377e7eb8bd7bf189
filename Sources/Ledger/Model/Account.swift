/// A ledger account and its current balance.
public struct Account: Sendable, Hashable, Codable {
    public typealias ID = Int64

    public let id: ID
    /// Unique, readable code: `wallet:tmoney:22890112233`, `fees:flooz`, `settlement:tmoney:flooz`.
    public let code: String
    public let kind: AccountKind
    /// The operator that holds the account.
    public let operatorID: String
    /// A display name: the subscriber's or agent's name, or the system account's purpose.
    public let label: String
    /// KYC tier (wallets): selects the daily and balance caps.
    public let tier: Int
    public let balance: Int64

    public init(id: ID, code: String, kind: AccountKind, operatorID: String, label: String, tier: Int, balance: Int64) {
        self.id = id
        self.code = code
        self.kind = kind
        self.operatorID = operatorID
        self.label = label
        self.tier = tier
        self.balance = balance
    }

    /// The same account with another balance (one read fresh inside a write job).
    public func with(balance: Int64) -> Account {
        Account(id: id, code: code, kind: kind, operatorID: operatorID, label: label, tier: tier, balance: balance)
    }

    /// The MSISDN of a wallet, read from its code.
    public var msisdn: String? {
        kind == .wallet ? code.split(separator: ":").last.map(String.init) : nil
    }
}

extension Account {
    /// Account codes, in one place so no caller spells them differently.
    public enum Code {
        public static func wallet(_ operatorID: String, _ msisdn: String) -> String { "wallet:\(operatorID):\(msisdn)" }
        public static func agent(_ operatorID: String, _ agentCode: String) -> String { "agent:\(operatorID):\(agentCode)" }
        public static func system(_ kind: AccountKind, _ operatorID: String) -> String { "\(kind.rawValue):\(operatorID)" }
        public static func settlement(_ operatorID: String, with other: String) -> String { "settlement:\(operatorID):\(other)" }
    }
}
