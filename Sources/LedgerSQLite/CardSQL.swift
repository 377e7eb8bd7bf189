/// The cards table's statements.
enum CardSQL {
    static let insert = """
        INSERT INTO cards (msisdn, key_id, sealed_number, last4, expiry_month, expiry_year, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)
        """
    static let columns = "id, msisdn, key_id, sealed_number, last4, expiry_month, expiry_year"
    static let byOwner = "SELECT \(columns) FROM cards WHERE msisdn = ? ORDER BY id"
    static let notSealedWith = "SELECT \(columns) FROM cards WHERE key_id <> ? ORDER BY id"
    static let reseal = "UPDATE cards SET key_id = ?, sealed_number = ? WHERE id = ?"
}
