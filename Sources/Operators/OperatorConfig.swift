/// One mobile-money operator: its codes, numbering ranges, limits and fee schedules.
public struct OperatorConfig: Sendable, Decodable, Hashable {
    /// Stable id used in account codes and the line protocol (`tmoney`, `flooz`).
    public let id: String
    public let name: String
    /// Two letters that start every receipt reference (`TM261127.000123`).
    public let referencePrefix: String
    public let ussdCode: String
    public let smsShortCode: String
    /// MSISDN prefixes (E.164 digits) owned by this operator.
    public let numbering: [String]
    public let limits: Limits
    public let fees: Fees

    /// Per-transfer bounds and per-KYC-tier caps.
    public struct Limits: Sendable, Decodable, Hashable {
        public let minTransfer: Int64
        public let maxTransfer: Int64
        public let tiers: [Tier]
    }

    /// What a wallet of one KYC tier may hold and send per day.
    public struct Tier: Sendable, Decodable, Hashable {
        public let tier: Int
        public let dailyOutgoing: Int64
        public let balanceCap: Int64
    }

    /// The fee schedules, one per kind of outgoing movement.
    public struct Fees: Sendable, Decodable, Hashable {
        public let onNet: FeeSchedule
        public let offNet: FeeSchedule
        public let cashOut: FeeSchedule
        public let airtime: FeeSchedule
    }

    /// Limits for a KYC tier; an unknown tier gets the strictest one, never none.
    public func tier(_ tier: Int) -> Tier {
        limits.tiers.first { $0.tier == tier } ?? limits.tiers.min { $0.balanceCap < $1.balanceCap }!
    }

    /// Whether this operator owns the MSISDN.
    public func owns(msisdn: String) -> Bool {
        numbering.contains { msisdn.hasPrefix($0) }
    }

    func validate() throws {
        guard referencePrefix.count == 2, referencePrefix.allSatisfy({ $0.isASCII && $0.isUppercase }) else {
            throw OperatorError(.configuration, "\(id): referencePrefix must be two capital letters")
        }
        guard limits.minTransfer > 0, limits.maxTransfer >= limits.minTransfer else {
            throw OperatorError(.configuration, "\(id): need 0 < minTransfer <= maxTransfer")
        }
        guard !limits.tiers.isEmpty else { throw OperatorError(.configuration, "\(id): no KYC tier") }
        guard !numbering.isEmpty, numbering.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }) else {
            throw OperatorError(.configuration, "\(id): numbering must be digit prefixes")
        }
        for (name, schedule) in [("onNet", fees.onNet), ("offNet", fees.offNet), ("cashOut", fees.cashOut), ("airtime", fees.airtime)] {
            try schedule.validate(context: "\(id).fees.\(name)")
        }
    }
}
