/// The statements of delivery receipts (see `SMSReceiptSchema`). Every delivered SMS runs them, so none
/// returns rows from a write or tests a list of values: SQLite would build a temporary b-tree for each
/// (see `HotPathCheckSchema`); a write is followed by a point read of what it wrote instead.
enum SMSReceiptSQL {
    static let submitted = """
        UPDATE outbox SET delivered_at = ?, dlr_state = 'submitted', attempts = attempts + 1, retry_at = NULL WHERE id = ?
        """
    static let attempts = "SELECT attempts FROM outbox WHERE id = ?"
    /// An SMSC may hand out an id again (after its own restart): the newest submission owns it.
    static let insertPart = """
        INSERT INTO outbox_parts (operator, smsc_id, outbox_id, attempt, state, updated_at) VALUES (?, ?, ?, ?, 'pending', ?)
        ON CONFLICT (operator, smsc_id) DO UPDATE SET outbox_id = excluded.outbox_id, attempt = excluded.attempt, state = 'pending',
            updated_at = excluded.updated_at
        """
    static let setPartState = "UPDATE outbox_parts SET state = ?, updated_at = ? WHERE operator = ? AND smsc_id = ?"
    static let part = "SELECT outbox_id, attempt FROM outbox_parts WHERE operator = ? AND smsc_id = ?"
    static let tracked = "SELECT dlr_state, attempts, created_at FROM outbox WHERE id = ?"
    static let partStates = "SELECT state FROM outbox_parts WHERE outbox_id = ? AND attempt = ? ORDER BY rowid"
    static let setState = """
        UPDATE outbox SET dlr_state = ?1, retry_at = ?2, dlr_at = CASE WHEN ?1 = 'delivered' OR ?1 = 'undelivered' OR ?1 = 'expired' THEN ?3 ELSE dlr_at END
        WHERE id = ?4
        """
    static let expire = """
        UPDATE outbox SET dlr_state = 'expired', dlr_at = ?1, retry_at = NULL, delivered_at = COALESCE(delivered_at, ?1)
        WHERE created_at <= ?2
            AND (dlr_state = 'submitted' OR (dlr_state = 'retrying' AND (delivered_at IS NULL OR retry_at IS NOT NULL)))
        """
    static let requeue = "UPDATE outbox SET delivered_at = NULL, retry_at = NULL WHERE dlr_state = 'retrying' AND retry_at <= ?"
}
