import Foundation
import Ledger
import Logging
import MailDelivery
import MobileMoney
import Prometheus
import SMTP
import TestSupport

/// The demo world on a fresh ledger with a mail dispatcher pointed at a relay, on a clock the test moves: a retry
/// becomes due when the test says so, not after a sleep. Tests call ``MailDispatcher/pass()`` themselves.
final class MailWorld: Sendable {
    static let policy = MailRetryPolicy(firstDelay: 60_000, maxDelay: 600_000, maxAttempts: 4, maxAge: 24 * 3_600_000)

    let world: TestWorld
    let clock = TestClock()
    let logs = LogCapture()
    let registry = PrometheusCollectorRegistry()
    let dispatcher: MailDispatcher

    var money: MobileMoney { world.money }

    /// - Parameter relay: `--smtp`'s URL for the relay; `password` is SIKA_SMTP_PASSWORD.
    init(relay: String, password: String? = nil, policy: MailRetryPolicy = MailWorld.policy) async throws {
        world = try await TestWorld.make(clock: clock)
        let configuration = try SMTPRelay(url: relay, password: password).configuration()
        dispatcher = MailDispatcher(
            money: world.money, configuration: configuration, sender: try MailSender("Sika <notices@sika.test>"), policy: policy,
            metrics: MailMetrics(registry: registry), logger: logs.logger(label: "sika.mail"))
    }

    /// Every e-mail written so far, in any state, oldest first.
    func outbox() async throws -> [MailOutboxMessage] {
        var all: [MailOutboxMessage] = []
        for state in MailState.allCases { all += try await money.mailOutbox(state, limit: 1000) }
        return all.sorted { $0.id < $1.id }
    }

    /// The `/metrics` text of the mail series.
    var metrics: String { registry.emitToString() }

    /// A relay URL for a fixture on loopback: `smtp://127.0.0.1:PORT`, with its certificate trusted when it has one.
    static func url(_ fixture: AiosmtpdFixture, scheme: String = "smtp", user: String? = nil) -> String {
        var url = "\(scheme)://\(user.map { "\($0)@" } ?? "")127.0.0.1:\(fixture.port)"
        if let certificate = fixture.certificatePath { url += "?ca=\(certificate)&tls-name=localhost" }
        return url
    }
}
