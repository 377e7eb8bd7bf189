import Operators

extension OperatorConfig {
    /// The schedule that prices a movement of this kind, if that kind is priced at all.
    public func schedule(for kind: TransferKind) -> FeeSchedule? {
        switch kind {
        case .p2p: fees.onNet
        case .offNet: fees.offNet
        case .cashOut: fees.cashOut
        case .airtime: fees.airtime
        default: nil
        }
    }
}
