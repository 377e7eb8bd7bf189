import Foundation
import Ledger
import PostgresNIO

/// E-mail on PostgreSQL: subscribers' addresses and the mail outbox, the statements of `PostgresMailSQL`.
extension PostgresRows {
    // MARK: Subscribers' addresses

    func subscriberEmail(msisdn: String) throws -> SubscriberEmailRow? {
        if let known = batch?.email(msisdn: msisdn) { return known }
        return try one(PostgresMailSQL.selectEmail, [PostgresBind.text(msisdn)]).map(Self.email)
    }

    /// A row of ``PostgresMailSQL/selectEmail``'s columns.
    static func email(_ c: PostgresCells) throws -> SubscriberEmailRow {
        SubscriberEmailRow(
            msisdn: try c.text(0), address: try c.text(1), displayName: try c.optionalText(2), verifiedAt: try c.optionalInt(3),
            codeHash: try c.optionalBytes(4), codeIssuedAt: try c.int(5), codeExpiresAt: try c.int(6), codeFailures: Int(try c.int(7)),
            updatedAt: try c.int(8))
    }

    func setSubscriberEmail(_ e: SubscriberEmailRow) throws {
        _ = try change(
            PostgresMailSQL.upsertEmail,
            [
                PostgresBind.text(e.msisdn), PostgresBind.text(e.address), PostgresBind.text(e.displayName), PostgresBind.int(e.verifiedAt),
                e.codeHash.map(PostgresBind.bytes) ?? .null, PostgresBind.int(e.codeIssuedAt), PostgresBind.int(e.codeExpiresAt),
                PostgresBind.int(e.codeFailures), PostgresBind.int(e.updatedAt),
            ])
    }

    func deleteSubscriberEmail(msisdn: String) throws -> Bool {
        try !change(PostgresMailSQL.deleteEmail + " RETURNING msisdn", [PostgresBind.text(msisdn)]).isEmpty
    }

    // MARK: The mail outbox

    func insertMail(_ messages: [NewMailMessage]) throws {
        if let batch {
            batch.keep(messages)
            return
        }
        for m in messages {
            try changeLater(
                PostgresMailSQL.insertMail,
                [
                    PostgresBind.text(m.messageID), PostgresBind.text(m.msisdn), PostgresBind.text(m.address), PostgresBind.text(m.displayName),
                    PostgresBind.text(m.language), PostgresBind.text(m.notice), PostgresBind.text(try Self.json(m.values)),
                    PostgresBind.int(m.transferID), PostgresBind.int(m.createdAt), PostgresBind.int(m.createdAt), PostgresBind.int(m.createdAt),
                ])
        }
    }

    func dueMail(at now: Int64, limit: Int) throws -> [MailOutboxMessage] {
        try rows(PostgresMailSQL.due, [PostgresBind.int(now), PostgresBind.int(limit)]).map { try Self.mail(PostgresCells($0)) }
    }

    func mail(in state: MailState, limit: Int) throws -> [MailOutboxMessage] {
        try rows(PostgresMailSQL.inState, [PostgresBind.text(state.rawValue), PostgresBind.int(limit)]).map { try Self.mail(PostgresCells($0)) }
    }

    func mailOutboxCounts() throws -> MailOutboxCounts {
        var counts = MailOutboxCounts()
        for row in try rows(PostgresMailSQL.counts, []) {
            let cells = PostgresCells(row)
            let count = Int(try cells.int(2))
            switch (MailState(rawValue: try cells.text(0)), try cells.bool(1)) {
            case (.queued, false): counts.queued += count
            case (.queued, true): counts.retrying += count
            case (.failed, _): counts.failed += count
            case (.dead, _): counts.dead += count
            case (.sent, _), (nil, _): break
            }
        }
        return counts
    }

    func recordMailAttempt(_ o: MailAttemptOutcome) throws -> Bool {
        try !change(
            PostgresMailSQL.recordAttempt,
            [
                PostgresBind.text(o.state.rawValue), PostgresBind.int(o.attempts), PostgresBind.int(o.nextAttemptAt),
                PostgresBind.text(o.lastError), PostgresBind.int(o.at), PostgresBind.int(o.id),
            ]
        ).isEmpty
    }

    func requeueMail(id: MailOutboxMessage.ID, at: Int64) throws -> Bool {
        try !change(PostgresMailSQL.requeue, [PostgresBind.int(at), PostgresBind.int(at), PostgresBind.int(id)]).isEmpty
    }

    static func mail(_ c: PostgresCells) throws -> MailOutboxMessage {
        MailOutboxMessage(
            id: try c.int(0), messageID: try c.text(1), msisdn: try c.text(2), address: try c.text(3), displayName: try c.optionalText(4),
            language: try c.text(5), notice: try c.text(6), values: values(try c.text(7)), transferID: try c.optionalInt(8),
            state: MailState(rawValue: try c.text(9)) ?? .queued, attempts: Int(try c.int(10)), nextAttemptAt: try c.int(11),
            lastError: try c.optionalText(12), createdAt: try c.int(13), updatedAt: try c.int(14))
    }

    /// A notice's values as a JSON object of strings, keys sorted (the same text as the SQLite store writes).
    static func json(_ values: [String: String]) throws -> String {
        String(decoding: try JSONSerialization.data(withJSONObject: values, options: [.sortedKeys]), as: UTF8.self)
    }

    static func values(_ text: String) -> [String: String] {
        (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: String] ?? [:]
    }
}
