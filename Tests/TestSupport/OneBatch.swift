import Dispatch
import Ledger

/// Puts several write jobs in one batch of a ledger, in a known order: a first job holds the writer while the
/// others queue behind it, then lets it go. For a ledger with one writer (SQLite, or PostgreSQL opened with
/// `writers: 1`), whose next batch then takes every queued job.
public enum OneBatch {
    /// A call never queued its write job while the writer was held.
    public struct NotQueued: Error, CustomStringConvertible {
        public let index: Int
        public var description: String { "call \(index) never queued its write job" }
    }

    /// Starts each of `calls` in their order, the next once this one's write job is queued (`queuedWrites`), while a
    /// job of this function holds the writer; then releases it and returns each call's value, in order.
    public static func run<T: Sendable>(_ ledger: Ledger, _ calls: [@Sendable () async -> T]) async throws -> [T] {
        let started = Signal()
        let release = DispatchSemaphore(value: 0)
        let holder = Task {
            try await ledger.write { _ in
                started.fire()
                release.wait()
            }
        }
        await started.wait()
        var tasks: [Task<T, Never>] = []
        for (index, call) in calls.enumerated() {
            tasks.append(Task { await call() })
            // The bound only turns a hang into a failure.
            let deadline = ContinuousClock.now + .seconds(30)
            while ledger.queuedWrites < index + 1, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(1)) }
            guard ledger.queuedWrites == index + 1 else {
                release.signal()
                throw NotQueued(index: index)
            }
        }
        release.signal()
        try await holder.value
        var values: [T] = []
        for task in tasks { values.append(await task.value) }
        return values
    }
}
