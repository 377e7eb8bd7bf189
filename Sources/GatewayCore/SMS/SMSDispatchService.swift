import ServiceLifecycle

/// Runs the SMS dispatcher as a service until graceful shutdown.
public struct SMSDispatchService: Service {
    let dispatcher: SMSDispatcher

    public init(dispatcher: SMSDispatcher) { self.dispatcher = dispatcher }

    public func run() async throws {
        let dispatcher = self.dispatcher
        await cancelWhenGracefulShutdown { await dispatcher.run() }
    }
}
