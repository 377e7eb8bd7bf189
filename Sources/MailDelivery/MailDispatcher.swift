import Foundation
import Ledger
import Logging
import MobileMoney
import SMTP
import Synchronization

/// Delivers the mail outbox to the relay: every due message, in batches over one SMTP connection each, then
/// records on its row what the attempt ended in (``MailRetryPolicy``).
///
/// Delivery is at least once. A row is marked `sent` only after the relay answered 250 to its data; a crash
/// (or a broken connection) in between sends that message again on the next attempt, with the same
/// `Message-ID`, chosen when the notice was written, so a receiver can drop the second copy. Nothing else is
/// ever sent twice, and nothing is lost: a message leaves the queue only as sent, failed (5xx) or dead.
///
/// Logs carry the row id, the Message-ID, the notice kind and the error (the relay's reply), never a body or a code; the
/// SMTP conversation, at trace level, shows the envelope (addresses) but never the data or a credential.
public final class MailDispatcher: Sendable {
    private let money: MobileMoney
    private let client: SMTPClient
    private let sender: Mailbox
    private let policy: MailRetryPolicy
    private let metrics: MailMetrics
    private let pollInterval: Duration
    private let batchSize: Int
    private let logger: Logger
    private let dirty = Mutex(true)

    /// - Parameters:
    ///   - configuration: the relay and how to reach it (``SMTPRelay/configuration()`` for `--smtp`).
    ///   - pollInterval: how often the outbox is read when nothing nudges the dispatcher.
    ///   - batchSize: messages sent over one connection at most.
    public init(
        money: MobileMoney, configuration: SMTPConfiguration, sender: MailSender, policy: MailRetryPolicy = MailRetryPolicy(),
        metrics: MailMetrics, pollInterval: Duration = .milliseconds(500), batchSize: Int = 50, logger: Logger
    ) {
        self.money = money
        // The client logs SMTP commands at trace level only (never credentials, never message data).
        self.client = SMTPClient(configuration: configuration, logger: logger)
        self.sender = sender.mailbox
        self.policy = policy
        self.metrics = metrics
        self.pollInterval = pollInterval
        self.batchSize = batchSize
        self.logger = logger
    }

    /// Something may have been queued: look now rather than at the next poll.
    public func nudge() { dirty.withLock { $0 = true } }

    /// Delivers until cancelled.
    public func run() async {
        var lastPass = ContinuousClock.now
        while !Task.isCancelled {
            let due = dirty.withLock { dirty in
                defer { dirty = false }
                return dirty
            }
            if due || ContinuousClock.now - lastPass >= pollInterval {
                lastPass = .now
                // A full batch may have more behind it.
                while !Task.isCancelled, await pass() == batchSize {}
            }
            try? await Task.sleep(for: .milliseconds(20))
        }
    }

    /// One look at the outbox: sends what is due (one batch, one connection) and records every outcome in one
    /// transaction. Returns how many messages were attempted.
    @discardableResult
    public func pass() async -> Int {
        let due: [MailOutboxMessage]
        do {
            due = try await money.dueMail(limit: batchSize)
            if due.isEmpty {
                metrics.record(try await money.mailOutboxCounts())
                return 0
            }
        } catch {
            logger.error("cannot read the mail outbox", metadata: ["error": "\(error)"])
            return 0
        }
        var outcomes: [(MailOutboxMessage, MailAttemptRecord)] = []
        var sendable: [(row: MailOutboxMessage, message: MailMessage)] = []
        for row in due {
            do {
                guard let content = money.mailContent(row) else {
                    let reason =
                        row.notice == "email_code"
                        ? "expired: the code's time ran out before it could be sent"
                        : "unrenderable: receipts.yaml has no e-mail for \(row.notice) with these values"
                    outcomes.append((row, MailAttemptRecord(state: .failed, attempts: row.attempts, nextAttemptAt: now, error: reason)))
                    continue
                }
                let message = try MailMessage(
                    from: sender, to: [Mailbox(row.address, displayName: row.displayName, field: "to")], subject: content.subject,
                    date: Date(timeIntervalSince1970: Double(row.createdAt) / 1000), messageID: MessageID(row.messageID),
                    text: content.text, html: content.html.isEmpty ? nil : content.html)
                sendable.append((row, message))
            } catch {
                // An address or header the client will not send (never accepted by the API): refused for good.
                outcomes.append((row, policy.outcome(of: error, for: (row.id, row.attempts, row.createdAt), now: now)))
            }
        }
        let results = await client.send(sendable.map(\.message))
        for ((row, _), result) in zip(sendable, results) {
            let error: SMTPError? =
                switch result {
                case .success: nil
                case .failure(let error): error
                }
            outcomes.append((row, policy.outcome(of: error, for: (row.id, row.attempts, row.createdAt), now: now)))
        }
        await record(outcomes)
        if let counts = try? await money.mailOutboxCounts() { metrics.record(counts) }
        return due.count
    }

    private var now: Int64 { money.ledger.context.clock() }

    private func record(_ outcomes: [(MailOutboxMessage, MailAttemptRecord)]) async {
        let at = now
        for (row, record) in outcomes {
            metrics.attempted(record.state)
            var metadata: Logger.Metadata = [
                "mail.id": "\(row.id)", "mail.message_id": "\(row.messageID)", "mail.notice": "\(row.notice)",
                "mail.attempts": "\(record.attempts)",
            ]
            if let error = record.error { metadata["error"] = "\(error)" }
            switch record.state {
            case .sent: logger.debug("mail sent", metadata: metadata)
            case .queued:
                metadata["mail.retry_in_ms"] = "\(record.nextAttemptAt - at)"
                logger.warning("mail deferred", metadata: metadata)
            case .failed: logger.error("mail refused for good", metadata: metadata)
            case .dead: logger.error("mail given up (dead letter)", metadata: metadata)
            }
        }
        do {
            try await money.recordMailAttempts(
                outcomes.map { row, record in
                    MailAttemptOutcome(
                        id: row.id, state: record.state, attempts: record.attempts, nextAttemptAt: record.nextAttemptAt, lastError: record.error,
                        at: at)
                })
        } catch {
            // The rows stay queued as they were: those messages go again (at least once), nothing is lost.
            logger.error("cannot record mail attempts", metadata: ["error": "\(error)", "mail.count": "\(outcomes.count)"])
        }
    }
}
