import GatewayCore
import Ledger
import Logging
import ServiceLifecycle

/// The mobile-money service as an ESME of the operators' SMSCs (`sika serve --smpp-connect OPERATOR=HOST:PORT`, one
/// bind each), with the sweep of the delivery receipts: retries whose time came go back to the outbox, messages that
/// never got a receipt within their validity expire. On graceful shutdown every bind unbinds.
public final class SMPPClientFront: Service, Sendable {
    private let core: GatewayCore
    private let links: [SMPPOperatorLink]
    private let policy: SMSDeliveryPolicy
    private let sweepInterval: Duration
    private let logger: Logger

    /// - Throws: `SMPPFrontError.invalidConfiguration` for a bind whose operator the catalog lacks.
    public init(
        core: GatewayCore, links: [SMPPLinkConfiguration], policy: SMSDeliveryPolicy = SMSDeliveryPolicy(), sweepInterval: Duration = .seconds(5),
        logger: Logger
    ) throws(SMPPFrontError) {
        self.core = core
        self.policy = policy
        self.sweepInterval = sweepInterval
        self.logger = logger
        var made: [SMPPOperatorLink] = []
        for link in links {
            guard let op = core.catalog.operator(link.operatorID) else {
                throw SMPPFrontError(.invalidConfiguration, "--smpp-connect: \(link.operatorID) is not an operator of the catalog")
            }
            made.append(SMPPOperatorLink(configuration: link, core: core, operator: op, policy: policy, logger: logger))
        }
        self.links = made
    }

    /// How many binds are up now.
    public var boundLinks: Int { links.filter(\.isBound).count }

    /// Waits until every bind is up (or `timeout` passed, then throws).
    public func waitUntilBound(timeout: Duration = .seconds(10)) async throws {
        let deadline = ContinuousClock.now + timeout
        while boundLinks < links.count {
            guard ContinuousClock.now < deadline else { throw GatewayError(.unavailable, "the SMPP binds did not come up") }
            try await Task.sleep(for: .milliseconds(5))
        }
    }

    /// Live USSD dialogues over every bind.
    public func dialogueCount() async -> Int {
        var total = 0
        for link in links { total += await link.dialogueCount() }
        return total
    }

    public func run() async throws {
        let links = self.links
        await withGracefulShutdownHandler {
            await withDiscardingTaskGroup { group in
                for link in links { group.addTask { await link.run() } }
                group.addTask { await self.sweep() }
            }
        } onGracefulShutdown: {
            Task { for link in links { await link.stop() } }
        }
    }

    /// Until the links stop: requeues due retries and expires what never got a receipt.
    private func sweep() async {
        let ledger = core.sessions.money.ledger
        while links.contains(where: { !$0.isStopped }) {
            do {
                let sweep = try await ledger.sweepDeliveries(policy: policy)
                if sweep.requeued > 0 { core.dispatcher.nudge() }
                if sweep.expired > 0 { logger.notice("SMS expired without a delivery receipt", metadata: ["count": "\(sweep.expired)"]) }
            } catch {
                logger.error("cannot sweep SMS deliveries", metadata: ["error": "\(error)"])
            }
            let deadline = ContinuousClock.now + sweepInterval
            while ContinuousClock.now < deadline, links.contains(where: { !$0.isStopped }) {
                try? await Task.sleep(for: .milliseconds(100))
            }
        }
    }
}
