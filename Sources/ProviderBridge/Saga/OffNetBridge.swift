import Foundation
import Ledger
import Logging
import Metrics
import MobileMoney

/// Off-net transfers as a saga on the ledger, one provider per destination operator:
///
/// 1. `MobileMoney.beginOffNet`: PIN, then a pending debit (amount and off-net fee) into the home suspense account;
/// 2. the credit call to the recipient's provider, with the transfer's key, retries and the provider's breaker;
/// 3. credited: `completeOffNet` (post; suspense to settlement); refused: `refundOffNet` (void, SMS why);
///    unknown: the debit stays pending, the sender gets an "en cours" SMS and the `Reconciler` finishes it.
///
/// No step holds a database transaction across the network call, and every step can be repeated, so a
/// crash anywhere leaves a pending debit that reconciliation settles exactly once.
public final class OffNetBridge: OffNetTransfers {
    public struct Options: Sendable {
        public var retry = RetryPolicy()
        public var breaker = CircuitBreaker.Options()

        public init() {}
    }

    public let money: MobileMoney
    public let options: Options
    /// One caller per route (source operator, destination operator); breakers are per destination.
    let callers: [String: ProviderCaller]
    let logger: Logger

    /// - Parameter providers: one per route: each knows the operator it credits (`operatorID`) and the one it acts for (`source`).
    public init(money: MobileMoney, providers: [any Provider], options: Options = Options(), logger: Logger = Logger(label: "sika.bridge")) {
        self.money = money
        self.options = options
        self.logger = logger
        var breakers: [String: CircuitBreaker] = [:]
        var callers: [String: ProviderCaller] = [:]
        for provider in providers {
            let breaker = breakers[provider.operatorID] ?? CircuitBreaker(options: options.breaker)
            breakers[provider.operatorID] = breaker
            callers[Self.route(provider.source, provider.operatorID)] = ProviderCaller(
                provider: provider, breaker: breaker, policy: options.retry, logger: logger)
        }
        self.callers = callers
    }

    /// The caller (provider, breaker, policy) for transfers from `source` to `destination`.
    public func caller(from source: String, to destination: String) -> ProviderCaller? { callers[Self.route(source, destination)] }

    /// Every route's caller.
    public var allCallers: [ProviderCaller] { callers.keys.sorted().compactMap { callers[$0] } }

    static func route(_ source: String, _ destination: String) -> String { source + ">" + destination }

    public func quote(sender: String, recipient: String, amount: Int64) async throws -> RecipientQuote {
        try money.quoteOffNet(sender: sender, recipient: recipient, amount: amount)
    }

    /// The whole saga for one request, with its outcome told to the ledger's transfer observers (kind
    /// `off_net`: `ok`, `pending`, `refunded`, `replayed`, or the refusal's code), whatever the front.
    public func send(from sender: String, to recipient: String, amount: Int64, pin: String, idempotencyKey: String) async throws
        -> OffNetOutcome
    {
        let transfer: OffNetTransfer
        do {
            transfer = try await money.beginOffNet(from: sender, to: recipient, amount: amount, pin: pin, idempotencyKey: idempotencyKey)
        } catch {
            money.transferFinished(kind: .offNet, outcome: MobileMoney.outcome(of: error))
            throw error
        }
        let outcome: OffNetOutcome
        switch transfer.state {
        case .posted: outcome = OffNetOutcome(status: .completed, transfer: transfer)
        case .voided: outcome = OffNetOutcome(status: .refunded, transfer: transfer)
        case .pending: outcome = await deliver(transfer)
        }
        let name: String =
            switch outcome.status {
            case _ where transfer.replayed: "replayed"
            case .completed: "ok"
            case .pending: "pending"
            case .refunded: "refunded"
            }
        money.transferFinished(kind: .offNet, outcome: name)
        return outcome
    }

    /// Steps 2 and 3 for a pending debit: asks for the credit and settles what the answer allows.
    public func deliver(_ transfer: OffNetTransfer) async -> OffNetOutcome {
        guard let caller = caller(from: transfer.home, to: transfer.destination) else {
            // No route was ever configured: nothing can have been sent, so the money goes back now.
            return await refund(transfer, reason: ProviderError.Code.noProvider.rawValue)
        }
        let request = ProviderTransferRequest(
            idempotencyKey: transfer.providerKey, source: transfer.home, sender: transfer.sender, recipient: transfer.recipient,
            amount: transfer.amount, currency: money.catalog.currency)
        let outcome = await caller.call("credit") { (provider: any Provider, timeout: Duration) async throws(ProviderError) in
            try await provider.credit(request, timeout: timeout)
        }
        switch outcome {
        case .answered(let answer):
            return await settle(transfer, answer: answer)
        case .failed(let error, let mayHaveReached, let attempts):
            Counter(label: "sika_offnet_unknown_outcomes_total", dimensions: [("provider", transfer.destination)]).increment()
            if !mayHaveReached {
                logger.notice(
                    "off-net credit never reached the provider; refunding",
                    metadata: ["ref": "\(transfer.providerKey)", "error": "\(error)", "attempts": "\(attempts)"])
                return await refund(transfer, reason: "unavailable")
            }
            logger.warning(
                "off-net credit outcome unknown; left pending",
                metadata: ["ref": "\(transfer.providerKey)", "error": "\(error)", "attempts": "\(attempts)"])
            do {
                try await money.notifyOffNetPending(transfer.transferID)
            } catch {
                logger.error("could not queue the en-cours SMS", metadata: ["ref": "\(transfer.providerKey)", "error": "\(error)"])
            }
            return OffNetOutcome(status: .pending, transfer: transfer)
        }
    }

    /// Step 3 from a provider's final answer. Shared with the reconciler.
    func settle(_ transfer: OffNetTransfer, answer: ProviderTransfer) async -> OffNetOutcome {
        guard answer.idempotencyKey == transfer.providerKey, answer.state != .credited || answer.amount == transfer.amount else {
            logger.critical(
                "provider answered for another transfer", metadata: ["ref": "\(transfer.providerKey)", "answer": "\(answer.idempotencyKey)"])
            return OffNetOutcome(status: .pending, transfer: transfer)
        }
        switch answer.state {
        case .credited:
            do {
                let posted = try await money.completeOffNet(transfer.transferID, recipientName: answer.recipientName)
                Counter(label: "sika_offnet_completed_total", dimensions: [("provider", transfer.destination)]).increment()
                return OffNetOutcome(status: .completed, transfer: posted)
            } catch {
                return stuck(transfer, error)
            }
        case .refused, .reversed:
            return await refund(transfer, reason: answer.code ?? answer.state.rawValue)
        }
    }

    private func refund(_ transfer: OffNetTransfer, reason: String) async -> OffNetOutcome {
        do {
            let voided = try await money.refundOffNet(transfer.transferID, reason: reason)
            Counter(label: "sika_offnet_refunded_total", dimensions: [("provider", transfer.destination)]).increment()
            logger.info("off-net transfer refunded", metadata: ["ref": "\(transfer.providerKey)", "reason": "\(reason)"])
            return OffNetOutcome(status: .refunded, transfer: voided, reason: reason)
        } catch {
            return stuck(transfer, error)
        }
    }

    /// The ledger refused to finish the transfer (a contradiction, or storage trouble): it stays pending and
    /// a person must look; the reconciler will keep reporting it.
    private func stuck(_ transfer: OffNetTransfer, _ error: any Error) -> OffNetOutcome {
        Counter(label: "sika_offnet_conflicts_total", dimensions: [("provider", transfer.destination)]).increment()
        logger.critical("off-net transfer cannot be finished", metadata: ["ref": "\(transfer.providerKey)", "error": "\(error)"])
        return OffNetOutcome(status: .pending, transfer: transfer)
    }
}
