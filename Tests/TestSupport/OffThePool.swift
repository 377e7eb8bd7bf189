import LedgerPostgres

/// Runs `body` on a thread of its own and waits for it without holding a thread of the cooperative pool
/// (`BlockingWork.run`, which the PostgreSQL store uses for the same reason).
///
/// For tests that block: a child process's output read to its end, a wait for its exit, a loop over its output.
/// The pool has as many threads as there are cores (two on CI) and runs every async test of the suite, so a test
/// that held one for tens of seconds (a crash test reading its child's reports) stalled every other test meanwhile:
/// an SMPP transcript that takes 0.3 s alone once ran out of its two minutes in CI.
public func offThePool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await BlockingWork.run(body)
}
