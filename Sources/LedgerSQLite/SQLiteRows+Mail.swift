import Foundation
import GRDB
import Ledger

extension SQLiteRows {
    // MARK: Subscribers' addresses

    /// Through SQLite's C interface (``RawStatement``): every movement's notices look up both parties inside the
    /// write lock, where GRDB's `Row` (built per row, its column names lowercased) cost 7 % of the writer's time.
    func subscriberEmail(msisdn: String) throws -> SubscriberEmailRow? {
        let row = try RawStatement(db, MailSQL.selectEmail)
        row.bind(1, msisdn)
        guard try row.step() else { return nil }
        return SubscriberEmailRow(
            msisdn: row.text(0), address: row.text(1), displayName: row.optionalText(2), verifiedAt: row.optionalInt64(3),
            codeHash: row.optionalData(4), codeIssuedAt: row.int64(5), codeExpiresAt: row.int64(6), codeFailures: Int(row.int64(7)),
            updatedAt: row.int64(8))
    }

    func setSubscriberEmail(_ e: SubscriberEmailRow) throws {
        try db.cachedStatement(sql: MailSQL.upsertEmail).execute(arguments: [
            e.msisdn, e.address, e.displayName, e.verifiedAt, e.codeHash, e.codeIssuedAt, e.codeExpiresAt, e.codeFailures, e.updatedAt,
        ])
    }

    func deleteSubscriberEmail(msisdn: String) throws -> Bool {
        try db.execute(sql: MailSQL.deleteEmail, arguments: [msisdn])
        return db.changesCount > 0
    }

    // MARK: The mail outbox

    func insertMail(_ messages: [NewMailMessage]) throws {
        for m in messages {
            try db.cachedStatement(sql: MailSQL.insertMail).execute(arguments: [
                m.messageID, m.msisdn, m.address, m.displayName, m.language, m.notice, try Self.json(m.values), m.transferID, m.createdAt,
                m.createdAt, m.createdAt,
            ])
        }
    }

    func dueMail(at now: Int64, limit: Int) throws -> [MailOutboxMessage] {
        try Row.fetchAll(db.cachedStatement(sql: MailSQL.due), arguments: [now, limit]).map(Self.mail)
    }

    func mail(in state: MailState, limit: Int) throws -> [MailOutboxMessage] {
        try Row.fetchAll(db.cachedStatement(sql: MailSQL.inState), arguments: [state.rawValue, limit]).map(Self.mail)
    }

    func mailOutboxCounts() throws -> MailOutboxCounts {
        var counts = MailOutboxCounts()
        for row in try Row.fetchAll(db, sql: MailSQL.counts) {
            let count: Int = row[2]
            switch (MailState(rawValue: row[0]), row[1] as Bool) {
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
        try db.cachedStatement(sql: MailSQL.recordAttempt).execute(arguments: [
            o.state.rawValue, o.attempts, o.nextAttemptAt, o.lastError, o.at, o.id,
        ])
        return db.changesCount > 0
    }

    func requeueMail(id: MailOutboxMessage.ID, at: Int64) throws -> Bool {
        try db.execute(sql: MailSQL.requeue, arguments: [at, at, id])
        return db.changesCount > 0
    }

    static func mail(_ row: Row) -> MailOutboxMessage {
        MailOutboxMessage(
            id: row[0], messageID: row[1], msisdn: row[2], address: row[3], displayName: row[4], language: row[5], notice: row[6],
            values: values(row[7]), transferID: row[8], state: MailState(rawValue: row[9]) ?? .queued, attempts: row[10],
            nextAttemptAt: row[11], lastError: row[12], createdAt: row[13], updatedAt: row[14])
    }

    /// A notice's values as a JSON object of strings, keys sorted (the same values, the same text).
    static func json(_ values: [String: String]) throws -> String {
        String(decoding: try JSONSerialization.data(withJSONObject: values, options: [.sortedKeys]), as: UTF8.self)
    }

    /// The values back; a column that is not such an object (it never is) reads as no values, and the
    /// dispatcher then refuses the message for good rather than send a notice with blanks.
    static func values(_ text: String) -> [String: String] {
        (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: String] ?? [:]
    }
}
