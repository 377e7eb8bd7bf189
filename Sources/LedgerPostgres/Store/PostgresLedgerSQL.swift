/// The ledger's statements on PostgreSQL, named once so the store, the copy and the benchmark's pgbench
/// script run the very same SQL. Parameters are `$n`, bound, never spliced.
public enum PostgresLedgerSQL {
    /// An account's balance: its row plus its shards (system accounts spread their balance over shards).
    static func balance(of alias: String) -> String {
        "(\(alias).balance + COALESCE((SELECT SUM(s.balance) FROM account_shards s WHERE s.account_id = \(alias).id), 0))::bigint"
    }

    static let accountColumns = "a.id, a.code, a.kind, a.operator, a.label, a.tier, \(balance(of: "a"))"
    public static let accountByID = "SELECT \(accountColumns) FROM accounts a WHERE a.id = $1"
    public static let accountByCode = "SELECT \(accountColumns) FROM accounts a WHERE a.code = $1"
    /// Customer accounts among `$1`, locked in id order (the one global order), as they are now.
    static let lockCustomerAccounts = """
        SELECT \(accountColumns) FROM accounts a WHERE a.id = ANY($1) AND a.kind IN ('wallet', 'agent') ORDER BY a.id FOR NO KEY UPDATE
        """
    static let lockCustomerAccountsNoWait = lockCustomerAccounts + " NOWAIT"
    /// A re-run job's remembered rows, locked in id order before it runs again.
    static let prelockAccounts = "SELECT id FROM accounts WHERE id = ANY($1) ORDER BY id FOR NO KEY UPDATE"
    static let systemAccountIDs = "SELECT id FROM accounts WHERE kind NOT IN ('wallet', 'agent')"
    public static let insertAccount = """
        INSERT INTO accounts (code, kind, operator, label, tier, balance, created_at) VALUES ($1, $2, $3, $4, $5, 0, $6) RETURNING id
        """
    static let insertSystemAccount = """
        INSERT INTO accounts (code, kind, operator, label, tier, balance, created_at) VALUES ($1, $2, $3, $4, 0, 0, $5)
        ON CONFLICT (code) DO NOTHING RETURNING id
        """
    static let insertShards = """
        INSERT INTO account_shards (account_id, shard, balance) SELECT $1::bigint, g, 0 FROM generate_series(0, $2::bigint - 1) AS g
        ON CONFLICT DO NOTHING
        """
    public static let addToBalance = "UPDATE accounts SET balance = balance + $1 WHERE id = $2 RETURNING \(balance(of: "accounts"))"
    /// The shard of `account` a writer adds to, locked: `preferred` if no other transaction holds it (one key
    /// look-up), else the first free one (the second branch runs only when the first found nothing); no row when
    /// every shard is held. Never waits.
    static func freeShard(of account: String, preferred: String) -> String {
        """
        SELECT * FROM (SELECT account_id, shard FROM account_shards WHERE account_id = \(account) AND shard = \(preferred)
            FOR NO KEY UPDATE SKIP LOCKED) own
        UNION ALL
        SELECT * FROM (SELECT account_id, shard FROM account_shards WHERE account_id = \(account) ORDER BY shard LIMIT 1
            FOR NO KEY UPDATE SKIP LOCKED) other
        LIMIT 1
        """
    }

    /// Adds `$3` to one shard of account `$1`: shard `$2` if no other transaction holds it, else any free one,
    /// and returns the account's balance as this transaction sees it.
    public static let addToShard = """
        WITH target AS (\(freeShard(of: "$1", preferred: "$2"))), moved AS (
            UPDATE account_shards s SET balance = s.balance + $3 FROM target t
            WHERE s.account_id = t.account_id AND s.shard = t.shard RETURNING s.shard, s.balance
        )
        SELECT (m.balance + a.balance
            + COALESCE((SELECT SUM(o.balance) FROM account_shards o WHERE o.account_id = $1 AND o.shard <> m.shard), 0))::bigint
        FROM moved m, accounts a WHERE a.id = $1
        """
    static let setTier = "UPDATE accounts SET tier = $1 WHERE id = $2"

    static let transferColumns = """
        t.id, t.idempotency_key, t.debit_account, t.credit_account, t.amount, t.fee, t.kind, t.state, t.operator, t.reference_prefix,
        t.parent_id, t.debit_balance, t.credit_balance, t.created_at
        """
    public static let transferByKey = "SELECT \(transferColumns) FROM transfers t WHERE t.idempotency_key = $1"
    public static let transferByID = "SELECT \(transferColumns) FROM transfers t WHERE t.id = $1"
    public static let insertTransfer = """
        INSERT INTO transfers (idempotency_key, debit_account, credit_account, amount, fee, kind, state, operator,
            reference_prefix, parent_id, debit_balance, credit_balance, created_at, updated_at)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13) RETURNING id
        """
    static let setTransferState = "UPDATE transfers SET state = $1, updated_at = $2 WHERE id = $3 AND state = 'pending' RETURNING id"
    static let outgoingOnDay = "SELECT total FROM daily_outgoing WHERE account_id = $1 AND day = $2"
    public static let addOutgoing = """
        INSERT INTO daily_outgoing (account_id, day, total) VALUES ($1, $2, $3)
        ON CONFLICT (account_id, day) DO UPDATE SET total = daily_outgoing.total + excluded.total
        RETURNING total
        """
    static let clearOutgoing = "DELETE FROM daily_outgoing WHERE account_id = $1"
    static let hasPending = """
        SELECT EXISTS (SELECT 1 FROM transfers WHERE state = 'pending' AND (debit_account = $1 OR credit_account = $1))
        """
    static let statement = """
        SELECT \(transferColumns), a.label, a.code, a.kind
        FROM transfers t
        JOIN accounts a ON a.id = CASE WHEN t.debit_account = $1 THEN t.credit_account ELSE t.debit_account END
        WHERE (t.debit_account = $1 OR t.credit_account = $1) AND t.kind <> 'fee' AND t.state <> 'voided' AND t.id < $2
        ORDER BY t.id DESC
        LIMIT $3
        """
    static let pendingOlderThan = """
        SELECT \(transferColumns) FROM transfers t WHERE t.state = 'pending' AND t.parent_id IS NULL AND t.created_at <= $1
        ORDER BY t.id LIMIT $2
        """
    static let recomputedBalances = """
        SELECT a.code, a.kind, \(balance(of: "a")),
            (COALESCE((SELECT SUM(c.amount) FROM transfers c WHERE c.credit_account = a.id AND c.state <> 'voided'), 0)
            - COALESCE((SELECT SUM(d.amount) FROM transfers d WHERE d.debit_account = a.id AND d.state <> 'voided'), 0))::bigint
        FROM accounts a ORDER BY a.id
        """
    static let feeStateMismatches = """
        SELECT f.id, p.id FROM transfers f JOIN transfers p ON p.id = f.parent_id
        WHERE f.kind = 'fee' AND ((f.state = 'voided') <> (p.state = 'voided') OR (f.state = 'pending') <> (p.state = 'pending'))
        """
    static let transferCount = "SELECT COUNT(*) FROM transfers"
    static let systemAccounts = "SELECT code, id FROM accounts WHERE kind IN ('issuance', 'fees', 'suspense', 'airtime', 'settlement')"

    static let outboxColumns = "id, msisdn, operator, sender, body, transfer_id, created_at, delivered_at, dlr_state, attempts"
    public static let insertOutbox = """
        INSERT INTO outbox (msisdn, operator, sender, body, transfer_id, created_at) VALUES ($1, $2, $3, $4, $5, $6)
        """
    /// Both receipts of a movement in one statement.
    public static let insertOutboxPair = """
        INSERT INTO outbox (msisdn, operator, sender, body, transfer_id, created_at)
        VALUES ($1, $2, $3, $4, $5, $6), ($7, $8, $9, $10, $11, $12)
        """
    /// Both receipts of a movement, and the wake-up of the node holding each operator's connection (`$13`, the
    /// channel), in one statement.
    public static let insertOutboxPairNotifying = """
        WITH receipts AS (
            INSERT INTO outbox (msisdn, operator, sender, body, transfer_id, created_at)
            VALUES ($1, $2, $3, $4, $5, $6), ($7, $8, $9, $10, $11, $12) RETURNING operator
        )
        SELECT pg_notify($13, o.operator) FROM (SELECT DISTINCT operator FROM receipts) o
        """
    static let undeliveredOutbox = """
        SELECT \(outboxColumns) FROM outbox WHERE delivered_at IS NULL AND operator = $1 ORDER BY id LIMIT $2
        """
    static let markDelivered = "UPDATE outbox SET delivered_at = $1 WHERE id = ANY($2) AND delivered_at IS NULL"
    /// Several nodes deliver one outbox: each claims rows no live claim holds, skipping rows another node is claiming.
    static let claimOutbox = """
        UPDATE outbox SET claimed_by = $1, claimed_until = $2
        WHERE id IN (
            SELECT id FROM outbox WHERE delivered_at IS NULL AND operator = $3 AND (claimed_until <= $4 OR claimed_by = $1)
            ORDER BY id LIMIT $5 FOR UPDATE SKIP LOCKED)
        RETURNING \(outboxColumns)
        """
    /// The channel of `NOTIFY` when receipts are written (the payload is the operator): wakes the node holding
    /// that operator's connection instead of waiting for its next look at the outbox.
    public static func outboxChannel(schema: String) -> String { "sika_outbox_\(schema)" }
    static let messagesTo = "SELECT \(outboxColumns) FROM outbox WHERE msisdn = $1 AND id > $2 ORDER BY id"
    static let lastMessageID = "SELECT COALESCE(MAX(id), 0) FROM outbox"

    static let subscriberColumns = """
        s.msisdn, s.operator, s.account_id, s.name, s.language, s.blocked, s.pin_salt, s.pin_hash, s.failed_pins,
        s.locked_until, a.tier, \(balance(of: "a")), a.code, a.kind, a.label
        """
    public static let subscriber = "SELECT \(subscriberColumns) FROM subscribers s JOIN accounts a ON a.id = s.account_id WHERE s.msisdn = $1"
    /// In a write job: the subscriber and its wallet locked, which serializes the PIN counters and the balance.
    /// Both rows, not the wallet alone: a row locked by a join is re-read at its latest version once the lock
    /// is granted, but a row of the join that is not locked keeps the version of the statement's snapshot, and
    /// a PIN counter read that way could be a failure behind.
    public static let subscriberLocked = subscriber + " FOR NO KEY UPDATE"
    static let subscriberLockedNoWait = subscriberLocked + " NOWAIT"
    public static let insertSubscriber = """
        INSERT INTO subscribers (msisdn, operator, account_id, name, language, pin_salt, pin_hash, created_at)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
        """
    static let recordPinFailure = "UPDATE subscribers SET failed_pins = $1, locked_until = $2 WHERE msisdn = $3"
    static let setPin = "UPDATE subscribers SET pin_salt = $1, pin_hash = $2, failed_pins = 0, locked_until = 0 WHERE msisdn = $3"
    static let setLanguage = "UPDATE subscribers SET language = $1 WHERE msisdn = $2 RETURNING msisdn"
    static let setBlocked = "UPDATE subscribers SET blocked = $1 WHERE msisdn = $2 RETURNING msisdn"
    static let walletUsage = """
        SELECT s.msisdn, s.account_id, a.balance,
            EXISTS (SELECT 1 FROM transfers t WHERE t.debit_account = s.account_id OR t.credit_account = s.account_id)
        FROM subscribers s JOIN accounts a ON a.id = s.account_id ORDER BY s.msisdn
        """
    static let deleteCards = "DELETE FROM cards WHERE msisdn = $1"
    static let deleteSubscriber = "DELETE FROM subscribers WHERE msisdn = $1"
    static let deleteUnusedAccount = """
        DELETE FROM accounts WHERE id = $1 AND NOT EXISTS (SELECT 1 FROM transfers WHERE debit_account = $1 OR credit_account = $1)
        RETURNING id
        """

    static let cardColumns = "id, msisdn, key_id, sealed_number, last4, expiry_month, expiry_year"
    static let insertCard = """
        INSERT INTO cards (msisdn, key_id, sealed_number, last4, expiry_month, expiry_year, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)
        RETURNING id
        """
    static let cardsByOwner = "SELECT \(cardColumns) FROM cards WHERE msisdn = $1 ORDER BY id"
    static let cardsNotSealedWith = "SELECT \(cardColumns) FROM cards WHERE key_id <> $1 ORDER BY id"
    static let reseal = "UPDATE cards SET key_id = $1, sealed_number = $2 WHERE id = $3"

    static let insertOffNetOutgoing = """
        INSERT INTO offnet_outgoing (transfer_id, provider_key, home, destination, sender, recipient, amount, created_at)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
        """
    static let selectOffNetOutgoing = """
        SELECT o.transfer_id, o.provider_key, o.home, o.destination, o.sender, o.recipient, o.amount, t.fee, t.state,
            \(balance(of: "a")), o.told_pending, t.created_at, o.recipient_name
        FROM offnet_outgoing o JOIN transfers t ON t.id = o.transfer_id JOIN accounts a ON a.id = t.debit_account
        """
    static let offNetOutgoingByTransfer = selectOffNetOutgoing + " WHERE o.transfer_id = $1"
    static let offNetOutgoingByKey = selectOffNetOutgoing + " WHERE o.provider_key = $1"
    static let pendingOffNet = selectOffNetOutgoing + " WHERE t.state = 'pending' AND t.created_at <= $1 AND t.id > $2 ORDER BY t.id LIMIT $3"
    static let markToldPending = "UPDATE offnet_outgoing SET told_pending = true WHERE transfer_id = $1 AND NOT told_pending RETURNING transfer_id"
    static let insertOffNetIncoming = """
        INSERT INTO offnet_incoming (operator, provider_key, source, recipient, amount, state, code, transfer_id, created_at, updated_at,
            sender)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
        """
    /// With the credited wallet's holder name, which the provider gives back with a credit.
    static let selectOffNetIncoming = """
        SELECT i.operator, i.provider_key, i.source, i.recipient, i.amount, i.state, i.code, i.transfer_id, i.created_at, i.updated_at,
            i.sender, (SELECT s.name FROM subscribers s WHERE s.msisdn = i.recipient)
        FROM offnet_incoming i
        """
    static let offNetIncomingByTransfer = selectOffNetIncoming + " WHERE i.transfer_id = $1"
    static let offNetIncomingByKey = selectOffNetIncoming + " WHERE i.operator = $1 AND i.provider_key = $2"
    static let offNetIncomingBySource = selectOffNetIncoming + " WHERE i.operator = $1 AND i.source = $2 ORDER BY i.created_at"
    static let setOffNetIncomingState = "UPDATE offnet_incoming SET state = $1, updated_at = $2 WHERE operator = $3 AND provider_key = $4"
    static let setRecipientName = "UPDATE offnet_outgoing SET recipient_name = $1 WHERE transfer_id = $2"
    static let offNetMatches = """
        SELECT o.provider_key, t.state, o.amount, i.state, i.amount FROM offnet_outgoing o
        JOIN transfers t ON t.id = o.transfer_id
        LEFT JOIN offnet_incoming i ON i.provider_key = o.provider_key AND i.operator = o.destination
        ORDER BY o.transfer_id
        """
    static let orphanOffNetCredits = """
        SELECT i.provider_key FROM offnet_incoming i WHERE i.state = 'credited'
        AND NOT EXISTS (SELECT 1 FROM offnet_outgoing o WHERE o.provider_key = i.provider_key AND o.destination = i.operator)
        """
    static let postedOffNetTotals = """
        SELECT o.home, o.destination, COALESCE(SUM(t.amount), 0)::bigint FROM offnet_outgoing o
        JOIN transfers t ON t.id = o.transfer_id WHERE t.state = 'posted' GROUP BY o.home, o.destination
        """
}
