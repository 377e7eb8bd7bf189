import Ledger

/// How each kind of connection is set up right after it connects.
public enum PostgresSessionSetup {
    /// A ledger writer: `synchronous_commit` as the durability asks, read back from this very connection
    /// (with `fsync`) and refused if it did not apply; lock waits bounded, so a session that holds rows
    /// and stopped answering delays a batch, never stalls it.
    ///
    /// - Returns: what the server reported, for people.
    @discardableResult
    public static func writer(_ connection: BlockingPostgresConnection, durability: Durability) throws -> String {
        try connection.simple("SET synchronous_commit TO \(durability.synchronousCommit)")
        try connection.simple("SET lock_timeout TO '5s'")
        try connection.simple("SET idle_in_transaction_session_timeout TO '60s'")
        let reading = try connection.scalarText("SHOW synchronous_commit")
        let fsync = try connection.scalarText("SHOW fsync")
        guard let actual = Durability(synchronousCommit: reading, fsync: fsync, configured: durability), actual == durability else {
            throw PostgresStoreError(
                .configuration,
                "the ledger writer runs with synchronous_commit=\(reading), fsync=\(fsync), not the \(durability.rawValue) durability configured")
        }
        return Durability.postgresDescription(synchronousCommit: reading, fsync: fsync)
    }

    /// A reader: read-only by default, so a bug that writes through a read fails instead of writing.
    public static func reader(_ connection: BlockingPostgresConnection) throws {
        try connection.simple("SET default_transaction_read_only TO on")
        try connection.simple("SET idle_in_transaction_session_timeout TO '60s'")
    }
}
