/// The statements of the hot path, named once so that the store and the raw-SQLite benchmark run the
/// very same SQL.
public enum LedgerSQL {
    public static let accountByID = "SELECT id, code, kind, operator, label, tier, balance FROM accounts WHERE id = ?"
    public static let accountByCode = "SELECT id, code, kind, operator, label, tier, balance FROM accounts WHERE code = ?"
    public static let insertAccount = """
        INSERT INTO accounts (code, kind, operator, label, tier, balance, created_at) VALUES (?, ?, ?, ?, ?, 0, ?)
        """
    public static let insertSystemAccount = """
        INSERT INTO accounts (code, kind, operator, label, tier, balance, created_at) VALUES (?, ?, ?, ?, 0, 0, ?)
        ON CONFLICT (code) DO NOTHING
        """
    // No `RETURNING` on the hot path: SQLite builds a temporary b-tree (an ephemeral table, its own pager)
    // for every statement that returns rows from a write — four per transfer, of eight temporary b-trees
    // whose opening and closing alone were ~10 % of the writer's samples (the others: `IN` lists, see
    // `HotPathCheckSchema`). A point read of the row just written costs a fraction of that.
    public static let addToBalance = "UPDATE accounts SET balance = balance + ? WHERE id = ?"
    public static let balanceByID = "SELECT balance FROM accounts WHERE id = ?"
    public static let setTier = "UPDATE accounts SET tier = ? WHERE id = ?"
    static let transferColumns = """
        id, idempotency_key, debit_account, credit_account, amount, fee, kind, state, operator, reference_prefix, parent_id,
        debit_balance, credit_balance, created_at
        """
    public static let transferByKey = "SELECT \(transferColumns) FROM transfers WHERE idempotency_key = ?"
    public static let transferByID = "SELECT \(transferColumns) FROM transfers WHERE id = ?"
    public static let insertTransfer = """
        INSERT INTO transfers (idempotency_key, debit_account, credit_account, amount, fee, kind, state, operator,
            reference_prefix, parent_id, debit_balance, credit_balance, created_at, updated_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """
    public static let setTransferState = "UPDATE transfers SET state = ?, updated_at = ? WHERE id = ? AND state = 'pending'"
    public static let outgoingOnDay = "SELECT total FROM daily_outgoing WHERE account_id = ? AND day = ?"
    public static let addOutgoing = """
        INSERT INTO daily_outgoing (account_id, day, total) VALUES (?, ?, ?)
        ON CONFLICT (account_id, day) DO UPDATE SET total = daily_outgoing.total + excluded.total
        """
    /// ``TransferRecheck`` in one statement: each party's balance if it is still as the snapshot saw it
    /// (for the payer: the same PIN material, no failure counted, no lock set), the payer's total of the
    /// day, and whether either key is taken (two probes of the key's index: `IN (?, ?)` would build a
    /// temporary table of the two values first).
    public static let transferRecheck = """
        SELECT
            (SELECT a.balance FROM subscribers s JOIN accounts a ON a.id = s.account_id
                WHERE s.msisdn = ?1 AND s.account_id = ?2 AND s.pin_salt = ?3 AND s.pin_hash = ?4 AND s.blocked = 0
                    AND s.failed_pins = 0 AND s.locked_until = 0 AND s.language = ?5 AND a.tier = ?6),
            (SELECT a.balance FROM subscribers s JOIN accounts a ON a.id = s.account_id
                WHERE s.msisdn = ?7 AND s.account_id = ?8 AND s.blocked = 0 AND s.language = ?9 AND a.tier = ?10),
            COALESCE((SELECT total FROM daily_outgoing WHERE account_id = ?2 AND day = ?11), 0),
            EXISTS (SELECT 1 FROM transfers WHERE idempotency_key = ?12) OR EXISTS (SELECT 1 FROM transfers WHERE idempotency_key = ?13)
        """
    public static let insertOutbox = """
        INSERT INTO outbox (msisdn, operator, sender, body, transfer_id, created_at) VALUES (?, ?, ?, ?, ?, ?)
        """
    /// Both receipts of a movement in one statement.
    public static let insertOutboxPair = """
        INSERT INTO outbox (msisdn, operator, sender, body, transfer_id, created_at) VALUES (?, ?, ?, ?, ?, ?), (?, ?, ?, ?, ?, ?)
        """
    /// What the writer runs for an on-net transfer, by name: the recheck, the day's counter, the balances,
    /// the transfer rows, the receipts.
    public static let hotPath: [(name: String, sql: String)] = [
        ("transferRecheck", transferRecheck), ("addOutgoing", addOutgoing), ("outgoingOnDay", outgoingOnDay),
        ("addToBalance", addToBalance), ("balanceByID", balanceByID), ("insertTransfer", insertTransfer),
        ("insertOutboxPair", insertOutboxPair),
    ]
    public static let statement = """
        SELECT t.id, t.idempotency_key, t.debit_account, t.credit_account, t.amount, t.fee, t.kind, t.state, t.operator,
            t.reference_prefix, t.parent_id, t.debit_balance, t.credit_balance, t.created_at, a.label, a.code, a.kind
        FROM transfers t
        JOIN accounts a ON a.id = CASE WHEN t.debit_account = ? THEN t.credit_account ELSE t.debit_account END
        WHERE (t.debit_account = ? OR t.credit_account = ?) AND t.kind <> 'fee' AND t.state <> 'voided' AND t.id < ?
        ORDER BY t.id DESC
        LIMIT ?
        """
    public static let messagesTo = """
        SELECT id, msisdn, operator, sender, body, transfer_id, created_at, delivered_at, dlr_state, attempts FROM outbox
        WHERE msisdn = ? AND id > ? ORDER BY id
        """
    public static let lastMessageID = "SELECT COALESCE(MAX(id), 0) FROM outbox"
    public static let systemAccounts = """
        SELECT code, id FROM accounts WHERE kind IN ('issuance', 'fees', 'suspense', 'airtime', 'settlement')
        """
    public static let transferCount = "SELECT COUNT(*) FROM transfers"
    static let hasPending = """
        SELECT EXISTS (SELECT 1 FROM transfers WHERE state = 'pending' AND (debit_account = ? OR credit_account = ?))
        """
    static let clearOutgoing = "DELETE FROM daily_outgoing WHERE account_id = ?"
    static let walletUsage = """
        SELECT s.msisdn, s.account_id, a.balance,
            EXISTS (SELECT 1 FROM transfers t WHERE t.debit_account = s.account_id OR t.credit_account = s.account_id)
        FROM subscribers s JOIN accounts a ON a.id = s.account_id ORDER BY s.msisdn
        """
    static let deleteCards = "DELETE FROM cards WHERE msisdn = ?"
    static let deleteSubscriber = "DELETE FROM subscribers WHERE msisdn = ?"
    static let deleteUnusedAccount = """
        DELETE FROM accounts WHERE id = ?1 AND NOT EXISTS (SELECT 1 FROM transfers WHERE debit_account = ?1 OR credit_account = ?1)
        """
    public static let undeliveredOutbox = """
        SELECT id, msisdn, operator, sender, body, transfer_id, created_at, delivered_at, dlr_state, attempts FROM outbox
        WHERE delivered_at IS NULL AND operator = ? ORDER BY id LIMIT ?
        """
    public static let markDelivered = "UPDATE outbox SET delivered_at = ? WHERE id = ? AND delivered_at IS NULL"
    public static let pendingOlderThan = """
        SELECT \(transferColumns) FROM transfers WHERE state = 'pending' AND parent_id IS NULL AND created_at <= ? ORDER BY id LIMIT ?
        """
    public static let recomputedBalances = """
        SELECT a.code, a.kind, a.balance,
            COALESCE((SELECT SUM(c.amount) FROM transfers c WHERE c.credit_account = a.id AND c.state <> 'voided'), 0)
            - COALESCE((SELECT SUM(d.amount) FROM transfers d WHERE d.debit_account = a.id AND d.state <> 'voided'), 0)
        FROM accounts a ORDER BY a.id
        """
    public static let feeStateMismatches = """
        SELECT f.id, p.id FROM transfers f JOIN transfers p ON p.id = f.parent_id
        WHERE f.kind = 'fee' AND ((f.state = 'voided') <> (p.state = 'voided') OR (f.state = 'pending') <> (p.state = 'pending'))
        """
}
