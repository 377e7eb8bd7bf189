import ArgumentParser
import CommandSupport
import Foundation
import Ledger
import MobileMoney
import Operators

/// `sika mail …`: the mail outbox, as the operator on call sees it.
struct MailCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mail",
        abstract: "Look at the mail outbox (e-mail notices) and put stuck messages back in the queue.",
        subcommands: [Outbox.self, Retry.self]
    )

    struct Outbox: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List e-mail notices that wait or are stuck, and why.",
            discussion: """
                Prints how many messages are queued (never tried), retrying (a 4xx reply, or the relay unreachable: tried \
                again later), failed (refused for good, 5xx: never retried) and dead (given up after --mail-max-attempts or \
                --mail-max-age), then one line each, newest first: id, state, attempts, when it is tried next (or was last), \
                notice, recipient and the last error as the relay gave it. Sent messages are not listed (see --sent). Reads the \
                ledger file, so it works while `sika serve` runs.
                """)
        @OptionGroup var store: StoreOptions
        @Option(help: "At most this many lines per state.") var limit: Int = 50
        @Flag(help: "Also list the last sent messages.") var sent = false

        func validate() throws {
            guard limit > 0 else { throw ValidationError("--limit must be positive") }
        }

        func run() async throws {
            let money = try await store.open()
            let counts = try await money.mailOutboxCounts()
            print(
                "Mail outbox: \(counts.queued) queued, \(counts.retrying) retrying, \(counts.failed) failed, \(counts.dead) dead"
                    + (sent ? "" : " (sent messages not listed: --sent)"))
            var rows: [MailOutboxMessage] = []
            for state in [MailState.queued, .failed, .dead] + (sent ? [.sent] : []) {
                rows += try await money.mailOutbox(state, limit: limit)
            }
            guard !rows.isEmpty else { return }
            let now = money.ledger.context.clock()
            print(Self.table(rows.sorted { $0.id > $1.id }, now: now))
        }

        static func table(_ rows: [MailOutboxMessage], now: Int64) -> String {
            var lines = [["ID", "STATE", "TRIES", "NEXT TRY / LAST", "NOTICE", "TO", "WHY"]]
            for row in rows {
                let state = row.state == .queued && row.attempts > 0 ? "retrying" : row.state.rawValue
                let when =
                    row.state == .queued
                    ? (row.nextAttemptAt <= now ? "due now" : "in \(duration(row.nextAttemptAt - now))")
                    : MoneyFormat.dateTime(row.updatedAt)
                lines.append([
                    String(row.id), state, String(row.attempts), when, row.notice, "\(row.msisdn) <\(row.address)>", row.lastError ?? "-",
                ])
            }
            let widths = (0..<6).map { column in lines.map { $0[column].count }.max() ?? 0 }
            return lines.map { line in
                (0..<6).map { line[$0].padding(toLength: widths[$0], withPad: " ", startingAt: 0) }.joined(separator: "  ") + "  " + line[6]
            }.joined(separator: "\n")
        }

        static func duration(_ millis: Int64) -> String {
            let seconds = (millis + 999) / 1000
            if seconds < 120 { return "\(seconds) s" }
            if seconds < 7200 { return "\((seconds + 59) / 60) min" }
            return "\((seconds + 3599) / 3600) h"
        }
    }

    struct Retry: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Put failed or dead e-mails back in the queue (after the relay or the address was fixed).",
            discussion: "Each goes again at the next look of a running `sika serve --smtp`, with its attempts counted from zero "
                + "and the same Message-ID.")
        @OptionGroup var store: StoreOptions
        @Argument(help: "Ids from `sika mail outbox`.") var ids: [Int64]

        func validate() throws {
            guard !ids.isEmpty else { throw ValidationError("give at least one id from `sika mail outbox`") }
        }

        func run() async throws {
            let money = try await store.open()
            var refused: [Int64] = []
            for id in ids {
                if try await money.requeueMail(id: id) { print("\(id) queued again") } else { refused.append(id) }
            }
            if !refused.isEmpty {
                throw CommandFailure("not failed or dead (or no such message): \(refused.map(String.init).joined(separator: " "))")
            }
        }
    }
}
