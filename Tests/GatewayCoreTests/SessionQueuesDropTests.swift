import GatewayCore
import MenuEngine
import Sessions
import Testing

/// A drop the front hears of after the last screen was computed (an ABORT waiting behind the step, a closed
/// connection): the session manager is told, so that a money outcome nobody saw can be shown on resume.
@Suite struct SessionQueuesDropTests {
    let start = ContinuousClock.now
    let end = StepOutcome.reply(Reply(text: "Envoi reussi", isFinal: true))

    func queues() -> SessionQueues { SessionQueues(limits: .init(sessions: 4, queuedPerSession: 2, inFlight: 3)) }

    @Test func anAbortBehindTheLastScreenReleasesInsteadOfRefusing() {
        var q = queues()
        _ = q.begin(session: "a", key: "ka", step: .begin(msisdn: "1", dial: "*145#"), at: start)
        _ = q.enqueue(.abort, session: "a")
        #expect(
            q.finished("a", step: .begin(msisdn: "1", dial: "*145#"), outcome: end, at: start) == [
                .answer(session: "a", key: "ka", outcome: end), .release(keys: ["ka"]),
            ])
        #expect(q.sessionCount == 0)
    }

    @Test func aConnectionClosedDuringTheLastStepReleasesTheSession() {
        var q = queues()
        _ = q.begin(session: "a", key: "ka", step: .begin(msisdn: "1", dial: "*145#"), at: start)
        #expect(q.close().isEmpty)
        #expect(q.finished("a", step: .begin(msisdn: "1", dial: "*145#"), outcome: end, at: start) == [.release(keys: ["ka"])])
        // A start refused while closing left no session: nothing to release.
        _ = q.begin(session: "b", key: "kb", step: .begin(msisdn: "1", dial: "*145#"), at: start)
        #expect(q.finished("b", step: .begin(msisdn: "1", dial: "*145#"), outcome: .refused(SessionError(.rateLimited, "x")), at: start).isEmpty)
    }
}
