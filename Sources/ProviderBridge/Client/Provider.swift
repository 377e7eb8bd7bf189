/// One operator's wallet API as the bridge sees it (see `docs/PROVIDER_API.md`).
///
/// `HTTPProvider` speaks it over HTTP; `LocalProvider` calls a `SimulatedProvider` in this process.
/// Every method is one attempt: retries, deadlines and the circuit breaker belong to `ProviderCaller`.
public protocol Provider: Sendable {
    /// The operator whose wallets this provider holds.
    var operatorID: String { get }
    /// The operator we call it as (its API key is that operator's): the source of every credit asked.
    var source: String { get }

    /// Asks for a credit. A refusal is a `ProviderTransfer` in state `refused`; a thrown error means the
    /// outcome is not known (see `ProviderError.mayHaveReachedProvider`).
    func credit(_ request: ProviderTransferRequest, timeout: Duration) async throws(ProviderError) -> ProviderTransfer

    /// The provider's record for a key, or nil if it never heard of it.
    func status(key: String, timeout: Duration) async throws(ProviderError) -> ProviderTransfer?

    /// Reverses (or fences, if it never credited) the credit under a key; returns the final state.
    func reverse(key: String, timeout: Duration) async throws(ProviderError) -> ProviderTransfer

    /// The credits asked by this caller since an instant (ms since 1970), to find credits we have no record of.
    func credits(since: Int64, timeout: Duration) async throws(ProviderError) -> [ProviderTransfer]
}
