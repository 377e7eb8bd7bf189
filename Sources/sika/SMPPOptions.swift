import ArgumentParser
import CommandSupport
import Foundation
import GatewayCore
import Ledger
import Logging
import SMPP
import SMPPFront
import ServiceLifecycle
import Simulator

/// `sika serve`'s SMPP flags, both roles: the operator network simulator's SMPP server (with `--esmes` or `--demo`)
/// and binds to operators' SMSCs as their mobile-money service (`--smpp-connect`).
struct SMPPOptions: ParsableArguments {
    @Option(help: "SMPP server listen address (the simulated operator network's SMSC; it runs with --esmes or --demo).")
    var smppHost = "127.0.0.1"
    @Option(help: "SMPP server port (0 picks a free one).") var smppPort = 2775
    @Option(
        help: ArgumentHelp(
            "YAML file of the ESME accounts that may bind to the SMPP server (format: fixtures/esmes.yaml).",
            discussion: "Each account's password is SIKA_ESME_PASSWORD_<SYSTEM_ID> in --secrets or the environment, never in the file.",
            valueName: "file"))
    var esmes: String?
    @Option(
        help: ArgumentHelp(
            "Bind to an operator's SMSC / USSD gateway as its mobile-money service; repeatable.",
            discussion: "Credentials: SIKA_SMPP_SYSTEM_ID_<OPERATOR> and SIKA_SMPP_PASSWORD_<OPERATOR> in --secrets or the environment.",
            valueName: "operator=host:port"))
    var smppConnect: [String] = []
    @Option(help: "Requests in flight per SMPP bind (deliver_sm to an ESME, submit_sm to an SMSC).") var smppWindow = 10
    @Option(help: "submit_sm per second per SMPP bind: the server's limit for ESMEs without their own, and the most a client bind sends.")
    var smppThrottle: Double?
    @Option(
        name: .customLong("max-smpp-connections"),
        help: "SMPP server connections at once (default: as many as the line socket); one address or one ESME account gets half.")
    var maxSMPPConnections: Int?
    @Option(help: "Seconds a receipt SMS sent over SMPP may still reach the phone (its validity period).") var smsValidity = 86_400
    @Option(help: "Submissions of one receipt SMS over SMPP before it counts as undelivered (retried with backoff in between).")
    var smsAttempts = 3

    func validate() throws {
        guard (0...65535).contains(smppPort) else { throw ValidationError("--smpp-port is 0…65535") }
        guard (1...1000).contains(smppWindow) else { throw ValidationError("--smpp-window is 1…1000") }
        guard (smppThrottle ?? 1) > 0, (maxSMPPConnections ?? 1) > 0 else {
            throw ValidationError("--smpp-throttle and --max-smpp-connections must be positive")
        }
        guard smsValidity > 0, smsAttempts > 0 else { throw ValidationError("--sms-validity and --sms-attempts must be positive") }
    }

    /// Whether the SMPP server runs.
    func serverRuns(demo: Bool) -> Bool { esmes != nil || demo }

    var deliveryPolicy: SMSDeliveryPolicy { SMSDeliveryPolicy(maxAttempts: smsAttempts, validity: .seconds(smsValidity)) }

    /// What the SMPP flags add to `serve`: the services, and a line for each to print once listening.
    struct Setup: Sendable {
        var services: [any Service] = []
        var server: SMPPServerFront?
        /// Printed once the server listens; `%PORT%` is its port.
        var lines: [String] = []
    }

    func setup(core: GatewayCore, network: SimulatedNetwork?, secrets: [String: String], demo: Bool, logger: Logger) throws -> Setup {
        var setup = Setup()
        if serverRuns(demo: demo), let network {
            let demoPassword = secrets[ESMEAccount.passwordVariable(systemID: "demo")] ?? Self.generatedPassword()
            let extra = demo ? [ESMEDirectory.demoAccount(password: demoPassword)] : []
            let directory: ESMEDirectory
            do {
                if let esmes {
                    let text: String
                    do {
                        text = try String(contentsOfFile: esmes, encoding: .utf8)
                    } catch {
                        throw CommandFailure("cannot read the ESME file \(esmes): \(error.localizedDescription)")
                    }
                    directory = try ESMEDirectory.load(yaml: text, secrets: secrets, catalog: core.catalog, extra: extra)
                } else {
                    directory = try ESMEDirectory(accounts: extra, catalog: core.catalog)
                }
            } catch let error as SMPPFrontError {
                throw CommandFailure("\(esmes ?? "--demo"): \(error.message)")
            }
            var configuration = SMPPServerFront.Configuration(
                connections: maxSMPPConnections.map(ConnectionLimits.sharing) ?? core.configuration.lineConnections)
            configuration.host = smppHost
            configuration.port = smppPort
            configuration.window = smppWindow
            configuration.throttle = smppThrottle.map { ThrottleRate(perSecond: $0, burst: max(1, Int($0.rounded(.up)))) }
            let server = SMPPServerFront(network: network, directory: directory, configuration: configuration, logger: logger)
            setup.services.append(server)
            setup.server = server
            let accounts = directory.accounts.map { account in
                let codes = (account.shortCodes + account.ussdCodes).joined(separator: ", ")
                return account.systemID == "demo" && demo
                    ? "system_id demo, password \(account.password) (\(codes))" : "\(account.systemID) (\(codes))"
            }
            setup.lines.append("SMPP server (simulated operator network) on \(smppHost):%PORT%: ESMEs \(accounts.joined(separator: "; ")).")
        }
        if !smppConnect.isEmpty {
            var links: [SMPPLinkConfiguration] = []
            for text in smppConnect {
                do {
                    var link = try SMPPLinkConfiguration.parse(text, secrets: secrets)
                    link.window = smppWindow
                    link.throttle = smppThrottle
                    links.append(link)
                } catch {
                    throw CommandFailure(error.message)
                }
            }
            do {
                setup.services.append(try SMPPClientFront(core: core, links: links, policy: deliveryPolicy, logger: logger))
            } catch {
                throw CommandFailure(error.message)
            }
            setup.lines.append(
                "SMPP binds: " + links.map { "\($0.operatorID) → \($0.host):\($0.port) as \($0.systemID)" }.joined(separator: ", ") + ".")
        }
        return setup
    }

    /// Eight characters, the most an SMPP 3.4 password holds.
    static func generatedPassword() -> String {
        let alphabet = Array("abcdefghijkmnpqrstuvwxyz23456789")
        return String((0..<8).map { _ in alphabet[Int.random(in: 0..<alphabet.count)] })
    }
}
