import Ledger

extension MobileMoney {
    /// Adds an observer told the outcome of every movement from now on (see `TransferObserver`).
    public func addTransferObserver(_ observer: any TransferObserver) {
        observers.withLock { $0.append(observer) }
    }

    /// Tells every observer about one movement. The provider bridge calls it for off-net transfers,
    /// whose outcome is known only after the other network answered.
    public func transferFinished(kind: TransferKind, outcome: String) {
        for observer in observers.withLock({ $0 }) { observer.transferFinished(kind: kind, outcome: outcome) }
    }

    /// Runs a movement and reports its outcome: `ok` or `replayed` from the result, the refusal's code
    /// when it throws (`error` for anything that is not a `MobileMoneyError`).
    func observed(_ kind: TransferKind, _ body: () async throws -> TransferResult) async throws -> TransferResult {
        do {
            let result = try await body()
            transferFinished(kind: kind, outcome: result.replayed ? "replayed" : "ok")
            return result
        } catch {
            transferFinished(kind: kind, outcome: Self.outcome(of: error))
            throw error
        }
    }

    /// The outcome name of a refusal.
    public static func outcome(of error: any Error) -> String {
        switch error {
        case let refusal as MobileMoneyError: refusal.code.rawValue
        case let refusal as LedgerError: MobileMoneyError(refusal).code.rawValue
        default: "error"
        }
    }
}
