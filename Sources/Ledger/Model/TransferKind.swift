/// What a transfer is, for statements, limits and pricing.
public enum TransferKind: String, Sendable, Hashable, CaseIterable, Codable {
    case p2p
    case fee
    case cashIn = "cash_in"
    case cashOut = "cash_out"
    case airtime
    case offNet = "off_net"
    /// The second leg of an off-net transfer: suspense to the settlement account.
    case settlement
    case reversal
    /// An operator's correction of a balance against its e-money issuance, outside any customer's request
    /// (the demo reset); never priced, never counted toward a customer's limits.
    case adjustment

    /// Movements a subscriber initiates: they count toward the daily outgoing cap and the per-transfer bounds.
    public var isCustomerOutgoing: Bool {
        switch self {
        case .p2p, .cashOut, .airtime, .offNet: true
        default: false
        }
    }
}

/// The life of a transfer. Pending and posted transfers count in balances; a voided one is undone.
public enum TransferState: String, Sendable, Hashable, Codable {
    case pending
    case posted
    case voided
}
