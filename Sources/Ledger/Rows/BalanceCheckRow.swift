/// One account's stored balance beside the sum of its non-voided transfers, for `verify()`.
public struct BalanceCheckRow: Sendable, Hashable {
    public let code: String
    /// Nil for a kind this version does not know (counted as customer-held, the strict side).
    public let kind: AccountKind?
    public let stored: Int64
    public let recomputed: Int64

    public init(code: String, kind: AccountKind?, stored: Int64, recomputed: Int64) {
        self.code = code
        self.kind = kind
        self.stored = stored
        self.recomputed = recomputed
    }
}
