import Ledger

extension MobileMoney {
    /// Statement lines of off-net transfers name the real other party, not the suspense or settlement
    /// account the ledger moved the money through: the recipient's number, network and (once credited)
    /// name on the sending side, the sender's number and network on the receiving side.
    func namingOffNetParties(_ entries: [StatementEntry], _ rows: any LedgerStoreReader) throws -> [StatementEntry] {
        try entries.map { entry in
            guard entry.transfer.kind == .offNet else { return entry }
            if entry.signedAmount < 0, let outgoing = try rows.offNetOutgoing(transferID: entry.transfer.id) {
                return entry.naming(
                    outgoing.recipientName ?? outgoing.recipient, msisdn: outgoing.recipient, network: networkName(outgoing.destination))
            }
            if entry.signedAmount > 0, let incoming = try rows.offNetIncoming(transferID: entry.transfer.id) {
                let network = networkName(incoming.source)
                // Credits recorded before the sender was kept show the network alone.
                guard let sender = incoming.sender else { return entry.naming(network, msisdn: nil, network: network) }
                return entry.naming(sender, msisdn: sender, network: network)
            }
            return entry
        }
    }
}

extension StatementEntry {
    /// The same line with another counterparty.
    func naming(_ label: String, msisdn: String?, network: String) -> StatementEntry {
        StatementEntry(
            transfer: transfer, signedAmount: signedAmount, fee: fee, counterpartyLabel: label, counterpartyMSISDN: msisdn,
            counterpartyKind: counterpartyKind, balanceAfter: balanceAfter, counterpartyNetwork: network)
    }

    /// The other party for people: `AMA M.`-style labels stay as they are; an off-net party reads
    /// `AKOSUA D. (22896112233, Flooz)`, or `22896112233 (Flooz)` without a name.
    public var offNetCounterparty: String? {
        guard let network = counterpartyNetwork else { return nil }
        guard let msisdn = counterpartyMSISDN else { return counterpartyLabel }
        return Receipt.offNetParty(name: counterpartyLabel == msisdn ? nil : counterpartyLabel, msisdn: msisdn, network: network)
    }
}
