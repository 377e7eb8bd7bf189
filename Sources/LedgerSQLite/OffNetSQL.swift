/// The off-net tables' statements.
enum OffNetSQL {
    static let insertOutgoing = """
        INSERT INTO offnet_outgoing (transfer_id, provider_key, home, destination, sender, recipient, amount, created_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?)
        """
    static let selectOutgoing = """
        SELECT o.transfer_id, o.provider_key, o.home, o.destination, o.sender, o.recipient, o.amount, t.fee, t.state,
            a.balance, o.told_pending, t.created_at, o.recipient_name
        FROM offnet_outgoing o JOIN transfers t ON t.id = o.transfer_id JOIN accounts a ON a.id = t.debit_account
        """
    static let outgoingByTransfer = selectOutgoing + " WHERE o.transfer_id = ?"
    static let outgoingByKey = selectOutgoing + " WHERE o.provider_key = ?"
    static let pendingOutgoing = selectOutgoing + " WHERE t.state = 'pending' AND t.created_at <= ? AND t.id > ? ORDER BY t.id LIMIT ?"
    static let markToldPending = "UPDATE offnet_outgoing SET told_pending = 1 WHERE transfer_id = ? AND told_pending = 0"
    static let insertIncoming = """
        INSERT INTO offnet_incoming (operator, provider_key, source, recipient, amount, state, code, transfer_id, created_at, updated_at,
            sender)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """
    /// With the credited wallet's holder name, which the provider gives back with a credit.
    static let selectIncoming = """
        SELECT operator, provider_key, source, recipient, amount, state, code, transfer_id, created_at, updated_at, sender,
            (SELECT s.name FROM subscribers s WHERE s.msisdn = offnet_incoming.recipient)
        FROM offnet_incoming
        """
    static let incomingByTransfer = selectIncoming + " WHERE transfer_id = ?"
    static let setRecipientName = "UPDATE offnet_outgoing SET recipient_name = ? WHERE transfer_id = ?"
    static let incomingByKey = selectIncoming + " WHERE operator = ? AND provider_key = ?"
    static let incomingBySource = selectIncoming + " WHERE operator = ? AND source = ? ORDER BY created_at"
    static let setIncomingState = "UPDATE offnet_incoming SET state = ?, updated_at = ? WHERE operator = ? AND provider_key = ?"
    static let matches = """
        SELECT o.provider_key, t.state, o.amount, i.state, i.amount FROM offnet_outgoing o
        JOIN transfers t ON t.id = o.transfer_id
        LEFT JOIN offnet_incoming i ON i.provider_key = o.provider_key AND i.operator = o.destination
        ORDER BY o.transfer_id
        """
    static let orphanCredits = """
        SELECT i.provider_key FROM offnet_incoming i WHERE i.state = 'credited'
        AND NOT EXISTS (SELECT 1 FROM offnet_outgoing o WHERE o.provider_key = i.provider_key AND o.destination = i.operator)
        """
    static let postedTotals = """
        SELECT o.home, o.destination, COALESCE(SUM(t.amount), 0) FROM offnet_outgoing o
        JOIN transfers t ON t.id = o.transfer_id WHERE t.state = 'posted' GROUP BY o.home, o.destination
        """
}
