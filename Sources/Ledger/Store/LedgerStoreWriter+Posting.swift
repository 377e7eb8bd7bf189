extension LedgerStoreWriter {
    /// ``postTransfer(_:)`` for a store without a one-statement version of its own.
    public func postTransfer(_ posting: TransferPosting) throws -> TransferPostingRow {
        try postTransferByStatements(posting)
    }

    /// ``postTransfer(_:)`` made of the plain writes, in the order the rules rely on: the day's counter first
    /// (checked against the cap on the total it holds now), then the payer's debit (the store refuses a customer
    /// balance below zero), the credits, the transfer row and its fee leg. The reference a store's
    /// one-statement version is tested against.
    public func postTransferByStatements(_ p: TransferPosting) throws -> TransferPostingRow {
        try p.check()
        if let outgoing = p.outgoing {
            let sent = try addOutgoing(account: p.debit, day: outgoing.day, amount: p.amount)
            if let cap = outgoing.cap, sent > cap {
                throw LedgerError.limit(.daily, "daily outgoing cap of \(cap) reached")
            }
        }
        let debitAfter = try addToBalance(p.debit, -(p.amount + p.fee))
        let creditAfter = try addToBalance(p.credit, p.amount)
        let feeAfter = try p.feeAccount.map { try addToBalance($0, p.fee) }
        var posted = TransferPostingRow(mainID: 0, feeID: nil, debitAfter: debitAfter, creditAfter: creditAfter, feeAfter: feeAfter)
        posted.mainID = try insertTransfer(p.main(posted))
        if let leg = p.feeLeg(posted, parent: posted.mainID) {
            posted.feeID = try insertTransfer(leg)
        }
        return posted
    }
}
