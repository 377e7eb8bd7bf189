import GatewayCore
import HummingbirdCore
import Logging
import NIOCore

/// An HTTP child channel behind a ``ConnectionGate``: a connection beyond the listener's or its address's cap
/// is closed when accepted, before any HTTP (or TLS) handler is set up, and never reaches the router.
public struct GatedChildChannel<Base: ServerChildChannel>: ServerChildChannel {
    public typealias Value = Base.Value

    let base: Base
    let gate: ConnectionGate

    public init(base: Base, gate: ConnectionGate) {
        self.base = base
        self.gate = gate
    }

    public func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        let address = channel.remoteAddress?.clientAddress
        guard gate.admit(address: address) == nil else {
            // A failed setup is dropped by the server's accept loop, which then never registers the channel:
            // close its socket here.
            channel.close(promise: nil)
            return channel.eventLoop.makeFailedFuture(ConnectionRefusedError())
        }
        let gate = self.gate
        channel.closeFuture.whenComplete { _ in gate.release(address: address) }
        return base.setup(channel: channel, logger: logger)
    }

    public func handle(value: Value, logger: Logger) async {
        await base.handle(value: value, logger: logger)
    }
}

/// The setup of a connection refused by its gate failed on purpose.
struct ConnectionRefusedError: Error {}
