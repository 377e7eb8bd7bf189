import GRDB

/// Every table of the SQLite store, as named migrations in order. Names never change once shipped.
enum SQLiteSchema {
    static func register(in migrator: inout DatabaseMigrator) {
        LedgerSchema.register(in: &migrator)
        SubscriberSchema.register(in: &migrator)
        CardSchema.register(in: &migrator)
        OffNetSchema.register(in: &migrator)
        MailSchema.register(in: &migrator)
        SMSReceiptSchema.register(in: &migrator)
        OutboxClaimSchema.register(in: &migrator)
        HotPathCheckSchema.register(in: &migrator)
    }
}
