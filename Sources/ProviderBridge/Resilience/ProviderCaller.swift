import Logging
import Metrics

/// Calls one provider with the retry policy and its circuit breaker.
///
/// Only retryable failures are retried; an answer (a credit, a refusal, "not found") ends the call.
/// The result says whether any attempt may have reached the provider, which decides whether a
/// failed credit may be refunded at once or must wait for the reconciler.
public struct ProviderCaller: Sendable {
    /// The end of a call: an answer, or the last failure and whether the provider may have acted.
    public enum Outcome<T: Sendable>: Sendable {
        case answered(T)
        case failed(ProviderError, mayHaveReached: Bool, attempts: Int)
    }

    public let provider: any Provider
    public let breaker: CircuitBreaker
    public let policy: RetryPolicy
    let logger: Logger

    public init(provider: any Provider, breaker: CircuitBreaker, policy: RetryPolicy, logger: Logger) {
        self.provider = provider
        self.breaker = breaker
        self.policy = policy
        self.logger = logger
    }

    /// Runs `attempt` until it answers, fails for good, or the deadline or attempts run out.
    public func call<T: Sendable>(
        _ operation: String, _ attempt: @Sendable (any Provider, Duration) async throws(ProviderError) -> T
    ) async -> Outcome<T> {
        let clock = ContinuousClock()
        let deadline = clock.now + policy.deadline
        var random = SystemRandomNumberGenerator()
        var reached = false
        var last = ProviderError(.timeout, "no attempt made")
        var made = 0
        for number in 1...max(1, policy.maxAttempts) {
            let remaining = deadline - clock.now
            guard remaining > .zero else { break }
            guard breaker.allow() else {
                last = ProviderError(.circuitOpen, "circuit open for \(provider.operatorID)")
                Counter(label: "sika_provider_circuit_rejections_total", dimensions: [("provider", provider.operatorID)]).increment()
                break
            }
            made = number
            do {
                let value = try await attempt(provider, min(policy.attemptTimeout, remaining))
                breaker.recordSuccess()
                return .answered(value)
            } catch {
                last = error
                reached = reached || error.mayHaveReachedProvider
                Counter(
                    label: "sika_provider_failures_total", dimensions: [("provider", provider.operatorID), ("code", error.code.rawValue)]
                ).increment()
                if error.isRetryable { breaker.recordFailure() } else { breaker.recordSuccess() }
                logger.debug(
                    "provider call failed",
                    metadata: [
                        "provider": "\(provider.operatorID)", "op": "\(operation)", "attempt": "\(number)", "error": "\(error)",
                    ])
                guard error.isRetryable, number < policy.maxAttempts else { break }
                let pause = policy.delay(after: number, random: &random)
                guard clock.now + pause < deadline else { break }
                do { try await Task.sleep(for: pause) } catch { break }
            }
        }
        return .failed(last, mayHaveReached: reached, attempts: made)
    }
}
