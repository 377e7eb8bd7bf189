/// A named change to a PostgreSQL schema: its statements run once, in one transaction, in order.
///
/// Names never change once shipped; they are recorded in `schema_migrations`, beside the tables they made.
public struct PostgresMigration: Sendable {
    public let name: String
    public let statements: [String]

    public init(_ name: String, _ statements: [String]) {
        self.name = name
        self.statements = statements
    }
}
