import Ledger
import Synchronization

/// The system accounts whose balance is spread over shards, known to every writer of the process.
///
/// Only a hint: the balance of any account is its row plus its shards, so an account missing here (made
/// by another process since this one started) is still right, only credited on its own row.
final class SpreadAccounts: Sendable {
    private let ids = Mutex<Set<Account.ID>>([])

    init(_ initial: some Sequence<Account.ID>) {
        ids.withLock { $0.formUnion(initial) }
    }

    func contains(_ id: Account.ID) -> Bool { ids.withLock { $0.contains(id) } }

    /// Every account known to be spread, in id order.
    var all: [Account.ID] { ids.withLock { $0.sorted() } }

    func insert(_ id: Account.ID) { _ = ids.withLock { $0.insert(id) } }
}
