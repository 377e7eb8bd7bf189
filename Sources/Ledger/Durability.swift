/// How much a commit survives, as SQLite's `synchronous` setting on the writer connection.
///
/// In WAL mode (the ledger's), the levels mean:
/// - ``full``: every commit syncs the write-ahead log before the caller is answered. An answered
///   operation survives a process crash *and* a power loss or kernel panic. The default.
/// - ``normal``: the log is synced only at checkpoints. An answered operation survives a process
///   crash (the log is in the OS page cache), but the last commits before a power loss can be lost;
///   the database itself stays consistent.
/// - ``off``: no sync at all. An answered operation survives a process crash; a power loss can lose
///   commits and corrupt the file. For throwaway databases only (tests, scripts).
public enum Durability: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    case full
    case normal
    case off

    /// The value of `PRAGMA synchronous` for this level.
    public var pragmaValue: Int {
        switch self {
        case .off: 0
        case .normal: 1
        case .full: 2
        }
    }

    /// The level a `PRAGMA synchronous` reading stands for (`EXTRA`, 3, is at least ``full``).
    public init?(pragmaValue: Int) {
        switch pragmaValue {
        case 0: self = .off
        case 1: self = .normal
        case 2, 3: self = .full
        default: return nil
        }
    }

    /// `synchronous=FULL (survives power loss)`: what benchmarks and `serve` print.
    public var description: String {
        switch self {
        case .full: "synchronous=FULL (an answer survives a crash and a power loss)"
        case .normal: "synchronous=NORMAL (an answer survives a process crash, not a power loss)"
        case .off: "synchronous=OFF (an answer survives a process crash; a power loss can corrupt the file)"
        }
    }
}
