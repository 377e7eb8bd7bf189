import Dispatch
import Foundation
import Ledger
import LedgerSQLite
import Synchronization
import TestSupport
import Testing

/// A reader connection is free again as soon as its read returns, whatever its caller's executor is doing.
///
/// A server at its limit has a cooperative pool with a long queue. GRDB's `async` read gives its connection
/// back only once the calling task runs again on that queue, so every reader stayed taken and the steps that
/// read (a dial, a recipient look-up) took seconds while the others took milliseconds.
@Suite struct ReaderReleaseTests {
    @Test func aReaderIsFreeBeforeItsCallerRunsAgain() async throws {
        let directory = try TestLedger.temporaryDirectory("reader-release")
        let store = try SQLiteLedgerStore.open(path: directory.appending(path: "ledger.sqlite").path)
        let stalled = HeldExecutor()
        let readers = SQLiteLedgerStore.maxReaders
        let arrivals = Arrivals(expected: readers)
        // Every reader taken at once by a task of `stalled`; the last read to arrive stops that executor, so
        // that none of those tasks runs again until the end of the test.
        let holders = (0..<readers).map { _ in
            Task(executorPreference: stalled) {
                try await store.read { rows in
                    arrivals.arrive { stalled.hold() }
                    return try rows.lastMessageID()
                }
            }
        }
        while !arrivals.complete { try await Task.sleep(for: .milliseconds(5)) }

        let answered = Signal()
        let other = Task {
            defer { answered.fire() }
            return try await store.read { rows in try rows.lastMessageID() }
        }
        let deadline = ContinuousClock.now + .seconds(10)
        while !answered.hasFired, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(5)) }
        #expect(answered.hasFired, "a read waited for the tasks that had read before it to run again")

        stalled.release()
        for holder in holders { _ = try await holder.value }
        _ = try await other.value
    }
}

/// A task executor that can stop running jobs (they wait, in order) and start again.
private final class HeldExecutor: TaskExecutor {
    private struct State {
        var held = false
        var waiting: [UnownedJob] = []
    }
    private let state = Mutex(State())
    private let queue = DispatchQueue(label: "sika.tests.held-executor")

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let run = state.withLock { state in
            if state.held { state.waiting.append(job) }
            return !state.held
        }
        if run { queue.async { job.runSynchronously(on: self.asUnownedTaskExecutor()) } }
    }

    func hold() { state.withLock { $0.held = true } }

    func release() {
        let waiting = state.withLock { state in
            state.held = false
            defer { state.waiting = [] }
            return state.waiting
        }
        for job in waiting { queue.async { job.runSynchronously(on: self.asUnownedTaskExecutor()) } }
    }
}

/// A barrier for reads on several connections: each waits until the last one arrives, which runs `last` first.
private final class Arrivals: Sendable {
    private let expected: Int
    private let count = Mutex(0)
    private let gate = DispatchSemaphore(value: 0)

    init(expected: Int) { self.expected = expected }

    var complete: Bool { count.withLock { $0 } == expected }

    func arrive(last: () -> Void) {
        let arrived = count.withLock { count in
            count += 1
            return count
        }
        if arrived == expected {
            last()
            for _ in 1..<expected { gate.signal() }
        } else {
            _ = gate.wait(timeout: .now() + 10)
        }
    }
}
