import Ledger
import LedgerPostgres

/// The attack of issue 12 on a private cluster: the server killed and restarted (`pg_ctl restart -m immediate`)
/// while 16 callers move money. The tests that use it differ only in how a caller moves money and in what they
/// check afterwards.
public enum RestartUnderLoad {
    /// A durable ledger with 4 writer connections on `cluster`.
    public static func ledger(on cluster: PrivateCluster) async throws -> Ledger {
        var options = Ledger.Options()
        options.durability = .full
        var store = PostgresLedgerStore.Options()
        store.writers = 4
        return try await Ledger.openPostgres(endpoint: cluster.endpoint, catalog: Shipped.catalog, options: options, store: store)
    }

    /// 16 callers, each calling `transfer(caller, n, key)` with its n-th key and logging the transfer id it answers
    /// (a `Refusal` thrown is logged as refused, any other error as strange); once 200 were acknowledged the cluster
    /// restarts, and the callers stop once 50 more were acknowledged after it: proof the store reconnected. The
    /// bound of 420 s only turns a hang into a failure (a loaded CI machine restarts and reconnects slowly).
    public static func run<Refusal: Error & Sendable>(
        on cluster: PrivateCluster, refusals _: Refusal.Type,
        transfer: @escaping @Sendable (_ caller: Int, _ n: Int, _ key: String) async throws -> Int64
    ) async throws -> AcknowledgedLog<Refusal> {
        let log = AcknowledgedLog<Refusal>()
        let deadline = ContinuousClock.now + .seconds(420)
        let load = Task {
            await withTaskGroup(of: Void.self) { group in
                for caller in 0..<16 {
                    group.addTask {
                        var n = 0
                        while !(log.restarted && log.count(afterRestart: true) >= 50) && ContinuousClock.now < deadline {
                            n += 1
                            let key = "r\(caller):\(n)"
                            do {
                                log.acknowledge(try await transfer(caller, n, key), key)
                            } catch let error as Refusal {
                                log.refuse(error)
                            } catch {
                                log.strange(error)
                            }
                        }
                    }
                }
            }
        }
        while log.count(afterRestart: false) < 200 && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
        try await BlockingWork.run { try cluster.restart() }
        log.markRestarted()
        await load.value
        return log
    }
}
