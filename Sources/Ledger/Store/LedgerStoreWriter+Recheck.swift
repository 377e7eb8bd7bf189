extension LedgerStoreWriter {
    /// ``recheck(_:)`` for a store without a one-statement version of its own.
    public func recheck(_ transfer: TransferRecheck) throws -> TransferRecheckRow {
        try recheckByLookups(transfer)
    }

    /// ``recheck(_:)`` made of the plain lookups (two subscribers, the day's total, two keys): the reference
    /// a store's one-statement version is tested against.
    public func recheckByLookups(_ t: TransferRecheck) throws -> TransferRecheckRow {
        let keyTaken = try self.transfer(idempotencyKey: t.key) != nil || self.transfer(idempotencyKey: t.feeKey) != nil
        return TransferRecheckRow(
            debitBalance: TransferRecheck.balance(of: t.debit, pin: t.debitPin, in: try subscriber(msisdn: t.debit.msisdn)),
            creditBalance: TransferRecheck.balance(of: t.credit, pin: nil, in: try subscriber(msisdn: t.credit.msisdn)),
            outgoingToday: try outgoing(account: t.debit.account, day: t.day), keyTaken: keyTaken)
    }
}
