import ArgumentParser
import Logging
import MailDelivery
import MobileMoney
import ServiceLifecycle

/// `sika serve`'s e-mail flags: where notices go (`--smtp`), who they are from, how long a failing one is retried.
/// Without `--smtp`, e-mail notices are still written (with their SMS, to verified addresses) and wait in the mail
/// outbox until a start with a relay sends them.
struct MailOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "Deliver e-mail notices through this relay: smtp://[user@]host[:port] (STARTTLS when offered), "
                + "smtp+starttls://… (STARTTLS required), smtps://… (TLS from the start).",
            discussion: "The password comes from SIKA_SMTP_PASSWORD (environment or --secrets file), never from the URL. Options: "
                + "?ca=FILE (trust only these PEM certificates), tls-name=NAME (the certificate's name when it is not the host), "
                + "helo=NAME. See README.md, 'E-mail notices'.",
            valueName: "url"))
    var smtp: String?
    @Option(help: "The From of e-mail notices: `Name <address>` or `address`; its domain ends every notice's Message-ID.")
    var mailFrom: String = "Sika <notices@sika.localhost>"
    @Option(help: "Seconds before the first retry of an e-mail the relay deferred (4xx) or that could not be sent; doubles, at most 2 h.")
    var mailRetryAfter: Double = 60
    @Option(help: "Attempts before an e-mail that keeps failing becomes a dead letter.")
    var mailMaxAttempts: Int = 12
    @Option(help: "Hours after which an e-mail that keeps failing becomes a dead letter.")
    var mailMaxAge: Double = 48

    func validate() throws {
        do { _ = try MailSender(mailFrom) } catch { throw ValidationError(error.message) }
        guard mailRetryAfter > 0, mailRetryAfter <= 7200 else { throw ValidationError("--mail-retry-after is 0 to 7200 seconds") }
        guard mailMaxAttempts > 0 else { throw ValidationError("--mail-max-attempts must be positive") }
        guard mailMaxAge > 0 else { throw ValidationError("--mail-max-age must be positive") }
        if let smtp {
            // The password is checked when serve reads the secrets; the URL's shape here, before anything starts.
            do { _ = try SMTPRelay(url: smtp, password: "-") } catch { throw ValidationError(error.message) }
        }
    }

    /// MobileMoney's options for e-mail: the notices' Message-IDs end in the domain of `--mail-from`.
    func moneyOptions() throws -> MobileMoney.Options {
        var options = MobileMoney.Options()
        options.messageIDDomain = try MailSender(mailFrom).domain
        return options
    }

    /// The mail dispatcher for `--smtp` (none without it), and the line `serve` prints about it.
    func delivery(money: MobileMoney, secrets: [String: String], metrics: MailMetrics, logger: Logger) throws -> (
        services: [any Service], line: String
    ) {
        let sender = try MailSender(mailFrom)
        guard let smtp else {
            return ([], "E-mail notices: kept in the mail outbox (no --smtp); `sika mail outbox` lists them.")
        }
        let relay = try SMTPRelay(url: smtp, password: secrets[SMTPRelay.passwordVariable])
        let policy = MailRetryPolicy(
            firstDelay: Int64(mailRetryAfter * 1000), maxAttempts: mailMaxAttempts, maxAge: Int64(mailMaxAge * 3_600_000))
        let dispatcher = MailDispatcher(
            money: money, configuration: try relay.configuration(), sender: sender, policy: policy, metrics: metrics, logger: logger)
        return (
            [MailDispatchService(dispatcher: dispatcher)],
            "E-mail notices: through \(relay), from \(sender); `sika mail outbox` lists what waits or is stuck."
        )
    }
}
