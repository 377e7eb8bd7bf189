import Foundation
import Logging
import MobileMoney

/// The provider API's behaviour for one operator, fronting that operator's wallets in the shared ledger,
/// with faults injected by a `FaultInjector`. `ProviderSimulator` serves it over HTTP; `LocalProvider`
/// calls it in-process.
public final class SimulatedProvider: Sendable {
    /// What the transport should do: answer, or drop the connection without an answer.
    public enum Reply: Sendable, Hashable {
        case answer(status: Int, body: Data)
        case drop
    }

    public let operatorID: String
    public let money: MobileMoney
    public let faults: FaultInjector
    /// Bearer API key to the operator it authenticates.
    let apiKeys: [String: String]
    let logger: Logger
    let hang: Hang

    /// What a request that meets a `timeout` fault does before it is processed: it gets the endpoint,
    /// the idempotency key and the processing to run, and returns the answer.
    public typealias Hang = @Sendable (_ endpoint: FaultInjector.Endpoint, _ key: String, _ process: @Sendable () async -> Reply) async -> Reply

    /// - Parameter hang: what a `timeout` fault does; by default it waits the plan's `hangMs` (long enough
    ///   for the caller to give up) and then processes. A test passes one that waits for its own signal,
    ///   so that "the caller gave up, then the provider committed" happens in that order on any machine.
    public init(
        operatorID: String, money: MobileMoney, apiKeys: [String: String], faults: FaultPlan = .none,
        logger: Logger = Logger(label: "sika.provider-simulator"), hang: Hang? = nil
    ) {
        self.operatorID = operatorID
        self.money = money
        self.apiKeys = apiKeys
        self.faults = FaultInjector(plan: faults)
        self.logger = logger
        let hangMs = faults.hangMs
        self.hang =
            hang ?? { _, _, process in
                try? await Task.sleep(for: .milliseconds(hangMs))
                return await process()
            }
    }

    /// The API key a simulator gives `source` by default: fine for one machine, never for production.
    public static func defaultAPIKey(source: String, provider: String) -> String { "sim-\(source)-\(provider)" }

    /// `POST /v1/transfers`.
    public func credit(authorization: String?, body: Data) async -> Reply {
        guard let caller = authenticate(authorization) else { return Self.error(401, "unauthorized", "missing or unknown API key") }
        guard let request = try? JSONDecoder().decode(ProviderTransferRequest.self, from: body), !request.idempotencyKey.isEmpty else {
            return Self.error(400, "malformed", "the body is not a transfer request")
        }
        guard request.source == caller else { return Self.error(403, "forbidden", "this API key belongs to \(caller)") }
        let decision = faults.decide(.credit, key: request.idempotencyKey, recipient: request.recipient)
        try? await Task.sleep(for: .milliseconds(decision.delayMs))
        switch decision.fault {
        case .outage, .serverError: return Self.error(503, "unavailable", "try again later")
        case .reset: return .drop
        case .hold:
            // Never processed, never answered: the caller cannot know, which is the point.
            try? await Task.sleep(for: .milliseconds(faults.plan.hangMs))
            return .drop
        case .timeout:
            return await hang(.credit, request.idempotencyKey) { await self.process(request) }
        case .lostResponse:
            _ = await process(request)
            return .drop
        case .none, .duplicate:
            if decision.duplicate {
                async let copy = process(request)
                let first = await process(request)
                _ = await copy
                return first
            }
            return await process(request)
        }
    }

    /// `GET /v1/transfers/{key}`.
    public func status(authorization: String?, key: String) async -> Reply {
        guard let caller = authenticate(authorization) else { return Self.error(401, "unauthorized", "missing or unknown API key") }
        if let early = await injectRead(.status, key: key) { return early }
        do {
            guard let credit = try await money.offNetCredit(operatorID: operatorID, key: key), credit.source == caller else {
                return Self.error(404, "not_found", "no transfer \(key)")
            }
            return Self.answer(credit.state == .refused ? 422 : 200, ProviderTransfer(credit))
        } catch {
            return Self.error(500, "internal", "\(error)")
        }
    }

    /// `POST /v1/transfers/{key}/reverse`.
    public func reverse(authorization: String?, key: String) async -> Reply {
        guard let caller = authenticate(authorization) else { return Self.error(401, "unauthorized", "missing or unknown API key") }
        let decision = faults.decide(.reverse, key: key)
        try? await Task.sleep(for: .milliseconds(decision.delayMs))
        switch decision.fault {
        case .outage, .serverError: return Self.error(503, "unavailable", "try again later")
        case .reset: return .drop
        case .lostResponse:
            _ = await reverseNow(key, caller)
            return .drop
        case .timeout:
            return await hang(.reverse, key) { await self.reverseNow(key, caller) }
        case .none, .duplicate, .hold:
            if decision.duplicate { _ = await reverseNow(key, caller) }
            return await reverseNow(key, caller)
        }
    }

    /// `GET /v1/transfers?since=`: the caller's credits since an instant.
    public func list(authorization: String?, since: Int64) async -> Reply {
        guard let caller = authenticate(authorization) else { return Self.error(401, "unauthorized", "missing or unknown API key") }
        if let early = await injectRead(.list, key: "\(since)") { return early }
        do {
            let credits = try await money.offNetCredits(operatorID: operatorID, source: caller).filter { $0.createdAt >= since }
            return Self.answer(200, ProviderTransferList(transfers: credits.map(ProviderTransfer.init)))
        } catch {
            return Self.error(500, "internal", "\(error)")
        }
    }

    // MARK: Internals

    func authenticate(_ header: String?) -> String? {
        guard let header, header.hasPrefix("Bearer ") else { return nil }
        return apiKeys[String(header.dropFirst("Bearer ".count))]
    }

    private func injectRead(_ endpoint: FaultInjector.Endpoint, key: String) async -> Reply? {
        let decision = faults.decide(endpoint, key: key)
        try? await Task.sleep(for: .milliseconds(decision.delayMs))
        switch decision.fault {
        case .outage, .serverError: return Self.error(503, "unavailable", "try again later")
        case .reset: return .drop
        default: return nil
        }
    }

    /// Credits in a task of its own: once a request is being processed, a caller that hangs up or a
    /// cancelled handler does not stop the commit, as on a real server.
    private func process(_ request: ProviderTransferRequest) async -> Reply {
        let money = self.money
        let operatorID = self.operatorID
        let task = Task {
            try await money.creditOffNet(
                operatorID: operatorID, key: request.idempotencyKey, source: request.source, sender: request.sender,
                recipient: request.recipient, amount: request.amount)
        }
        do {
            let (credit, replayed) = try await task.value
            let status = credit.state == .credited ? (replayed ? 200 : 201) : (credit.state == .refused ? 422 : 200)
            return Self.answer(status, ProviderTransfer(credit))
        } catch let error as MobileMoneyError where error.code == .idempotencyConflict {
            return Self.error(409, "idempotency_conflict", error.message)
        } catch let error as MobileMoneyError where error.code == .invalidAmount {
            return Self.error(400, "malformed", error.message)
        } catch {
            logger.error("credit failed", metadata: ["key": "\(request.idempotencyKey)", "error": "\(error)"])
            return Self.error(500, "internal", "\(error)")
        }
    }

    private func reverseNow(_ key: String, _ caller: String) async -> Reply {
        let money = self.money
        let operatorID = self.operatorID
        let task = Task { try await money.reverseOffNet(operatorID: operatorID, key: key, source: caller) }
        do {
            let credit = try await task.value
            return Self.answer(credit.state == .refused ? 422 : 200, ProviderTransfer(credit))
        } catch let error as MobileMoneyError where error.code == .insufficientFunds {
            return Self.error(409, "insufficient_funds", "the credit was spent and cannot be taken back")
        } catch let error as MobileMoneyError where error.code == .idempotencyConflict {
            return Self.error(409, "idempotency_conflict", error.message)
        } catch {
            return Self.error(500, "internal", "\(error)")
        }
    }

    static func answer<T: Encodable>(_ status: Int, _ value: T) -> Reply {
        .answer(status: status, body: (try? JSONEncoder().encode(value)) ?? Data())
    }

    static func error(_ status: Int, _ code: String, _ message: String) -> Reply {
        answer(status, ProviderErrorBody(code: code, message: message))
    }
}
