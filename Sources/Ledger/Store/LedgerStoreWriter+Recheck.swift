extension LedgerStoreWriter {
    /// ``recheck(_:)`` for a store without a one-statement version of its own.
    public func recheck(_ transfer: TransferRecheck) throws -> TransferRecheckRow {
        try recheckByLookups(transfer)
    }

    /// ``recheck(_:)`` made of the plain lookups (two subscribers, the day's total, two keys): the reference
    /// a store's one-statement version is tested against.
    public func recheckByLookups(_ t: TransferRecheck) throws -> TransferRecheckRow {
        func balance(_ party: TransferRecheck.Party, pin: TransferRecheck.PinMaterial?) throws -> Int64? {
            guard let row = try subscriber(msisdn: party.msisdn), row.account.id == party.account, !row.blocked,
                row.language == party.language, row.account.tier == party.tier
            else { return nil }
            if let pin, row.pinSalt != pin.salt || row.pinHash != pin.hash || row.failedPins != 0 || row.lockedUntil != 0 {
                return nil
            }
            return row.account.balance
        }
        let keyTaken = try self.transfer(idempotencyKey: t.key) != nil || self.transfer(idempotencyKey: t.feeKey) != nil
        return TransferRecheckRow(
            debitBalance: try balance(t.debit, pin: t.debitPin), creditBalance: try balance(t.credit, pin: nil),
            outgoingToday: try outgoing(account: t.debit.account, day: t.day), keyTaken: keyTaken)
    }
}
