import Foundation
import Synchronization
import Testing

@testable import Sessions

@Suite struct MemoryEndedSessionStoreTests {
    /// A wall clock the test moves by hand.
    final class TestClock: Sendable {
        private let time = Mutex(Date(timeIntervalSince1970: 1_700_000_000))
        var now: Date { time.withLock { $0 } }
        func advance(_ seconds: TimeInterval) { time.withLock { $0 += seconds } }
    }

    static func ended(_ n: Int) -> EndedSession {
        EndedSession(operatorID: "tmoney", msisdn: "22890112233", serviceCode: "*145#", text: "4*1*2580", outcome: .ended(reply: "END \(n)"))
    }

    @Test func aSessionIsKeptForTheRetentionWindowOnly() {
        let clock = TestClock()
        let store = MemoryEndedSessionStore(retention: .seconds(600), capacity: 100) { clock.now }
        store.retain(Self.ended(1), id: "a")
        clock.advance(300)
        store.retain(Self.ended(2), id: "b")
        clock.advance(299.5)
        #expect(store.lookup("a") == Self.ended(1))
        clock.advance(1)
        #expect(store.lookup("a") == nil)
        #expect(store.lookup("b") == Self.ended(2))
        #expect(store.count == 1)
        clock.advance(300)
        #expect(store.lookup("b") == nil)
        #expect(store.count == 0)
    }

    @Test func retainingAnIdAgainReplacesItAndRestartsItsWindow() {
        let clock = TestClock()
        let store = MemoryEndedSessionStore(retention: .seconds(10), capacity: 100) { clock.now }
        store.retain(Self.ended(1), id: "a")
        clock.advance(8)
        let expired = EndedSession(operatorID: nil, msisdn: "22890112233", serviceCode: "*145#", text: "", outcome: .expired)
        store.retain(expired, id: "a")
        clock.advance(8)
        // The first position of "a" is past its window but stale: the newer entry stays.
        #expect(store.lookup("a") == expired)
        #expect(store.count == 1)
    }

    /// A flood of sessions that end keeps at most `capacity` of them, the newest, and the store's
    /// storage never grows past twice the cap: memory is bounded whatever the callers do.
    @Test func aMillionEndedSessionsKeepOnlyTheNewestUpToTheCap() {
        let store = MemoryEndedSessionStore(retention: .seconds(600), capacity: 1000)
        var largest = 0
        for n in 0..<1_000_000 {
            store.retain(Self.ended(n), id: "flood-\(n)")
            if n % 997 == 0 { largest = max(largest, store.storageCount) }
        }
        largest = max(largest, store.storageCount)
        #expect(store.count == 1000)
        #expect(largest <= 2000)
        #expect(store.lookup("flood-0") == nil)
        #expect(store.lookup("flood-998999") == nil)
        #expect(store.lookup("flood-999000") == Self.ended(999_000))
        #expect(store.lookup("flood-999999") == Self.ended(999_999))
    }

    /// Retaining the same ids over and over behind a live oldest entry does not pile up storage either.
    @Test func retainingTheSameIdsAgainAndAgainStaysBounded() {
        let store = MemoryEndedSessionStore(retention: .seconds(600), capacity: 10)
        store.retain(Self.ended(0), id: "oldest")
        var largest = 0
        for n in 0..<100_000 {
            store.retain(Self.ended(n), id: "again-\(n % 3)")
            largest = max(largest, store.storageCount)
        }
        #expect(largest <= 20)
        #expect(store.count == 4)
        #expect(store.lookup("oldest") == Self.ended(0))
        #expect(store.lookup("again-0") == Self.ended(99_999))
    }
}
