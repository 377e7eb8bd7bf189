/// The statements of a batch of prepared transfers (``PostgresBatchPosting``): each reads or writes the rows of
/// every transfer of the batch at once, the rows passed as arrays (`$n::bigint[]`, `$n::text[]`, unnested
/// side by side), never spliced.
enum PostgresBatchSQL {
    // MARK: Read before the jobs, in one round trip

    /// Every party of the batch (`$1`, a `text[]` of numbers) with its wallet, both rows locked in account order:
    /// the same statement as one transfer's (``PostgresPostingSQL/lockParties``), with more numbers.
    static let lockParties = PostgresPostingSQL.lockParties

    /// Plans each statement for its parameters until ``cachedPlans`` (in the transaction only).
    static let customPlans = "SET LOCAL plan_cache_mode = force_custom_plan"
    /// Back to PostgreSQL's default: a plan cached after a few executions.
    static let cachedPlans = "SET LOCAL plan_cache_mode = auto"

    /// Which of the keys `$1` (`text[]`) a transfer has already.
    static let takenKeys = "SELECT idempotency_key FROM transfers WHERE idempotency_key = ANY($1)"

    /// The totals of the days `$2` of the accounts `$1` (pairwise): the counters the payers' caps are checked on.
    static let totals = """
        SELECT d.account_id, d.day, d.total FROM daily_outgoing d
        JOIN unnest($1::bigint[], $2::bigint[]) AS k(account_id, day) ON d.account_id = k.account_id AND d.day = k.day
        """

    /// The e-mail rows of the numbers `$1` (`text[]`), in ``PostgresMailSQL/selectEmail``'s columns.
    static let emails = "SELECT \(PostgresMailSQL.emailColumns) FROM subscriber_emails WHERE msisdn = ANY($1)"

    /// `$1` new ids for transfer rows, in increasing order, from the table's own sequence.
    static let transferIDs = """
        SELECT nextval(pg_get_serial_sequence('transfers', 'id')) FROM generate_series(1, $1::bigint) ORDER BY 1
        """

    /// The balances of the system accounts `$1` (`bigint[]`): each one's row plus its shards, as committed now.
    static let spreadBalances = """
        SELECT a.id, \(PostgresLedgerSQL.balance(of: "a")) FROM accounts a WHERE a.id = ANY($1)
        """

    // MARK: Write after the jobs, in one round trip

    /// Adds `$2[i]` to the balance of customer account `$1[i]` (one entry per account), returning each new balance:
    /// the writer compares them with what it told the jobs. The `CHECK` on customer balances still applies.
    static let moveBalances = """
        UPDATE accounts a SET balance = a.balance + v.delta FROM unnest($1::bigint[], $2::bigint[]) AS v(id, delta)
        WHERE a.id = v.id RETURNING a.id, a.balance
        """

    /// Adds `$2` to system account `$1`: to shard `$3` if no other transaction holds it, else to any free one, else
    /// to the account's row (as ``PostgresLedgerSQL/addToShard`` and the posting statement do). Returns one row.
    static let addToSpread = """
        WITH fs AS (UPDATE account_shards s SET balance = s.balance + $2::bigint
                FROM (\(PostgresLedgerSQL.freeShard(of: "$1::bigint", preferred: "$3::bigint"))) k
                WHERE s.account_id = k.account_id AND s.shard = k.shard RETURNING s.shard),
            fr AS (UPDATE accounts SET balance = balance + $2::bigint WHERE id = $1::bigint AND NOT EXISTS (SELECT 1 FROM fs)
                RETURNING id)
        SELECT (SELECT COUNT(*) FROM fs) + (SELECT COUNT(*) FROM fr)
        """

    /// Adds `$3[i]` to the total of account `$1[i]` on day `$2[i]` (one entry per pair), returning each new total.
    static let addTotals = """
        INSERT INTO daily_outgoing (account_id, day, total) SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::bigint[])
        ON CONFLICT (account_id, day) DO UPDATE SET total = daily_outgoing.total + excluded.total
        RETURNING account_id, day, total
        """

    /// The transfer rows, each with the id it was given before (``transferIDs``); `$11`, the parent, is NULL for none.
    static let insertTransfers = """
        INSERT INTO transfers (id, idempotency_key, debit_account, credit_account, amount, fee, kind, state, operator,
            reference_prefix, parent_id, debit_balance, credit_balance, created_at, updated_at)
        SELECT id, k, d, c, a, f, kind, st, op, rp, parent, db, cb, t, t FROM unnest($1::bigint[], $2::text[], $3::bigint[],
            $4::bigint[], $5::bigint[], $6::bigint[], $7::text[], $8::text[], $9::text[], $10::text[], $11::bigint[], $12::bigint[],
            $13::bigint[], $14::bigint[]) AS r(id, k, d, c, a, f, kind, st, op, rp, parent, db, cb, t)
        """

    /// The SMS receipts, and the wake-up of the node holding each operator's connection (`$7`, the channel).
    static let insertOutbox = """
        WITH receipts AS (
            INSERT INTO outbox (msisdn, operator, sender, body, transfer_id, created_at)
            SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bigint[], $6::bigint[]) RETURNING operator
        )
        SELECT pg_notify($7, o.operator) FROM (SELECT DISTINCT operator FROM receipts) o
        """

    /// The e-mail notices, each due when it was written.
    static let insertMail = """
        INSERT INTO mail_outbox (message_id, msisdn, address, display_name, language, notice, notice_values, transfer_id,
            next_attempt_at, created_at, updated_at)
        SELECT m, n, a, dn, l, nt, v, t, c, c, c FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[],
            $7::text[], $8::bigint[], $9::bigint[]) AS r(m, n, a, dn, l, nt, v, t, c)
        """
}
