/// The subscribers table's statements, named once so the store and the raw-SQLite benchmark share them.
public enum SubscriberSQL {
    public static let select = """
        SELECT s.msisdn, s.operator, s.account_id, s.name, s.language, s.blocked, s.pin_salt, s.pin_hash, s.failed_pins,
            s.locked_until, a.tier, a.balance, a.code, a.kind, a.label
        FROM subscribers s JOIN accounts a ON a.id = s.account_id WHERE s.msisdn = ?
        """
    public static let insert = """
        INSERT INTO subscribers (msisdn, operator, account_id, name, language, pin_salt, pin_hash, created_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?)
        """
    public static let recordFailure = "UPDATE subscribers SET failed_pins = ?, locked_until = ? WHERE msisdn = ?"
    public static let setPin = "UPDATE subscribers SET pin_salt = ?, pin_hash = ?, failed_pins = 0, locked_until = 0 WHERE msisdn = ?"
    public static let setLanguage = "UPDATE subscribers SET language = ? WHERE msisdn = ?"
    public static let setBlocked = "UPDATE subscribers SET blocked = ? WHERE msisdn = ?"
}
