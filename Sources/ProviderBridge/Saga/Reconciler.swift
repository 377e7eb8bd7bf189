import Ledger
import Logging
import Metrics
import MobileMoney
import ServiceLifecycle

/// Settles off-net transfers whose outcome the saga could not learn: asks each one's provider and posts
/// or voids it. Runs periodically inside `sika serve` (`run()`, a `Service`) and on demand (`sika reconcile`).
///
/// "Not found" is never taken for "refused": a request still in flight could credit afterwards. The
/// reconciler first reverses the key, which fences it at the provider (a late copy is then refused) or
/// undoes a credit that just landed, and voids only on that final answer.
public struct Reconciler: Sendable {
    public struct Options: Sendable {
        /// Only transfers pending at least this long are asked about (longer than the saga's own deadline).
        public var threshold: Duration = .seconds(30)
        /// A transfer still pending after this long is raised.
        public var maxAge: Duration = .seconds(3600)
        /// Time between passes in `run()`.
        public var interval: Duration = .seconds(15)
        /// Transfers read per page.
        public var batch = 500
        /// Provider questions in flight at once.
        public var concurrency = 16
        /// How far back to list the providers' credits when looking for ones we have no record of (ms); 0 skips it.
        public var auditWindow: Int64 = 24 * 3_600_000
        /// Held for each pass when several nodes share one database (a PostgreSQL advisory lock): one reconciler
        /// acts at a time, a pass that finds it held does nothing. Nil: this process is the only one.
        public var exclusive: (any ExclusiveLock)?

        public init() {}
    }

    public let bridge: OffNetBridge
    public let options: Options
    let logger: Logger

    public init(bridge: OffNetBridge, options: Options = Options(), logger: Logger = Logger(label: "sika.reconciler")) {
        self.bridge = bridge
        self.options = options
        self.logger = logger
    }

    /// Periodic passes until the task is cancelled or the service group shuts down gracefully.
    ///
    /// Stopping mid-pass is safe: each settlement is one transaction, and what is left is picked up
    /// by the next run.
    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                let report = await reconcile()
                if report.examined > 0 || !report.unknownCredits.isEmpty {
                    logger.info("reconciliation pass", metadata: ["report": "\(report)"])
                }
                do { try await Task.sleep(for: options.interval) } catch { return }
            }
        }
    }

    /// One pass over every pending off-net transfer older than the threshold, then the audit of the
    /// providers' credits; with ``Options/exclusive``, only while holding that lock (else a report that says
    /// `skipped`, nothing done).
    public func reconcile(now: Int64? = nil) async -> ReconcileReport {
        guard let exclusive = options.exclusive else { return await pass(now: now) }
        do {
            if let report = try await exclusive.whileHolding("reconciler", { await self.pass(now: now) }) { return report }
            var skipped = ReconcileReport()
            skipped.skipped = true
            return skipped
        } catch {
            logger.error("cannot take the reconciler's lock; this pass does nothing", metadata: ["error": "\(error)"])
            var report = ReconcileReport()
            report.unreachable["database"] = "the reconciler's lock: \(error)"
            return report
        }
    }

    private func pass(now: Int64?) async -> ReconcileReport {
        let money = bridge.money
        let instant = now ?? money.ledger.context.clock()
        let cutoff = instant - Self.millis(options.threshold)
        var report = ReconcileReport()
        var after: Int64 = 0
        while true {
            let page: [OffNetTransfer]
            do {
                page = try await money.pendingOffNet(createdBefore: cutoff, after: after, limit: options.batch)
            } catch {
                logger.error("cannot read pending off-net transfers", metadata: ["error": "\(error)"])
                break
            }
            guard let last = page.last else { break }
            after = last.transferID
            let results = await withTaskGroup(of: ReconcileReport.self) { group in
                var merged = ReconcileReport()
                var iterator = page.makeIterator()
                for _ in 0..<max(1, options.concurrency) {
                    guard let next = iterator.next() else { break }
                    group.addTask { await self.reconcile(next, now: instant) }
                }
                for await one in group {
                    merged.merge(one)
                    if let next = iterator.next() { group.addTask { await self.reconcile(next, now: instant) } }
                }
                return merged
            }
            report.merge(results)
        }
        if options.auditWindow > 0 {
            let audit = await unknownCredits(since: instant - options.auditWindow)
            report.unknownCredits = audit.unknown
            report.unreachable.merge(audit.unreachable) { first, _ in first }
        }
        Gauge(label: "sika_offnet_overdue").record(report.overdue.count)
        for credit in report.unknownCredits {
            Counter(label: "sika_offnet_unknown_credits_total", dimensions: [("provider", credit.provider)]).increment()
            logger.critical(
                "provider reports a credit with no matching transfer here",
                metadata: ["provider": "\(credit.provider)", "key": "\(credit.idempotencyKey)", "amount": "\(credit.amount)"])
        }
        return report
    }

    /// Asks the provider about one pending transfer and settles it if the answer is final.
    func reconcile(_ transfer: OffNetTransfer, now: Int64) async -> ReconcileReport {
        var report = ReconcileReport()
        report.examined = 1
        guard let caller = bridge.caller(from: transfer.home, to: transfer.destination) else {
            report.stillPending = 1
            report.conflicts.append("\(transfer.providerKey): no provider for \(transfer.destination)")
            return report
        }
        let key = transfer.providerKey
        var answer: ProviderTransfer?
        switch await caller.call(
            "status",
            { (provider: any Provider, timeout: Duration) async throws(ProviderError) in try await provider.status(key: key, timeout: timeout) })
        {
        case .answered(let found?):
            answer = found
        case .answered(nil):
            // Never heard of: fence the key (or undo a credit that raced in) before giving the money back.
            if case .answered(let final) = await caller.call(
                "reverse",
                { (provider: any Provider, timeout: Duration) async throws(ProviderError) in
                    try await provider.reverse(key: key, timeout: timeout)
                })
            {
                answer = final
            } else if case .answered(let found?) = await caller.call(
                "status",
                { (provider: any Provider, timeout: Duration) async throws(ProviderError) in
                    // The reverse may have been refused because the credit landed and was spent: then it stands.
                    try await provider.status(key: key, timeout: timeout)
                }), found.state == .credited
            {
                answer = found
            }
        case .failed(let error, _, _):
            report.unreachable[transfer.destination] = error.description
        }
        guard let answer else {
            report.stillPending = 1
            if now - transfer.createdAt > Self.millis(options.maxAge) {
                report.overdue.append(key)
                logger.error("off-net transfer pending past its maximum age", metadata: ["ref": "\(key)", "to": "\(transfer.destination)"])
            }
            return report
        }
        let outcome = await bridge.settle(transfer, answer: answer)
        switch outcome.status {
        case .completed: report.posted = 1
        case .refunded: report.voided = 1
        case .pending:
            report.stillPending = 1
            report.conflicts.append("\(key): provider says \(answer.state.rawValue)")
        }
        return report
    }

    /// Credits the providers made for us that match no transfer here, or one we refunded; and the
    /// providers that could not be asked.
    func unknownCredits(since: Int64) async -> (unknown: [ProviderTransfer], unreachable: [String: String]) {
        var unknown: [ProviderTransfer] = []
        var unreachable: [String: String] = [:]
        let money = bridge.money
        for caller in bridge.allCallers {
            let listed = await caller.call(
                "list",
                { (provider: any Provider, timeout: Duration) async throws(ProviderError) in
                    try await provider.credits(since: since, timeout: timeout)
                })
            let credits: [ProviderTransfer]
            switch listed {
            case .answered(let answer): credits = answer
            case .failed(let error, _, _):
                unreachable[caller.provider.operatorID] = error.description
                continue
            }
            for credit in credits where credit.state == .credited {
                let ours = try? await money.offNetTransfer(providerKey: credit.idempotencyKey)
                if ours == nil || ours?.state == .voided || ours?.amount != credit.amount { unknown.append(credit) }
            }
        }
        return (unknown, unreachable)
    }

    static func millis(_ duration: Duration) -> Int64 {
        duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
    }
}

extension Reconciler: Service {}
