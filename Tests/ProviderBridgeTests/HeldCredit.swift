import ProviderBridge
import Synchronization
import TestSupport

/// A `SimulatedProvider.Hang` the test controls: a request that meets a `timeout` fault is held until
/// `release()`, which then waits for its processing to end. "The caller gave up, then the provider
/// committed" happens in that order however slow the machine is, and no test sleeps to get there.
final class HeldCredit: Sendable {
    /// Fired when a request reaches the hang (the provider has it, nothing is processed yet).
    let arrived = Signal()
    private let released = Signal()
    private let processed = Signal()
    private let reply = Mutex<SimulatedProvider.Reply?>(nil)

    var hang: SimulatedProvider.Hang {
        { _, _, process in
            self.arrived.fire()
            await self.released.wait()
            let answer = await process()
            self.reply.withLock { $0 = answer }
            self.processed.fire()
            return answer
        }
    }

    /// Lets the held request go on and returns its answer once it has been processed (committed or refused).
    func release() async -> SimulatedProvider.Reply? {
        released.fire()
        await processed.wait()
        return reply.withLock { $0 }
    }
}
