/// The on-net transfer's statements on PostgreSQL when each costs a round trip: the recheck as two statements
/// sent back to back, and every write of the transfer (daily counter, three balances, the row and its fee leg)
/// as one.
///
/// A statement waited for costs a round trip and, on the writer's thread, two thread hand-offs (the event loop
/// writes it, then wakes the thread with the answer): the plain lookups and writes cost twelve of them per
/// transfer, which is what a writer spent its time on. Parameters are `$n`, bound, never spliced.
public enum PostgresPostingSQL {
    /// Both parties of a transfer (`$1`, a `text[]` of numbers) with their wallets, locked in account order (the
    /// one global order), each row re-read at its latest version once its lock is granted.
    public static let lockParties = """
        SELECT \(PostgresLedgerSQL.subscriberColumns) FROM subscribers s JOIN accounts a ON a.id = s.account_id
        WHERE s.msisdn = ANY($1) ORDER BY a.id FOR NO KEY UPDATE
        """
    static let lockPartiesNoWait = lockParties + " NOWAIT"

    /// Whether key `$1` or `$2` is used, and what account `$3` sent on day `$4`. Sent right behind
    /// ``lockParties``: it runs once the locks are held, on a snapshot of its own, so a total another transaction
    /// committed while this one waited for the payer is counted (a scalar subquery of the locking statement would
    /// read the snapshot taken before the wait).
    public static let keysAndOutgoing = """
        SELECT EXISTS (SELECT 1 FROM transfers WHERE idempotency_key = $1) OR EXISTS (SELECT 1 FROM transfers WHERE idempotency_key = $2),
            COALESCE((SELECT total FROM daily_outgoing WHERE account_id = $3 AND day = $4), 0)::bigint
        """

    /// Every write of a transfer between two customer accounts, in one statement; four variants (with or without
    /// the daily counter, with or without a fee leg). Returns one row: the main row's id, the fee leg's, the
    /// payer's, payee's and fee account's balances after, the counter's new total (NULL for what is absent); no
    /// row when an account is missing.
    ///
    /// `$1` payer, `$2` payee, `$3` amount, `$4` fee, `$5` key, `$6` kind, `$7` state, `$8` operator, `$9`
    /// reference prefix, `$10` parent, `$11` time; then the day when counted, then the fee account, the writer's
    /// shard and the fee leg's key when there is a fee leg.
    ///
    /// The sub-statements share one snapshot and touch different rows (the two customer rows were locked by the
    /// job before; the fee goes to a shard no other transaction holds, or to the account's row when all are held,
    /// as ``PostgresLedgerSQL/addToShard`` does); the fee account's balance is its row plus its shards, the one
    /// just changed at its new value.
    public static func postTransfer(outgoing: Bool, fee: Bool) -> String {
        let next = outgoing ? 13 : 12
        let feeAccount = "$\(next)::bigint"
        let shard = "$\(next + 1)::bigint"
        let feeKey = "$\(next + 2)::text"
        let columns = """
            idempotency_key, debit_account, credit_account, amount, fee, kind, state, operator, reference_prefix, parent_id,
                debit_balance, credit_balance, created_at, updated_at
            """
        var parts = [
            "d AS (UPDATE accounts SET balance = balance - ($3::bigint + $4::bigint) WHERE id = $1::bigint RETURNING balance)",
            "c AS (UPDATE accounts SET balance = balance + $3::bigint WHERE id = $2::bigint RETURNING balance)",
        ]
        if outgoing {
            parts.append(
                """
                o AS (INSERT INTO daily_outgoing (account_id, day, total) VALUES ($1::bigint, $12::bigint, $3::bigint)
                    ON CONFLICT (account_id, day) DO UPDATE SET total = daily_outgoing.total + excluded.total RETURNING total)
                """)
        }
        if fee {
            parts += [
                """
                fs AS (UPDATE account_shards s SET balance = s.balance + $4::bigint
                    FROM (\(PostgresLedgerSQL.freeShard(of: feeAccount, preferred: shard))) k
                    WHERE s.account_id = k.account_id AND s.shard = k.shard RETURNING s.shard, s.balance)
                """,
                """
                fr AS (UPDATE accounts SET balance = balance + $4::bigint WHERE id = \(feeAccount) AND NOT EXISTS (SELECT 1 FROM fs)
                    RETURNING balance)
                """,
                """
                f AS (SELECT (CASE WHEN EXISTS (SELECT 1 FROM fs) THEN (SELECT balance FROM fs) + a.balance ELSE (SELECT balance FROM fr) END
                    + COALESCE((SELECT SUM(x.balance) FROM account_shards x
                        WHERE x.account_id = \(feeAccount) AND x.shard IS DISTINCT FROM (SELECT shard FROM fs)), 0))::bigint AS balance
                    FROM accounts a WHERE a.id = \(feeAccount))
                """,
            ]
        }
        parts.append(
            """
            t AS (INSERT INTO transfers (\(columns))
                SELECT $5::text, $1::bigint, $2::bigint, $3::bigint, $4::bigint, $6::text, $7::text, $8::text, $9::text, $10::bigint,
                    d.balance + $4::bigint, c.balance, $11::bigint, $11::bigint FROM d, c RETURNING id)
            """)
        if fee {
            parts.append(
                """
                ft AS (INSERT INTO transfers (\(columns))
                    SELECT \(feeKey), $1::bigint, \(feeAccount), $4::bigint, 0, 'fee', $7::text, $8::text, $9::text, t.id,
                        d.balance, f.balance, $11::bigint, $11::bigint FROM t, d, f RETURNING id)
                """)
        }
        let select = [
            "t.id AS main_id", fee ? "ft.id" : "NULL::bigint", "d.balance AS debit_after", "c.balance AS credit_after",
            fee ? "f.balance" : "NULL::bigint", outgoing ? "o.total" : "NULL::bigint",
        ]
        let from = ["t", "d", "c"] + (fee ? ["ft", "f"] : []) + (outgoing ? ["o"] : [])
        return "WITH " + parts.joined(separator: ",\n") + "\nSELECT " + select.joined(separator: ", ") + " FROM " + from.joined(separator: ", ")
    }

    /// The four variants, built once: `[outgoing][fee]`.
    static let postTransferVariants: [[String]] = [false, true].map { outgoing in [false, true].map { postTransfer(outgoing: outgoing, fee: $0) } }
}
