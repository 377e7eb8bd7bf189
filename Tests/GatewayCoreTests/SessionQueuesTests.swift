import GatewayCore
import MenuEngine
import Sessions
import Testing

/// The per-session ordering and backpressure rules, without a channel: every front that multiplexes
/// sessions on one connection runs exactly these.
@Suite struct SessionQueuesTests {
    let start = ContinuousClock.now
    func queues(sessions: Int = 4, queued: Int = 2, inFlight: Int = 3) -> SessionQueues {
        SessionQueues(limits: .init(sessions: sessions, queuedPerSession: queued, inFlight: inFlight))
    }

    func screen(_ text: String, final: Bool = false) -> StepOutcome { .reply(Reply(text: text, isFinal: final)) }

    @Test func oneSessionsStepsRunInOrderOneAtATime() {
        var q = queues()
        #expect(
            q.begin(session: "s", key: "k", step: .begin(msisdn: "22890112233", dial: "*145#"), at: start) == [
                .start(session: "s", key: "k", step: .begin(msisdn: "22890112233", dial: "*145#"))
            ])
        // Answers while the first step runs wait behind it.
        #expect(q.enqueue(.reply(input: "1"), session: "s").isEmpty)
        #expect(q.enqueue(.reply(input: "2"), session: "s").isEmpty)
        #expect(q.inFlight == 1)
        let first = q.finished("s", step: .begin(msisdn: "22890112233", dial: "*145#"), outcome: screen("menu"), at: start)
        #expect(first == [.answer(session: "s", key: "k", outcome: screen("menu")), .start(session: "s", key: "k", step: .reply(input: "1"))])
        let second = q.finished("s", step: .reply(input: "1"), outcome: screen("next"), at: start)
        #expect(second == [.answer(session: "s", key: "k", outcome: screen("next")), .start(session: "s", key: "k", step: .reply(input: "2"))])
    }

    @Test func differentSessionsRunConcurrently() {
        var q = queues()
        let a = q.begin(session: "a", key: "ka", step: .begin(msisdn: "1", dial: "*145#"), at: start)
        let b = q.begin(session: "b", key: "kb", step: .begin(msisdn: "2", dial: "*145#"), at: start)
        #expect(a.count == 1 && b.count == 1)
        #expect(q.inFlight == 2)
    }

    /// `ABORT a` (not answered) then `BEGIN b` from the same phone: b's start must meet the session manager
    /// after the drop, or the new dial misses the resume offer. Another subscriber does not wait, and a
    /// subscriber whose earlier session is idle starts at once.
    @Test func aSubscribersNewSessionWaitsForTheDropOfTheirEarlierOne() {
        var q = queues()
        let dial = SessionStep.begin(msisdn: "22890112233", dial: "*145#")
        _ = q.begin(session: "a", key: "ka", step: dial, at: start)
        _ = q.finished("a", step: dial, outcome: screen("menu"), at: start)
        #expect(q.enqueue(.abort, session: "a") == [.start(session: "a", key: "ka", step: .abort)])
        #expect(q.begin(session: "b", key: "kb", step: dial, at: start).isEmpty)
        let other = SessionStep.begin(msisdn: "22890445566", dial: "*145#")
        #expect(q.begin(session: "c", key: "kc", step: other, at: start) == [.start(session: "c", key: "kc", step: other)])
        #expect(
            q.finished("a", step: .abort, outcome: .aborted, at: start) == [
                .answer(session: "a", key: "ka", outcome: .aborted), .start(session: "b", key: "kb", step: dial),
            ])
        // b is now idle on its menu: a third dial of the same phone does not wait for it.
        _ = q.finished("b", step: dial, outcome: screen("menu"), at: start)
        #expect(q.begin(session: "d", key: "kd", step: dial, at: start) == [.start(session: "d", key: "kd", step: dial)])
    }

    /// Three sessions of one phone in a row, each dialled while the one before still had steps under way:
    /// each waits for the one just before it (not the first), in order; a session that ended and one that
    /// expired are no longer anyone's to wait for; other phones never wait.
    @Test func aChainOfOnePhonesSessionsStartsInOrderAndEndedOnesAreForgotten() {
        var q = queues(sessions: 8, inFlight: 8)
        let dial = SessionStep.begin(msisdn: "22890112233", dial: "*145#")
        #expect(q.begin(session: "a", key: "ka", step: dial, at: start).count == 1)
        #expect(q.begin(session: "b", key: "kb", step: dial, at: start).isEmpty)
        #expect(q.begin(session: "c", key: "kc", step: dial, at: start).isEmpty)
        let other = SessionStep.begin(msisdn: "22890445566", dial: "*145#")
        #expect(q.begin(session: "x", key: "kx", step: other, at: start) == [.start(session: "x", key: "kx", step: other)])
        // a's first screen: b starts, c still waits for b.
        #expect(
            q.finished("a", step: dial, outcome: screen("menu"), at: start) == [
                .answer(session: "a", key: "ka", outcome: screen("menu")), .start(session: "b", key: "kb", step: dial),
            ])
        // b ends on its first screen: c starts.
        #expect(
            q.finished("b", step: dial, outcome: screen("bye", final: true), at: start) == [
                .answer(session: "b", key: "kb", outcome: screen("bye", final: true)), .start(session: "c", key: "kc", step: dial),
            ])
        _ = q.finished("c", step: dial, outcome: screen("menu"), at: start)
        // a and c idle, b over: a fourth dial starts at once; a and c expire, and a fifth dial still does.
        #expect(q.begin(session: "d", key: "kd", step: dial, at: start) == [.start(session: "d", key: "kd", step: dial)])
        _ = q.finished("d", step: dial, outcome: screen("menu"), at: start)
        _ = q.finished("x", step: other, outcome: screen("menu"), at: start)
        #expect(q.expire(idleSince: start) == [.release(keys: ["ka", "kc", "kd", "kx"])])
        #expect(q.sessionCount == 0)
        #expect(q.begin(session: "e", key: "ke", step: dial, at: start) == [.start(session: "e", key: "ke", step: dial)])
    }

    @Test func refusalsHaveTheProtocolsCodes() {
        var q = queues(sessions: 1, queued: 1)
        _ = q.begin(session: "a", key: "ka", step: .begin(msisdn: "1", dial: "*145#"), at: start)
        #expect(
            q.begin(session: "a", key: "x", step: .abort, at: start) == [.refuse(GatewayError(.conflict, session: "a", "session a already exists"))])
        #expect(
            q.begin(session: "b", key: "kb", step: .abort, at: start) == [
                .refuse(GatewayError(.rateLimited, session: "b", "too many live sessions on this connection"))
            ])
        #expect(q.enqueue(.reply(input: "1"), session: "nope") == [.refuse(GatewayError(.unknownSession, session: "nope", "no session nope"))])
        #expect(q.enqueue(.reply(input: "1"), session: "a").isEmpty)
        #expect(
            q.enqueue(.reply(input: "2"), session: "a") == [
                .refuse(GatewayError(.rateLimited, session: "a", "too many lines waiting for session a"))
            ])
    }

    @Test func whatWaitsBehindALastScreenIsRefused() {
        var q = queues()
        _ = q.begin(session: "a", key: "ka", step: .begin(msisdn: "1", dial: "*145#"), at: start)
        _ = q.enqueue(.reply(input: "1"), session: "a")
        let end = q.finished("a", step: .begin(msisdn: "1", dial: "*145#"), outcome: screen("bye", final: true), at: start)
        #expect(
            end == [
                .answer(session: "a", key: "ka", outcome: screen("bye", final: true)),
                .refuse(GatewayError(.unknownSession, session: "a", "session a is over")),
            ])
        #expect(q.sessionCount == 0)
    }

    @Test func aRefusedStartLeavesNoSessionButABadAnswerKeepsIt() {
        var q = queues()
        _ = q.begin(session: "a", key: "ka", step: .begin(msisdn: "1", dial: "*145#"), at: start)
        _ = q.finished("a", step: .begin(msisdn: "1", dial: "*145#"), outcome: .refused(SessionError(.rateLimited, "slow")), at: start)
        #expect(q.sessionCount == 0)
        _ = q.begin(session: "b", key: "kb", step: .begin(msisdn: "1", dial: "*145#"), at: start)
        _ = q.finished("b", step: .begin(msisdn: "1", dial: "*145#"), outcome: screen("menu"), at: start)
        _ = q.enqueue(.reply(input: "x"), session: "b")
        _ = q.finished("b", step: .reply(input: "x"), outcome: .refused(SessionError(.malformed, "bad")), at: start)
        #expect(q.sessionCount == 1)
        _ = q.enqueue(.reply(input: "y"), session: "b")
        _ = q.finished("b", step: .reply(input: "y"), outcome: .refused(SessionError(.unknownSession, "expired")), at: start)
        #expect(q.sessionCount == 0)
    }

    @Test func readingStopsWhileTooMuchIsInFlightOrThePeerDoesNotRead() {
        var q = queues(inFlight: 2)
        #expect(q.mayRead(writable: true))
        #expect(!q.mayRead(writable: false))
        _ = q.begin(session: "a", key: "ka", step: .abort, at: start)
        q.otherWorkStarted()
        #expect(!q.mayRead(writable: true))
        q.otherWorkFinished()
        #expect(q.mayRead(writable: true))
    }

    @Test func aClosedConnectionReleasesIdleSessionsNowAndRunningOnesWhenTheyComeBack() {
        var q = queues()
        _ = q.begin(session: "idle", key: "k1", step: .begin(msisdn: "1", dial: "*145#"), at: start)
        _ = q.finished("idle", step: .begin(msisdn: "1", dial: "*145#"), outcome: screen("menu"), at: start)
        _ = q.begin(session: "busy", key: "k2", step: .begin(msisdn: "2", dial: "*145#"), at: start)
        #expect(q.close() == [.release(keys: ["k1"])])
        // Nobody sees the answer of the running step; the session it leaves open is released.
        #expect(q.finished("busy", step: .begin(msisdn: "2", dial: "*145#"), outcome: screen("menu"), at: start) == [.release(keys: ["k2"])])
        #expect(q.sessionCount == 0)
    }

    @Test func idleSessionsExpireButNotRunningOrQueuedOnes() {
        var q = queues()
        _ = q.begin(session: "old", key: "k1", step: .abort, at: start)
        _ = q.finished("old", step: .abort, outcome: screen("menu"), at: start)
        _ = q.begin(session: "running", key: "k2", step: .abort, at: start)
        #expect(q.expire(idleSince: start + .seconds(1)) == [.release(keys: ["k1"])])
        #expect(q.sessionCount == 1)
    }
}
