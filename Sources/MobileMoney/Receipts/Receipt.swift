import Operators

/// What the SMS receipts report. Their texts are the notices of `menus/receipts.yaml`, which
/// ``Receipts`` renders; only what is the same in every language (how an off-net party reads) is here.
public enum Receipt {
    /// What a receipt reports: the parties, the amounts and the reference, shared by every kind.
    public struct Facts: Sendable {
        public var amount: Int64
        public var fee: Int64 = 0
        public var counterparty: String
        public var counterpartyMSISDN: String?
        public var balance: Int64
        public var reference: String
        public var at: Int64

        public init(
            amount: Int64, fee: Int64 = 0, counterparty: String, counterpartyMSISDN: String? = nil, balance: Int64, reference: String,
            at: Int64
        ) {
            self.amount = amount
            self.fee = fee
            self.counterparty = counterparty
            self.counterpartyMSISDN = counterpartyMSISDN
            self.balance = balance
            self.reference = reference
            self.at = at
        }

        /// The other side with its number when known: `AMA MENSAH (22890445566)`.
        var who: String { counterpartyMSISDN.map { "\(counterparty) (\($0))" } ?? counterparty }
        /// The movement's date and time: `27/11/2026 10:32`.
        var when: String { MoneyFormat.dateTime(at) }
    }
}
