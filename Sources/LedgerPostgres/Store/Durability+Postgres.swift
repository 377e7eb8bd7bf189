import Ledger

extension Durability {
    /// The `synchronous_commit` a writer connection runs with for this level.
    ///
    /// `full` is `on`: a commit's WAL is flushed (and, with synchronous standbys, confirmed by them) before
    /// the caller is answered. PostgreSQL has one weaker level, `off`: the server writes the WAL a moment
    /// later, so a server crash or power loss may lose the last answered commits (never the database's
    /// consistency). `normal` and `off` both map to it.
    public var synchronousCommit: String { self == .full ? "on" : "off" }

    /// The level a writer's `SHOW synchronous_commit` (and `SHOW fsync`) stands for, given what was configured:
    /// `on`, `local`, `remote_write`, `remote_apply` flush locally (full, if `fsync` is on); `off` is the weaker
    /// level, reported as the configured `normal` or `off`.
    public init?(synchronousCommit reading: String, fsync: String, configured: Durability) {
        switch reading {
        case "on", "local", "remote_write", "remote_apply":
            guard fsync == "on" else { return nil }
            self = .full
        case "off": self = configured == .full ? .normal : configured
        default: return nil
        }
    }

    /// What `serve` and the benches print for a PostgreSQL writer, from what the server said.
    public static func postgresDescription(synchronousCommit: String, fsync: String) -> String {
        switch synchronousCommit {
        case "off": "synchronous_commit=off (an answer survives a crash of Sika, not of the server or the machine)"
        default:
            fsync == "on"
                ? "synchronous_commit=\(synchronousCommit), fsync=on (an answer survives a crash of Sika, of the server and a power loss)"
                : "synchronous_commit=\(synchronousCommit) but fsync=off (the server does not flush: a power loss can lose commits)"
        }
    }
}
