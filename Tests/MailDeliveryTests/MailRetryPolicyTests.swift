import Ledger
import MailDelivery
import SMTP
import Testing

/// What an attempt's error does to a message: sent, failed for good, retried with backoff, or a dead letter.
@Suite struct MailRetryPolicyTests {
    static let policy = MailRetryPolicy(firstDelay: 60_000, maxDelay: 7_200_000, maxAttempts: 12, maxAge: 48 * 3_600_000)
    static let deferred = SMTPError(
        .transientReply, "the server deferred rcpt_to", stage: .rcptTo, reply: SMTPReply(code: 451, lines: ["4.3.0 later"]))
    static let refused = SMTPError(.permanentReply, "the server refused rcpt_to", stage: .rcptTo, reply: SMTPReply(code: 550, lines: ["5.1.1 no"]))

    @Test func theDelayDoublesUpToItsCap() {
        let delays = (1...10).map { Self.policy.delay(afterAttempts: $0) / 60_000 }
        #expect(delays == [1, 2, 4, 8, 16, 32, 64, 120, 120, 120])
        #expect(MailRetryPolicy(firstDelay: 200, maxDelay: 1000).delay(afterAttempts: 40) == 1000)
    }

    @Test func acceptedIsSent() {
        let record = Self.policy.outcome(of: nil, for: (1, 0, 0), now: 5000)
        #expect(record == MailAttemptRecord(state: .sent, attempts: 1, nextAttemptAt: 5000, error: nil))
    }

    @Test func aTransientFailureIsRetriedLater() {
        let record = Self.policy.outcome(of: Self.deferred, for: (1, 2, 0), now: 10_000)
        #expect(record.state == .queued && record.attempts == 3)
        #expect(record.nextAttemptAt == 10_000 + 4 * 60_000)
        #expect(record.error?.hasPrefix("transient_reply:") == true && record.error?.contains("451 4.3.0 later") == true)
        // Not reachable, timed out, TLS broken mid-way: all transient, all retried. And what is wrong with the relay
        // or the configuration rather than the message (a password, TLS required but not offered, a 5xx to EHLO):
        // every message would fail alike, and all go once it is fixed.
        for code in [
            SMTPError.Code.connectFailed, .connectionLost, .timeout, .tlsHandshakeFailed, .authenticationFailed, .authenticationUnavailable,
            .authenticationRequiresTLS, .tlsUnavailable,
        ] {
            #expect(Self.policy.outcome(of: SMTPError(code, "x"), for: (1, 0, 0), now: 0).state == .queued, "\(code)")
        }
        let ehloRefused = SMTPError(.permanentReply, "refused", stage: .helo, reply: SMTPReply(code: 554, lines: ["no"]))
        #expect(Self.policy.outcome(of: ehloRefused, for: (1, 0, 0), now: 0).state == .queued)
    }

    @Test func aPermanentFailureIsNeverRetried() {
        let tooBig = SMTPError(.permanentReply, "refused", stage: .mailFrom, reply: SMTPReply(code: 552, lines: ["5.3.4 too big"]))
        let content = SMTPError(.permanentReply, "refused", stage: .messageData, reply: SMTPReply(code: 554, lines: ["5.7.1 spam"]))
        for error in [Self.refused, tooBig, content, SMTPError(.invalidAddress, "bad", field: "to"), SMTPError(.messageTooLarge, "big")] {
            let record = Self.policy.outcome(of: error, for: (1, 0, 0), now: 7)
            #expect(record.state == .failed && record.attempts == 1 && record.nextAttemptAt == 7, "\(error)")
        }
    }

    @Test func outOfAttemptsOrTooOldIsADeadLetter() {
        let last = Self.policy.outcome(of: Self.deferred, for: (1, 11, 0), now: 1000)
        #expect(last.state == .dead && last.attempts == 12 && last.error?.hasPrefix("gave up after 12 attempts") == true)
        let old = Self.policy.outcome(of: Self.deferred, for: (1, 1, 0), now: 48 * 3_600_000)
        #expect(old.state == .dead && old.error?.hasPrefix("gave up, too old") == true)
        #expect(Self.policy.outcome(of: Self.deferred, for: (1, 1, 0), now: 48 * 3_600_000 - 1).state == .queued)
    }

    @Test func aLongReplyIsCutInTheRecord() {
        let chatty = SMTPError(.transientReply, "later", reply: SMTPReply(code: 451, lines: [String(repeating: "x", count: 2000)]))
        #expect((Self.policy.outcome(of: chatty, for: (1, 0, 0), now: 0).error?.count ?? 0) == 500)
    }
}
